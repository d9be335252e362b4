"""A provider-led change the way the social worker works it (000 §11, §29).

How long a change has waited, and each visit's minutes before and after it, so that a
social worker sees exactly what approving would keep and reversing would restore. The
queue itself is read through `changes.repository`, as the API's listing is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from homecare.changes.domain import (
    APPLIED_WHILE_OPEN,
    ChangeStatus,
    Slot,
    restore,
    scale_pattern,
    with_minutes,
)
from homecare.changes.tables import ProviderChange
from homecare.packages.tables import Package

DAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BAND_ORDER = ("morning", "lunch", "tea", "bed")


def waiting_since(change: ProviderChange) -> datetime:
    """When the change reached the social worker: submitted, or proposed out of limits."""
    return change.submitted_at or change.created_at


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
