"""The visit pattern: the shared vocabulary of when care happens in a week.

Referrals, packages, rounds, visits, changes and reviews all speak of a day, a time band
and minutes; this module is their one home, so no area borrows it from another. A visit
may also carry a clock time set with the person, a kind (care, night sitting, sleep-in)
and whether the person asked for a visit under 30 minutes; the rules on those live here
too, so the API, the pages and the import refuse the same things in the same words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import Protocol

from homecare.errors import InvalidInput

MAX_WEEKLY_MINUTES = 168 * 60
"""There are 168 hours in a week; more than that cannot be commissioned for one person."""


class Day(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class TimeBand(StrEnum):
    MORNING = "morning"
    LUNCH = "lunch"
    TEA = "tea"
    BED = "bed"
    NIGHT = "night"


class VisitKind(StrEnum):
    """Care is a call; night sitting (awake) and a sleep-in (on hand) span the night."""

    CARE = "care"
    NIGHT_SITTING = "night_sitting"
    SLEEP_IN = "sleep_in"


NIGHT_KINDS = frozenset({VisitKind.NIGHT_SITTING, VisitKind.SLEEP_IN})
DAY_BANDS = (TimeBand.MORNING, TimeBand.LUNCH, TimeBand.TEA, TimeBand.BED)
"""The four bands of daytime calls: what older extracts and forms speak of."""

TIME_BAND_WINDOWS: dict[TimeBand, tuple[time, time]] = {
    TimeBand.MORNING: (time(7, 0), time(10, 0)),
    TimeBand.LUNCH: (time(11, 30), time(13, 30)),
    TimeBand.TEA: (time(15, 30), time(17, 30)),
    TimeBand.BED: (time(18, 30), time(21, 30)),
    TimeBand.NIGHT: (time(21, 30), time(23, 0)),
}
"""When a visit in each band may start, local time (a night visit runs on past midnight)."""

CLOCK_SLACK_MINUTES = 15
"""A visit at a time set with the person starts within 15 minutes either side of it."""
CARE_MINUTES = (15, 240)
NIGHT_MINUTES = (60, 600)
"""A night sitting or sleep-in lasts from an hour to a ten-hour night."""
SHORT_VISIT_MINUTES = 30
"""Visits under 30 minutes only when the person asks for one (000 §27)."""
SECOND_CARER_MINUTES = 15
"""15-minute calls only for a second carer joining a two-handed visit (001 Appendix 2)."""

SHORT_NEEDS_REQUEST = (
    "A visit under 30 minutes needs the person's own request: "
    "tick that they asked for a shorter visit"
)
FIFTEEN_NEEDS_SECOND_CARER = (
    "15-minute visits are only for a second carer joining a two-handed visit"
)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class PlannedVisit:
    day: Day
    band: TimeBand
    minutes: int
    carers: int
    skill: str | None = None
    """A delegated healthcare task only a trained carer may do (Lot 2)."""
    kind: VisitKind = VisitKind.CARE
    at: time | None = None
    """The clock time set with the person, or none: any time in the band."""
    short_requested: bool = False
    """The person asked for a visit under 30 minutes (recorded, 000 §27)."""

    @property
    def key(self) -> str:
        return visit_key(self.day, self.band)

    @property
    def carer_minutes(self) -> int:
        return self.minutes * self.carers

    @property
    def at_text(self) -> str | None:
        return clock_text(self.at)


@dataclass(frozen=True)
class VisitRequest:
    """A visit as a referral asks for it: a band, a clock time, or both."""

    day: Day
    band: TimeBand | None
    minutes: int
    kind: VisitKind = VisitKind.CARE
    at: str | None = None
    short_requested: bool = False
    task: str | None = None
    """A delegated healthcare task the visit is for, from the lot's tasks (Lot 2)."""


class StoredVisit(Protocol):
    """A visit as a referral or package stores it."""

    @property
    def day(self) -> str: ...
    @property
    def band(self) -> str: ...
    @property
    def minutes(self) -> int: ...
    @property
    def carers(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> str | None: ...
    @property
    def short_requested(self) -> bool: ...


def stored_visit(row: StoredVisit, skill: str | None = None) -> PlannedVisit:
    """A stored visit back as a planned one, its kind, time and request kept."""
    return PlannedVisit(
        Day(row.day),
        TimeBand(row.band),
        int(row.minutes),
        int(row.carers),
        skill,
        kind=VisitKind(row.kind or VisitKind.CARE),
        at=parse_clock(row.at),
        short_requested=bool(row.short_requested),
    )


def task_words(task: str) -> str:
    """'catheter_care' as people say it: 'catheter care'."""
    return task.replace("_", " ")


def visit_key(day: Day | str, band: TimeBand | str) -> str:
    return f"{Day(day).value}-{TimeBand(band).value}"


def clock_text(at: time | None) -> str | None:
    return None if at is None else at.strftime("%H:%M")


def parse_clock(text: str | None) -> time | None:
    """'07:45' as a time; None for none; ValueError for anything else."""
    if text is None or not text.strip():
        return None
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is not a time: write it as 07:45")
    return time(int(match[1]), int(match[2]))


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def bands_in_words() -> str:
    """'morning 07:00 to 10:00, ..., night 21:30 to 23:00', as a refusal names them."""
    return ", ".join(
        f"{b.value} {_hhmm(o)} to {_hhmm(c)}" for b, (o, c) in TIME_BAND_WINDOWS.items()
    )


def band_of(at: time, kind: VisitKind = VisitKind.CARE) -> TimeBand | None:
    """The band whose start window holds the time (at 21:30, night for a night visit)."""
    holding = [b for b, (opens, closes) in TIME_BAND_WINDOWS.items() if opens <= at <= closes]
    if kind in NIGHT_KINDS and TimeBand.NIGHT in holding:
        return TimeBand.NIGHT
    return holding[0] if holding else None


def start_window(band: TimeBand | str, at: time | None = None) -> tuple[time, time]:
    """When the visit may start: the band's window, or 15 minutes either side of a set time.

    Bands lie between 07:00 and 23:00, so the narrowed window never crosses midnight.
    """
    if at is None:
        return TIME_BAND_WINDOWS[TimeBand(band)]
    minutes = at.hour * 60 + at.minute
    early, late = minutes - CLOCK_SLACK_MINUTES, minutes + CLOCK_SLACK_MINUTES
    return time(early // 60, early % 60), time(late // 60, late % 60)


def _resolve_band(index: int, visit: VisitRequest) -> tuple[TimeBand, time | None]:
    where = f"visits.{index}"
    try:
        at = parse_clock(visit.at)
    except ValueError as exc:
        raise InvalidInput(str(exc), field=f"{where}.at") from exc
    if at is None:
        if visit.band is None:
            raise InvalidInput(
                "give the visit's time of day or a clock time", field=f"{where}.band"
            )
        return visit.band, None
    band = band_of(at, visit.kind)
    if band is None:
        raise InvalidInput(
            f"{_hhmm(at)} is outside the times visits start: {bands_in_words()}",
            field=f"{where}.at",
        )
    if visit.band is not None and visit.band is not band:
        opens, closes = TIME_BAND_WINDOWS[visit.band]
        raise InvalidInput(
            f"{_hhmm(at)} is not in the {visit.band.value} band, {_hhmm(opens)} to {_hhmm(closes)}",
            field=f"{where}.at",
        )
    return band, at


def visit_fault(visit: PlannedVisit) -> tuple[str, str] | None:
    """The first rule the visit breaks, as (field, reason), or None.

    Night sitting and sleep-ins belong to the night band and last up to ten hours; a care
    call lasts 15 minutes to 4 hours, is under 30 minutes only at the person's request,
    and is 15 minutes only for a second carer on a two-handed visit.
    """
    night = visit.kind in NIGHT_KINDS
    if night and visit.band is not TimeBand.NIGHT:
        opens, closes = TIME_BAND_WINDOWS[TimeBand.NIGHT]
        return "kind", (
            f"night sitting and sleep-ins start at night, between {_hhmm(opens)} and "
            f"{_hhmm(closes)}"
        )
    shortest, longest = NIGHT_MINUTES if night else CARE_MINUTES
    if not shortest <= visit.minutes <= longest:
        what = "a night sitting or sleep-in" if night else "a visit"
        return "minutes", f"{what} lasts from {_length(shortest)} to {_length(longest)}"
    if visit.minutes <= SECOND_CARER_MINUTES and visit.carers < 2:
        return "minutes", FIFTEEN_NEEDS_SECOND_CARER
    if not night and visit.minutes < SHORT_VISIT_MINUTES and not visit.short_requested:
        return "minutes", SHORT_NEEDS_REQUEST
    return None


def _length(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} minutes"
    words = f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{words} {rest} minutes" if rest else words


def _request(visit: VisitRequest | tuple[Day, TimeBand | None, int]) -> VisitRequest:
    if isinstance(visit, VisitRequest):
        return visit
    day, band, minutes = visit
    return VisitRequest(day, band, minutes)


def build_pattern(
    visits: Sequence[VisitRequest | tuple[Day, TimeBand | None, int]], two_handed: list[str]
) -> list[PlannedVisit]:
    """Join the visits with the list of two-handed visit keys, refusing what cannot be."""
    requests = [_request(v) for v in visits]
    resolved: list[tuple[VisitRequest, TimeBand, time | None]] = []
    keys: list[str] = []
    for index, request in enumerate(requests):
        band, at = _resolve_band(index, request)
        key = visit_key(request.day, band)
        if key in keys:
            raise InvalidInput(
                f"there is already a {band} visit on {request.day}", field=f"visits.{index}"
            )
        keys.append(key)
        resolved.append((request, band, at))
    for index, key in enumerate(two_handed):
        if key not in keys:
            raise InvalidInput(
                f"no visit '{key}' in the visit pattern to make two-handed",
                field=f"two_handed.{index}",
            )
    doubled = set(two_handed)
    pattern = [
        PlannedVisit(
            Day(r.day),
            band,
            r.minutes,
            2 if visit_key(r.day, band) in doubled else 1,
            r.task,
            kind=VisitKind(r.kind),
            at=at,
            short_requested=r.short_requested,
        )
        for r, band, at in resolved
    ]
    for index, visit in enumerate(pattern):
        fault = visit_fault(visit)
        if fault is not None:
            raise InvalidInput(fault[1], field=f"visits.{index}.{fault[0]}")
    if not pattern:
        raise InvalidInput("a referral needs at least one visit", field="visits")
    return pattern


def weekly_carer_minutes(pattern: list[PlannedVisit]) -> int:
    return sum(v.carer_minutes for v in pattern)


def check_weekly_hours(stated_hours: float | None, pattern: list[PlannedVisit]) -> int:
    """Weekly carer minutes of the pattern; a stated figure must agree with it."""
    minutes = weekly_carer_minutes(pattern)
    if stated_hours is not None:
        if not math.isfinite(stated_hours):
            raise InvalidInput("weekly hours must be a number", field="weekly_hours")
        if stated_hours <= 0:
            raise InvalidInput("weekly hours must be more than zero", field="weekly_hours")
        if stated_hours > 168:
            raise InvalidInput(
                "weekly hours cannot be more than the 168 hours in a week", field="weekly_hours"
            )
        if abs(stated_hours * 60 - minutes) > 15:
            raise InvalidInput(
                f"weekly hours {stated_hours:g} do not match the visit pattern, which adds "
                f"up to {minutes / 60:g} carer hours",
                field="weekly_hours",
            )
    if sum(v.minutes for v in pattern) > MAX_WEEKLY_MINUTES:
        raise InvalidInput("the visits add up to more than a week", field="visits")
    return minutes
