"""Where a visit stands at a moment: the words of the live board, worked by hand.

A morning window of 7:00 to 10:00 with the usual lines: late 15 minutes after the window
closes. At 10:14 a visit nobody has checked in to is still "due"; at 10:15 it is "late".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from homecare.delivery.outcomes import Thresholds
from homecare.delivery.today import LiveState, count_states, live_state

CLOSES = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)  # 10:00 in London (summer time)
LINES = Thresholds()


@pytest.mark.parametrize(
    ("status", "minutes_after_close", "expected"),
    [
        ("planned", -120, LiveState.DUE),
        ("planned", 14, LiveState.DUE),
        ("planned", 15, LiveState.LATE),
        ("planned", 119, LiveState.LATE),
        ("in_progress", 30, LiveState.CHECKED_IN),
        ("completed", 0, LiveState.DONE),
        ("late", 0, LiveState.DONE),
        ("short", 0, LiveState.DONE),
        ("missed", 200, LiveState.MISSED),
        ("not_at_home", 10, LiveState.NOT_AT_HOME),
        ("cancelled_by_person", -60, LiveState.NOT_NEEDED),
        ("hospital", -60, LiveState.NOT_NEEDED),
    ],
)
def test_a_visit_stands_where_its_status_and_the_clock_put_it(
    status: str, minutes_after_close: int, expected: LiveState
) -> None:
    now = CLOSES + timedelta(minutes=minutes_after_close)

    assert live_state(status, CLOSES, now, LINES) is expected


def test_the_counts_name_every_state_even_when_none_stand_there() -> None:
    counts = count_states([LiveState.DONE, LiveState.DONE, LiveState.LATE])

    assert counts == {
        "due": 0,
        "checked_in": 0,
        "done": 2,
        "late": 1,
        "missed": 0,
        "not_at_home": 0,
        "not_needed": 0,
    }
