"""Reporting periods: ISO weeks, 4-week periods, calendar months, quarters, half years
and years.

Appendix 2 asks for some measures weekly, some 4-weekly and some quarterly, half-yearly
or annually, so one text form names each period the return can be asked for:

- ``2026-W40``: ISO week 40 of ISO year 2026, Monday to Sunday;
- ``2026-P08``: the eighth 4-week period of ISO year 2026 (P01 is ISO weeks 1-4, ...,
  P13 is weeks 49-52, and also week 53 in a year that has one), so periods never split a
  week and a year always has thirteen of them;
- ``2026-11``: the calendar month of November 2026;
- ``2026Q3``: the calendar quarter 1 July to 30 September;
- ``2026-H2``: the calendar half year 1 July to 31 December;
- ``2026``: the calendar year.

Each also has a name in plain English for people to pick from: "Week to Sunday 11
October 2026", "4 weeks to Sunday 29 November 2026", "November 2026", "October to
December 2026", "July to December 2026", "January to December 2026".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from homecare.errors import InvalidInput

FIELD = "period"
WEEKS_PER_PERIOD = 4
PERIODS_PER_YEAR = 13


class PeriodKind(StrEnum):
    WEEK = "week"
    FOUR_WEEKS = "four_weeks"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


@dataclass(frozen=True, order=True)
class Period:
    """A run of whole days, first and last included."""

    start: date
    end: date
    kind: PeriodKind
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def description(self) -> str:
        return f"{_NAMES[self.kind](self)}: {_long(self.start)} to {_long(self.end)}"

    @property
    def name(self) -> str:
        """The period in plain English, as a picker offers it."""
        return _PLAIN[self.kind](self)


def _long(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _full(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _months(p: Period) -> str:
    return f"{p.start:%B} to {p.end:%B %Y}"


_PLAIN = {
    PeriodKind.WEEK: lambda p: f"Week to {_full(p.end)}",
    PeriodKind.FOUR_WEEKS: lambda p: f"4 weeks to {_full(p.end)}",
    PeriodKind.MONTH: lambda p: f"{p.start:%B %Y}",
    PeriodKind.QUARTER: _months,
    PeriodKind.HALF: _months,
    PeriodKind.YEAR: _months,
}


_NAMES = {
    PeriodKind.WEEK: lambda p: f"ISO week {int(p.label[-2:])} of {p.label[:4]}",
    PeriodKind.FOUR_WEEKS: lambda p: f"4-week period {int(p.label[-2:])} of {p.label[:4]}",
    PeriodKind.MONTH: lambda p: f"{p.start:%B %Y}",
    PeriodKind.QUARTER: lambda p: f"Quarter {p.label[-1]} of {p.label[:4]}",
    PeriodKind.HALF: lambda p: f"Half {p.label[-1]} of {p.label[:4]}",
    PeriodKind.YEAR: lambda p: f"Year {p.label}",
}


def iso_weeks_in(year: int) -> int:
    """52 or 53: 28 December always falls in the ISO year's last week."""
    return date(year, 12, 28).isocalendar().week


def iso_week(year: int, week: int) -> Period:
    if not 1 <= week <= iso_weeks_in(year):
        raise InvalidInput(f"{year} has ISO weeks 1 to {iso_weeks_in(year)}", field=FIELD)
    start = date.fromisocalendar(year, week, 1)
    return Period(start, start + timedelta(days=6), PeriodKind.WEEK, f"{year}-W{week:02d}")


def four_week_period(year: int, number: int) -> Period:
    """P01-P13; the thirteenth also takes week 53 so that no week is left out."""
    if not 1 <= number <= PERIODS_PER_YEAR:
        raise InvalidInput("4-week periods are numbered P01 to P13", field=FIELD)
    first = (number - 1) * WEEKS_PER_PERIOD + 1
    last = iso_weeks_in(year) if number == PERIODS_PER_YEAR else first + WEEKS_PER_PERIOD - 1
    start = date.fromisocalendar(year, first, 1)
    end = date.fromisocalendar(year, last, 7)
    return Period(start, end, PeriodKind.FOUR_WEEKS, f"{year}-P{number:02d}")


def _month_span(year: int, first_month: int, months: int) -> tuple[date, date]:
    start = date(year, first_month, 1)
    after = first_month + months
    end = date(year + 1, 1, 1) if after > 12 else date(year, after, 1)
    return start, end - timedelta(days=1)


def calendar_month(year: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise InvalidInput("months are numbered 01 to 12", field=FIELD)
    start, end = _month_span(year, number, 1)
    return Period(start, end, PeriodKind.MONTH, f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    if not 1 <= number <= 4:
        raise InvalidInput("quarters are Q1 to Q4", field=FIELD)
    start, end = _month_span(year, 3 * number - 2, 3)
    return Period(start, end, PeriodKind.QUARTER, f"{year}Q{number}")


def half_year(year: int, number: int) -> Period:
    if number not in (1, 2):
        raise InvalidInput("half years are H1 and H2", field=FIELD)
    start, end = _month_span(year, 6 * number - 5, 6)
    return Period(start, end, PeriodKind.HALF, f"{year}-H{number}")


def calendar_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR, f"{year}")


_PATTERNS: tuple[tuple[re.Pattern[str], PeriodKind], ...] = (
    (re.compile(r"(\d{4})-W(\d{2})"), PeriodKind.WEEK),
    (re.compile(r"(\d{4})-P(\d{2})"), PeriodKind.FOUR_WEEKS),
    (re.compile(r"(\d{4})-(\d{2})"), PeriodKind.MONTH),
    (re.compile(r"(\d{4})-?Q(\d)"), PeriodKind.QUARTER),
    (re.compile(r"(\d{4})-H(\d)"), PeriodKind.HALF),
    (re.compile(r"(\d{4})"), PeriodKind.YEAR),
)
_BUILD = {
    PeriodKind.WEEK: iso_week,
    PeriodKind.FOUR_WEEKS: four_week_period,
    PeriodKind.MONTH: calendar_month,
    PeriodKind.QUARTER: quarter,
    PeriodKind.HALF: half_year,
}
EXAMPLES = "2026-W40, 2026-P08, 2026-11, 2026Q3, 2026-H2 or 2026"


def parse_period(text: str) -> Period:
    """A period from its label, or a 422 naming `period` that shows the forms it takes."""
    cleaned = text.strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        year = int(match.group(1))
        if not 1900 <= year <= 2999:
            raise InvalidInput(f"no reporting year {year}", field=FIELD)
        if kind is PeriodKind.YEAR:
            return calendar_year(year)
        return _BUILD[kind](year, int(match.group(2)))
    raise InvalidInput(f"name the period as {EXAMPLES}; {text!r} is none of these", field=FIELD)


def periods_of_year(year: int, kind: PeriodKind | str) -> list[Period]:
    """Every period of one kind in a year, in order (13 four-week periods, 52 or 53 weeks)."""
    try:
        chosen = PeriodKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in PeriodKind)
        raise InvalidInput(f"period kinds are {known}", field="kind") from None
    if chosen is PeriodKind.WEEK:
        return [iso_week(year, w) for w in range(1, iso_weeks_in(year) + 1)]
    if chosen is PeriodKind.FOUR_WEEKS:
        return [four_week_period(year, n) for n in range(1, PERIODS_PER_YEAR + 1)]
    if chosen is PeriodKind.MONTH:
        return [calendar_month(year, n) for n in range(1, 13)]
    if chosen is PeriodKind.QUARTER:
        return [quarter(year, n) for n in range(1, 5)]
    if chosen is PeriodKind.HALF:
        return [half_year(year, n) for n in (1, 2)]
    return [calendar_year(year)]


def weekdays_in(period: Period) -> int:
    """Monday to Friday days in the period: the working days measure 16 divides by."""
    full_weeks, rest = divmod(period.days, 7)
    count = full_weeks * 5
    for offset in range(rest):
        if (period.start + timedelta(days=full_weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def previous_period(period: Period) -> Period:
    """The 4-week period before, across the turn of the ISO year."""
    year, number = int(period.label[:4]), int(period.label[-2:])
    if number == 1:
        return four_week_period(year - 1, PERIODS_PER_YEAR)
    return four_week_period(year, number - 1)


def four_weeks_ending(period: Period) -> Period:
    """The 4-week period itself, or the one holding the last day of a week or quarter."""
    if period.kind is PeriodKind.FOUR_WEEKS:
        return period
    year = period.end.isocalendar().year
    return next(p for p in periods_of_year(year, PeriodKind.FOUR_WEEKS) if p.contains(period.end))


def periods_before(last: Period, count: int) -> list[Period]:
    """`count` 4-week periods ending with the one that holds `last`'s end, oldest first."""
    periods = [four_weeks_ending(last)]
    while len(periods) < count:
        periods.append(previous_period(periods[-1]))
    return list(reversed(periods))


def recent_periods(day: date, kind: PeriodKind, count: int) -> list[Period]:
    """The period of a kind holding `day` and the `count - 1` before it, newest first."""
    year = day.isocalendar().year if kind in (PeriodKind.WEEK, PeriodKind.FOUR_WEEKS) else day.year
    started = [
        p for y in range(year - 3, year + 1) for p in periods_of_year(y, kind) if p.start <= day
    ]
    return sorted(started, key=lambda p: p.start, reverse=True)[:count]
