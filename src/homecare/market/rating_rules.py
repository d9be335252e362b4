"""How CQC words its ratings, and when a change of rating is news to a council. Pure."""

from __future__ import annotations

from datetime import date

from homecare.market.domain import (
    DEFAULT_RATING_THRESHOLD,
    KEY_QUESTIONS,
    RATING_SCORE,
    CqcRating,
    rating_below,
)
from homecare.text import long_date, possessive

QUESTIONS = ("overall", *KEY_QUESTIONS)
"""The overall rating and the five key questions, in the order CQC lists them."""

RATING_WORDS: dict[str, CqcRating] = {
    "outstanding": CqcRating.OUTSTANDING,
    "good": CqcRating.GOOD,
    "requires improvement": CqcRating.REQUIRES_IMPROVEMENT,
    "inadequate": CqcRating.INADEQUATE,
    "not rated": CqcRating.NOT_RATED,
    "no rating": CqcRating.NOT_RATED,
    "no published rating": CqcRating.NOT_RATED,
    "insufficient evidence to rate": CqcRating.NOT_RATED,
}
"""CQC's words, as its files and API write them (any case), for our ratings."""

QUESTION_WORDS: dict[str, str] = {
    "overall": "overall",
    "safe": "safe",
    "effective": "effective",
    "caring": "caring",
    "responsive": "responsive",
    "well-led": "well_led",
    "well led": "well_led",
}
"""CQC's names of the key questions (the "Domain" column; `name` in the API)."""


def rating_of_word(word: str) -> CqcRating | None:
    """A rating from CQC's word for it, or None when the word is not one of them."""
    return RATING_WORDS.get(" ".join(word.split()).lower())


def question_of_word(word: str) -> str | None:
    return QUESTION_WORDS.get(" ".join(word.split()).lower())


def rating_words(rating: CqcRating | str | None) -> str:
    """'Requires improvement', as CQC writes it; 'Not rated' for none."""
    if rating is None:
        return "Not rated"
    return CqcRating(rating).value.replace("_", " ").capitalize()


def question_words(question: str) -> str:
    return "Well-led" if question == "well_led" else question.capitalize()


def threshold_of(value: str | None) -> CqcRating:
    """A council's threshold as stored; none set means the default."""
    return CqcRating(value) if value else DEFAULT_RATING_THRESHOLD


def below_threshold(rating: str | None, threshold: str | None) -> bool:
    """Whether a stored overall rating is below a council's stored threshold."""
    return rating is not None and rating_below(CqcRating(rating), threshold_of(threshold))


def alert_due(was: CqcRating | None, now: CqcRating, threshold: CqcRating) -> bool:
    """A downgrade that leaves the overall rating below the threshold is news; so is a
    first rating below it (none known, or not rated before). An upgrade, or a rating that
    stays where it was, is not, even below the threshold: the council already knows."""
    if not rating_below(now, threshold):
        return False
    if was is None or was is CqcRating.NOT_RATED:
        return True
    return RATING_SCORE[now] < RATING_SCORE[was]


def alert_message(
    provider: str,
    was: CqcRating | None,
    now: CqcRating,
    threshold: CqcRating,
    published_on: date | None,
) -> str:
    """The alert in plain words, e.g. "Aire Homecare's CQC rating fell from Good to
    Inadequate, below your threshold of Requires improvement (published 2 December 2026)"."""
    if was is None or was is CqcRating.NOT_RATED:
        change = f"{provider} is now rated {rating_words(now)} by CQC"
    else:
        fell = f"fell from {rating_words(was)} to {rating_words(now)}"
        change = f"{possessive(provider)} CQC rating {fell}"
    published = f" (published {long_date(published_on)})" if published_on else ""
    return f"{change}, below your threshold of {rating_words(threshold)}{published}"
