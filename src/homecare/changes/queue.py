"""A provider-led change the way the social worker works it (000 §11, §29).

How long a change has waited, and each visit's minutes before and after it, so that a
social worker sees exactly what approving would keep and reversing would restore. The
queue itself is read through `changes.repository`, as the API's listing is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from homecare.changes.domain import ChangeStatus, Slot, restore
from homecare.changes.patterns import from_json, ordered, scaled
from homecare.changes.tables import ProviderChange
from homecare.changes.wording import capitalised, in_words
from homecare.errors import InvalidInput
from homecare.packages.tables import Package
from homecare.pattern import Day, PlannedVisit, TimeBand

DAY_ORDER = tuple(d.value for d in Day)
BAND_ORDER = tuple(b.value for b in TimeBand)


def waiting_since(change: ProviderChange) -> datetime:
    """When the change reached the social worker: submitted, or proposed out of limits."""
    return change.submitted_at or change.created_at


def change_patterns(
    change: ProviderChange, package: Package
) -> tuple[list[PlannedVisit], list[PlannedVisit]]:
    """The visits before the change and the visits it proposes.

    A change made before changes carried visits kept only each visit's old minutes; its
    proposal was the old visits scaled to the new weekly total, as it was carried out.
    """
    if change.to_pattern:
        return from_json(change.from_pattern), from_json(change.to_pattern)
    current = [Slot(v.id, v.minutes, v.carers) for v in package.visits]
    minutes = restore(change.previous_pattern, current)
    before = ordered(
        PlannedVisit(Day(v.day), TimeBand(v.band), minutes[v.id], v.carers) for v in package.visits
    )
    return before, scaled(before, change.to_weekly_minutes)


def shown_after(change: ProviderChange, package: Package) -> list[PlannedVisit]:
    """The visits after the change as decided: amended ones scaled to the minutes set.

    An amendment decided before nights were kept whole may not rescale so (its nights were
    scaled too); it then shows as proposed rather than not at all.
    """
    _, proposed = change_patterns(change, package)
    if change.status == ChangeStatus.AMENDED and change.decided_weekly_minutes:
        try:
            return scaled(proposed, change.decided_weekly_minutes)
        except InvalidInput:
            return proposed
    return proposed


def change_in_words(change: ProviderChange, package: Package) -> str:
    """'Adds a 30-minute lunch visit every day; 3 h 30 min more a week', as proposed."""
    before, proposed = change_patterns(change, package)
    return capitalised(in_words(before, proposed))


@dataclass(frozen=True)
class PatternRow:
    """One visit of the weekly pattern before and after the change; None where there is none."""

    day: str
    band: str
    before: PlannedVisit | None
    after: PlannedVisit | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def pattern_rows(change: ProviderChange, package: Package) -> list[PatternRow]:
    """Every visit before or after the change, by day and time of day, for the page's table."""
    before, _ = change_patterns(change, package)
    old = {v.key: v for v in before}
    new = {v.key: v for v in shown_after(change, package)}
    keys = {**old, **new}
    rows = [PatternRow(v.day.value, v.band.value, old.get(k), new.get(k)) for k, v in keys.items()]
    return sorted(rows, key=lambda r: (DAY_ORDER.index(r.day), BAND_ORDER.index(r.band)))
