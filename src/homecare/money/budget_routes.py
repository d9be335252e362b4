"""HTTP routes for a council's budget, its contingency and direct payments: parse, call one
action or read in one transaction, answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from homecare.calendar import local_date
from homecare.http import PathId, RecordId, RequestContext, WrittenDate, authenticated
from homecare.money import budget_service as service
from homecare.money import direct_payments
from homecare.money.budget_schemas import (
    BudgetBody,
    BudgetRead,
    DirectPaymentBody,
    DirectPaymentEndBody,
    DirectPaymentRead,
    DrawdownBody,
    DrawdownRead,
    PositionRead,
)
from homecare.money.direct_payments import end_direct_payment, record_direct_payment

router = APIRouter(prefix="/money", tags=["money"])
direct_payments_router = APIRouter(tags=["direct payments"])

Year = Annotated[
    int, Path(ge=2000, le=2100, description="The year the financial year starts: 2026 is 2026/27")
]


@router.get("/budgets/{year}", response_model=BudgetRead)
def get_budget(year: Year, ctx: RequestContext = Depends(authenticated)) -> dict[str, Any]:
    """The year's budget lines and contingency, to council staff who see the figures."""
    with ctx.transaction() as (session, actor):
        return service.budget_record(session, actor, service.loaded_budget(session, actor, year))


@router.put("/budgets/{year}", response_model=BudgetRead)
def put_budget(
    year: Year, body: BudgetBody, ctx: RequestContext = Depends(authenticated)
) -> dict[str, Any]:
    """Sets the year's budget by lot and funding stream, and its contingency."""
    with ctx.transaction() as (session, actor):
        budget = service.set_budget(
            session,
            actor=actor,
            at=ctx.now(),
            year=year,
            lines=[service.LineIn(x.lot_number, x.stream, x.pence) for x in body.lines],
            contingency_pence=body.contingency_pence,
        )
        return service.budget_record(session, actor, budget)


@router.post("/budgets/{year}/contingency/drawdowns", response_model=DrawdownRead)
def draw_contingency(
    year: Year, body: DrawdownBody, ctx: RequestContext = Depends(authenticated)
) -> dict[str, Any]:
    """Records a decision to draw on the contingency; never more than is left."""
    with ctx.transaction() as (session, actor):
        drawn = service.draw_contingency(
            session,
            actor=actor,
            at=ctx.now(),
            year=year,
            amount_pence=body.amount_pence,
            reason=body.reason,
            drawn_on=body.drawn_on,
        )
        return {
            "id": drawn.id,
            "pence": drawn.pence,
            "reason": drawn.reason,
            "drawn_on": drawn.drawn_on,
            "by": drawn.recorded_by_name,
            "recorded_at": drawn.recorded_at,
        }


@router.get("/budgets/{year}/position", response_model=PositionRead)
def budget_position(
    year: Year,
    as_at: WrittenDate | None = Query(default=None, description="The day to read; today"),
    ctx: RequestContext = Depends(authenticated),
) -> dict[str, Any]:
    """Budget, paid, committed, direct payments and forecast; the alert when the forecast
    passes the budget with the contingency drawn; each month's provider-led changes."""
    with ctx.transaction() as (session, actor):
        day = as_at or local_date(ctx.now())
        return service.position_record(session, actor, year, day)


@direct_payments_router.post(
    "/people/{person_id}/direct-payments", response_model=DirectPaymentRead, status_code=201
)
def record(
    person_id: PathId, body: DirectPaymentBody, ctx: RequestContext = Depends(authenticated)
) -> Any:
    """A direct payment to the person: a weekly amount, or weekly hours at a rate."""
    with ctx.transaction() as (session, actor):
        payment = record_direct_payment(
            session,
            actor=actor,
            at=ctx.now(),
            person_id=person_id,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            stream=body.stream,
            weekly_pence=body.weekly_pence,
            weekly_hours=body.weekly_hours,
            hourly_rate_pence=body.hourly_rate_pence,
            package_id=body.package_id,
        )
        return DirectPaymentRead.model_validate(payment)


@direct_payments_router.post(
    "/direct-payments/{direct_payment_id}/end", response_model=DirectPaymentRead
)
def end(
    direct_payment_id: PathId,
    body: DirectPaymentEndBody,
    ctx: RequestContext = Depends(authenticated),
) -> Any:
    """The direct payment's last day."""
    with ctx.transaction() as (session, actor):
        payment = end_direct_payment(
            session,
            actor=actor,
            at=ctx.now(),
            direct_payment_id=direct_payment_id,
            ends_on=body.ends_on,
            reason=body.reason,
        )
        return DirectPaymentRead.model_validate(payment)


@direct_payments_router.get("/direct-payments", response_model=list[DirectPaymentRead])
def list_direct_payments(
    person_id: RecordId | None = Query(default=None, description="a person's id"),
    ctx: RequestContext = Depends(authenticated),
) -> Any:
    """The council's direct payments, or one person's."""
    with ctx.transaction() as (session, actor):
        return [
            DirectPaymentRead.model_validate(p)
            for p in direct_payments.listed(session, actor, person_id=person_id)
        ]
