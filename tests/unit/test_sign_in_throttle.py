"""The throttling rules for sign-in guesses, with the figures worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from homecare.accounts.throttle import (
    account_locked_until,
    account_wait,
    address_locked_until,
    minutes_to_wait,
    seconds_to_wait,
)

TEN = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return TEN + timedelta(minutes=minutes)


def test_four_failures_do_not_lock_an_account() -> None:
    assert account_locked_until([at(0), at(1), at(2), at(3)], at(3)) is None


def test_five_failures_in_four_minutes_lock_the_account_for_fifteen_minutes() -> None:
    # 10:00–10:04 span 4 minutes < 15: locked until 10:04 + 15 = 10:19.
    failures = [at(m) for m in range(5)]

    assert account_locked_until(failures, at(5)) == at(19)
    assert account_locked_until(failures, at(18.9)) == at(19)
    assert account_locked_until(failures, at(19)) is None


def test_five_failures_spread_over_fifteen_minutes_or_more_do_not_lock() -> None:
    # 10:00, 10:04, 10:08, 10:12, 10:15: a span of exactly 15 minutes.
    failures = [at(0), at(4), at(8), at(12), at(15)]

    assert account_locked_until(failures, at(15)) is None


def test_the_wait_doubles_with_each_further_batch_of_five_failures() -> None:
    # The first lock ends at 10:19; a failure at 10:20 makes the last five 10:01–10:20
    # (19 minutes): free again; four more at 10:21–10:24 make ten in all: 30 minutes.
    failures = [at(m) for m in range(5)] + [at(20), at(21), at(22), at(23)]
    assert account_locked_until(failures, at(23.5)) is None

    failures.append(at(24))

    assert account_locked_until(failures, at(24)) == at(54)


def test_the_wait_is_fifteen_thirty_sixty_minutes_and_at_most_a_day() -> None:
    assert [account_wait(n) for n in (5, 9, 10, 15, 20)] == [
        timedelta(minutes=15),
        timedelta(minutes=15),
        timedelta(minutes=30),
        timedelta(minutes=60),
        timedelta(minutes=120),
    ]
    assert account_wait(40) == timedelta(hours=24)  # 15 × 2⁷ = 1920 min, capped at 1440
    assert account_wait(10_000) == timedelta(hours=24)


def test_failures_older_than_a_day_do_not_count() -> None:
    old = [TEN - timedelta(hours=25, minutes=m) for m in range(5)]

    assert account_locked_until(old, TEN) is None


def test_twenty_failures_from_one_address_in_fifteen_minutes_refuse_it() -> None:
    # One every 30 seconds, 10:00:00–10:09:30: refused until 10:00 + 15 = 10:15.
    failures = [at(m / 2) for m in range(20)]

    assert address_locked_until(failures, at(9.5)) == at(15)
    assert address_locked_until(failures[:19], at(9.5)) is None


def test_twenty_failures_over_twenty_minutes_do_not_refuse_an_address() -> None:
    # One a minute, 10:00–10:19, seen at 10:19: only 10:05–10:19 count, fifteen.
    failures = [at(m) for m in range(20)]

    assert address_locked_until(failures, at(19)) is None


def test_waits_are_told_in_whole_minutes_and_seconds_rounded_up() -> None:
    assert minutes_to_wait(at(1) + timedelta(seconds=1), at(0)) == 2
    assert minutes_to_wait(at(0) + timedelta(seconds=1), at(0)) == 1
    assert minutes_to_wait(at(15), at(0)) == 15
    assert seconds_to_wait(at(0) + timedelta(seconds=1.2), at(0)) == 2
