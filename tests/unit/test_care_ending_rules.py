"""When care may end or be extended, and how an ended package's time bank is settled."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.errors import Conflict, InvalidInput
from homecare.packages.domain import (
    PackageEvent,
    PackageStatus,
    check_end,
    check_extension,
    next_status,
)
from homecare.timebank.ledger import Balances, Kind, Pot, close

TODAY = date(2026, 12, 7)
STARTED = date(2026, 10, 5)


def end(**changes: object) -> None:
    args: dict[str, object] = dict(
        status="active", starts_on=STARTED, ends_on=None, end_reason=None,
        last_day=TODAY, today=TODAY,
    )  # fmt: skip
    args.update(changes)
    check_end(**args)  # type: ignore[arg-type]


def test_care_may_end_today_a_month_ahead_or_four_weeks_back() -> None:
    end()
    end(last_day=date(2027, 1, 7))
    end(last_day=date(2026, 11, 9))  # 28 days before 7 December


def test_an_end_more_than_four_weeks_back_is_refused_naming_the_last_day() -> None:
    with pytest.raises(InvalidInput) as refused:
        end(last_day=date(2026, 11, 8))  # 29 days back
    assert refused.value.field == "last_day"


def test_care_that_never_started_ends_the_day_before_it_would_have() -> None:
    end(starts_on=date(2026, 12, 14), last_day=date(2026, 12, 13))
    with pytest.raises(InvalidInput):
        end(starts_on=date(2026, 12, 14), last_day=date(2026, 12, 12))


def test_ending_twice_is_a_conflict_whether_or_not_the_end_has_come() -> None:
    with pytest.raises(Conflict):
        end(end_reason="died", ends_on=date(2026, 12, 10))
    with pytest.raises(Conflict):
        end(status="ended", end_reason="died", ends_on=date(2026, 12, 1))


def test_a_short_term_plan_may_be_ended_earlier_than_planned() -> None:
    end(ends_on=date(2026, 12, 20), last_day=date(2026, 12, 10))


def test_extending_needs_a_planned_end_and_a_later_day() -> None:
    check_extension(
        status="active", starts_on=STARTED, ends_on=date(2026, 12, 20), end_reason=None,
        until=date(2027, 1, 3),
    )  # fmt: skip
    with pytest.raises(InvalidInput):
        check_extension(
            status="active", starts_on=STARTED, ends_on=date(2026, 12, 20), end_reason=None,
            until=date(2026, 12, 20),
        )  # fmt: skip
    with pytest.raises(Conflict):
        check_extension(
            status="active", starts_on=STARTED, ends_on=None, end_reason=None,
            until=date(2027, 1, 3),
        )  # fmt: skip


def test_every_live_status_may_end_and_an_ended_package_cannot_be_admitted() -> None:
    for status in ("active", "in_hospital", "awaiting_review"):
        assert next_status(status, PackageEvent.ENDED) is PackageStatus.ENDED
    with pytest.raises(Conflict):
        next_status("ended", PackageEvent.ADMITTED)


def test_closing_expires_what_is_left_and_writes_off_what_is_owed() -> None:
    # 300 minutes left in the envelope and 90 banked expire; nothing is carried or granted.
    movements = close(Balances(envelope=300, bank=90))
    assert [(m.pot, m.kind, m.minutes) for m in movements] == [
        (Pot.ENVELOPE, Kind.EXPIRY, -300),
        (Pot.BANK, Kind.EXPIRY, -90),
    ]
    # 45 minutes delivered over the envelope and a 60-minute overdraft are written off.
    movements = close(Balances(envelope=-45, bank=-60))
    assert [(m.kind, m.minutes) for m in movements] == [(Kind.WRITE_OFF, 45), (Kind.WRITE_OFF, 60)]


@given(st.integers(-10_000, 10_000), st.integers(-10_000, 10_000))
def test_a_closed_account_has_nothing_left_in_any_pot(envelope: int, bank: int) -> None:
    movements = close(Balances(envelope=envelope, bank=bank))
    left = {Pot.ENVELOPE: envelope, Pot.BANK: bank}
    for m in movements:
        left[m.pot] += m.minutes
        assert not m.next_period
    assert left == {Pot.ENVELOPE: 0, Pot.BANK: 0}
