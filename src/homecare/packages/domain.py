"""The package lifecycle in pure Python: what a package may be, and how it moves between."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from homecare.errors import Conflict, InvalidInput
from homecare.text import long_date


class PackageStatus(StrEnum):
    ACTIVE = "active"
    IN_HOSPITAL = "in_hospital"
    """Visits suspended while the person is in hospital."""
    AWAITING_REVIEW = "awaiting_review"
    """Home from hospital; visits held until the after-hospital review."""
    ENDED = "ended"
    """Past its last day of care: no visits, its time bank settled."""


class PackageEvent(StrEnum):
    ADMITTED = "admitted"
    RESUMED = "resumed"
    HELD_FOR_REVIEW = "held_for_review"
    REVIEWED = "reviewed"
    ENDED = "ended"


SCHEDULED_PACKAGE_STATUSES = (
    PackageStatus.ACTIVE.value,
    PackageStatus.IN_HOSPITAL.value,
    PackageStatus.AWAITING_REVIEW.value,
)
"""Packages whose visits are scheduled, suspended ones included (their visits are marked)."""
SUSPENDED_PACKAGE_STATUSES = frozenset(
    {PackageStatus.IN_HOSPITAL.value, PackageStatus.AWAITING_REVIEW.value}
)
"""Packages whose new visits are generated already suspended."""
ADMITTABLE = (PackageStatus.ACTIVE.value, PackageStatus.AWAITING_REVIEW.value)
"""A person may go into hospital again before their after-hospital review."""

TRANSITIONS: dict[tuple[PackageStatus, PackageEvent], PackageStatus] = {
    (PackageStatus.ACTIVE, PackageEvent.ADMITTED): PackageStatus.IN_HOSPITAL,
    (PackageStatus.AWAITING_REVIEW, PackageEvent.ADMITTED): PackageStatus.IN_HOSPITAL,
    (PackageStatus.IN_HOSPITAL, PackageEvent.RESUMED): PackageStatus.ACTIVE,
    (PackageStatus.IN_HOSPITAL, PackageEvent.HELD_FOR_REVIEW): PackageStatus.AWAITING_REVIEW,
    (PackageStatus.AWAITING_REVIEW, PackageEvent.REVIEWED): PackageStatus.ACTIVE,
    (PackageStatus.ACTIVE, PackageEvent.ENDED): PackageStatus.ENDED,
    (PackageStatus.IN_HOSPITAL, PackageEvent.ENDED): PackageStatus.ENDED,
    (PackageStatus.AWAITING_REVIEW, PackageEvent.ENDED): PackageStatus.ENDED,
}


def next_status(current: str, event: PackageEvent) -> PackageStatus:
    """The status a package moves to on an event; anything else is a conflict."""
    moved = TRANSITIONS.get((PackageStatus(current), event))
    if moved is None:
        now = current.replace("_", " ")
        raise Conflict(f"a package that is {now} cannot be {event.value.replace('_', ' ')}")
    return moved


class EndReason(StrEnum):
    """Why care ends, as case management records it."""

    DIED = "died"
    RESIDENTIAL_OR_NURSING = "residential_or_nursing"
    NO_LONGER_NEEDS_CARE = "no_longer_needs_care"
    MOVED_AWAY = "moved_away"
    DIRECT_PAYMENT = "direct_payment"
    HOSPITAL_LONG_STAY = "hospital_long_stay"
    SHORT_TERM_ENDED = "short_term_ended"
    """A short-term package reached its planned last day without being extended."""
    MOVED = "moved_to_another_provider"
    """The person's care goes on with another provider, in the package the move started."""


END_REASON_WORDS = {
    EndReason.DIED: "Died",
    EndReason.RESIDENTIAL_OR_NURSING: "Moved to a residential or nursing home",
    EndReason.NO_LONGER_NEEDS_CARE: "No longer needs care",
    EndReason.MOVED_AWAY: "Moved out of the area",
    EndReason.DIRECT_PAYMENT: "Takes a direct payment instead",
    EndReason.HOSPITAL_LONG_STAY: "In hospital for a long stay",
    EndReason.SHORT_TERM_ENDED: "Short-term care came to its planned end",
    EndReason.MOVED: "Moved to another provider",
}
PLATFORM_REASONS = frozenset({EndReason.SHORT_TERM_ENDED, EndReason.MOVED})
"""Ends the platform records itself, as a consequence; never chosen on a form."""
"""The reasons in words."""

BACKDATE_DAYS = 28
"""How far back a last day of care may be recorded: a death or a move is often heard of
days late, but further back would rewrite weeks of delivered care."""


def check_end(
    *,
    status: str,
    starts_on: date,
    ends_on: date | None,
    end_reason: str | None,
    last_day: date,
    today: date,
) -> None:
    """Whether care may end on `last_day`: refusals name the field and say why."""
    if status == PackageStatus.ENDED.value or end_reason is not None:
        when = long_date(ends_on) if ends_on else "an earlier date"
        raise Conflict(f"this package already ends: its last day of care is {when}")
    if last_day < starts_on - timedelta(days=1):
        raise InvalidInput(
            f"care starts on {long_date(starts_on)}: the last day can be no earlier than "
            f"{long_date(starts_on - timedelta(days=1))}, when care ends before it starts",
            field="last_day",
        )
    if last_day < today - timedelta(days=BACKDATE_DAYS):
        raise InvalidInput(
            f"the last day of care can be at most {BACKDATE_DAYS} days ago", field="last_day"
        )


def check_extension(
    *, status: str, starts_on: date, ends_on: date | None, end_reason: str | None, until: date
) -> None:
    """A short-term package may be extended to a later last day while it has not ended."""
    if status == PackageStatus.ENDED.value:
        raise Conflict("this package has ended; refer the person again for more care")
    if end_reason is not None:
        raise Conflict("this package has been ended; it cannot be extended")
    if ends_on is None:
        raise Conflict("this package has no planned last day to extend")
    if until <= ends_on:
        raise InvalidInput(
            f"the new last day must be after the planned one ({ends_on.isoformat()})",
            field="until",
        )


class MoveReason(StrEnum):
    """Why a person's care moves to another provider."""

    CONTRACT_CHANGE = "contract_change"
    PROVIDER_EXIT = "provider_exit"
    PERSONS_CHOICE = "persons_choice"
    SAFEGUARDING = "safeguarding"


MOVE_REASON_WORDS = {
    MoveReason.CONTRACT_CHANGE: "The contract changed hands",
    MoveReason.PROVIDER_EXIT: "The provider is leaving the market",
    MoveReason.PERSONS_CHOICE: "The person chose another provider",
    MoveReason.SAFEGUARDING: "A safeguarding concern",
}
MOVE_NOTICE_DAYS = 90
"""How far ahead a handover may be set: beyond a quarter, plans change before it comes."""


@dataclass(frozen=True)
class ContractTerms:
    """What a move checks of a contract: who holds it, where, and when it runs."""

    provider_id: int
    council_id: int
    lot_id: int
    zone_id: int
    starts_on: date
    ends_on: date | None


def check_move(
    *,
    status: str,
    end_reason: str | None,
    starts_on: date,
    current: ContractTerms,
    target: ContractTerms,
    handover_day: date,
    today: date,
) -> None:
    """Whether care may move to the target contract's provider on the handover day."""
    if status == PackageStatus.ENDED.value or end_reason is not None:
        raise Conflict("this package's care has ended or an end is recorded: it cannot move")
    if handover_day < today:
        raise InvalidInput("the handover day cannot be in the past", field="handover_day")
    if handover_day > today + timedelta(days=MOVE_NOTICE_DAYS):
        raise InvalidInput(
            f"the handover day can be at most {MOVE_NOTICE_DAYS} days ahead",
            field="handover_day",
        )
    if handover_day <= starts_on:
        raise InvalidInput(
            f"the handover day must be after the package starts ({starts_on.isoformat()})",
            field="handover_day",
        )
    if target.provider_id == current.provider_id:
        raise Conflict("the care is already with that provider")
    if (target.council_id, target.lot_id, target.zone_id) != (
        current.council_id,
        current.lot_id,
        current.zone_id,
    ):
        raise Conflict(
            "that provider has no contract in this package's lot and zone; "
            "choose a contract for the same lot and zone"
        )
    if target.starts_on > handover_day or (
        target.ends_on is not None and target.ends_on < handover_day
    ):
        raise Conflict("that contract does not run on the handover day")


def provider_on(day: date, spans: list[tuple[date, date | None, int]]) -> list[int]:
    """The providers responsible on a day, from (first day, last day, provider) spans of
    the packages of one person's care: the newest package that covers the day."""
    covering = [
        (first, provider)
        for first, last, provider in spans
        if first <= day and (last is None or day <= last)
    ]
    if not covering:
        return []
    newest = max(first for first, _ in covering)
    return [provider for first, provider in covering if first == newest]
