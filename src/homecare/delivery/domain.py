"""Rules that keep a care worker's phone safe to use in a hurry: a second check-in while
still checked in elsewhere, leaving well before the planned time, undoing "not at home".

Pure rules: no store, no clock. A check-in sent the moment it happened (the page, a phone
online) is refused while the carer is still checked in elsewhere, because they can act on
the answer. One that reaches us later from an offline phone already happened: it is
applied, and flagged for the office, so a batch never depends on the order it arrives in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from homecare.delivery.outcomes import Thresholds, is_short

LONDON = ZoneInfo("Europe/London")

LIVE_WITHIN = timedelta(minutes=2)
"""An event received within this of when it happened was sent live, not from a queue."""

OPEN_STINT_HORIZON = timedelta(hours=12)
"""A check-in older than this without its check-out is the office's to close, not a block
on the carer's next visit."""


@dataclass(frozen=True)
class OpenStint:
    """A visit the carer checked in to and has not checked out of."""

    visit_id: int
    checked_in_at: datetime


class Overlap(StrEnum):
    CLEAR = "clear"
    REFUSE = "refuse"
    """Sent live: the carer can check out of the other visit first."""
    FLAG = "flag"
    """Sent late from an offline phone: it happened, so it is applied and flagged."""


def is_live(occurred_at: datetime, received_at: datetime) -> bool:
    return received_at - occurred_at <= LIVE_WITHIN


def still_checked_in(stints: Iterable[OpenStint], visit_id: int, at: datetime) -> OpenStint | None:
    """The latest other visit the carer was checked in to at `at`, if any."""
    since = at - OPEN_STINT_HORIZON
    others = [s for s in stints if s.visit_id != visit_id and since <= s.checked_in_at <= at]
    return max(others, key=lambda s: (s.checked_in_at, s.visit_id), default=None)


def overlap(
    stints: Iterable[OpenStint], visit_id: int, occurred_at: datetime, received_at: datetime
) -> tuple[Overlap, OpenStint | None]:
    """Whether a check-in at `occurred_at` overlaps another visit, and what to do about it."""
    blocking = still_checked_in(stints, visit_id, occurred_at)
    if blocking is None:
        return Overlap.CLEAR, None
    return (Overlap.REFUSE if is_live(occurred_at, received_at) else Overlap.FLAG), blocking


def clock_time(moment: datetime) -> str:
    """'9am', '9:30am', '2:05pm' in London: how the carer reads a time."""
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def overlap_reason(blocking: OpenStint) -> str:
    """The refusal as the API states it; the page names the person instead of the visit."""
    return (
        f"still checked in to visit {blocking.visit_id} since "
        f"{clock_time(blocking.checked_in_at)}: check out of it first"
    )


# --- leaving early -------------------------------------------------------------------------


def stay_minutes(checked_in_at: datetime, checked_out_at: datetime) -> int:
    """Whole minutes on the visit, rounded half up as delivered minutes are."""
    seconds = max(0.0, (checked_out_at - checked_in_at).total_seconds())
    return math.floor(seconds / 60 + 0.5)


def leaves_short(
    checked_in_at: datetime, checked_out_at: datetime, planned_minutes: int, thresholds: Thresholds
) -> bool:
    """Checking out now would make the carer's own stay short of the contract's line."""
    return is_short(stay_minutes(checked_in_at, checked_out_at), planned_minutes, thresholds)


EARLY_REASONS = {
    "asked_to_leave": "The person asked me to leave",
    "all_done": "Everything in the plan was done",
    "went_out": "The person went out, or went to hospital",
    "emergency": "There was an emergency and I called for help",
    "other": "Another reason",
}
"""Why a carer left well before the planned time, in their words; keys are stored."""

EARLY_NOTE_PREFIX = "Left early: "


def early_note(reason: str, details: str, note: str) -> str:
    """The check-out's note with the reason for leaving early first, as the office reads it."""
    if reason not in EARLY_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    text = f"{EARLY_NOTE_PREFIX}{EARLY_REASONS[reason].lower()}."
    if details:
        text += f" {details}"
    return f"{text}\n\n{note}" if note else text


# --- undoing "not at home" ------------------------------------------------------------------


def undo_until(recorded_at: datetime, minutes: int) -> datetime:
    return recorded_at + timedelta(minutes=minutes)


def may_undo(recorded_at: datetime, now: datetime, minutes: int) -> bool:
    """A mistaken "not at home" can be taken back for a few minutes, then the office decides."""
    return now < undo_until(recorded_at, minutes)
