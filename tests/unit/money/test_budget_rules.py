"""A year's budget against what is paid, committed and paid directly, and the contingency
drawn only when there is enough left. Figures are worked by hand in the comments; the
year is 2026/27, 1 April 2026 to 31 March 2027, 365 days."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.errors import Conflict, InvalidInput
from homecare.money.budgets import (
    BudgetLine,
    ChangeEffect,
    Commitment,
    Contingency,
    DirectPayment,
    Drawdown,
    FinancialYear,
    Paid,
    Position,
    Stream,
    check_contingency,
    check_drawdown,
    check_lines,
    position,
    week_of,
    weekly_pence_of,
)

YEAR = FinancialYear(2026)
LOT_1 = 11


def _position(contingency: Contingency = Contingency(0), **changes: object) -> Position:
    inputs: dict[str, object] = {
        "as_at": date(2026, 10, 5),
        "lines": [
            BudgetLine(LOT_1, Stream.COUNCIL, 1_000_000),
            BudgetLine(None, Stream.COUNCIL, 700_000),
        ],
        # 10 hours a week at £26.22 from 1 September, open-ended.
        "commitments": [Commitment(LOT_1, 600, 2622, date(2026, 9, 1), None)],
        # The week of 28 September paid £262.20; a week of the year before is left out.
        "paid": [
            Paid(LOT_1, date(2026, 9, 28), 26_220),
            Paid(LOT_1, date(2026, 3, 30), 99_999),
        ],
        "paid_through": date(2026, 10, 4),
        # £200 a week from the year's first day.
        "direct_payments": [DirectPayment(Stream.COUNCIL, 20_000, date(2026, 4, 1), None)],
        "contingency": contingency,
    }
    inputs.update(changes)
    return position(YEAR, **inputs)  # type: ignore[arg-type]


def test_the_financial_year_runs_from_april_to_march() -> None:
    assert YEAR.label == "2026/27"
    assert (YEAR.starts_on, YEAR.ends_on, YEAR.days) == (date(2026, 4, 1), date(2027, 3, 31), 365)
    assert FinancialYear.of(date(2027, 3, 31)) == YEAR
    assert FinancialYear.of(date(2027, 4, 1)) == FinancialYear(2027)
    assert YEAR.months()[0] == (date(2026, 4, 1), date(2026, 4, 30))
    assert YEAR.months()[10] == (date(2027, 2, 1), date(2027, 2, 28))


def test_the_forecast_is_paid_plus_committed_to_the_year_end_plus_direct_payments() -> None:
    p = _position()

    # Committed from the day after the last paid day, 5 October, to 31 March: 27 + 30 + 31
    # + 31 + 28 + 31 = 178 days; 600 × 2622 × 178 ÷ 420 = 666,737.14 → 666,737p.
    assert p.committed_from == date(2026, 10, 5)
    assert p.committed == 666_737
    assert p.actual == 26_220
    # £200 a week over 365 days: 20,000 × 365 ÷ 7 = 1,042,857.14 → 1,042,857p.
    assert p.direct_payments == 1_042_857
    # 26,220 + 666,737 + 1,042,857 = 1,735,814p.
    assert p.forecast == 1_735_814
    assert p.budget == 1_700_000
    assert p.by_stream[Stream.COUNCIL] == 1_700_000


def test_the_alert_is_raised_when_the_forecast_passes_the_budget_and_drawn_contingency() -> None:
    # 1,735,814 − 1,700,000 = 35,814p over, with nothing drawn.
    over = _position(Contingency(50_000))
    # Drawing £400 makes 1,740,000p available: within it.
    drawn = _position(Contingency(50_000, (Drawdown(40_000, "Winter", "C", date(2026, 10, 1)),)))

    assert over.over == 35_814
    assert over.alert is not None and "by £358.14" in over.alert
    assert drawn.available == 1_740_000
    assert drawn.alert is None


def test_with_nothing_paid_care_is_committed_from_the_years_first_day() -> None:
    # 1 September to 31 March is 212 days: 600 × 2622 × 212 ÷ 420 = 794,091.43 → 794,091p.
    p = _position(paid=[], paid_through=None)

    assert p.committed_from == date(2026, 4, 1)
    assert p.committed == 794_091
    assert p.actual == 0


def test_a_provider_paid_later_is_committed_from_its_own_last_paid_day() -> None:
    # Paid to 1 November: 2 November to 31 March is 29 + 31 + 31 + 28 + 31 = 150 days;
    # 600 × 2622 × 150 ÷ 420 = 561,857.14 → 561,857p.
    own = Commitment(LOT_1, 600, 2622, date(2026, 9, 1), None, paid_through=date(2026, 11, 1))

    assert _position(commitments=[own]).committed == 561_857


def test_each_month_builds_up_to_the_years_figures() -> None:
    # 36,500p a year: 100p a day, so 3,000p by the end of April.
    p = _position(lines=[BudgetLine(LOT_1, Stream.NHS, 36_500)])

    assert p.months[0].budget_to_date == 3_000
    assert p.months[-1].budget_to_date == 36_500
    assert p.months[-1].forecast_to_date == p.forecast
    assert p.months[5].actual_to_date == 26_220  # September: the week of 28 September
    assert p.months[6].actual_to_date == 26_220  # October holds the as-at day
    assert p.months[7].actual_to_date is None


def test_a_provider_led_change_is_counted_in_the_month_it_took_effect() -> None:
    # 2 hours a week less at £26.22 from 12 October: −120 × 2622 ÷ 60 = −5,244p a week;
    # to 31 March is 20 + 30 + 31 + 31 + 28 + 31 = 171 days: 120 × 2622 × 171 ÷ 420
    # = 128,103.43 → −128,103p.
    p = _position(changes=[ChangeEffect(date(2026, 10, 12), -120, 2622)])

    october = p.months[6]
    assert (october.changes, october.change_weekly_pence) == (1, -5_244)
    assert october.change_to_year_end_pence == -128_103
    assert p.months[5].changes == 0


def test_a_drawdown_beyond_what_is_left_is_refused_saying_what_is_left() -> None:
    held = Contingency(35_700_000, (Drawdown(35_000_000, "Winter", "C", date(2026, 11, 2)),))

    with pytest.raises(Conflict) as refused:
        check_drawdown(held, pence=800_000, reason="More winter")

    assert str(refused.value) == (
        "£8,000.00 is more than the contingency has left: £7,000.00 of £357,000.00"
    )
    assert check_drawdown(held, pence=700_000, reason="  Extra   hours ") == "Extra hours"


def test_a_drawdown_needs_an_amount_and_a_reason() -> None:
    with pytest.raises(InvalidInput) as nothing:
        check_drawdown(Contingency(100), pence=0, reason="Winter")
    with pytest.raises(InvalidInput) as unsaid:
        check_drawdown(Contingency(100), pence=10, reason="  ")

    assert nothing.value.field == "amount_pence"
    assert "£0.00" in str(nothing.value)
    assert unsaid.value.field == "reason"


def test_a_contingency_cannot_be_set_below_what_was_drawn() -> None:
    with pytest.raises(Conflict):
        check_contingency(1_000, drawn=2_000)
    with pytest.raises(InvalidInput):
        check_contingency(-1, drawn=0)
    check_contingency(2_000, drawn=2_000)


def test_budget_lines_are_refused_below_nothing_or_twice() -> None:
    names = {LOT_1: "Lot 1", None: "Direct payments"}
    with pytest.raises(InvalidInput) as negative:
        check_lines([BudgetLine(LOT_1, Stream.GRANT, -100)], names)
    with pytest.raises(InvalidInput) as twice:
        check_lines([BudgetLine(None, Stream.NHS, 1), BudgetLine(None, Stream.NHS, 2)], names)

    assert negative.value.field == "lines[0].pence"
    assert str(negative.value) == "the budget for Lot 1, Grant cannot be less than £0.00"
    assert twice.value.field == "lines[1]"


def test_weeks_and_weekly_amounts() -> None:
    assert week_of("2026-W41") == date(2026, 10, 5)
    # 7 hours 30 minutes at £16.50: 450 × 1650 ÷ 60 = 12,375p.
    assert weekly_pence_of(450, 1650) == 12_375


days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 6, 30))
commitments = st.builds(
    Commitment,
    lot_id=st.sampled_from([1, 2]),
    weekly_minutes=st.integers(0, 6_000),
    rate_pence=st.integers(1_500, 4_000),
    starts_on=days,
    ends_on=st.none() | days,
    paid_through=st.none() | days,
)
paid = st.builds(Paid, lot_id=st.sampled_from([1, 2]), week_of=days, pence=st.integers(0, 10**7))
direct = st.builds(
    DirectPayment,
    stream=st.sampled_from(list(Stream)),
    weekly_pence=st.integers(0, 10**6),
    starts_on=days,
    ends_on=st.none() | days,
)


@given(
    st.lists(commitments, max_size=6),
    st.lists(paid, max_size=6),
    st.lists(direct, max_size=4),
    st.none() | days,
    days,
)
def test_the_forecast_is_always_actual_plus_committed_plus_direct_payments(
    made: list[Commitment],
    paid_weeks: list[Paid],
    dps: list[DirectPayment],
    paid_through: date | None,
    as_at: date,
) -> None:
    p = position(
        YEAR,
        as_at=as_at,
        lines=[],
        commitments=made,
        paid=paid_weeks,
        paid_through=paid_through,
        direct_payments=dps,
        contingency=Contingency(0),
    )

    assert p.forecast == p.actual + p.committed + p.direct_payments
    assert p.months[-1].forecast_to_date == p.forecast
    assert sum(p.direct_payments_by_stream.values()) == p.direct_payments
    assert all(r.forecast == r.actual + r.committed + r.direct_payments for r in p.rows)


@given(st.integers(0, 10**8), st.lists(st.integers(-(10**6), 10**8), max_size=12))
def test_contingency_left_never_falls_below_nothing(total: int, asks: list[int]) -> None:
    held = Contingency(total)
    for ask in asks:
        try:
            check_drawdown(held, pence=ask, reason="Winter pressures")
        except (Conflict, InvalidInput):
            continue
        held = Contingency(held.pence, (*held.drawdowns, Drawdown(ask, "W", "C", date(2026, 4, 1))))
        assert held.left >= 0
    assert held.left >= 0
    assert held.drawn + held.left == total
