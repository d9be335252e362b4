"""The cost of an hour of care, for council staff who see the figures: a preset opened, its
inputs as a form that works the rate out again on any change, the working line by line,
and the reports' sums worked again from their inputs.

The form is a GET form, so a changed model is an address that can be bookmarked or sent.
An input left out of the address takes the preset's value; one sent empty is asked for.
The same service as the API's `/money/cost-of-care`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import QueryParams

from homecare.errors import InvalidInput, NotFound
from homecare.money import comparisons
from homecare.money.cost_of_care import (
    MINUTE_FIELDS,
    PENCE_FIELDS,
    PERCENT_FIELDS,
    WEEKLY_FIELDS,
    CostInputs,
    check,
)
from homecare.money.presets import DEFAULT_PRESET, PRESETS
from homecare.money.service import cost_of_care, require_money
from homecare.web import forms
from homecare.web.context import WebContext, web_context
from homecare.web.format import sentence
from homecare.web.render import WebRoute, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Field:
    """One input of the form: its name in the address, its words, and its unit."""

    name: str
    input: str
    label: str
    unit: str
    """"pounds", "percent" or "whole" (minutes or hours)."""
    hint: str = ""


FIELDS = (
    Field("hourly_pay_pence", "hourly-pay", "Care worker's hourly pay, in pounds", "pounds",
          "The National Living Wage from April 2024 is 11.44"),
    Field("paid_travel_minutes", "travel-minutes",
          "Paid travel time for each hour of care, in minutes", "whole"),
    Field("holiday_percent", "holiday", "Holiday pay, as a percentage of pay", "percent",
          "5.6 weeks' leave is 12.07"),
    Field("employer_ni_percent", "national-insurance",
          "Employer's national insurance, as a percentage", "percent"),
    Field("ni_threshold_pence_per_week", "national-insurance-threshold",
          "National insurance secondary threshold, in pounds a week", "pounds"),
    Field("pension_percent", "pension", "Employer's pension, as a percentage", "percent"),
    Field("pension_threshold_pence_per_week", "pension-threshold",
          "Pension lower limit of qualifying earnings, in pounds a week", "pounds"),
    Field("contact_hours_per_week", "contact-hours",
          "A care worker's hours of care in a typical week", "whole",
          "The weekly thresholds are spread over these hours"),
    Field("mileage_pence", "mileage", "Mileage for each hour of care, in pounds", "pounds"),
    Field("training_pence", "training", "Training for each hour of care, in pounds", "pounds"),
    Field("supervision_pence", "supervision",
          "Supervision for each hour of care, in pounds", "pounds"),
    Field("ppe_pence", "ppe", "Protective equipment for each hour of care, in pounds", "pounds"),
    Field("office_pence", "office", "Office costs for each hour of care, in pounds", "pounds"),
    Field("surplus_percent", "surplus", "Surplus, as a percentage of the costs", "percent"),
    Field("rota_gap_minutes", "rota-gap", "Salaried shift: the rota gap, in minutes", "whole",
          "Time in a shift left free of visits; 0 for no salaried shift"),
    Field("shift_minutes", "shift", "Salaried shift: its length without unpaid breaks, in"
          " minutes", "whole", "7.5 hours is 450"),
    Field("trusted_assessor_pence", "trusted-assessor",
          "Trusted-assessor function for each hour of care, in pounds", "pounds"),
)  # fmt: skip
BY_NAME = {f.name: f for f in FIELDS}


def shown(field: Field, inputs: CostInputs) -> str:
    """An input as the form shows it: pounds to the penny, percentages as typed."""
    value = getattr(inputs, field.name)
    if field.unit == "pounds":
        return f"{Decimal(value) / 100:.2f}"
    if field.unit == "percent":
        return f"{value.normalize():f}"
    return str(value)


def _parse(field: Field, raw: str) -> int | Decimal | None:
    if field.unit == "whole":
        return forms.whole_number(raw, most=10_000)
    text = raw.removeprefix("£").removesuffix("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    if field.unit == "pounds":
        if number != number.quantize(PENNY) or number > 10_000:
            return None
        return int(number * 100)
    return number


WORDS = {
    **PENCE_FIELDS,
    **WEEKLY_FIELDS,
    **PERCENT_FIELDS,
    **MINUTE_FIELDS,
    "contact_hours_per_week": "a care worker's hours of care a week",
    "shift_minutes": "the shift's length",
}
"""Each input as a sentence names it, the same words as the model's own refusals."""


def _problem(field: Field) -> str:
    what = WORDS[field.name]
    if field.unit == "pounds":
        return f"Enter {what} in pounds and pence, like 0.25"
    if field.unit == "percent":
        return f"Enter {what} as a percentage, like 12.07"
    return f"Enter {what} as a whole number, like 45"


def read_inputs(query: QueryParams, base: CostInputs) -> tuple[CostInputs, dict[str, str]]:
    """The preset's inputs with those the address changes, and a message for each input
    that cannot be read or that the model refuses, keyed by its id in the order of the form."""
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for field in FIELDS:
        if field.input not in query:
            continue
        raw = query[field.input].strip()
        value = _parse(field, raw) if raw else None
        if value is None:
            errors[field.input] = _problem(field)
        else:
            changes[field.name] = value
    inputs = replace(base, **changes)
    for _ in FIELDS:  # every refusal at once: each refused input falls back to the preset's
        try:
            check(inputs)
            break
        except InvalidInput as refused:
            field = BY_NAME.get(refused.field or "", FIELDS[0])
            errors.setdefault(field.input, sentence(refused.message))
            inputs = replace(inputs, **{field.name: getattr(base, field.name)})
    order = [f.input for f in FIELDS]
    errors = dict(sorted(errors.items(), key=lambda item: order.index(item[0])))
    return inputs, errors


@router.get("/app/cost-of-care")
def cost_of_care_page(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    query = request.query_params
    name = query.get("preset", "").strip() or DEFAULT_PRESET
    with ctx.transaction() as (_session, me):
        require_money(me.actor)
        if name not in PRESETS:
            raise NotFound(f"no cost-of-care model {name!r}")
    chosen = PRESETS[name]
    inputs, errors = read_inputs(query, chosen.inputs)
    working = None if errors else cost_of_care(inputs, name)
    values = {f.input: query.get(f.input, shown(f, inputs)) for f in FIELDS}
    return render(
        request,
        "commissioner/cost_of_care.html",
        title="The cost of an hour of care",
        status=400 if errors else 200,
        errors=errors,
        presets=[(p.name, p.title) for p in PRESETS.values()],
        preset=chosen,
        fields=FIELDS,
        values=values,
        working=working,
        comparisons=[comparisons.compare(n) for n in comparisons.COMPARISONS],
        changed=any(f.input in query for f in FIELDS),
    )
