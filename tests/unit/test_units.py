"""Minutes and pence as people read them: hours and pounds to two places."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from homecare.units import (
    cost_pounds,
    hours,
    hours_text,
    minute_pence,
    pounds,
    pounds_from_minute_pence,
)


def test_minutes_read_as_hours_to_two_places() -> None:
    assert hours(90) == Decimal("1.50")
    assert hours(20) == Decimal("0.33")  # 20 / 60 = 0.333…
    assert hours(0) == Decimal("0.00")


def test_pence_read_as_pounds_to_two_places() -> None:
    assert pounds(2622) == Decimal("26.22")
    assert pounds(-5) == Decimal("-0.05")


def test_an_hour_and_a_half_at_the_leeds_rate_costs_thirty_nine_pounds_thirty_three() -> None:
    # 90 minutes × 2,622 pence an hour = 235,980 minute-pence; ÷ 6,000 = £39.33.
    assert minute_pence(90, 2622) == 235_980
    assert cost_pounds(90, 2622) == Decimal("39.33")


def test_minutes_in_words_name_hours_and_minutes() -> None:
    assert hours_text(90) == "1 hour 30 minutes"
    assert hours_text(120) == "2 hours"
    assert hours_text(1) == "1 minute"
    assert hours_text(0) == "0 hours"
    assert hours_text(-45) == "minus 45 minutes"


@given(st.lists(st.tuples(st.integers(0, 24 * 60), st.integers(0, 10_000)), max_size=50))
def test_summing_minute_pence_first_never_drifts_from_the_exact_total(
    lines: list[tuple[int, int]],
) -> None:
    total = sum(minute_pence(m, r) for m, r in lines)
    exact = sum((Decimal(m) * r for m, r in lines), Decimal(0)) / 6000

    assert abs(pounds_from_minute_pence(total) - exact) <= Decimal("0.005")
