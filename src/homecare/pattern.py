"""The visit pattern: the shared vocabulary of when care happens in a week.

Referrals, packages, rounds, visits, changes and reviews all speak of a day, a time band
and minutes; this module is their one home, so no area borrows it from another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import time
from enum import StrEnum

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


TIME_BAND_WINDOWS: dict[TimeBand, tuple[time, time]] = {
    TimeBand.MORNING: (time(7, 0), time(10, 0)),
    TimeBand.LUNCH: (time(11, 30), time(13, 30)),
    TimeBand.TEA: (time(15, 30), time(17, 30)),
    TimeBand.BED: (time(18, 30), time(21, 30)),
}
"""When a visit in each band may start, local time."""


@dataclass(frozen=True)
class PlannedVisit:
    day: Day
    band: TimeBand
    minutes: int
    carers: int
    skill: str | None = None
    """A delegated healthcare task only a trained carer may do (Lot 2)."""

    @property
    def key(self) -> str:
        return visit_key(self.day, self.band)

    @property
    def carer_minutes(self) -> int:
        return self.minutes * self.carers


def visit_key(day: Day | str, band: TimeBand | str) -> str:
    return f"{Day(day).value}-{TimeBand(band).value}"


def build_pattern(
    visits: list[tuple[Day, TimeBand, int]], two_handed: list[str]
) -> list[PlannedVisit]:
    """Join the visits with the list of two-handed visit keys, refusing what cannot be."""
    keys: list[str] = []
    for index, (day, band, minutes) in enumerate(visits):
        key = visit_key(day, band)
        if key in keys:
            raise InvalidInput(f"there is already a {band} visit on {day}", field=f"visits.{index}")
        if not 15 <= minutes <= 240:
            raise InvalidInput(
                "a visit lasts between 15 and 240 minutes", field=f"visits.{index}.minutes"
            )
        keys.append(key)
    for index, key in enumerate(two_handed):
        if key not in keys:
            raise InvalidInput(
                f"no visit '{key}' in the visit pattern to make two-handed",
                field=f"two_handed.{index}",
            )
    doubled = set(two_handed)
    pattern = [
        PlannedVisit(Day(d), TimeBand(b), m, 2 if visit_key(d, b) in doubled else 1)
        for d, b, m in visits
    ]
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
