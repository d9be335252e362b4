"""The weekly patterns a change moves between, as stored on it and checked when proposed.

A change keeps the pattern the package had when it was proposed and the pattern it
proposes, visit by visit (day, time band, minutes, carers), so everyone sees the same
before and after and a reversal restores the care exactly; a visit keeps its kind (care,
night sitting, sleep-in), its clock time and the person's request for a shorter visit.
The weekly total follows from the pattern. A change given only a new total is still
taken: its pattern is the old one with every care visit scaled in proportion, as changes
were made before they carried visits; night sitting and sleep-ins keep their whole nights.
Every visit proposed, given or scaled, keeps the rules of `visit_fault`: a care call under
30 minutes only at the person's request, and 15 minutes only with a second carer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from homecare.changes.domain import (
    STEP_MINUTES,
    Slot,
    check_target,
    least_weekly_minutes,
    scale_pattern,
)
from homecare.changes.wording import BAND_WORDS, DAY_NAMES
from homecare.errors import InvalidInput
from homecare.pattern import (
    MAX_WEEKLY_MINUTES,
    NIGHT_KINDS,
    SECOND_CARER_MINUTES,
    SHORT_NEEDS_REQUEST,
    SHORT_VISIT_MINUTES,
    Day,
    PlannedVisit,
    TimeBand,
    VisitKind,
    clock_text,
    parse_clock,
    visit_fault,
)
from homecare.units import hours_text

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


def night_minutes(pattern: Iterable[PlannedVisit]) -> int:
    """Carer-minutes a week of night sitting and sleep-ins, which scaling leaves whole."""
    return sum(v.carer_minutes for v in pattern if v.kind in NIGHT_KINDS)


def scaling_floor(visit: PlannedVisit) -> int:
    """The fewest minutes scaling may leave a care call: 30, or at the person's request 20
    (15 with a second carer). A visit already shorter than its floor (agreed before the
    rule) keeps its length: scaling neither shortens it further nor lengthens it unasked."""
    if visit.short_requested:
        floor = SECOND_CARER_MINUTES + (0 if visit.carers > 1 else STEP_MINUTES)
    else:
        floor = SHORT_VISIT_MINUTES
    return min(floor, visit.minutes)


ONLY_NIGHTS = (
    "night sitting and sleep-ins keep their whole nights when only the weekly total "
    "changes, and this package has no other visits: send the visits instead"
)


def scaled(
    pattern: Sequence[PlannedVisit], target: int, *, field: str = "to_weekly_minutes"
) -> list[PlannedVisit]:
    """The pattern with its care visits scaled in proportion so the week comes to `target`
    carer-minutes; night sitting and sleep-ins keep their minutes, so the care visits share
    the target less the nights. Each visit keeps its kind, clock time and request."""
    if weekly(pattern) == target:
        return list(pattern)
    nights = night_minutes(pattern)
    care = [(i, v) for i, v in enumerate(pattern) if v.kind not in NIGHT_KINDS]
    if not care:
        raise InvalidInput(ONLY_NIGHTS, field=field)
    if target <= nights:
        raise InvalidInput(
            f"night sitting and sleep-ins keep their whole nights, {hours_text(nights)} of "
            f"carers' time a week, so the new weekly total must be more than that",
            field=field,
        )
    slots = [Slot(i, v.minutes, v.carers, scaling_floor(v)) for i, v in care]
    minutes = scale_pattern(slots, target - nights)
    return [replace(v, minutes=minutes[i]) if i in minutes else v for i, v in enumerate(pattern)]


def visit_words(visit: PlannedVisit) -> str:
    """'Monday morning', as a refusal names a visit."""
    return f"{DAY_NAMES[visit.day]} {BAND_WORDS[visit.band]}"


def _reason_words(reason: str) -> str:
    if reason == SHORT_NEEDS_REQUEST:
        return "a visit under 30 minutes needs the person's request"
    return reason[:1].lower() + reason[1:]


def scale_to(
    pattern: Sequence[PlannedVisit], target: int, *, field: str, package_id: int
) -> list[PlannedVisit]:
    """`scaled`, refusing on `field` a target the pattern cannot be scaled to: below what
    its nights and its care calls at their floors need, or leaving a visit the rules
    refuse, named in words ("Monday morning visit would be 25 minutes; ...")."""
    slots = [
        Slot(i, v.minutes, v.carers, v.minutes if v.kind in NIGHT_KINDS else scaling_floor(v))
        for i, v in enumerate(pattern)
    ]
    check_target(slots, target, field=field, package_id=package_id)
    nights = night_minutes(pattern)
    least = least_weekly_minutes(slots)
    if nights < target < least:
        kept = " with the nights kept whole" if nights else ""
        raise InvalidInput(
            f"the visits cannot be shortened that far: a visit goes below {SHORT_VISIT_MINUTES} "
            f"minutes only at the person's request, so the pattern needs at least "
            f"{hours_text(least)} of carers' time a week{kept}",
            field=field,
        )
    result = scaled(pattern, target, field=field)
    for before, visit in zip(pattern, result, strict=True):
        fault = None if _unchanged(visit, [before]) else visit_fault(visit)
        if fault is not None:
            raise InvalidInput(
                f"the {visit_words(visit)} visit would be {hours_text(visit.minutes)}; "
                f"{_reason_words(fault[1])}",
                field=field,
            )
    return result


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


def _unchanged(visit: PlannedVisit, current: Iterable[PlannedVisit]) -> bool:
    """Whether the package already has this very visit: one agreed before today's rules
    stands as it is, and the rules judge only what a change asks for."""
    return any(
        (v.key, v.minutes, v.carers, v.kind) == (visit.key, visit.minutes, visit.carers, visit.kind)
        for v in current
    )


def _visit_errors(
    index: int, visit: PlannedVisit, seen: set[str], current: Sequence[PlannedVisit]
) -> InvalidInput | None:
    where = f"visits.{index}"
    if visit.key in seen:
        return InvalidInput(f"there is already a {visit.band} visit on {visit.day}", field=where)
    if not 1 <= visit.carers <= MAX_CARERS:
        return InvalidInput("a visit has 1 carer, or 2 when two-handed", field=f"{where}.carers")
    fault = None if _unchanged(visit, current) else visit_fault(visit)
    if fault is not None:
        return InvalidInput(fault[1], field=f"{where}.{fault[0]}")
    return None


def pattern_faults(
    pattern: Sequence[PlannedVisit], current: Sequence[PlannedVisit] = ()
) -> list[InvalidInput]:
    """Every visit's first fault, each naming its own `visits.N.…` field: a form shows
    them all at once, beside each visit. A visit the package has now (`current`) unchanged
    is not judged again."""
    faults: list[InvalidInput] = []
    seen: set[str] = set()
    for index, visit in enumerate(pattern):
        fault = _visit_errors(index, visit, seen, current)
        if fault is not None:
            faults.append(fault)
        seen.add(visit.key)
    return faults


def check_pattern(
    pattern: Sequence[PlannedVisit], current: Sequence[PlannedVisit] = ()
) -> list[PlannedVisit]:
    """A pattern a package can carry: at least one visit, one per band a day, sensible
    sizes; the visits it keeps from `current` unchanged stand as they were agreed."""
    if not pattern:
        raise InvalidInput("a package needs at least one visit a week", field="visits")
    faults = pattern_faults(pattern, current)
    if faults:
        raise faults[0]
    if sum(v.minutes for v in pattern) > MAX_WEEKLY_MINUTES:
        raise InvalidInput("the visits add up to more than a week", field="visits")
    return ordered(pattern)


def same_pattern(a: Iterable[PlannedVisit], b: Iterable[PlannedVisit]) -> bool:
    key = lambda v: (v.day, v.band, v.minutes, v.carers, v.kind, clock_text(v.at) or "")  # noqa: E731
    return sorted(map(key, a)) == sorted(map(key, b))
