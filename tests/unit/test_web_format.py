"""The pages write dates, money and waits as the GOV.UK style guide does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from homecare.web.format import (
    format_date,
    format_datetime,
    format_hours,
    format_money,
    format_nhs,
    format_time,
    format_waiting,
    sentence,
)


def test_a_date_is_written_day_month_year_without_a_leading_zero() -> None:
    assert format_date(date(2026, 9, 9)) == "9 September 2026"
    assert format_date(date(2026, 12, 25)) == "25 December 2026"
    assert format_date(None) == ""


def test_a_moment_is_dated_in_london_not_in_utc() -> None:
    late_evening_utc = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London

    assert format_date(late_evening_utc) == "1 July 2026"


@pytest.mark.parametrize(
    ("utc", "written"),
    [
        (datetime(2026, 1, 5, 9, 0, tzinfo=UTC), "9am"),
        (datetime(2026, 1, 5, 14, 30, tzinfo=UTC), "2:30pm"),
        (datetime(2026, 1, 5, 12, 0, tzinfo=UTC), "midday"),
        (datetime(2026, 1, 5, 0, 0, tzinfo=UTC), "midnight"),
        (datetime(2026, 7, 6, 8, 5, tzinfo=UTC), "9:05am"),  # British Summer Time
    ],
)
def test_times_are_written_in_twelve_hour_london_time(utc: datetime, written: str) -> None:
    assert format_time(utc) == written


def test_a_date_and_time_read_as_one_phrase() -> None:
    assert format_datetime(datetime(2026, 10, 5, 9, 0, tzinfo=UTC)) == "5 October 2026 at 10am"


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("26.22"), "£26.22"),
        (Decimal("26.2"), "£26.20"),
        (Decimal("357000"), "£357,000.00"),
        (Decimal("-1.5"), "-£1.50"),
        (Decimal("0.005"), "£0.01"),
    ],
)
def test_money_is_pounds_and_pence(amount: Decimal, written: str) -> None:
    assert format_money(amount) == written


def test_money_can_be_given_in_integer_pence() -> None:
    assert format_money(2622, pence=True) == "£26.22"


@pytest.mark.parametrize(
    ("waited", "written"),
    [
        (timedelta(days=2, hours=3, minutes=59), "2 days 3 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=1, hours=1), "1 day 1 hour"),
        (timedelta(hours=5), "5 hours"),
        (timedelta(hours=1, minutes=1), "1 hour 1 minute"),
        (timedelta(minutes=40), "40 minutes"),
        (timedelta(seconds=59), "less than a minute"),
        (timedelta(seconds=-30), "less than a minute"),
    ],
)
def test_a_wait_is_written_in_its_two_largest_units(waited: timedelta, written: str) -> None:
    assert format_waiting(waited) == written


@pytest.mark.parametrize(
    ("hours", "written"),
    [
        (Decimal("12.50"), "12.5 hours"),
        (Decimal("1.00"), "1 hour"),
        (7.25, "7.25 hours"),
        (0, "0 hours"),
    ],
)
def test_hours_have_no_trailing_zeros(hours: Decimal | float, written: str) -> None:
    assert format_hours(hours) == written


def test_an_nhs_number_is_spaced_three_three_four() -> None:
    assert format_nhs("9434765919") == "943 476 5919"


def test_a_services_message_becomes_a_sentence_on_the_page() -> None:
    assert sentence("the required start is before the referral date.") == (
        "The required start is before the referral date"
    )
