"""When a period's figures are true: its end plus the settle time, capped at now."""

from __future__ import annotations

from datetime import UTC, datetime

from homecare.as_at import AsAtBasis, as_at_for, settled_at
from homecare.monitoring.periods import parse_period

P12 = parse_period("2026-P12")  # Monday 2 to Sunday 29 November 2026 (GMT)


def test_a_finished_period_is_as_at_six_hours_after_its_last_midnight() -> None:
    # Midnight after Sunday 29 November is 00:00 on Monday 30 November, GMT = UTC.
    later = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)

    as_at = as_at_for(P12, later, 6.0)

    assert as_at.moment == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    assert as_at.basis is AsAtBasis.SETTLED
    assert as_at.text == "Figures as at 06:00 on Monday 30 November 2026"


def test_the_same_period_read_on_two_days_is_as_at_the_same_moment() -> None:
    first = as_at_for(P12, datetime(2026, 12, 1, 9, 0, tzinfo=UTC), 6.0)
    second = as_at_for(P12, datetime(2026, 12, 20, 9, 0, tzinfo=UTC), 6.0)

    assert first == second


def test_a_period_in_progress_is_as_at_now_and_says_so() -> None:
    now = datetime(2026, 11, 20, 10, 15, tzinfo=UTC)

    as_at = as_at_for(P12, now, 6.0)

    assert (as_at.moment, as_at.basis) == (now, AsAtBasis.IN_PROGRESS)
    assert "in progress" in as_at.text


def test_a_period_just_ended_but_not_settled_is_as_at_now() -> None:
    now = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)

    assert as_at_for(P12, now, 6.0).basis is AsAtBasis.SETTLING


def test_as_at_now_is_a_choice_and_is_named_as_one() -> None:
    now = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)

    as_at = as_at_for(P12, now, 6.0, choose_now=True)

    assert (as_at.moment, as_at.basis) == (now, AsAtBasis.NOW)
    assert as_at.text == "Figures as at 08:00 on Tuesday 5 January 2027 (now, as asked)"


def test_the_settle_time_counts_in_london_time_across_summer_time() -> None:
    # 2026-P08 ends Sunday 9 August (BST): 00:00 BST on the 10th is 23:00 UTC on the 9th.
    assert settled_at(parse_period("2026-P08"), 6.0) == datetime(2026, 8, 10, 5, 0, tzinfo=UTC)
