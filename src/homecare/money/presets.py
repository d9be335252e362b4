"""Cost-of-care models ready to open: Leeds's Community Health and Well-being Service rate
for 2024/25 and the traditional rate it was built on.

000 §26 publishes the result (£26.22, of which the salaried shift and the trusted assessor
add £1.80, so the traditional rate is £24.42) but not the toolkit's lines. The statutory
figures below are 2024/25's; travel, mileage, training, supervision and PPE are plausible
toolkit values, not Leeds's own. Two inputs are calibrated, and named as such:

- office costs (£5.66 an hour), the largest and least published line, set so the traditional
  model comes to exactly £24.42;
- the trusted-assessor function (£0.09 an hour), set so the enhancement comes to exactly
  £1.80: the 45-minute gap with its holiday pay, national insurance, pension and surplus is
  £1.71 of it, which leaves £0.09 for the trusted assessor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from homecare.errors import NotFound
from homecare.money.cost_of_care import CostInputs


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    source: str
    inputs: CostInputs
    published_rate_pence: int
    """The rate the report gives, which these inputs must come to."""
    calibrated: tuple[tuple[str, str], ...]
    """(input, why) for each input set to meet the published rate rather than found."""


LEEDS_TRADITIONAL_2024 = CostInputs(
    hourly_pay_pence=1144,  # the National Living Wage from 1 April 2024
    paid_travel_minutes=10,
    holiday_percent=Decimal("12.07"),  # 5.6 weeks' leave ÷ 46.4 weeks worked
    employer_ni_percent=Decimal("13.8"),
    ni_threshold_pence_per_week=17500,  # secondary threshold, £9,100 a year
    pension_percent=Decimal("3"),  # auto-enrolment minimum from the employer
    pension_threshold_pence_per_week=12000,  # qualifying earnings from £6,240 a year
    contact_hours_per_week=30,
    mileage_pence=90,  # 2 miles at 45p
    training_pence=25,
    supervision_pence=20,
    ppe_pence=15,
    office_pence=566,  # calibrated: see the module's docstring
    surplus_percent=Decimal("3"),
)

LEEDS_CHWS_2024 = replace(
    LEEDS_TRADITIONAL_2024,
    rota_gap_minutes=45,  # 10% of the shift (000 §26)
    shift_minutes=450,  # 7.5 hours without unpaid breaks
    trusted_assessor_pence=9,  # calibrated: see the module's docstring
)

OFFICE_WHY = "Office costs are set so that the traditional model comes to £24.42 (000 §26)."
ASSESSOR_WHY = (
    "The trusted-assessor function is set so that the enhancement comes to £1.80 (000 §26):"
    " the paid rota gap with its on-costs and surplus is £1.71 of it."
)

DEFAULT_PRESET = "leeds-chws-2024"

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "leeds-chws-2024",
            "Leeds Community Health and Well-being Service, 2024/25",
            "000 §26: a 10% rota gap (45 minutes in a 7.5-hour shift) and the trusted-assessor"
            " function add £1.80 to give £26.22 an hour",
            LEEDS_CHWS_2024,
            2622,
            (("office_pence", OFFICE_WHY), ("trusted_assessor_pence", ASSESSOR_WHY)),
        ),
        Preset(
            "leeds-traditional-2024",
            "Leeds traditional home care, 2024/25",
            "000 §26: £26.22 less the £1.80 the new service adds, £24.42 an hour",
            LEEDS_TRADITIONAL_2024,
            2442,
            (("office_pence", OFFICE_WHY),),
        ),
    )
}


def preset(name: str) -> Preset:
    found = PRESETS.get(name)
    if found is None:
        raise NotFound(f"there is no cost-of-care model called '{name}'")
    return found
