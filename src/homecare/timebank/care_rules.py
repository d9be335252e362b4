"""Turning banked hours into care (001 Appendix A a; 004 pilot 1), apart from the store.

The person asks for an extra visit or a longer planned one; nothing leaves the bank until
the provider accepts, because care the provider cannot staff is no care at all. What is
drawn is the person's time (a two-handed half hour draws 30 minutes, as banking does).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from homecare.errors import InvalidInput
from homecare.pattern import TimeBand
from homecare.text import long_date
from homecare.units import hours_text


class CareKind(StrEnum):
    EXTRA_VISIT = "extra_visit"
    LONGER_VISIT = "longer_visit"


class AskStatus(StrEnum):
    ASKED = "asked"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    """The person or family took the ask back before the provider answered it."""


CARE_BANDS = (TimeBand.MORNING, TimeBand.LUNCH, TimeBand.TEA, TimeBand.BED)
"""The bands an extra visit may be booked in: the day's care calls."""
SHORTEST_VISIT = 15
LONGEST_VISIT = 240
SMALLEST_ADDITION = 5

BAND_WORDS = {"morning": "morning", "lunch": "lunch time", "tea": "tea time", "bed": "bed time"}


def day_words(day: date) -> str:
    """'Friday 9 October 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def check_extra_visit(minutes: int, day: date, band: str, today: date) -> None:
    """An extra visit is a care call of 15 minutes to 4 hours, in a day band, not in the past."""
    if band not in {b.value for b in CARE_BANDS}:
        raise InvalidInput("choose morning, lunch, tea or bed time for the visit", field="band")
    if not SHORTEST_VISIT <= minutes <= LONGEST_VISIT:
        raise InvalidInput(
            f"an extra visit lasts from {hours_text(SHORTEST_VISIT)} to "
            f"{hours_text(LONGEST_VISIT)}",
            field="minutes",
        )
    if day < today:
        raise InvalidInput("the day of the extra visit has passed", field="day")


def check_longer_visit(minutes: int, planned: int) -> None:
    """A visit may grow by 5 minutes or more, to no more than 4 hours in all."""
    if minutes < SMALLEST_ADDITION:
        raise InvalidInput(
            f"make the visit at least {hours_text(SMALLEST_ADDITION)} longer", field="minutes"
        )
    if planned + minutes > LONGEST_VISIT:
        room = max(LONGEST_VISIT - planned, 0)
        raise InvalidInput(
            f"a visit lasts at most {hours_text(LONGEST_VISIT)}: this one is planned for "
            f"{hours_text(planned)}, so it can be at most {hours_text(room)} longer",
            field="minutes",
        )


def shortfall(minutes: int, drawable: int) -> str | None:
    """Why the bank cannot give `minutes` now (in hours and minutes), or None if it can."""
    if minutes <= drawable:
        return None
    can = hours_text(drawable) if drawable > 0 else "no hours"
    return (
        f"not enough banked hours: {hours_text(minutes)} is asked for and the bank can give "
        f"{can} now"
    )


def ledger_note(kind: CareKind | str, day: date, band: str, minutes: int) -> str:
    """What the ledger line says the drawn hours became."""
    when = f"{day_words(day)}, {BAND_WORDS.get(band, band)}"
    if CareKind(kind) is CareKind.EXTRA_VISIT:
        return f"Extra visit on {when}: {hours_text(minutes)}"
    return f"Visit on {when} made {hours_text(minutes)} longer"


def already_closed(status: str, provider: str, on: date | None) -> str:
    """Why an ask that no longer waits cannot be withdrawn, and what to do instead."""
    when = f" on {long_date(on)}" if on is not None else ""
    if status == AskStatus.ACCEPTED.value:
        return (
            f"this request was already accepted by {provider}{when}: ask them to change or "
            "cancel the visit"
        )
    if status == AskStatus.DECLINED.value:
        return (
            f"this request was already declined by {provider}{when}: there is nothing to withdraw"
        )
    return f"this request was already withdrawn{when}"
