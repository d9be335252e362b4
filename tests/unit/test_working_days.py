"""Working-day arithmetic around England's bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from homecare.calendar import (
    LONDON,
    add_office_hours,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    next_working_day,
    working_days_between,
    working_deadline,
)


def london(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_christmas_and_the_substitute_boxing_day_2026_are_not_working_days() -> None:
    # 25 December 2026 is a Friday; Boxing Day falls on Saturday, so Monday 28th is off.
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_easter_2026_takes_out_good_friday_and_easter_monday() -> None:
    assert bank_holiday_name(date(2026, 4, 3)) is not None
    assert bank_holiday_name(date(2026, 4, 6)) is not None
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_the_summer_bank_holiday_is_englands_not_scotlands() -> None:
    # England's summer bank holiday is the last Monday of August; Scotland's the first.
    assert not is_working_day(date(2026, 8, 31))
    assert is_working_day(date(2026, 8, 3))


def test_a_friday_afternoon_referral_has_until_monday_afternoon_for_one_working_day() -> None:
    deadline = working_deadline(london(2026, 10, 9, 15, 30), 1)
    assert deadline == london(2026, 10, 12, 15, 30)


def test_a_saturday_referral_has_until_the_end_of_monday_for_one_working_day() -> None:
    deadline = working_deadline(london(2026, 10, 10, 11, 0), 1)
    assert deadline == london(2026, 10, 13, 0, 0)


def test_a_christmas_eve_referral_waits_out_christmas_and_boxing_day() -> None:
    deadline = working_deadline(london(2026, 12, 24, 16, 0), 1)
    assert deadline == london(2026, 12, 29, 16, 0)


def test_a_deadline_keeps_its_timezone_in_utc() -> None:
    start = datetime(2026, 10, 9, 14, 30, tzinfo=UTC)  # 15:30 in London (BST)
    assert working_deadline(start, 1) == datetime(2026, 10, 12, 14, 30, tzinfo=UTC)


def test_working_days_between_counts_neither_weekends_nor_bank_holidays() -> None:
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 30)) == 3
    assert working_days_between(date(2026, 10, 5), date(2026, 10, 5)) == 0


def test_office_hours_pause_overnight() -> None:
    due = add_office_hours(london(2026, 10, 5, 19, 30), 4, time(8), time(20))
    assert due == london(2026, 10, 6, 11, 30)


def test_office_hours_before_opening_start_at_opening() -> None:
    due = add_office_hours(london(2026, 10, 5, 6, 0), 1, time(8), time(20))
    assert due == london(2026, 10, 5, 9, 0)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError):
        working_deadline(london(2026, 10, 5, 9), -1)
