"""The reports' sums worked again from their inputs: Leicester's in-house rate against Lot 1
(001 Cost and Spend), and Leeds's new service against traditional care (000 §26-27)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from homecare.errors import NotFound
from homecare.money.comparisons import (
    compare,
    comparison_record,
    millions,
    percent_more,
    whole_percent,
)


def test_the_share_more_is_the_gap_over_the_lower_rate_to_one_place() -> None:
    # (35.72 − 20.31) ÷ 20.31 = 15.41 ÷ 20.31 = 0.75874… → 75.9%; some 76%.
    assert percent_more(3572, 2031) == Decimal("75.9")
    assert whole_percent(Decimal("75.9")) == 76
    # 1.80 ÷ 24.42 = 0.07371 → 7.4%.
    assert percent_more(2622, 2442) == Decimal("7.4")


def test_leicester_in_house_is_some_76_percent_more_than_the_highest_lot_1_rate() -> None:
    c = compare("leicester-in-house")

    assert c.percent_more == Decimal("75.9")
    assert comparison_record(c)["percent_more_whole"] == 76
    assert c.reported[0].figure == "76%"


def test_leicester_a_year_from_its_own_hours_is_24_7m_not_the_reports_20m() -> None:
    # £15.41 × 1,605,000 hours = £24,733,050; the report says around £20m: £4.73m more.
    c = compare("leicester-in-house")
    figures = {f.key: f.pence for f in c.figures}
    twenty = c.reported[1]

    assert c.yearly_difference_pence == 1541 * 1_605_000 == 2_473_305_000
    assert twenty.report_pence == 2_000_000_000
    assert twenty.difference_pence == 473_305_000
    assert "£4.73m more than the report says" in twenty.difference
    assert any("£24.73m, not around £20m" in note for note in c.notes)
    # Without the 150,000 health-funded hours: £15.41 × 1,455,000 = £22,421,550.
    assert figures["yearly_council_hours"] == 2_242_155_000


def test_leicester_the_reports_20m_is_close_to_what_its_27m_spend_gives() -> None:
    # £27m × 15.41 ÷ 20.31 = £20,485,967.50: the £27m buys 1,329,394 hours at £20.31.
    c = compare("leicester-in-house")
    figures = {f.key: f.pence for f in c.figures}

    assert figures["yearly_on_spend"] == 2_048_596_750
    assert any("£20.49m" in note and "1,329,394 hours" in note for note in c.notes)


def test_leeds_the_new_service_costs_308_880_a_year_more_which_the_report_calls_0_3m() -> None:
    # £1.80 × 3,300 hours × 52 weeks = £308,880; 000 §27's £0.3m is £8,880 less.
    c = compare("leeds-chws-vs-traditional")
    reported = c.reported[0]

    assert c.figures[0].pence == 180
    assert c.yearly_difference_pence == 30_888_000
    assert reported.where == "000 §27"
    assert reported.difference_pence == 888_000
    assert "£8,880 more than the report says" in reported.difference


def test_large_sums_read_in_millions_and_smaller_ones_to_the_pound() -> None:
    assert millions(2_473_305_000) == "£24.73m"
    assert millions(30_888_000) == "£308,880"


def test_an_unknown_comparison_is_not_found() -> None:
    with pytest.raises(NotFound):
        compare("bradford-in-house")
