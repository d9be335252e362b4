"""Visit outcomes from call-monitoring facts, each rule with a worked example.

All examples use a morning visit whose window closes at 10:00 and the default contract
lines: late after 15 minutes past the window, very late after 60, missed with no
check-in by 120 (12:00), short under 75% of the planned time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from homecare.config import Settings
from homecare.delivery.outcomes import (
    Outcome,
    Stint,
    Thresholds,
    VisitFacts,
    VisitStatus,
    arrived_late_minutes,
    delivered_minutes,
    delivered_outcome,
    is_late,
    is_short,
    is_very_late,
    missed_deadline,
    settle,
)

LINES = Thresholds(
    late_after_minutes=15, very_late_after_minutes=60, missed_after_minutes=120, short_share=0.75
)
WINDOW_END = datetime(2026, 10, 6, 10, 0, tzinfo=UTC)


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 10, 6, hh, mm, tzinfo=UTC)


def stint(start: tuple[int, int] | None, end: tuple[int, int] | None) -> Stint:
    return Stint(at(*start) if start else None, at(*end) if end else None)


def facts(
    *stints: Stint, planned: int = 30, carers: int = 1, not_at_home: bool = False
) -> VisitFacts:
    return VisitFacts(
        window_end=WINDOW_END,
        planned_minutes=planned,
        carers=carers,
        assigned=carers,
        stints=stints,
        not_at_home=not_at_home,
    )


# --- single rules --------------------------------------------------------------------------


def test_a_visit_is_missed_two_hours_after_its_window_closes() -> None:
    # 10:00 + 120 minutes = 12:00
    assert missed_deadline(WINDOW_END, LINES) == at(12, 0)


def test_a_check_in_sixteen_minutes_after_the_window_is_late_and_fifteen_is_not() -> None:
    # late means MORE than 15 minutes after 10:00: 10:15 is on the line, 10:16 is over it
    assert not is_late(WINDOW_END, at(10, 15), LINES)
    assert is_late(WINDOW_END, at(10, 16), LINES)


def test_a_check_in_an_hour_and_a_minute_after_the_window_is_very_late() -> None:
    # very late means MORE than 60 minutes after 10:00: 11:00 is not, 11:01 is
    assert not is_very_late(WINDOW_END, at(11, 0), LINES)
    assert is_very_late(WINDOW_END, at(11, 1), LINES)


def test_arrival_inside_the_window_is_zero_minutes_late() -> None:
    # 09:40 is before 10:00: 0; 10:20:30 is 20.5 minutes after: whole minutes, 20
    assert arrived_late_minutes(WINDOW_END, at(9, 40)) == 0
    assert arrived_late_minutes(WINDOW_END, at(10, 20) + timedelta(seconds=30)) == 20


def test_delivered_time_is_the_mean_over_the_carers_the_visit_needs() -> None:
    # two-handed: 30 + 20 minutes over 2 carers = 25
    assert delivered_minutes([stint((9, 0), (9, 30)), stint((9, 0), (9, 20))], carers=2) == 25
    # one of two carers never came: 30 + 0 over 2 = 15
    assert delivered_minutes([stint((9, 0), (9, 30))], carers=2) == 15


def test_a_check_out_stamped_before_its_check_in_counts_as_no_time() -> None:
    # a phone clock put 09:10 out before 09:20 in: max(0, -10) = 0
    assert delivered_minutes([stint((9, 20), (9, 10))], carers=1) == 0


def test_a_visit_under_three_quarters_of_its_planned_time_is_short() -> None:
    # 30 planned x 0.75 = 22.5: 22 delivered is short, 23 is not
    assert is_short(22, 30, LINES)
    assert not is_short(23, 30, LINES)


# --- outcomes ------------------------------------------------------------------------------


def test_a_visit_within_its_window_and_its_time_is_completed() -> None:
    # in 09:30, out 10:00: 30 of 30 minutes, arrived before 10:00
    outcome = delivered_outcome(facts(stint((9, 30), (10, 0))), LINES)

    assert outcome == Outcome(VisitStatus.COMPLETED, 30, 0)


def test_a_visit_started_twenty_minutes_after_its_window_is_late() -> None:
    # in 10:20 (20 > 15 minutes past 10:00), out 10:50: 30 minutes delivered
    outcome = delivered_outcome(facts(stint((10, 20), (10, 50))), LINES)

    assert outcome == Outcome(VisitStatus.LATE, 30, 20)


def test_a_fifteen_minute_stay_on_a_thirty_minute_visit_is_short() -> None:
    # in 09:00, out 09:15: 15 < 22.5
    outcome = delivered_outcome(facts(stint((9, 0), (9, 15))), LINES)

    assert outcome == Outcome(VisitStatus.SHORT, 15, 0)


def test_a_visit_both_late_and_short_is_short_and_keeps_its_lateness() -> None:
    # in 10:30 (30 minutes late), out 10:40: 10 < 22.5
    outcome = delivered_outcome(facts(stint((10, 30), (10, 40))), LINES)

    assert outcome == Outcome(VisitStatus.SHORT, 10, 30)


def test_a_two_handed_visit_is_late_from_its_first_check_in() -> None:
    # carers in at 10:10 and 10:40: the first, 10 minutes past, is not late
    outcome = delivered_outcome(
        facts(stint((10, 10), (10, 40)), stint((10, 40), (11, 10)), carers=2), LINES
    )

    assert outcome == Outcome(VisitStatus.COMPLETED, 30, 10)


# --- when a visit closes -------------------------------------------------------------------


def test_a_visit_closes_when_every_planned_carer_has_checked_out() -> None:
    one_out = facts(stint((9, 0), (9, 30)), stint((9, 0), None), carers=2)
    both_out = facts(stint((9, 0), (9, 30)), stint((9, 0), (9, 30)), carers=2)

    assert settle(one_out, LINES, now=at(9, 35)) is None
    assert settle(both_out, LINES, now=at(9, 35)) == Outcome(VisitStatus.COMPLETED, 30, 0)


def test_a_check_out_waiting_for_its_check_in_keeps_the_visit_open() -> None:
    # the check-in is still on a phone somewhere: nothing to judge yet, even after 12:00
    assert settle(facts(stint(None, (9, 30))), LINES, now=at(12, 30)) is None


def test_a_visit_with_no_check_in_is_missed_only_once_the_deadline_has_passed() -> None:
    # deadline 12:00
    assert settle(facts(), LINES, now=at(11, 59)) is None
    assert settle(facts(), LINES, now=at(12, 0)) == Outcome(VisitStatus.MISSED, 0, None)


def test_a_first_check_in_after_the_deadline_does_not_save_a_missed_visit() -> None:
    # in 12:10, after 12:00: nobody came within the contract's two hours
    late_arrival = facts(stint((12, 10), (12, 40)))

    assert settle(late_arrival, LINES, now=at(12, 45)) == Outcome(VisitStatus.MISSED, 0, None)


def test_a_not_at_home_report_closes_a_visit_nobody_checked_in_to() -> None:
    assert settle(facts(not_at_home=True), LINES, now=at(9, 0)) == Outcome(
        VisitStatus.NOT_AT_HOME, 0, None
    )


def test_a_check_in_after_a_not_at_home_report_makes_it_an_ordinary_visit() -> None:
    # reported not at home at 09:00, then the person came back and the carer went in
    answered = facts(stint((9, 10), (9, 40)), not_at_home=True)

    assert settle(answered, LINES, now=at(9, 45)) == Outcome(VisitStatus.COMPLETED, 30, 0)


def test_at_the_deadline_a_two_handed_visit_one_carer_missed_closes_short() -> None:
    # carer A 09:00-09:30, carer B never came; by 12:00 it closes: (30 + 0) / 2 = 15 < 22.5
    alone = VisitFacts(
        window_end=WINDOW_END,
        planned_minutes=30,
        carers=2,
        assigned=2,
        stints=(stint((9, 0), (9, 30)),),
    )

    assert settle(alone, LINES, now=at(11, 0)) is None
    assert settle(alone, LINES, now=at(12, 0)) == Outcome(VisitStatus.SHORT, 15, 0)


def test_thresholds_come_from_the_settings() -> None:
    lines = Thresholds.from_settings(Settings(database_url="unused://", late_after_minutes=30))

    assert lines == Thresholds(30, 60, 120, 0.75)
