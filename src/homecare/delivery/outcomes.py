"""What happened at a visit, decided from call-monitoring facts alone.

Pure rules: no store, no clock. The same facts always give the same outcome, whatever
order the phones sent them in and whenever the sweep runs, so a batch replayed offline
ends exactly where a live one would. Times are the moments events *occurred*, never when
they reached the server; only the missed deadline is compared with "now".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from homecare.config import Settings


class VisitStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    LATE = "late"
    SHORT = "short"
    MISSED = "missed"
    NOT_AT_HOME = "not_at_home"
    CANCELLED_BY_PERSON = "cancelled_by_person"
    HOSPITAL = "hospital"


DELIVERED = frozenset({VisitStatus.COMPLETED, VisitStatus.LATE, VisitStatus.SHORT})
"""Care was given: the time bank draws these visits' minutes."""

UNDELIVERED = frozenset({VisitStatus.MISSED, VisitStatus.NOT_AT_HOME})
"""Closed with nothing given; a check-in that turns up later may reopen them."""

SET_ELSEWHERE = frozenset({VisitStatus.CANCELLED_BY_PERSON, VisitStatus.HOSPITAL})
"""Decided by the person or a hospital stay; call monitoring never overwrites them."""

OPEN = frozenset({VisitStatus.PLANNED, VisitStatus.IN_PROGRESS})


@dataclass(frozen=True)
class Thresholds:
    """The contract's lines for late, very late, missed and short, in one value."""

    late_after_minutes: int = 15
    very_late_after_minutes: int = 60
    missed_after_minutes: int = 120
    short_share: float = 0.75

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        return cls(
            late_after_minutes=settings.late_after_minutes,
            very_late_after_minutes=settings.very_late_after_minutes,
            missed_after_minutes=settings.missed_after_minutes,
            short_share=settings.short_share,
        )


@dataclass(frozen=True)
class Stint:
    """One carer's check-in and check-out at one visit; either may still be unknown."""

    checked_in_at: datetime | None
    checked_out_at: datetime | None

    @property
    def complete(self) -> bool:
        return self.checked_in_at is not None and self.checked_out_at is not None

    @property
    def unfinished(self) -> bool:
        """Still there, or a check-out whose check-in has not reached us yet."""
        return (self.checked_in_at is None) != (self.checked_out_at is None)

    @property
    def minutes(self) -> float:
        """Time on the visit; a phone clock that put the check-out first counts as zero."""
        if self.checked_in_at is None or self.checked_out_at is None:
            return 0.0
        return max(0.0, (self.checked_out_at - self.checked_in_at).total_seconds() / 60)


@dataclass(frozen=True)
class VisitFacts:
    """Everything the outcome depends on, as known now."""

    window_end: datetime
    planned_minutes: int
    carers: int
    """Carers the visit needs (2 for a two-handed visit)."""
    assigned: int
    """Carers planned on it; the visit closes by itself once all of them have checked out."""
    stints: tuple[Stint, ...] = ()
    not_at_home: bool = False


@dataclass(frozen=True)
class Outcome:
    status: VisitStatus
    delivered_minutes: int
    arrived_late_minutes: int | None


def first_check_in(stints: Sequence[Stint]) -> datetime | None:
    times = [s.checked_in_at for s in stints if s.checked_in_at is not None]
    return min(times) if times else None


def missed_deadline(window_end: datetime, thresholds: Thresholds) -> datetime:
    """With no check-in by this moment, the visit is missed."""
    return window_end + timedelta(minutes=thresholds.missed_after_minutes)


def arrived_late_minutes(window_end: datetime, check_in: datetime) -> int:
    """Whole minutes after the window closed; 0 for a check-in inside the window."""
    return max(0, math.floor((check_in - window_end).total_seconds() / 60))


def is_late(window_end: datetime, check_in: datetime, thresholds: Thresholds) -> bool:
    return check_in - window_end > timedelta(minutes=thresholds.late_after_minutes)


def is_very_late(window_end: datetime, check_in: datetime, thresholds: Thresholds) -> bool:
    """Late enough to alert the provider the moment the check-in is known."""
    return check_in - window_end > timedelta(minutes=thresholds.very_late_after_minutes)


def delivered_minutes(stints: Sequence[Stint], carers: int) -> int:
    """Mean time per needed carer; a carer who never came counts as zero minutes.

    Dividing by the carers the visit needs, not by those who came, keeps one carer
    alone at a two-handed visit from looking like the full visit.
    """
    total = sum(s.minutes for s in stints if s.complete)
    return math.floor(total / max(carers, 1) + 0.5)


def is_short(delivered: int, planned_minutes: int, thresholds: Thresholds) -> bool:
    return delivered < thresholds.short_share * planned_minutes


def delivered_outcome(facts: VisitFacts, thresholds: Thresholds) -> Outcome:
    """Completed, late or short; short wins because the person lost care time.

    Lateness is kept in `arrived_late_minutes` whatever the status says.
    """
    check_in = first_check_in(facts.stints)
    if check_in is None:
        raise ValueError("a visit nobody checked in to was not delivered")
    delivered = delivered_minutes(facts.stints, facts.carers)
    status = VisitStatus.COMPLETED
    if is_short(delivered, facts.planned_minutes, thresholds):
        status = VisitStatus.SHORT
    elif is_late(facts.window_end, check_in, thresholds):
        status = VisitStatus.LATE
    return Outcome(status, delivered, arrived_late_minutes(facts.window_end, check_in))


def settle(facts: VisitFacts, thresholds: Thresholds, now: datetime) -> Outcome | None:
    """The outcome if the visit can close now, or None while it must stay open.

    - Only check-outs so far: their check-ins are still on a phone, so stay open.
    - No check-in by the missed deadline: not at home if a carer reported so, else
      missed once the deadline has passed.
    - Someone still checked in, or a check-out waiting for its check-in: stay open.
    - Every planned carer has checked out, or the deadline has passed: delivered.
    """
    check_in = first_check_in(facts.stints)
    deadline = missed_deadline(facts.window_end, thresholds)
    unfinished = any(s.unfinished for s in facts.stints)
    if check_in is None and unfinished:
        return None
    if check_in is None or check_in > deadline:
        if facts.not_at_home:
            return Outcome(VisitStatus.NOT_AT_HOME, 0, None)
        if now >= deadline:
            return Outcome(VisitStatus.MISSED, 0, None)
        return None
    if unfinished:
        return None
    everyone_out = facts.assigned > 0 and sum(s.complete for s in facts.stints) >= facts.assigned
    if everyone_out or now >= deadline:
        return delivered_outcome(facts, thresholds)
    return None
