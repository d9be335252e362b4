"""Reading provider-led changes the way the social worker works them (000 §11, §29).

`changes` writes and decides; this module only reads: the queue oldest first, the
changes already decided, and each visit's minutes before and after a change, so that a
social worker sees exactly what approving would keep and reversing would restore. Every
query goes through `readable_by_package`, as the API's listing does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import Session

from homecare.access import Actor, Permission, readable_by_package, require
from homecare.flex.changes import (
    APPLIED_WHILE_OPEN,
    DECIDABLE_STATUSES,
    ChangeStatus,
    Slot,
    restore,
    scale_pattern,
    with_minutes,
)
from homecare.flex.tables import ProviderChange
from homecare.packages.tables import Package

DECIDED_STATUSES = (ChangeStatus.APPROVED, ChangeStatus.AMENDED, ChangeStatus.REVERSED)
DAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BAND_ORDER = ("morning", "lunch", "tea", "bed")


def waiting_since(change: ProviderChange) -> datetime:
    """When the change reached the social worker: submitted, or proposed out of limits."""
    return change.submitted_at or change.created_at


def awaiting_decision(session: Session, *, actor: Actor) -> list[ProviderChange]:
    """The social worker's queue: submitted and out-of-limits changes, oldest first."""
    require(actor, Permission.DECIDE_CHANGES)
    since = func.coalesce(ProviderChange.submitted_at, ProviderChange.created_at)
    stmt = (
        readable_by_package(actor, ProviderChange)
        .where(ProviderChange.status.in_([s.value for s in DECIDABLE_STATUSES]))
        .order_by(since, ProviderChange.id)
    )
    return list(session.scalars(stmt))


def recently_decided(session: Session, *, actor: Actor, limit: int) -> list[ProviderChange]:
    """Changes already approved, amended or reversed, the latest decision first."""
    require(actor, Permission.DECIDE_CHANGES)
    stmt = (
        readable_by_package(actor, ProviderChange)
        .where(ProviderChange.status.in_([s.value for s in DECIDED_STATUSES]))
        .order_by(ProviderChange.decided_at.desc(), ProviderChange.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class PatternRow:
    """One visit of the weekly pattern with its minutes before and after the change."""

    day: str
    band: str
    carers: int
    before: int
    after: int

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _after_minutes(change: ProviderChange, package: Package, before: list[Slot]) -> dict[int, int]:
    """What the package carries now for an applied open change; otherwise what was decided
    or, while waiting or once reversed, what was proposed, rescaled from the pattern the
    change replaces exactly as `decide_change` rescales it."""
    status = ChangeStatus(change.status)
    if status in APPLIED_WHILE_OPEN:
        return {v.id: v.minutes for v in package.visits}
    decided = status in (ChangeStatus.APPROVED, ChangeStatus.AMENDED)
    target = change.decided_weekly_minutes if decided else None
    return scale_pattern(before, target or change.to_weekly_minutes)


def pattern_rows(change: ProviderChange, package: Package) -> list[PatternRow]:
    """The pattern before and after, by day and time of day, for the page's table."""
    current = [Slot(v.id, v.minutes, v.carers) for v in package.visits]
    before = with_minutes(current, restore(change.previous_pattern, current))
    after = _after_minutes(change, package, before)
    rows = [
        PatternRow(v.day, v.band, s.carers, s.minutes, after.get(s.id, s.minutes))
        for v, s in zip(package.visits, before, strict=True)
    ]
    return sorted(rows, key=lambda r: (DAY_ORDER.index(r.day), BAND_ORDER.index(r.band)))
