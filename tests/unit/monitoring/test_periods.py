"""Reporting periods: weeks, 4-week periods, months, quarters, halves and years."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from homecare.errors import InvalidInput
from homecare.monitoring.periods import (
    PeriodKind,
    parse_period,
    periods_of_year,
    recent_periods,
    weekdays_in,
)


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026-W40", date(2026, 9, 28), date(2026, 10, 4)),
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-P01", date(2025, 12, 29), date(2026, 1, 25)),
        ("2026-P08", date(2026, 7, 13), date(2026, 8, 9)),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_each_label_names_its_first_and_last_days(label: str, start: date, end: date) -> None:
    period = parse_period(label)

    assert (period.start, period.end) == (start, end)


def test_an_iso_week_runs_monday_to_sunday() -> None:
    week = parse_period("2026-w40")

    assert (week.start.weekday(), week.end.weekday(), week.days, week.label) == (
        0,
        6,
        7,
        "2026-W40",
    )


def test_the_thirteenth_period_takes_week_53_in_a_year_that_has_one() -> None:
    # 2026 has 53 ISO weeks (28 December 2026 is in week 53): P13 = weeks 49-53, 35 days;
    # 2025 has 52, so its P13 is weeks 49-52 (Monday 1 to Sunday 28 December), 28 days.
    p13 = parse_period("2026-P13")
    plain = parse_period("2025-P13")

    assert (p13.start, p13.end, p13.days) == (date(2026, 11, 30), date(2027, 1, 3), 35)
    assert (plain.start, plain.end, plain.days) == (date(2025, 12, 1), date(2025, 12, 28), 28)


def test_a_year_has_thirteen_four_week_periods_that_tile_it() -> None:
    periods = periods_of_year(2026, PeriodKind.FOUR_WEEKS)

    assert [p.label for p in periods][:2] == ["2026-P01", "2026-P02"]
    assert len(periods) == 13
    assert all((b.start - a.end).days == 1 for a, b in itertools.pairwise(periods))
    assert sum(p.days for p in periods) == 53 * 7


@pytest.mark.parametrize(
    ("kind", "count"),
    [("week", 53), ("four_weeks", 13), ("quarter", 4), ("half", 2), ("year", 1)],
)
def test_periods_of_year_lists_every_period_of_a_kind(kind: str, count: int) -> None:
    assert len(periods_of_year(2026, kind)) == count


@pytest.mark.parametrize(
    "label",
    [
        *("2026-P14", "2026-P00", "2026-W54", "2025-W53", "2026-W99"),
        *("2026Q5", "2026Q0", "2026-H3", "P08", "", "2026-13", "2026-00", "next month"),
    ],
)
def test_a_malformed_period_is_refused_naming_the_period_field(label: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_period(label)

    assert refused.value.field == "period"


def test_an_unknown_kind_of_period_is_refused() -> None:
    with pytest.raises(InvalidInput):
        periods_of_year(2026, "fortnight")


def test_weekdays_count_mondays_to_fridays_only() -> None:
    # 2026-P08 is four whole weeks: 20 weekdays. Q3 2026 is 92 days, Wednesday 1 July to
    # Wednesday 30 September: 13 whole weeks (65 weekdays) and one Wednesday more: 66.
    assert weekdays_in(parse_period("2026-P08")) == 20
    assert weekdays_in(parse_period("2026Q3")) == 66
    assert weekdays_in(parse_period("2026-W40")) == 5


def test_a_period_describes_itself_in_words() -> None:
    assert parse_period("2026-P08").description == (
        "4-week period 8 of 2026: Mon 13 Jul 2026 to Sun 9 Aug 2026"
    )


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("2026-W41", "Week to Sunday 11 October 2026"),
        ("2026-P12", "4 weeks to Sunday 29 November 2026"),
        ("2026-11", "November 2026"),
        ("2026Q4", "October to December 2026"),
        ("2026-H2", "July to December 2026"),
        ("2026", "January to December 2026"),
    ],
)
def test_every_period_has_a_name_in_plain_english(label: str, name: str) -> None:
    assert parse_period(label).name == name


def test_a_year_has_twelve_calendar_months() -> None:
    months = periods_of_year(2026, PeriodKind.MONTH)

    assert [m.label for m in months[:2]] == ["2026-01", "2026-02"]
    assert len(months) == 12 and sum(m.days for m in months) == 365


def test_recent_periods_start_with_the_one_in_progress_and_cross_the_year() -> None:
    # Sunday 6 December 2026: in P13 (30 November 2026 to 3 January 2027) and Q4.
    fours = recent_periods(date(2026, 12, 6), PeriodKind.FOUR_WEEKS, 3)
    months = recent_periods(date(2026, 1, 10), PeriodKind.MONTH, 2)

    assert [p.label for p in fours] == ["2026-P13", "2026-P12", "2026-P11"]
    assert [p.label for p in months] == ["2026-01", "2025-12"]
