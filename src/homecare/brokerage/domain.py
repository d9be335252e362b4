"""Brokerage rules in pure Python: referral vocabulary, visit patterns, offer deadlines."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from homecare.calendar import add_office_hours
from homecare.errors import InvalidInput

MAX_WEEKLY_MINUTES = 168 * 60
"""There are 168 hours in a week; more than that cannot be commissioned for one person."""


class ReferralSource(StrEnum):
    SOCIAL_WORK = "social_work"
    HOSPITAL_DISCHARGE = "hospital_discharge"
    NHS_NEIGHBOURHOOD_TEAM = "nhs_neighbourhood_team"


class ReferralStatus(StrEnum):
    AWAITING_OFFER = "awaiting_offer"
    """No provider holds a live offer: nobody eligible, or the broker must act."""
    OFFERED = "offered"
    EXHAUSTED = "exhausted"
    """Every eligible provider declined or let the offer lapse."""
    PLACED = "placed"
    WITHDRAWN = "withdrawn"


NOT_PLACED = (ReferralStatus.AWAITING_OFFER, ReferralStatus.OFFERED, ReferralStatus.EXHAUSTED)


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class DeclineReason(StrEnum):
    NO_CAPACITY = "no_capacity"
    CANNOT_MEET_START_DATE = "cannot_meet_start_date"
    SKILLS_NOT_AVAILABLE = "skills_not_available"
    CANNOT_STAFF_VISIT_TIMES = "cannot_staff_visit_times"
    OUTSIDE_OPERATING_AREA = "outside_operating_area"
    OTHER = "other"


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


def response_deadline(
    offered_at: datetime,
    *,
    priority: bool,
    standard_hours: float,
    priority_hours: float,
    office_opens: time = time(8, 0),
    office_closes: time = time(20, 0),
) -> datetime:
    """When an unanswered offer lapses and the referral moves down the cascade.

    The clock runs only while provider offices are open, so nobody's offer lapses overnight.
    """
    hours = priority_hours if priority else standard_hours
    return add_office_hours(offered_at, hours, office_opens, office_closes)
