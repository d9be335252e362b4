"""The cost of an hour of home care, built as councils' cost of care toolkits build it: the
care worker's pay for the hour and the paid time around it, the employer's on-costs, the
running costs, and a surplus, each a line with its working in words.

Rounding: each line is rounded half up to the penny as it is worked out, and a line that is
a percentage of earlier lines takes their rounded pence. So the lines add up exactly to the
hourly rate shown, and a commissioner can check the sum with a pencil.

The salaried-shift enhancement (000 §26) pays a care worker for a whole shift in which part
is left free of visits (the rota gap: 45 minutes in a 7.5-hour shift, unpaid breaks left
out). Each hour of care then carries gap ÷ (shift − gap) of an hour of paid time besides
itself, which takes holiday pay, national insurance, pension and surplus like any pay; the
trusted-assessor function is a cost per hour of care.

Employer's national insurance and pension are charged on pay above a weekly threshold, as
HMRC and auto-enrolment charge them; the weekly threshold is spread over the contact hours a
care worker typically gives in a week. The Employment Allowance is left out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from homecare.errors import InvalidInput

HUNDRED = Decimal(100)
MINUTES_PER_HOUR = 60
MOST_PENCE_PER_HOUR = 20_000
"""£200 an hour: past any hourly amount a toolkit holds."""
MOST_PENCE_PER_WEEK = 200_000
"""£2,000 a week: past any weekly threshold."""
MOST_MINUTES_PER_HOUR = 120
MOST_SHIFT_MINUTES = 24 * 60
MOST_CONTACT_HOURS_PER_WEEK = 80

PENCE_FIELDS = {
    "hourly_pay_pence": "the care worker's hourly pay",
    "mileage_pence": "mileage for each hour of care",
    "training_pence": "training for each hour of care",
    "supervision_pence": "supervision for each hour of care",
    "ppe_pence": "protective equipment for each hour of care",
    "office_pence": "office costs for each hour of care",
    "trusted_assessor_pence": "the trusted-assessor function for each hour of care",
}
WEEKLY_FIELDS = {
    "ni_threshold_pence_per_week": "the national insurance threshold a week",
    "pension_threshold_pence_per_week": "the pension's lower earnings limit a week",
}
PERCENT_FIELDS = {
    "holiday_percent": "holiday pay",
    "employer_ni_percent": "employer's national insurance",
    "pension_percent": "the employer's pension contribution",
    "surplus_percent": "the surplus",
}
MINUTE_FIELDS = {
    "paid_travel_minutes": "paid travel time for each hour of care",
    "rota_gap_minutes": "the rota gap in a shift",
}


@dataclass(frozen=True)
class CostInputs:
    """What a cost-per-hour model is built from; money in pence, shares in per cent."""

    hourly_pay_pence: int
    paid_travel_minutes: int
    """Travel time paid at the hourly pay, for each hour of care (contact hour)."""
    holiday_percent: Decimal
    """Holiday pay on all paid time: 5.6 weeks ÷ 46.4 weeks worked is 12.07%."""
    employer_ni_percent: Decimal
    ni_threshold_pence_per_week: int
    pension_percent: Decimal
    pension_threshold_pence_per_week: int
    contact_hours_per_week: int
    """A care worker's typical hours of care a week, over which weekly thresholds spread."""
    mileage_pence: int
    training_pence: int
    supervision_pence: int
    ppe_pence: int
    office_pence: int
    surplus_percent: Decimal
    """On every cost above it: the provider's return, or its contingency."""
    rota_gap_minutes: int = 0
    shift_minutes: int = 450
    """A shift's length without its unpaid breaks (7.5 hours)."""
    trusted_assessor_pence: int = 0


@dataclass(frozen=True)
class Line:
    """One line of the working: what it is, how it is worked out, and the sum so far."""

    key: str
    label: str
    formula: str
    pence: int
    running_total_pence: int


@dataclass(frozen=True)
class Working:
    inputs: CostInputs
    lines: tuple[Line, ...]
    hourly_rate_pence: int
    enhancement_pence: int
    """What the salaried shift and the trusted assessor add: this rate less the same
    inputs' rate without them, on-costs and surplus on the gap's pay included."""


def to_pence(amount: Decimal) -> int:
    """Half up to the nearest penny: 12.5p → 13p."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(pence: int | Decimal) -> str:
    """£11.44; a fraction of a penny to two more places, as a threshold per hour has."""
    pounds = Decimal(pence) / HUNDRED
    if pounds == pounds.quantize(Decimal("0.01")):
        return f"£{pounds:,.2f}"
    return f"£{pounds:,.4f}"


def percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def check(inputs: CostInputs) -> None:
    """Every input within what a cost model can hold, refused in the commissioner's words."""
    for name, what in PENCE_FIELDS.items():
        _within(getattr(inputs, name), 0, MOST_PENCE_PER_HOUR, name, what, "£200.00")
    if inputs.hourly_pay_pence == 0:
        raise InvalidInput(f"{_cap(PENCE_FIELDS['hourly_pay_pence'])} must be more than £0.00",
                           field="hourly_pay_pence")  # fmt: skip
    for name, what in WEEKLY_FIELDS.items():
        _within(getattr(inputs, name), 0, MOST_PENCE_PER_WEEK, name, what, "£2,000.00")
    for name, what in PERCENT_FIELDS.items():
        value = getattr(inputs, name)
        if not (value.is_finite() and 0 <= value <= HUNDRED):
            raise InvalidInput(f"{_cap(what)} must be a percentage from 0 to 100", field=name)
    for name, what in MINUTE_FIELDS.items():
        most = MOST_MINUTES_PER_HOUR if name == "paid_travel_minutes" else MOST_SHIFT_MINUTES
        _within(getattr(inputs, name), 0, most, name, what, f"{most} minutes")
    if not 1 <= inputs.shift_minutes <= MOST_SHIFT_MINUTES:
        raise InvalidInput("A shift must be from 1 minute to 24 hours long", field="shift_minutes")
    if inputs.rota_gap_minutes >= inputs.shift_minutes:
        raise InvalidInput("The rota gap must be shorter than the shift", field="rota_gap_minutes")
    if not 1 <= inputs.contact_hours_per_week <= MOST_CONTACT_HOURS_PER_WEEK:
        raise InvalidInput(
            f"A care worker's hours of care a week must be from 1 to {MOST_CONTACT_HOURS_PER_WEEK}",
            field="contact_hours_per_week",
        )


def _within(value: int, least: int, most: int, name: str, what: str, most_text: str) -> None:
    if not least <= value <= most:
        raise InvalidInput(f"{_cap(what)} must be from 0 to {most_text}", field=name)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Ledger:
    """Lines as they are added, each with the running total after it."""

    def __init__(self) -> None:
        self.lines: list[Line] = []

    def add(self, key: str, label: str, formula: str, pence: int) -> int:
        total = (self.lines[-1].running_total_pence if self.lines else 0) + pence
        self.lines.append(Line(key, label, formula, pence, total))
        return pence

    def total(self) -> int:
        return self.lines[-1].running_total_pence if self.lines else 0


def pay_lines(ledger: _Ledger, i: CostInputs) -> int:
    """The paid time for an hour of care, and holiday pay on it; returns the pay in pence."""
    pay = money(i.hourly_pay_pence)
    contact = ledger.add("contact_pay", "Care worker's pay for the hour of care",
                         f"{pay} for 60 minutes", i.hourly_pay_pence)  # fmt: skip
    travel = ledger.add(
        "travel_pay",
        "Paid travel time",
        f"{pay} × {i.paid_travel_minutes} minutes ÷ 60",
        to_pence(Decimal(i.hourly_pay_pence * i.paid_travel_minutes) / MINUTES_PER_HOUR),
    )
    rota_d = i.shift_minutes - i.rota_gap_minutes
    gap = ledger.add(
        "rota_gap_pay",
        "Salaried shift: the rota gap, paid",
        f"{pay} × {i.rota_gap_minutes} minutes ÷ ({i.shift_minutes} − {i.rota_gap_minutes})"
        " minutes of visits in a shift",
        to_pence(Decimal(i.hourly_pay_pence * i.rota_gap_minutes) / rota_d),
    )
    paid = contact + travel + gap
    holiday = ledger.add(
        "holiday_pay",
        "Holiday pay",
        f"{percent_text(i.holiday_percent)} of {money(paid)} paid time",
        to_pence(paid * i.holiday_percent / HUNDRED),
    )
    return paid + holiday


def _above_threshold(
    ledger: _Ledger, i: CostInputs, gross: int, *, key: str, label: str, rate: Decimal,
    threshold_week: int, threshold_words: str,
) -> int:  # fmt: skip
    """A charge on pay above a weekly threshold, the threshold spread over the hours of care
    a care worker gives in a week: what HMRC or the pension scheme charges on the week."""
    per_hour = Decimal(threshold_week) / i.contact_hours_per_week
    charged = max(Decimal(0), gross - per_hour)
    return ledger.add(
        key,
        label,
        f"{percent_text(rate)} of pay above the {threshold_words}: ({money(gross)} − "
        f"{money(threshold_week)} a week ÷ {i.contact_hours_per_week} hours of care)",
        to_pence(charged * rate / HUNDRED),
    )


def work_out(inputs: CostInputs) -> Working:
    """The working, line by line, and the hourly rate it comes to (checked inputs only)."""
    check(inputs)
    lines = _lines(inputs)
    rate = lines[-1].running_total_pence
    plain = replace(inputs, rota_gap_minutes=0, trusted_assessor_pence=0)
    enhancement = rate - _lines(plain)[-1].running_total_pence
    return Working(inputs, lines, rate, enhancement)


def _lines(i: CostInputs) -> tuple[Line, ...]:
    ledger = _Ledger()
    gross = pay_lines(ledger, i)
    _above_threshold(ledger, i, gross, key="employer_ni", label="Employer's national insurance",
                     rate=i.employer_ni_percent, threshold_week=i.ni_threshold_pence_per_week,
                     threshold_words="secondary threshold")  # fmt: skip
    _above_threshold(ledger, i, gross, key="employer_pension", label="Employer's pension",
                     rate=i.pension_percent, threshold_week=i.pension_threshold_pence_per_week,
                     threshold_words="lower limit of qualifying earnings")  # fmt: skip
    for key, label, pence in (
        ("mileage", "Mileage", i.mileage_pence),
        ("training", "Training", i.training_pence),
        ("supervision", "Supervision and spot checks", i.supervision_pence),
        ("ppe", "Protective equipment (PPE)", i.ppe_pence),
        ("office", "Office and back-office costs", i.office_pence),
        ("trusted_assessor", "Trusted-assessor function", i.trusted_assessor_pence),
    ):
        ledger.add(key, label, f"{money(pence)} for each hour of care", pence)
    costs = ledger.total()
    ledger.add(
        "surplus",
        "Surplus",
        f"{percent_text(i.surplus_percent)} of {money(costs)}",
        to_pence(costs * i.surplus_percent / HUNDRED),
    )
    return tuple(ledger.lines)


def inputs_record(inputs: CostInputs) -> dict[str, int | str]:
    """The inputs as JSON holds them: pence and minutes as numbers, percentages as text so
    that 12.07 stays 12.07."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(inputs).items()}


def working_record(working: Working, preset: str | None) -> dict[str, object]:
    """The working as the API, the command line's file and the page share it."""
    return {
        "preset": preset,
        "hourly_rate_pence": working.hourly_rate_pence,
        "enhancement_pence": working.enhancement_pence,
        "rounding": "each line half up to the penny; percentages of earlier lines' pence",
        "lines": [asdict(line) for line in working.lines],
        "inputs": inputs_record(working.inputs),
    }
