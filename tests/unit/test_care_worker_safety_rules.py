"""The rules that keep a care worker's phone safe, worked by hand.

Monday 5 October 2026, summer time: 9:00 UTC is 10:00 in London. Aisha checked in to
Mrs Holroyd's morning visit (visit 1) at 9:30am London (8:30 UTC) and has not checked out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from homecare.delivery.domain import (
    EARLY_REASONS,
    OpenStint,
    Overlap,
    clock_time,
    early_note,
    is_live,
    leaves_short,
    may_undo,
    overlap,
    overlap_reason,
    stay_minutes,
    still_checked_in,
    undo_until,
)
from homecare.delivery.outcomes import Thresholds
from homecare.delivery.today import is_overdue

HALF_NINE = datetime(2026, 10, 5, 8, 30, tzinfo=UTC)  # 9:30am London
TEN = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)  # 10am London
AT_HOLROYD = OpenStint(visit_id=1, checked_in_at=HALF_NINE)
LINES = Thresholds()  # short below 75% of planned; late 15 minutes after the window


# --- a second check-in --------------------------------------------------------------------


def test_a_check_in_sent_as_it_happens_is_live() -> None:
    assert is_live(TEN, TEN + timedelta(minutes=2))


def test_a_check_in_sent_three_minutes_later_came_from_a_queue() -> None:
    assert not is_live(TEN, TEN + timedelta(minutes=3))


def test_a_live_check_in_while_checked_in_elsewhere_is_refused() -> None:
    verdict, blocking = overlap([AT_HOLROYD], visit_id=2, occurred_at=TEN, received_at=TEN)

    assert (verdict, blocking) == (Overlap.REFUSE, AT_HOLROYD)


def test_a_late_arriving_check_in_while_checked_in_elsewhere_is_applied_and_flagged() -> None:
    # Made at 10am on a phone with no signal, received at 11am.
    verdict, blocking = overlap(
        [AT_HOLROYD], visit_id=2, occurred_at=TEN, received_at=TEN + timedelta(hours=1)
    )

    assert (verdict, blocking) == (Overlap.FLAG, AT_HOLROYD)


def test_the_visit_checked_in_to_does_not_block_itself() -> None:
    assert overlap([AT_HOLROYD], visit_id=1, occurred_at=TEN, received_at=TEN)[0] is Overlap.CLEAR


def test_a_check_in_before_the_other_began_does_not_overlap_it() -> None:
    # A 9am check-in (8:00 UTC) arriving late: at 9am she was not yet at Mrs Holroyd's.
    earlier = HALF_NINE - timedelta(minutes=30)

    assert still_checked_in([AT_HOLROYD], visit_id=2, at=earlier) is None


def test_a_check_in_left_open_since_yesterday_is_the_offices_to_close() -> None:
    yesterday = OpenStint(visit_id=7, checked_in_at=TEN - timedelta(hours=13))

    assert still_checked_in([yesterday], visit_id=2, at=TEN) is None


def test_the_latest_open_check_in_is_the_one_named() -> None:
    later = OpenStint(visit_id=3, checked_in_at=HALF_NINE + timedelta(minutes=10))

    assert still_checked_in([AT_HOLROYD, later], visit_id=2, at=TEN) == later


def test_the_apis_refusal_names_the_visit_and_the_time_checked_in() -> None:
    assert overlap_reason(AT_HOLROYD) == (
        "still checked in to visit 1 since 9:30am: check out of it first"
    )


@pytest.mark.parametrize(
    ("moment", "words"),
    [(TEN, "10am"), (HALF_NINE, "9:30am"), (TEN + timedelta(hours=4, minutes=5), "2:05pm")],
)
def test_times_read_as_a_carer_reads_them(moment: datetime, words: str) -> None:
    assert clock_time(moment) == words


# --- leaving early ------------------------------------------------------------------------


def test_a_stay_is_rounded_to_the_nearest_minute() -> None:
    # 21 minutes 30 seconds rounds up to 22; a clock that put check-out first counts 0.
    assert stay_minutes(HALF_NINE, HALF_NINE + timedelta(minutes=21, seconds=30)) == 22
    assert stay_minutes(TEN, HALF_NINE) == 0


def test_twenty_two_minutes_of_a_thirty_minute_visit_is_short() -> None:
    # The line is 75% of 30 = 22.5 minutes: 22 is under it, 23 is not.
    assert leaves_short(HALF_NINE, HALF_NINE + timedelta(minutes=22), 30, LINES)
    assert not leaves_short(HALF_NINE, HALF_NINE + timedelta(minutes=23), 30, LINES)


def test_the_reason_for_leaving_early_comes_first_in_the_note() -> None:
    text = early_note("asked_to_leave", "Her daughter arrived.", "Had porridge.")

    assert text == (
        "Left early: the person asked me to leave. Her daughter arrived.\n\nHad porridge."
    )


def test_a_reason_without_details_or_note_is_one_sentence() -> None:
    assert early_note("all_done", "", "") == "Left early: everything in the plan was done."


def test_a_reason_not_on_the_list_is_refused() -> None:
    with pytest.raises(ValueError):
        early_note("bored", "", "")
    assert "other" in EARLY_REASONS


# --- undoing "not at home" ----------------------------------------------------------------


def test_not_at_home_can_be_undone_until_ten_minutes_after_it_was_recorded() -> None:
    assert undo_until(TEN, 10) == TEN + timedelta(minutes=10)
    assert may_undo(TEN, TEN + timedelta(minutes=9, seconds=59), 10)
    assert not may_undo(TEN, TEN + timedelta(minutes=10), 10)


# --- overdue ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "minutes_after_close", "overdue"),
    [
        ("planned", 14, False),
        ("planned", 15, True),
        ("in_progress", 30, False),
        ("not_at_home", 30, False),
        ("missed", 180, False),
    ],
)
def test_a_visit_is_overdue_once_its_window_closed_past_the_late_line_unstarted(
    status: str, minutes_after_close: int, overdue: bool
) -> None:
    # A 7am to 10am window closes at 9:00 UTC; late 15 minutes after.
    now = TEN + timedelta(minutes=minutes_after_close)

    assert is_overdue(status, TEN, now, LINES) is overdue
