"""When the demo's story happens, worked by hand on the calendar of late 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from homecare.calendar import LONDON
from homecare.scenario.story import read_clock, story_ending


def test_four_weeks_of_delivery_end_at_the_clock_after_four_weeks_of_brokerage() -> None:
    # Sunday 6 December 2026, 13:00: this week's Monday is 30 November; three weeks
    # before it, 9 November; brokerage is the 28 days to Sunday 8 November.
    story = story_ending(datetime(2026, 12, 6, 13, 0, tzinfo=LONDON), weeks=4)

    assert story.delivery_from == date(2026, 11, 9)
    assert (story.brokerage_from, story.brokerage_to) == (date(2026, 10, 12), date(2026, 11, 8))
    assert story.brokerage_until == datetime(2026, 11, 9, 0, 0, tzinfo=LONDON)
    assert story.round_days[0] == date(2026, 12, 6)
    assert story.round_days[-1] == date(2026, 12, 13)


def test_one_week_on_a_monday_morning_is_that_morning_alone() -> None:
    story = story_ending(datetime(2026, 12, 7, 7, 30, tzinfo=LONDON), weeks=1)

    assert story.delivery_from == date(2026, 12, 7)
    assert story.brokerage_to == date(2026, 12, 6)


def test_without_delivery_the_brokerage_ends_the_day_before_the_clock() -> None:
    story = story_ending(datetime(2026, 12, 7, 7, 30, tzinfo=LONDON), weeks=0)

    assert story.delivery_from is None
    assert story.brokerage_to == date(2026, 12, 6)
    assert story.brokerage_from == date(2026, 11, 9)


def test_the_clock_is_read_in_the_areas_time_with_a_day_alone_meaning_one_oclock() -> None:
    assert read_clock("2026-12-07") == datetime(2026, 12, 7, 13, 0, tzinfo=LONDON)
    assert read_clock("2026-07-01T21:00") == datetime(2026, 7, 1, 21, 0, tzinfo=LONDON)
    utc = read_clock("2026-07-01T20:00+00:00")  # 21:00 in British Summer Time
    assert utc.utcoffset() == timedelta(hours=1) and utc.hour == 21
    assert read_clock(None).tzinfo is LONDON


def test_a_clock_that_is_not_a_day_and_time_is_refused_with_an_example() -> None:
    with pytest.raises(ValueError, match="2026-12-07T13:00"):
        read_clock("next tuesday")


def test_a_clock_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        story_ending(datetime(2026, 12, 7, 7, 30), weeks=1)
    assert story_ending(datetime(2026, 12, 7, 7, 30, tzinfo=UTC), 1).today == date(2026, 12, 7)
