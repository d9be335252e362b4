"""Provider-led changes in pure Python: limits, scaling, reversal, consent and impact.

The provider knows the person best, so within the contract's flex parameters its change
takes effect at once and runs on trial for four weeks before it goes to the social worker;
a bigger change waits for the social worker. Either way the person agrees, or whoever may
consent for them when they lack capacity (000 §11, §29). Every change keeps the pattern it
replaced, so a reversal restores the care exactly, and its net weekly cost is tracked
because adjusting packages is how the pilot means to stay within budget (000 §27, §29).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction

from homecare.errors import Conflict, InvalidInput
from homecare.pattern import MAX_WEEKLY_MINUTES
from homecare.units import hours_text

MIN_VISIT_MINUTES = 15
"""No scaled visit is shorter than this; a care call the person did not ask to be shorter
stops at 30 (000 §27), see `Slot.least`."""
STEP_MINUTES = 5
"""Scaled visits are whole multiples of five minutes."""


class ChangeStatus(StrEnum):
    IN_TRIAL = "in_trial"
    SUBMITTED = "submitted"
    AWAITING_SOCIAL_WORKER = "awaiting_social_worker"
    APPROVED = "approved"
    AMENDED = "amended"
    REVERSED = "reversed"


OPEN_STATUSES = (
    ChangeStatus.IN_TRIAL,
    ChangeStatus.SUBMITTED,
    ChangeStatus.AWAITING_SOCIAL_WORKER,
)
"""A package has at most one change in one of these at a time."""
DECIDABLE_STATUSES = (ChangeStatus.SUBMITTED, ChangeStatus.AWAITING_SOCIAL_WORKER)
"""The social worker's approval queue."""
DECIDED_STATUSES = (ChangeStatus.APPROVED, ChangeStatus.AMENDED, ChangeStatus.REVERSED)
APPLIED_WHILE_OPEN = (ChangeStatus.IN_TRIAL, ChangeStatus.SUBMITTED)
"""Open changes already carried by the package (they were within parameters)."""


class Decision(StrEnum):
    APPROVE = "approve"
    AMEND = "amend"
    REVERSE = "reverse"


DECIDED_STATUS = {
    Decision.APPROVE: ChangeStatus.APPROVED,
    Decision.AMEND: ChangeStatus.AMENDED,
    Decision.REVERSE: ChangeStatus.REVERSED,
}
DECISION_GROUP = {
    ChangeStatus.APPROVED: "approve",
    ChangeStatus.AMENDED: "amend",
    ChangeStatus.REVERSED: "reverse",
}
"""How the impact report groups decided changes; anything else is pending."""
IMPACT_GROUPS = ("approve", "amend", "reverse", "pending")


class ConsentMethod(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    WRITTEN = "written"
    ONLINE = "online"
    """Given on the person's own page, answering the provider's consent request."""


class Answer(StrEnum):
    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class Slot:
    """One visit of a package's weekly pattern: its minutes and how many carers attend."""

    id: int
    minutes: int
    carers: int
    least: int = MIN_VISIT_MINUTES
    """The fewest minutes scaling may leave it (a multiple of five): 30 for a care call the
    person did not ask to be shorter."""


def weekly_minutes(slots: Iterable[Slot]) -> int:
    """Carer-minutes a week, the unit packages are commissioned and paid in."""
    return sum(s.minutes * s.carers for s in slots)


def least_weekly_minutes(slots: Iterable[Slot]) -> int:
    """The fewest carer-minutes the pattern can shrink to with every visit at its floor."""
    return sum(s.least * s.carers for s in slots)


def within_parameters(
    from_minutes: int, to_minutes: int, *, up_percent: int, down_percent: int
) -> bool:
    """Whether the contract lets the provider make this change on its own authority.

    Integer arithmetic so a change of exactly the limit is inside it, with no float error.
    """
    scaled = to_minutes * 100
    return from_minutes * (100 - down_percent) <= scaled <= from_minutes * (100 + up_percent)


def _floor_to_step(value: Fraction) -> int:
    return int(value // STEP_MINUTES) * STEP_MINUTES


def scale_pattern(slots: Sequence[Slot], target_weekly: int) -> dict[int, int]:
    """Each visit's new minutes, in proportion, so the pattern sums as near the target as it can.

    A visit whose share falls below its floor (`Slot.least`) is held at the floor and the
    rest of the target is shared among the others, again in proportion, until every share
    is at least its floor. Every other visit moves to one of the two multiples of five
    around its exact share; the visits with the largest leftover shares take the upper one
    until the target is reached (largest-remainder rounding), ties going to the earlier
    visit. Rounding each visit on its own would miss the target by up to 2.5 minutes a visit.
    """
    if target_weekly <= 0:
        raise ValueError("the target must be positive")
    current = weekly_minutes(slots)
    if current == target_weekly:
        return {s.id: s.minutes for s in slots}
    if current <= 0:
        raise ValueError("an empty pattern cannot be scaled")
    held: dict[int, int] = {}
    free = list(slots)
    exact: dict[int, Fraction] = {}
    while free:
        budget = target_weekly - sum(held[s.id] * s.carers for s in slots if s.id in held)
        shared = weekly_minutes(free)
        exact = {s.id: Fraction(s.minutes * budget, shared) for s in free}
        low = [s for s in free if exact[s.id] < s.least]
        if not low:
            break
        held.update((s.id, s.least) for s in low)
        free = [s for s in free if s.id not in held]
    scaled = {**held, **{s.id: _floor_to_step(exact[s.id]) for s in free}}
    remaining = target_weekly - sum(scaled[s.id] * s.carers for s in slots)
    rounding_up = sorted(free, key=lambda s: exact[s.id] - scaled[s.id], reverse=True)
    for slot in rounding_up:
        if exact[slot.id] == scaled[slot.id]:
            break
        if STEP_MINUTES * slot.carers <= remaining:
            scaled[slot.id] += STEP_MINUTES
            remaining -= STEP_MINUTES * slot.carers
    return scaled


def snapshot(slots: Iterable[Slot]) -> dict[str, int]:
    """The pattern as stored on a change (JSON keys are strings), so it can be restored."""
    return {str(s.id): s.minutes for s in slots}


def restore(previous: Mapping[str, int], slots: Iterable[Slot]) -> dict[int, int]:
    """The minutes each visit had before the change; a visit added since keeps its own."""
    return {s.id: int(previous.get(str(s.id), s.minutes)) for s in slots}


def with_minutes(slots: Iterable[Slot], minutes: Mapping[int, int]) -> list[Slot]:
    return [Slot(s.id, minutes.get(s.id, s.minutes), s.carers) for s in slots]


def check_target(slots: Sequence[Slot], target: int, *, field: str, package_id: int) -> None:
    """Weekly minutes a pattern can be scaled to: more than none, within a week, and a
    pattern to scale; what its visits' floors allow is for the caller, who knows the
    visits, to say in words."""
    if target <= 0:
        raise InvalidInput("weekly minutes must be more than 0", field=field)
    if target > MAX_WEEKLY_MINUTES:
        raise InvalidInput(
            f"{hours_text(target)} is more than the {MAX_WEEKLY_MINUTES // 60} hours in a week",
            field=field,
        )
    if not slots:
        raise Conflict(f"package {package_id} has no visit pattern to change", field="package_id")


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def consent_relationship(
    *,
    person_name: str,
    named_consenter: str | None,
    given_name: str | None,
    given_relationship: str | None,
) -> str:
    """The relationship to record for a valid consent, or a 422 naming `consent_by_name`.

    The person consents for themselves unless the council has recorded who may consent for
    them because they lack capacity; then only that named person may (000 §11, §29).
    """
    if not given_name or not given_name.strip():
        raise InvalidInput(
            f"a change needs the consent of {person_name}, or of whoever may consent for "
            "them: give consent_by_name",
            field="consent_by_name",
        )
    relationship = (given_relationship or "").strip()
    if not relationship:
        raise InvalidInput(
            "say how the consenter is related to the person ('self' for the person)",
            field="consent_by_relationship",
        )
    if not named_consenter or not named_consenter.strip():
        if relationship.casefold() != "self":
            raise InvalidInput(
                f"{person_name} consents for themselves, so the consent must be theirs "
                f"(relationship 'self'), not {given_name.strip()}'s ({relationship})",
                field="consent_by_name",
            )
        return "self"
    if _normal(given_name) != _normal(named_consenter):
        raise InvalidInput(
            f"only {named_consenter.strip()} may consent for {person_name}, who lacks "
            f"capacity; {given_name.strip()} may not",
            field="consent_by_name",
        )
    if relationship.casefold() == "self":
        raise InvalidInput(
            f"{named_consenter.strip()} consents for {person_name}, so the relationship "
            "cannot be 'self'",
            field="consent_by_relationship",
        )
    return relationship


def parse_consent_method(value: str | None) -> ConsentMethod:
    try:
        return ConsentMethod(value or "")
    except ValueError:
        raise InvalidInput(
            "say how consent was given: in_person, phone or written", field="consent_method"
        ) from None


def check_consent_time(consent_at: datetime | None, at: datetime) -> datetime:
    """Consent is recorded after it was given, in a known timezone."""
    if consent_at is None:
        raise InvalidInput("say when consent was given", field="consent_at")
    if consent_at.tzinfo is None:
        raise InvalidInput("give consent_at with a timezone", field="consent_at")
    if consent_at > at:
        raise InvalidInput("consent cannot be given in the future", field="consent_at")
    return consent_at


def parse_decision(value: str) -> Decision:
    try:
        return Decision(value)
    except ValueError:
        raise InvalidInput("decide approve, amend or reverse", field="decision") from None


def parse_answer(value: str) -> Answer:
    try:
        return Answer(value)
    except ValueError:
        raise InvalidInput("answer yes or no", field="answer") from None


def consent_status(answer: str | None) -> str:
    """open, agreed or declined: how the person's page and the provider read a request."""
    if answer is None:
        return "open"
    return "agreed" if answer == Answer.YES else "declined"


def parse_statuses(values: Sequence[str] | None) -> list[ChangeStatus] | None:
    """`status` filters: repeated or comma-separated; `awaiting_decision` is the SW queue."""
    if not values:
        return None
    wanted: list[ChangeStatus] = []
    for value in (part.strip() for v in values for part in v.split(",")):
        if not value:
            continue
        if value == "awaiting_decision":
            wanted.extend(DECIDABLE_STATUSES)
            continue
        try:
            wanted.append(ChangeStatus(value))
        except ValueError:
            known = ", ".join([*(s.value for s in ChangeStatus), "awaiting_decision"])
            raise InvalidInput(f"no status {value!r}: use {known}", field="status") from None
    return wanted or None


def long_date(day: date) -> str:
    """'Monday 3 February 2025', as the provider is told when a trial ends."""
    return f"{day:%A} {day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Impact:
    """A change's weekly carer-minutes: as proposed, as decided, and carried today."""

    proposed: int
    decided: int | None
    """None while the social worker has not decided."""
    in_effect: int


def impact_of(
    *,
    status: ChangeStatus,
    from_minutes: int,
    to_minutes: int,
    decided_minutes: int | None,
    package_minutes: int,
) -> Impact:
    """The deltas of one change; an open applied change is what the package carries now."""
    proposed = to_minutes - from_minutes
    if status is ChangeStatus.REVERSED:
        return Impact(proposed, 0, 0)
    if status in (ChangeStatus.APPROVED, ChangeStatus.AMENDED):
        decided = (decided_minutes if decided_minutes is not None else to_minutes) - from_minutes
        return Impact(proposed, decided, decided)
    if status in APPLIED_WHILE_OPEN:
        return Impact(proposed, None, package_minutes - from_minutes)
    return Impact(proposed, None, 0)
