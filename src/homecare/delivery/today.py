"""Where each of a day's visits stands at a given moment: the words a live board uses.

Pure rules. A visit's stored status says what the call monitoring has settled; before
the night's sweep, a visit nobody has checked in to is "due" until its window has been
closed for the late line, then "late" (overdue) until the sweep calls it missed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from homecare.delivery.outcomes import DELIVERED, SET_ELSEWHERE, Thresholds, VisitStatus


class LiveState(StrEnum):
    DUE = "due"
    CHECKED_IN = "checked_in"
    DONE = "done"
    LATE = "late"
    MISSED = "missed"
    NOT_AT_HOME = "not_at_home"
    NOT_NEEDED = "not_needed"
    """Cancelled by the person, or they are in hospital."""


LIVE_WORDS = {
    LiveState.DUE: "Due",
    LiveState.CHECKED_IN: "Checked in",
    LiveState.DONE: "Done",
    LiveState.LATE: "Late",
    LiveState.MISSED: "Missed",
    LiveState.NOT_AT_HOME: "Not at home",
    LiveState.NOT_NEEDED: "Not needed",
}


def live_state(
    status: str, window_end: datetime, now: datetime, thresholds: Thresholds
) -> LiveState:
    """Where one visit stands at `now`."""
    settled = VisitStatus(status)
    if settled in DELIVERED:
        return LiveState.DONE
    if settled in SET_ELSEWHERE:
        return LiveState.NOT_NEEDED
    if settled is VisitStatus.IN_PROGRESS:
        return LiveState.CHECKED_IN
    if settled is VisitStatus.MISSED:
        return LiveState.MISSED
    if settled is VisitStatus.NOT_AT_HOME:
        return LiveState.NOT_AT_HOME
    overdue = window_end + timedelta(minutes=thresholds.late_after_minutes)
    return LiveState.LATE if now >= overdue else LiveState.DUE


def count_states(states: Iterable[LiveState]) -> dict[str, int]:
    """How many visits stand in each state, every state named (zeros included)."""
    counted = Counter(states)
    return {state.value: counted.get(state, 0) for state in LiveState}


def is_overdue(status: str, window_end: datetime, now: datetime, thresholds: Thresholds) -> bool:
    """Nobody has checked in and the window closed more than the late line ago: the carer's
    round flags it so they can go now or tell the office."""
    return live_state(status, window_end, now, thresholds) is LiveState.LATE
