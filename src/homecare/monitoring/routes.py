"""HTTP routes for the monitoring return: the 29 measures, the 7 KPIs and their meaning.

The actor is resolved inside a transaction; the figures are then read from the engine
(connectorx: committed data, fast), since these requests write nothing. The scoping is
the service's, so the API and the returns writer agree row for row.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query

from homecare.http import RecordId, RequestContext, authenticated
from homecare.monitoring import service
from homecare.monitoring.periods import EXAMPLES
from homecare.monitoring.schemas import DefinitionsOut, KpisReport, MeasureReport, MeasuresReport

router = APIRouter(prefix="/monitoring", tags=["monitoring"])

PERIOD = Query(
    default=None,
    description=f"{EXAMPLES}; the 4-week period containing today when left out",
)
PROVIDER = Query(default=None, description="One provider's rows; a provider manager's own")
LOT = Query(default=None, description="One lot's rows, by lot number")
AsAtChoice = Literal["settled", "now"]
AS_AT = Query(
    default="settled",
    description=(
        "settled: figures as at the period's end plus the settle time "
        "(HOMECARE_SETTLE_HOURS), or now while the period is in progress; "
        "now: figures as at this moment"
    ),
)


@router.get("/definitions", response_model=DefinitionsOut)
def definitions(ctx: RequestContext = Depends(authenticated)) -> DefinitionsOut:
    """What every measure and KPI counts, its cadence, unit, split, target and limitations."""
    with ctx.transaction() as (_session, actor):
        service.require_monitoring(actor)
    return service.definitions_out()


@router.get("/measures", response_model=MeasuresReport)
def measures(
    period: str | None = PERIOD,
    provider_id: RecordId | None = PROVIDER,
    lot: int | None = LOT,
    as_at: AsAtChoice = AS_AT,
    ctx: RequestContext = Depends(authenticated),
) -> MeasuresReport | MeasureReport:
    """Measures 1-29 for the period, per provider and lot and in total, as scoped."""
    with ctx.transaction() as (_session, actor):
        service.require_monitoring(actor)
    return service.measures_report(
        ctx.engine,
        actor=actor,
        period=period,
        provider_id=provider_id,
        lot=lot,
        now=ctx.now(),
        settings=ctx.settings,
        as_at_now=as_at == "now",
    )


@router.get("/measures/{number}", response_model=MeasureReport)
def one_measure(
    number: int,
    period: str | None = PERIOD,
    provider_id: RecordId | None = PROVIDER,
    lot: int | None = LOT,
    as_at: AsAtChoice = AS_AT,
    ctx: RequestContext = Depends(authenticated),
) -> MeasuresReport | MeasureReport:
    """One measure (1-29) with its definition; any other number is not found."""
    with ctx.transaction() as (_session, actor):
        service.require_monitoring(actor)
    return service.measures_report(
        ctx.engine,
        actor=actor,
        period=period,
        provider_id=provider_id,
        lot=lot,
        number=number,
        now=ctx.now(),
        settings=ctx.settings,
        as_at_now=as_at == "now",
    )


@router.get("/kpis", response_model=KpisReport)
def kpis(
    period: str | None = PERIOD,
    provider_id: RecordId | None = PROVIDER,
    lot: int | None = LOT,
    as_at: AsAtChoice = AS_AT,
    ctx: RequestContext = Depends(authenticated),
) -> KpisReport:
    """KPIs 1-7 with value, target, RAG and the referral, package or visit ids behind
    each miss."""
    with ctx.transaction() as (_session, actor):
        service.require_monitoring(actor)
    return service.kpis_report(
        ctx.engine,
        actor=actor,
        period=period,
        provider_id=provider_id,
        lot=lot,
        now=ctx.now(),
        settings=ctx.settings,
        as_at_now=as_at == "now",
    )
