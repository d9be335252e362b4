"""The cost of an hour of care: each line's arithmetic on a small case worked by hand, the
Leeds presets' rates, and that raising a cost never lowers the rate."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.errors import InvalidInput, NotFound
from homecare.money.cost_of_care import CostInputs, to_pence, work_out
from homecare.money.presets import PRESETS, preset

SMALL = CostInputs(
    hourly_pay_pence=1000,
    paid_travel_minutes=12,
    holiday_percent=Decimal("10"),
    employer_ni_percent=Decimal("10"),
    ni_threshold_pence_per_week=10000,
    pension_percent=Decimal("5"),
    pension_threshold_pence_per_week=6000,
    contact_hours_per_week=20,
    mileage_pence=50,
    training_pence=20,
    supervision_pence=10,
    ppe_pence=5,
    office_pence=300,
    surplus_percent=Decimal("5"),
    rota_gap_minutes=30,
    shift_minutes=330,
    trusted_assessor_pence=15,
)


def _amounts(inputs: CostInputs) -> dict[str, int]:
    return {line.key: line.pence for line in work_out(inputs).lines}


def test_each_line_of_a_small_case_is_what_a_pencil_gives() -> None:
    # £10.00 an hour; 12 minutes' travel: 1000 × 12 ÷ 60 = 200p.
    # Gap 30 in a 330-minute shift: 300 minutes of visits, 1000 × 30 ÷ 300 = 100p.
    # Holiday 10% of 1300 = 130p; pay in all 1430p.
    # NI: £100 a week over 20 hours is 500p an hour; 10% of (1430 − 500) = 93p.
    # Pension: £60 a week over 20 hours is 300p; 5% of (1430 − 300) = 56.5p → 57p (half up).
    # 50 + 20 + 10 + 5 + 300 + 15 = 400p of running costs; costs 1980p; surplus 5% = 99p.
    amounts = _amounts(SMALL)

    assert amounts == {
        "contact_pay": 1000,
        "travel_pay": 200,
        "rota_gap_pay": 100,
        "holiday_pay": 130,
        "employer_ni": 93,
        "employer_pension": 57,
        "mileage": 50,
        "training": 20,
        "supervision": 10,
        "ppe": 5,
        "office": 300,
        "trusted_assessor": 15,
        "surplus": 99,
    }
    assert work_out(SMALL).hourly_rate_pence == 2079


def test_the_running_total_is_the_sum_of_the_lines_so_far_and_ends_at_the_rate() -> None:
    working = work_out(SMALL)

    totals = [line.running_total_pence for line in working.lines]

    assert totals[0] == 1000
    for before, line in zip(working.lines, working.lines[1:], strict=False):
        assert line.running_total_pence == before.running_total_pence + line.pence
    assert totals[-1] == working.hourly_rate_pence == sum(li.pence for li in working.lines)


def test_the_enhancement_is_the_rate_less_the_same_inputs_without_gap_or_assessor() -> None:
    # Without the gap or the assessor: 1000 + 200, holiday 120, pay 1320; NI 10% of 820 =
    # 82; pension 5% of 1020 = 51; running costs 385; costs 1838; surplus 91.9 → 92; 1930p.
    # 2079 − 1930 = 149p.
    plain = replace(SMALL, rota_gap_minutes=0, trusted_assessor_pence=0)

    assert work_out(plain).hourly_rate_pence == 1930
    assert work_out(SMALL).enhancement_pence == 149
    assert work_out(plain).enhancement_pence == 0


def test_pay_below_the_weekly_thresholds_carries_no_national_insurance_or_pension() -> None:
    # 4 hours a week: £100 ÷ 4 = 2500p and £60 ÷ 4 = 1500p an hour, both above 1430p of pay.
    amounts = _amounts(replace(SMALL, contact_hours_per_week=4))

    assert amounts["employer_ni"] == 0
    assert amounts["employer_pension"] == 0


def test_the_pension_is_charged_only_above_its_own_lower_limit() -> None:
    # 10 hours a week: NI threshold 1000p an hour, 10% of 430 = 43p;
    # pension limit 600p an hour, 5% of 830 = 41.5 → 42p.
    amounts = _amounts(replace(SMALL, contact_hours_per_week=10))

    assert amounts["employer_ni"] == 43
    assert amounts["employer_pension"] == 42


def test_rounding_is_half_up_to_the_penny() -> None:
    assert to_pence(Decimal("56.5")) == 57
    assert to_pence(Decimal("91.9")) == 92
    assert to_pence(Decimal("190.4999")) == 190


def test_the_leeds_pilot_rate_is_26_22_and_the_traditional_24_42() -> None:
    # 000 §26: £24.42 + £1.80 = £26.22.
    chws = work_out(PRESETS["leeds-chws-2024"].inputs)
    traditional = work_out(PRESETS["leeds-traditional-2024"].inputs)

    assert chws.hourly_rate_pence == 2622
    assert traditional.hourly_rate_pence == 2442
    assert chws.enhancement_pence == 180
    assert chws.hourly_rate_pence - traditional.hourly_rate_pence == 180


def test_the_leeds_rota_gap_is_45_minutes_of_a_7_and_a_half_hour_shift() -> None:
    # £11.44 × 45 ÷ 405 = 127.1p → 127p.
    inputs = PRESETS["leeds-chws-2024"].inputs

    assert (inputs.rota_gap_minutes, inputs.shift_minutes) == (45, 450)
    assert _amounts(inputs)["rota_gap_pay"] == 127


def test_each_preset_names_what_in_it_is_calibrated_and_comes_to_its_published_rate() -> None:
    for p in PRESETS.values():
        assert work_out(p.inputs).hourly_rate_pence == p.published_rate_pence
        assert "office_pence" in dict(p.calibrated)
    assert "trusted_assessor_pence" in dict(PRESETS["leeds-chws-2024"].calibrated)


def test_an_unknown_preset_is_not_found() -> None:
    with pytest.raises(NotFound):
        preset("leeds-2099")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"hourly_pay_pence": 0}, "hourly_pay_pence", "hourly pay must be more than £0.00"),
        ({"office_pence": 20_001}, "office_pence", "from 0 to £200.00"),
        ({"holiday_percent": Decimal("101")}, "holiday_percent", "percentage from 0 to 100"),
        ({"rota_gap_minutes": 330}, "rota_gap_minutes", "shorter than the shift"),
        ({"contact_hours_per_week": 0}, "contact_hours_per_week", "hours of care a week"),
        ({"shift_minutes": 0, "rota_gap_minutes": 0}, "shift_minutes", "1 minute to 24 hours"),
    ],
)
def test_inputs_a_model_cannot_hold_are_refused_naming_the_input(
    change: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        work_out(replace(SMALL, **change))  # type: ignore[arg-type]

    assert refused.value.field == field
    assert words in refused.value.message


COSTS: dict[str, Any] = {
    "hourly_pay_pence": 1,
    "paid_travel_minutes": 1,
    "holiday_percent": Decimal("0.5"),
    "employer_ni_percent": Decimal("0.5"),
    "pension_percent": Decimal("0.5"),
    "mileage_pence": 1,
    "training_pence": 1,
    "supervision_pence": 1,
    "ppe_pence": 1,
    "office_pence": 1,
    "surplus_percent": Decimal("0.5"),
    "rota_gap_minutes": 1,
    "trusted_assessor_pence": 1,
}


@given(
    pay=st.integers(1, 3000),
    travel=st.integers(0, 60),
    percents=st.lists(st.decimals("0", "30", places=2), min_size=4, max_size=4),
    pennies=st.lists(st.integers(0, 1000), min_size=6, max_size=6),
    gap=st.integers(0, 120),
    hours=st.integers(1, 60),
    cost=st.sampled_from(sorted(COSTS)),
    steps=st.integers(1, 50),
)
def test_raising_any_cost_input_never_lowers_the_rate(
    pay: int,
    travel: int,
    percents: list[Decimal],
    pennies: list[int],
    gap: int,
    hours: int,
    cost: str,
    steps: int,
) -> None:
    holiday, ni, pension, surplus = percents
    mileage, training, supervision, ppe, office, assessor = pennies
    inputs = CostInputs(
        hourly_pay_pence=pay,
        paid_travel_minutes=travel,
        holiday_percent=holiday,
        employer_ni_percent=ni,
        ni_threshold_pence_per_week=17500,
        pension_percent=pension,
        pension_threshold_pence_per_week=12000,
        contact_hours_per_week=hours,
        mileage_pence=mileage,
        training_pence=training,
        supervision_pence=supervision,
        ppe_pence=ppe,
        office_pence=office,
        surplus_percent=surplus,
        rota_gap_minutes=gap,
        shift_minutes=450,
        trusted_assessor_pence=assessor,
    )
    raised = replace(inputs, **{cost: getattr(inputs, cost) + COSTS[cost] * steps})

    assert work_out(raised).hourly_rate_pence >= work_out(inputs).hourly_rate_pence
