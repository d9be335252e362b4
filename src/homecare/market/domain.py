"""Market rules: CQC ratings, lots and the order in which providers are offered work."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OrganisationKind(StrEnum):
    COUNCIL = "council"
    NHS_TRUST = "nhs_trust"
    PROVIDER = "provider"


class Creator(StrEnum):
    """Who is asking to create an organisation: the platform, or a kind of organisation."""

    PLATFORM = "platform"
    COUNCIL = "council"
    NHS_TRUST = "nhs_trust"
    PROVIDER = "provider"


CREATABLE: dict[Creator, frozenset[OrganisationKind]] = {
    Creator.PLATFORM: frozenset(OrganisationKind),
    Creator.COUNCIL: frozenset({OrganisationKind.PROVIDER}),
    Creator.NHS_TRUST: frozenset(),
    Creator.PROVIDER: frozenset(),
}
"""Councils and NHS trusts are set up by the platform alone, so no council can stand up
another council (or a trust) and act for it; a council registers the providers it buys from."""


def may_create_organisation(creator: Creator, kind: OrganisationKind) -> bool:
    return kind in CREATABLE[creator]


class CqcRating(StrEnum):
    """CQC's four ratings, plus 'not_rated' for a location not yet inspected."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    NOT_RATED = "not_rated"


RATING_SCORE: dict[CqcRating, int] = {
    CqcRating.OUTSTANDING: 4,
    CqcRating.GOOD: 3,
    CqcRating.REQUIRES_IMPROVEMENT: 2,
    CqcRating.INADEQUATE: 1,
    CqcRating.NOT_RATED: 0,
}

KEY_QUESTIONS = ("safe", "effective", "caring", "responsive", "well_led")

DEFAULT_RATING_THRESHOLD = CqcRating.REQUIRES_IMPROVEMENT
"""A council that sets no threshold buys from no provider rated below Requires improvement."""


def rating_below(rating: CqcRating, threshold: CqcRating) -> bool:
    """Whether a rating falls below a council's threshold. Not rated is not below: a newly
    registered service waits for its first inspection, and the contract conditions ask
    only for its registration."""
    return rating is not CqcRating.NOT_RATED and RATING_SCORE[rating] < RATING_SCORE[threshold]


class ContractRole(StrEnum):
    PRIMARY = "primary"
    FRAMEWORK = "framework"
    SPOT = "spot"
    """A one-off purchase from a provider the council holds no contract with, made because
    the person chose it: it covers one referral and is never offered anyone else's."""


@dataclass(frozen=True)
class Ratings:
    overall: CqcRating
    safe: CqcRating
    effective: CqcRating
    caring: CqcRating
    responsive: CqcRating
    well_led: CqcRating

    def quality_key(self) -> tuple[int, int]:
        """Overall rating first, then the sum over the five key questions breaks ties."""
        detail = sum(RATING_SCORE[getattr(self, q)] for q in KEY_QUESTIONS)
        return RATING_SCORE[self.overall], detail


@dataclass(frozen=True)
class Candidate:
    """A provider that could take a referral under one of its contracts."""

    provider_id: int
    contract_id: int
    role: ContractRole
    ratings: Ratings
    spare_weekly_minutes: int
    hourly_rate_pence: int


def cascade_order(candidates: list[Candidate], preferred: int | None = None) -> list[Candidate]:
    """The documented offer order (ADR 0004).

    A provider the person chose (`preferred`, a provider id) is asked first, ahead of the
    primary, when it is among the candidates; everyone else follows in the usual order.

    The zone's primary provider comes first. The framework follows, ranked by the
    council's policy: better quality rating first (overall, then the key questions),
    then more spare weekly capacity, then the lower hourly rate; the provider id breaks
    any remaining tie so the order is always the same for the same facts. A provider
    holding several eligible contracts appears once, under its best one.
    """

    def sort_key(c: Candidate) -> tuple[int, int, int, int, int, int]:
        overall, detail = c.ratings.quality_key()
        primary_first = 0 if c.role is ContractRole.PRIMARY else 1
        return (
            primary_first,
            -overall,
            -detail,
            -c.spare_weekly_minutes,
            c.hourly_rate_pence,
            c.provider_id,
        )

    ordered: list[Candidate] = []
    seen: set[int] = set()
    for candidate in sorted(candidates, key=sort_key):
        if candidate.provider_id not in seen:
            seen.add(candidate.provider_id)
            ordered.append(candidate)
    chosen = [c for c in ordered if c.provider_id == preferred]
    return chosen + [c for c in ordered if c.provider_id != preferred]
