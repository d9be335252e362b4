"""Enhancements and grants on top of a contract's hourly rate, each with who pays for it.

A council raises the rate where packages will not move (an area), for a while (a winter),
on bank holidays and at night, and passes grants to care workers by the hour (004 3.1.3,
3.1.7). Each is its own line on a visit, with its funding source and end date, so a
commissioner can total what each fund paid and a grant stops by itself when its money does.

Rounding: each enhancement line is rounded half up to the penny once, from the visit's
payable minutes: minutes × pence an hour ÷ 60 (a percentage of the visit's hourly rate is
turned into pence an hour inside the same sum, so it is not rounded twice).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from homecare.calendar import LONDON
from homecare.errors import InvalidInput

MINUTES_PER_HOUR = 60
HUNDRED = Decimal(100)


class EnhancementKind(StrEnum):
    AREA = "area"
    TIME = "time"
    BANK_HOLIDAY = "bank_holiday"
    NIGHT = "night"
    GRANT = "grant"


@dataclass(frozen=True)
class Enhancement:
    """An addition to the hourly rate: pence an hour, or a percentage of the visit's rate.

    Which visits it reaches is data: an area by LSOA code or postcode (outward code such as
    "LS29" or a full postcode), a time by its dates and, if given, a clock band in London
    time (which may run past midnight) and days of the week (0 Monday … 6 Sunday). A grant
    reaches every paid minute between its dates, within its area if it has one.
    """

    name: str
    kind: EnhancementKind
    funding_source: str
    starts_on: date
    ends_on: date | None = None
    """The last day it applies (inclusive); None runs until it is ended."""
    pence_per_hour: int = 0
    percent: Decimal = Decimal(0)
    lsoas: frozenset[str] = frozenset()
    postcodes: frozenset[str] = frozenset()
    from_time: time | None = None
    to_time: time | None = None
    weekdays: frozenset[int] = frozenset()
    passed_to_staff: bool = False
    """A grant for care workers' pay (the fuel grant), reported apart from the provider's."""

    def __post_init__(self) -> None:
        if (self.pence_per_hour != 0) == (self.percent != 0):
            raise InvalidInput(
                f"{self.name}: give either pence an hour or a percentage of the rate, not both",
                field="pence_per_hour",
            )
        if self.pence_per_hour < 0 or not 0 <= self.percent <= HUNDRED:
            raise InvalidInput(f"{self.name}: an enhancement cannot lower the rate")
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise InvalidInput(f"{self.name}: it cannot end before it starts", field="ends_on")
        if (self.from_time is None) != (self.to_time is None):
            raise InvalidInput(f"{self.name}: a time band needs a start and an end")
        if self.kind is EnhancementKind.AREA and not (self.lsoas or self.postcodes):
            raise InvalidInput(f"{self.name}: an area enhancement needs its LSOAs or postcodes")

    def words(self) -> str:
        """The enhancement in plain words: "Wharfedale: 150p an hour, until 31 March 2022"."""
        amount = (
            f"{self.pence_per_hour}p an hour"
            if self.pence_per_hour
            else f"{self.percent.normalize():f}% of the hourly rate"
        )
        until = f", until {self.ends_on:%-d %B %Y}" if self.ends_on else ""
        return f"{self.name}: {amount}{until} ({self.funding_source})"


@dataclass(frozen=True)
class Place:
    """Where and when a visit is, as far as enhancements need to know."""

    day: date
    starts_at: datetime
    lsoa: str | None = None
    postcode: str | None = None
    bank_holiday: bool = False
    night: bool = False


@dataclass(frozen=True)
class EnhancementLine:
    """One enhancement on one visit: its own line, so each fund's total can be reported."""

    name: str
    kind: EnhancementKind
    funding_source: str
    passed_to_staff: bool
    minutes: int
    pence: int
    working: str


def to_pence(amount: Decimal) -> int:
    """Half up to the nearest penny: 1966.5p → 1967p."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def applies(enhancement: Enhancement, place: Place) -> bool:
    """Whether the enhancement reaches a visit at this place and time."""
    e = enhancement
    if place.day < e.starts_on or (e.ends_on is not None and place.day > e.ends_on):
        return False
    if (e.lsoas or e.postcodes) and not _in_area(e, place):
        return False
    if e.kind is EnhancementKind.BANK_HOLIDAY and not place.bank_holiday:
        return False
    if e.kind is EnhancementKind.NIGHT and not place.night:
        return False
    local = place.starts_at.astimezone(LONDON)
    if e.weekdays and local.weekday() not in e.weekdays:
        return False
    return (
        e.from_time is None or e.to_time is None or _in_band(local.time(), e.from_time, e.to_time)
    )


def _in_area(e: Enhancement, place: Place) -> bool:
    if place.lsoa is not None and place.lsoa in e.lsoas:
        return True
    if place.postcode is None:
        return False
    code = " ".join(place.postcode.upper().split())
    return code in e.postcodes or code.split(" ")[0] in e.postcodes


def _in_band(moment: time, start: time, end: time) -> bool:
    """A band from `start` up to (not including) `end`; 22:00-07:00 runs past midnight."""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def apply_enhancements(
    place: Place, minutes: int, hourly_rate_pence: int, enhancements: Iterable[Enhancement]
) -> tuple[EnhancementLine, ...]:
    """A line for each enhancement that reaches the visit, in the order given; none for an
    unpaid visit (0 minutes)."""
    if minutes <= 0:
        return ()
    lines = []
    for e in enhancements:
        if not applies(e, place):
            continue
        per_hour = Decimal(e.pence_per_hour) + Decimal(hourly_rate_pence) * e.percent / HUNDRED
        exact = Decimal(minutes) * per_hour / MINUTES_PER_HOUR
        pence = to_pence(exact)
        rate_words = (
            f"{e.pence_per_hour}p an hour"
            if e.pence_per_hour
            else f"{e.percent.normalize():f}% of {hourly_rate_pence}p an hour"
        )
        working = (
            f"{minutes} minutes × {rate_words} ÷ 60 = {exact.normalize():f}p → {pence}p (half up)"
        )
        lines.append(
            EnhancementLine(
                e.name, e.kind, e.funding_source, e.passed_to_staff, minutes, pence, working
            )
        )
    return tuple(lines)


FUEL_GRANT_FUNDING = (
    "Home Support Fuel Grant (underspend of the Workforce Recruitment and Retention Fund)"
)
DISCHARGE_FUNDING = "Discharge to Assess (DHSC)"


def fuel_grant(starts_on: date = date(2022, 3, 1), ends_on: date | None = None) -> Enhancement:
    """28p an hour passed to care workers for fuel, from March 2022 (004 3.1.3, the seeds'
    figures); its end is not in the seeds, so it runs until ended."""
    return Enhancement(
        name="Fuel grant",
        kind=EnhancementKind.GRANT,
        funding_source=FUEL_GRANT_FUNDING,
        starts_on=starts_on,
        ends_on=ends_on,
        pence_per_hour=28,
        passed_to_staff=True,
    )


def wharfedale_uplift(
    lsoas: Iterable[str],
    pence_per_hour: int,
    starts_on: date = date(2021, 12, 1),
    ends_on: date = date(2022, 3, 31),
) -> Enhancement:
    """A higher rate around Wharfedale, where packages would not move, paid from discharge
    money that stopped on 31 March 2022 (004 3.1.7). The seeds give neither the amount nor
    the LSOAs nor the first day (December 2021 is assumed, after November's meeting)."""
    return Enhancement(
        name="Wharfedale uplift",
        kind=EnhancementKind.AREA,
        funding_source=DISCHARGE_FUNDING,
        starts_on=starts_on,
        ends_on=ends_on,
        pence_per_hour=pence_per_hour,
        lsoas=frozenset(lsoas),
    )


def winter_on_par(
    pence_per_hour: int, starts_on: date = date(2021, 12, 1), ends_on: date = date(2022, 3, 31)
) -> Enhancement:
    """Locality providers paid on par with the short-term service over the winter, from the
    same discharge money (004 3.1.7); the amount is the gap between the two rates, which the
    seeds do not give."""
    return Enhancement(
        name="Winter rate on par with the short-term service",
        kind=EnhancementKind.TIME,
        funding_source=DISCHARGE_FUNDING,
        starts_on=starts_on,
        ends_on=ends_on,
        pence_per_hour=pence_per_hour,
    )
