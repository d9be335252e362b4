"""Retention periods worked by hand: what is past retention on a given day."""

from __future__ import annotations

from datetime import date

import pytest

from homecare.privacy.domain import (
    Period,
    earliest_kept_start,
    end_of_care,
    kept_until,
    parse_retention,
    past_retention,
    shipped_retention,
)

EIGHT_YEARS = Period(years=8)
NINETY_DAYS = Period(days=90)


def test_care_that_ended_eight_years_ago_is_kept_through_the_last_day_and_gone_the_next() -> None:
    # Care ended 31 March 2018; 8 years on is 31 March 2026, the last day it is kept.
    ended = date(2018, 3, 31)

    assert kept_until(ended, EIGHT_YEARS) == date(2026, 3, 31)
    assert not past_retention(ended, EIGHT_YEARS, date(2026, 3, 31))
    assert past_retention(ended, EIGHT_YEARS, date(2026, 4, 1))


def test_a_leap_day_start_is_kept_until_the_end_of_february_in_a_common_year() -> None:
    # 29 February 2020 + 1 year: 2021 has no 29 February, so 28 February 2021 is the last day.
    assert kept_until(date(2020, 2, 29), Period(years=1)) == date(2021, 2, 28)
    assert past_retention(date(2020, 2, 29), Period(years=1), date(2021, 3, 1))
    # + 8 years lands on 29 February 2028, a leap year.
    assert kept_until(date(2020, 2, 29), EIGHT_YEARS) == date(2028, 2, 29)


def test_ninety_days_of_sign_in_attempts_count_the_days_one_by_one() -> None:
    # 1 January 2026 + 90 days = 1 April 2026 (31 Jan + 28 Feb + 31 Mar = 90).
    assert kept_until(date(2026, 1, 1), NINETY_DAYS) == date(2026, 4, 1)
    assert not past_retention(date(2026, 1, 1), NINETY_DAYS, date(2026, 4, 1))
    assert past_retention(date(2026, 1, 1), NINETY_DAYS, date(2026, 4, 2))


def test_care_still_going_on_is_never_past_retention() -> None:
    assert not past_retention(None, EIGHT_YEARS, date(2100, 1, 1))


@pytest.mark.parametrize(
    ("period", "as_at", "first_kept"),
    [
        # 1 April 2026 - 8 years = 1 April 2018: care ending 31 March 2018 is past (see above).
        (EIGHT_YEARS, date(2026, 4, 1), date(2018, 4, 1)),
        # 2 April 2026 - 90 days = 2 January 2026; 1 January 2026 is past on 2 April.
        (NINETY_DAYS, date(2026, 4, 2), date(2026, 1, 2)),
        # 1 March 2021 - 1 year = 1 March 2020; 29 February 2020 is past, 1 March 2020 kept.
        (Period(years=1), date(2021, 3, 1), date(2020, 3, 1)),
    ],
)
def test_the_first_kept_start_splits_past_from_kept_exactly(
    period: Period, as_at: date, first_kept: date
) -> None:
    before = date.fromordinal(first_kept.toordinal() - 1)

    assert earliest_kept_start(period, as_at) == first_kept
    assert past_retention(before, period, as_at)
    assert not past_retention(first_kept, period, as_at)


def test_the_end_of_care_is_the_latest_date_unless_a_package_is_open() -> None:
    assert end_of_care([date(2017, 6, 30), date(2018, 3, 31)], [date(2016, 1, 4)]) == date(
        2018, 3, 31
    )
    assert end_of_care([date(2018, 3, 31), None], [date(2016, 1, 4)]) is None
    assert end_of_care([], [date(2016, 1, 4), date(2016, 2, 1)]) == date(2016, 2, 1)
    assert end_of_care([], []) is None


def test_the_shipped_rules_name_a_period_and_a_basis_for_every_kind() -> None:
    retention = shipped_retention()

    kinds = {rule.table: rule for rule in retention.rules}
    assert kinds["person"].period == EIGHT_YEARS
    assert "Records Management Code of Practice" in kinds["person"].basis
    assert kinds["sign_in_attempt"].period == NINETY_DAYS
    assert kinds["web_session"].runs_from == ("ended_at", "last_seen_at")
    assert ("user_account", "person_id") in retention.unlink
    assert all(rule.basis for rule in retention.rules)


def test_a_rule_without_a_period_is_refused() -> None:
    data = {"rule": [{"kind": "forever", "table": "person", "runs_from": ["at"]}]}

    with pytest.raises(ValueError, match="forever"):
        parse_retention(data)
