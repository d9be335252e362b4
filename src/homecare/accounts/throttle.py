"""Throttling sign-in guesses: pure rules over the times of recent failed attempts.

Per account: five failures within fifteen minutes lock the account for a wait that
doubles with each further batch of five failures in the last day (15, 30, 60 minutes,
…, at most a day). Per address: twenty failures within fifteen minutes from one client
address refuse that address until the oldest of them is fifteen minutes old. A success
clears the account's count. While locked, nothing is checked, so the right password
does not sign in either, and refused tries are not counted against the account.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5
"""Failures within `WINDOW` that lock an account."""
FIRST_WAIT = timedelta(minutes=15)
LONGEST_WAIT = timedelta(hours=24)
LOOKBACK = timedelta(hours=24)
"""How far back failures count towards the growing wait."""
ADDRESS_FAILURES = 20
"""Failures within `WINDOW` from one address that refuse it: an office shares an address."""


def account_wait(failures_in_lookback: int) -> timedelta:
    """The lock-out after the n-th failure when that failure completes a batch.

    5 failures: 15 min × 2⁰ = 15 min; 10: 15 × 2¹ = 30 min; 15: 15 × 2² = 60 min;
    40: 15 × 2⁷ = 1920 min, capped at 24 h = 1440 min.
    """
    doublings = max(failures_in_lookback // ACCOUNT_FAILURES - 1, 0)
    if doublings >= 7:  # 15 min × 2⁷ is already past the cap
        return LONGEST_WAIT
    wait: timedelta = FIRST_WAIT * (2**doublings)
    return min(wait, LONGEST_WAIT)


def account_locked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """When the account may try again, or None when it may try now.

    `failures` are the account's failed attempts within `LOOKBACK` since its last success.
    Locked when its last five failures came within fifteen minutes, for `account_wait`
    from the last one. E.g. failures at 10:00, 10:01, 10:02, 10:03, 10:04 span 4 minutes:
    locked until 10:04 + 15 = 10:19. A failure at 10:20 makes the last five 10:01–10:20,
    a span of 19 minutes: not locked; four more by 10:24 make 10:20–10:24 and ten in
    all: locked until 10:24 + 30 = 10:54.
    """
    recent = sorted(f for f in failures if now - f <= LOOKBACK)
    if len(recent) < ACCOUNT_FAILURES:
        return None
    last_batch = recent[-ACCOUNT_FAILURES:]
    if last_batch[-1] - last_batch[0] >= WINDOW:
        return None
    until = last_batch[-1] + account_wait(len(recent))
    return until if until > now else None


def address_locked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """When the address may try again, or None when it may try now.

    Twenty failures in the fifteen minutes before `now` refuse the address until the
    oldest of the latest twenty is fifteen minutes old: twenty failures at 10:00–10:19,
    one a minute, seen at 10:19, count only those after 10:04 (10:05–10:19, fifteen), so
    not refused; twenty at 10:00:00–10:09:30, one every 30 s, refuse until 10:15.
    """
    recent = sorted(f for f in failures if now - f < WINDOW)
    if len(recent) < ADDRESS_FAILURES:
        return None
    return recent[-ADDRESS_FAILURES] + WINDOW


def minutes_to_wait(until: datetime, now: datetime) -> int:
    """Whole minutes to tell the user, rounded up: 61 seconds is 2 minutes, never 0."""
    return max(1, math.ceil((until - now).total_seconds() / 60))


def seconds_to_wait(until: datetime, now: datetime) -> int:
    """The Retry-After value, rounded up so that a retry then is not refused again."""
    return max(1, math.ceil((until - now).total_seconds()))
