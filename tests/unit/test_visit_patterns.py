"""Visit patterns, two-handed visits and weekly hours."""

from __future__ import annotations

import pytest

from homecare.brokerage.domain import response_deadline
from homecare.calendar import LONDON
from homecare.errors import InvalidInput
from homecare.pattern import Day, TimeBand, build_pattern, check_weekly_hours

MON_MORNING = (Day.MON, TimeBand.MORNING, 45)
MON_BED = (Day.MON, TimeBand.BED, 30)


def test_two_handed_visits_count_twice_in_carer_hours() -> None:
    pattern = build_pattern([MON_MORNING, MON_BED], ["mon-morning"])
    assert check_weekly_hours(2.0, pattern) == 120  # 45 x 2 + 30


def test_a_two_handed_flag_on_a_missing_visit_names_the_list_entry() -> None:
    with pytest.raises(InvalidInput) as refused:
        build_pattern([MON_MORNING], ["mon-morning", "tue-bed"])
    assert refused.value.field == "two_handed.1"


def test_two_visits_in_the_same_band_on_the_same_day_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        build_pattern([MON_MORNING, MON_MORNING], [])
    assert refused.value.field == "visits.1"


@pytest.mark.parametrize("hours", [-1.0, 0.0, 168.5, 1000.0])
def test_weekly_hours_outside_a_week_are_refused(hours: float) -> None:
    pattern = build_pattern([MON_MORNING], [])
    with pytest.raises(InvalidInput) as refused:
        check_weekly_hours(hours, pattern)
    assert refused.value.field == "weekly_hours"


def test_weekly_hours_that_disagree_with_the_pattern_are_refused() -> None:
    pattern = build_pattern([MON_MORNING], [])
    with pytest.raises(InvalidInput, match="do not match"):
        check_weekly_hours(3.0, pattern)


def test_a_visit_shorter_than_fifteen_minutes_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        build_pattern([(Day.MON, TimeBand.LUNCH, 10)], [])
    assert refused.value.field == "visits.0.minutes"


def test_a_priority_offer_has_less_time_than_a_standard_one() -> None:
    from datetime import datetime

    offered = datetime(2026, 10, 5, 10, 0, tzinfo=LONDON)
    standard = response_deadline(offered, priority=False, standard_hours=4, priority_hours=1)
    priority = response_deadline(offered, priority=True, standard_hours=4, priority_hours=1)
    assert (standard.hour, priority.hour) == (14, 11)
