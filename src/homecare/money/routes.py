"""HTTP routes for the cost of care: the presets, a model's working line by line, and the
reports' sums worked again. Each reads nothing stored and writes nothing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from homecare.http import RequestContext, authenticated
from homecare.money import comparisons, service
from homecare.money.presets import DEFAULT_PRESET, preset
from homecare.money.schemas import ComparisonRead, CostInputsBody, PresetRead, WorkingRead

router = APIRouter(prefix="/money", tags=["money"])


@router.get("/cost-of-care/presets", response_model=list[PresetRead])
def list_presets(ctx: RequestContext = Depends(authenticated)) -> list[dict[str, Any]]:
    """The models ready to open, the rate each report gives and what in each is calibrated."""
    with ctx.transaction() as (_session, actor):
        service.require_money(actor)
    return service.presets_record()


@router.get("/cost-of-care", response_model=WorkingRead)
def preset_working(
    preset_name: Annotated[
        str, Query(alias="preset", description="e.g. leeds-traditional-2024")
    ] = DEFAULT_PRESET,
    ctx: RequestContext = Depends(authenticated),
) -> dict[str, Any]:
    """A preset's working, line by line, to the hourly rate (the Leeds pilot's by default)."""
    with ctx.transaction() as (_session, actor):
        service.require_money(actor)
    return service.cost_of_care(preset(preset_name).inputs, preset_name)


@router.post("/cost-of-care", response_model=WorkingRead)
def working_of(
    body: CostInputsBody, ctx: RequestContext = Depends(authenticated)
) -> dict[str, Any]:
    """The working of the inputs sent (a preset's, with some changed): worked out, not kept."""
    with ctx.transaction() as (_session, actor):
        service.require_money(actor)
    return service.cost_of_care(service.inputs_from(body.changes(), body.preset), body.preset)


@router.get("/comparisons/{comparison}", response_model=ComparisonRead)
def comparison(comparison: str, ctx: RequestContext = Depends(authenticated)) -> dict[str, object]:
    """A report's sum worked again from its inputs: leicester-in-house or
    leeds-chws-vs-traditional."""
    with ctx.transaction() as (_session, actor):
        service.require_money(actor)
    return comparisons.comparison_record(comparisons.compare(comparison))
