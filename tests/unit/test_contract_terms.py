"""Contract terms over time: versions laid over one another by their day, and the rules
for rate changes, extensions, early ends and the contract conditions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.errors import Conflict, InvalidInput
from homecare.market.contract_terms import (
    ProviderStanding,
    Terms,
    Version,
    add_months,
    check_conditions,
    check_extension,
    check_rate_change,
    check_termination,
    require_conditions,
    terms_on,
)
from homecare.market.domain import CqcRating

MADE = Terms(
    hourly_rate_pence=2622,
    weekly_capacity_minutes=400 * 60,
    flex_up_percent=20,
    flex_down_percent=20,
    notice_days=90,
    starts_on=date(2024, 9, 9),
    ends_on=date(2029, 9, 8),
)


def test_a_later_change_of_one_field_keeps_an_earlier_change_of_another() -> None:
    # Recorded first: £27.10 from 6 April 2026. Recorded second: 450 hours from 1 March.
    # On 7 April both hold; on 2 March only the capacity.
    uplift = Version(number=2, effective_from=date(2026, 4, 6), hourly_rate_pence=2710)
    capacity = Version(number=3, effective_from=date(2026, 3, 1), weekly_capacity_minutes=27000)

    april = terms_on(MADE, [uplift, capacity], date(2026, 4, 7))
    march = terms_on(MADE, [uplift, capacity], date(2026, 3, 2))

    assert (april.hourly_rate_pence, april.weekly_capacity_minutes) == (2710, 27000)
    assert (march.hourly_rate_pence, march.weekly_capacity_minutes) == (2622, 27000)


@given(
    rates=st.lists(st.tuples(st.integers(0, 400), st.integers(1500, 4000)), min_size=0, max_size=8),
    offset=st.integers(-10, 420),
)
def test_the_rate_on_any_day_is_the_latest_change_effective_by_then(
    rates: list[tuple[int, int]], offset: int
) -> None:
    start = date(2026, 1, 1)
    versions = [
        Version(number=n + 2, effective_from=start + timedelta(days=d), hourly_rate_pence=r)
        for n, (d, r) in enumerate(rates)
    ]
    day = start + timedelta(days=offset)
    effective = sorted(
        (v for v in versions if v.effective_from <= day), key=lambda v: (v.effective_from, v.number)
    )
    expected = effective[-1].hourly_rate_pence if effective else MADE.hourly_rate_pence

    assert terms_on(MADE, versions, day).hourly_rate_pence == expected


def test_a_rate_change_before_today_is_refused_naming_today() -> None:
    with pytest.raises(InvalidInput, match="7 December 2026") as refused:
        check_rate_change(
            rate_pence=2700,
            effective_from=date(2026, 12, 6),
            today=date(2026, 12, 7),
            terms=MADE,
            pending=[],
        )
    assert refused.value.field == "effective_from"


def test_months_are_added_to_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2029, 8, 31), 24) == date(2031, 8, 31)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)  # 2028 is a leap year


def test_an_extension_past_24_months_names_the_latest_end() -> None:
    with pytest.raises(InvalidInput, match="8 September 2031"):
        check_extension(new_end=date(2031, 9, 9), terms=MADE, first_end=date(2029, 9, 8))
    check_extension(new_end=date(2031, 9, 8), terms=MADE, first_end=date(2029, 9, 8))


def test_an_early_end_inside_the_notice_needs_a_reason() -> None:
    today = date(2026, 12, 7)
    # 90 days from 7 December 2026 is 7 March 2027.
    with pytest.raises(Conflict, match="7 March 2027"):
        check_termination(
            ends_on=date(2027, 3, 6), today=today, terms=MADE, without_notice_reason=None
        )
    check_termination(ends_on=date(2027, 3, 7), today=today, terms=MADE, without_notice_reason=None)
    check_termination(
        ends_on=date(2026, 12, 31),
        today=today,
        terms=MADE,
        without_notice_reason="Safeguarding concern",
    )


def test_the_conditions_follow_001_and_an_override_lets_a_short_provider_through() -> None:
    # Requires improvement overall is allowed (the default threshold) but Well-led must be
    # Good, and a workforce data set completed 400 days ago is out of date.
    standing = ProviderStanding(
        cqc_location_id="1-123456789",
        overall=CqcRating.REQUIRES_IMPROVEMENT,
        well_led=CqcRating.REQUIRES_IMPROVEMENT,
        workforce_data_set_on=date(2025, 11, 2),
    )

    results = check_conditions(
        standing, threshold=CqcRating.REQUIRES_IMPROVEMENT, today=date(2026, 12, 7)
    )

    assert [(r.code, r.met) for r in results] == [
        ("cqc_registered", True),
        ("overall_rating", True),
        ("well_led_good", False),
        ("workforce_data_set", False),
    ]
    with pytest.raises(Conflict, match="Well-led"):
        require_conditions(results, None)
    require_conditions(results, "Improvement plan agreed")


def test_a_service_not_yet_inspected_meets_no_rating_condition() -> None:
    standing = ProviderStanding("1-123456789", CqcRating.NOT_RATED, CqcRating.NOT_RATED, None)

    results = check_conditions(standing, threshold=CqcRating.GOOD, today=date(2026, 12, 7))

    assert [r.met for r in results] == [False, False, False, False]
    assert results[0].finding == "registered but not yet rated"
