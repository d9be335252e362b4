"""A change of visits in a family's words, worked by hand."""

from __future__ import annotations

from homecare.changes.wording import describe, duration, in_words, totals_in_words, weekly_change
from homecare.pattern import Day, PlannedVisit, TimeBand

MORNING, LUNCH, TEA, BED = TimeBand.MORNING, TimeBand.LUNCH, TimeBand.TEA, TimeBand.BED
EVERY_DAY = list(Day)


def visits(
    days: list[Day], band: TimeBand, minutes: int = 30, carers: int = 1
) -> list[PlannedVisit]:
    return [PlannedVisit(d, band, minutes, carers) for d in days]


BASE = visits(EVERY_DAY, MORNING) + visits(EVERY_DAY, BED)
"""Morning and bedtime calls of 30 minutes every day: 7 hours a week."""


def changed(
    pattern: list[PlannedVisit], day: Day, band: TimeBand, **what: int
) -> list[PlannedVisit]:
    return [
        PlannedVisit(v.day, v.band, what.get("minutes", v.minutes), what.get("carers", v.carers))
        if (v.day, v.band) == (day, band)
        else v
        for v in pattern
    ]


def test_a_lunch_visit_every_day_is_one_phrase_with_the_weekly_hours() -> None:
    after = BASE + visits(EVERY_DAY, LUNCH)

    # 7 visits × 30 minutes = 210 minutes = 3 h 30 min.
    assert in_words(BASE, after) == "adds a 30-minute lunch visit every day; 3 h 30 min more a week"


def test_a_longer_tuesday_morning_names_the_day_and_the_minutes() -> None:
    after = changed(BASE, Day.TUE, MORNING, minutes=45)

    assert describe(BASE, after) == ["makes the Tuesday morning visit 15 minutes longer"]
    assert weekly_change(BASE, after) == "15 min more a week"


def test_a_tea_visit_moved_to_the_evening_is_a_move_not_a_removal_and_an_addition() -> None:
    before = visits([Day.FRI], TEA)
    after = visits([Day.FRI], BED)

    assert in_words(before, after) == (
        "moves the Friday tea visit to the evening; the same hours a week"
    )


def test_removing_the_sunday_bedtime_visit() -> None:
    after = [v for v in BASE if (v.day, v.band) != (Day.SUN, BED)]

    assert in_words(BASE, after) == "removes the Sunday bedtime visit; 30 min less a week"


def test_a_second_carer_on_monday_morning_doubles_the_carer_time() -> None:
    after = changed(BASE, Day.MON, MORNING, carers=2)

    assert in_words(BASE, after) == "makes the Monday morning visit two-handed; 30 min more a week"


def test_the_same_change_on_weekdays_at_weekends_and_on_some_days_is_grouped() -> None:
    weekdays = BASE + visits(EVERY_DAY[:5], LUNCH, 20)
    weekends = BASE + visits([Day.SAT, Day.SUN], TEA, 15)
    some = BASE + visits([Day.MON, Day.WED, Day.FRI], LUNCH, 30, carers=2)

    assert describe(BASE, weekdays) == ["adds a 20-minute lunch visit on weekdays"]
    assert describe(BASE, weekends) == ["adds a 15-minute tea visit at weekends"]
    assert describe(BASE, some) == [
        "adds a 30-minute two-handed lunch visit on Monday, Wednesday and Friday"
    ]
    # 3 visits × 30 minutes × 2 carers = 180 minutes.
    assert weekly_change(BASE, some) == "3 h more a week"


def test_several_changes_are_listed_morning_first() -> None:
    after = changed(BASE, Day.TUE, MORNING, minutes=45) + visits(EVERY_DAY, LUNCH)
    after = [v for v in after if (v.day, v.band) != (Day.SUN, BED)]

    # +15 + 210 - 30 = 195 minutes.
    assert in_words(BASE, after) == (
        "makes the Tuesday morning visit 15 minutes longer, adds a 30-minute lunch visit "
        "every day and removes the Sunday bedtime visit; 3 h 15 min more a week"
    )


def test_shorter_visits_on_every_day_are_one_phrase() -> None:
    after = visits(EVERY_DAY, MORNING, 20) + visits(EVERY_DAY, BED)

    # 7 × 10 minutes = 70 minutes.
    assert in_words(BASE, after) == (
        "makes the morning visit 10 minutes shorter every day; 1 h 10 min less a week"
    )


def test_durations_are_hours_and_minutes() -> None:
    assert [duration(m) for m in (0, 45, 60, 210, -90)] == [
        "0 min",
        "45 min",
        "1 h",
        "3 h 30 min",
        "1 h 30 min",
    ]
    assert totals_in_words(420, 480) == "changes the care from 7 h to 8 h a week; 1 h more a week"


def test_moves_on_several_days_are_grouped_and_say_when_the_visit_also_grows() -> None:
    before = visits([Day.MON, Day.WED], TEA)
    after = visits([Day.MON, Day.WED], BED, 45)

    assert describe(before, after) == [
        "moves the tea visit to the evening on Monday and Wednesday",
        "makes the bedtime visit 15 minutes longer on Monday and Wednesday",
    ]
