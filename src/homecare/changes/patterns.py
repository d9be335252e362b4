"""The weekly patterns a change moves between, as stored on it and checked when proposed.

A change keeps the pattern the package had when it was proposed and the pattern it
proposes, visit by visit (day, time band, minutes, carers), so everyone sees the same
before and after and a reversal restores the care exactly; a visit keeps its kind (care,
night sitting, sleep-in), its clock time and the person's request for a shorter visit.
The weekly total follows from the pattern. A change given only a new total is still
taken: its pattern is the old one with every visit scaled in proportion, as changes were
made before they carried visits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from homecare.changes.domain import MIN_VISIT_MINUTES, Slot, scale_pattern
from homecare.errors import InvalidInput
from homecare.pattern import (
    MAX_WEEKLY_MINUTES,
    NIGHT_KINDS,
    NIGHT_MINUTES,
    Day,
    PlannedVisit,
    TimeBand,
    VisitKind,
    clock_text,
    parse_clock,
    visit_fault,
    visit_key,
)

MAX_VISIT_MINUTES = 240
MAX_CARERS = 2


class VisitLike(Protocol):
    @property
    def day(self) -> str: ...
    @property
    def band(self) -> str: ...
    @property
    def minutes(self) -> int: ...
    @property
    def carers(self) -> int: ...


def _extras(v: object) -> dict[str, Any]:
    """Kind, clock time and request of a stored or sent visit (absent on older rows)."""
    at = getattr(v, "at", None) if not isinstance(v, Mapping) else v.get("at")
    kind = getattr(v, "kind", None) if not isinstance(v, Mapping) else v.get("kind")
    short = (
        getattr(v, "short_requested", False)
        if not isinstance(v, Mapping)
        else v.get("short_requested", False)
    )
    return {
        "kind": VisitKind(kind or VisitKind.CARE),
        "at": parse_clock(at) if isinstance(at, str) else at,
        "short_requested": bool(short),
    }


def ordered(pattern: Iterable[PlannedVisit]) -> list[PlannedVisit]:
    """Monday morning first, Sunday bedtime last."""
    days, bands = list(Day), list(TimeBand)
    return sorted(pattern, key=lambda v: (days.index(v.day), bands.index(v.band)))


def of_visits(visits: Iterable[VisitLike]) -> list[PlannedVisit]:
    """A package's visits (or the API's) as a pattern."""
    return ordered(
        PlannedVisit(Day(v.day), TimeBand(v.band), int(v.minutes), int(v.carers), **_extras(v))
        for v in visits
    )


def to_json(pattern: Iterable[PlannedVisit]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for v in ordered(pattern):
        row: dict[str, Any] = {
            "day": v.day.value,
            "band": v.band.value,
            "minutes": v.minutes,
            "carers": v.carers,
        }
        if v.kind is not VisitKind.CARE:
            row["kind"] = v.kind.value
        if v.at is not None:
            row["at"] = clock_text(v.at)
        if v.short_requested:
            row["short_requested"] = True
        rows.append(row)
    return rows


def from_json(rows: Iterable[Mapping[str, Any]] | None) -> list[PlannedVisit]:
    return ordered(
        PlannedVisit(
            Day(r["day"]), TimeBand(r["band"]), int(r["minutes"]), int(r["carers"]), **_extras(r)
        )
        for r in rows or []
    )


def weekly(pattern: Iterable[PlannedVisit]) -> int:
    """Carer-minutes a week: what the package is commissioned and paid in."""
    return sum(v.carer_minutes for v in pattern)


def scaled(pattern: Sequence[PlannedVisit], target: int) -> list[PlannedVisit]:
    """The pattern with each visit's minutes scaled in proportion to a new weekly total."""
    slots = [Slot(i, v.minutes, v.carers) for i, v in enumerate(pattern)]
    minutes = scale_pattern(slots, target)
    return [replace(v, minutes=minutes[i]) for i, v in enumerate(pattern)]


def carried_over(
    current: Iterable[PlannedVisit], proposed: Iterable[PlannedVisit]
) -> list[PlannedVisit]:
    """The proposed visits, each plain one keeping the kind, clock time and request of the
    visit it replaces at the same day and time: forms and older clients send only minutes."""
    before = {v.key: v for v in current}
    kept = []
    for visit in proposed:
        old = before.get(visit.key)
        plain = (visit.kind, visit.at, visit.short_requested) == (VisitKind.CARE, None, False)
        if old is not None and plain:
            visit = replace(visit, kind=old.kind, at=old.at, short_requested=old.short_requested)
        kept.append(visit)
    return kept


def _visit_errors(index: int, visit: PlannedVisit, seen: set[str]) -> InvalidInput | None:
    where = f"visits.{index}"
    if visit.key in seen:
        return InvalidInput(f"there is already a {visit.band} visit on {visit.day}", field=where)
    night = visit.kind in NIGHT_KINDS
    longest = NIGHT_MINUTES[1] if night else MAX_VISIT_MINUTES
    if not night and not MIN_VISIT_MINUTES <= visit.minutes <= longest:
        return InvalidInput(
            f"a visit lasts between {MIN_VISIT_MINUTES} and {MAX_VISIT_MINUTES} minutes",
            field=f"{where}.minutes",
        )
    if not 1 <= visit.carers <= MAX_CARERS:
        return InvalidInput("a visit has 1 carer, or 2 when two-handed", field=f"{where}.carers")
    # A care call keeps the 15-minute floor here: the 30-minute rule needs the person's
    # request, which scaled proposals and the provider's form do not yet carry.
    fault = visit_fault(visit)
    if fault is not None and (night or fault[0] != "minutes"):
        return InvalidInput(fault[1], field=f"{where}.{fault[0]}")
    return None


def check_pattern(pattern: Sequence[PlannedVisit]) -> list[PlannedVisit]:
    """A pattern a package can carry: at least one visit, one per band a day, sensible sizes."""
    if not pattern:
        raise InvalidInput("a package needs at least one visit a week", field="visits")
    seen: set[str] = set()
    for index, visit in enumerate(pattern):
        fault = _visit_errors(index, visit, seen)
        if fault is not None:
            raise fault
        seen.add(visit_key(visit.day, visit.band))
    if sum(v.minutes for v in pattern) > MAX_WEEKLY_MINUTES:
        raise InvalidInput("the visits add up to more than a week", field="visits")
    return ordered(pattern)


def same_pattern(a: Iterable[PlannedVisit], b: Iterable[PlannedVisit]) -> bool:
    key = lambda v: (v.day, v.band, v.minutes, v.carers, v.kind, clock_text(v.at) or "")  # noqa: E731
    return sorted(map(key, a)) == sorted(map(key, b))
