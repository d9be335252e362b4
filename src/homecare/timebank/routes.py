"""HTTP routes for envelopes of time and the time bank."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from homecare.access_log import log_person_read
from homecare.http import PathId, RequestContext, authenticated
from homecare.packages.tables import Package
from homecare.timebank import service
from homecare.timebank.schemas import EnvelopeOpen, PeriodEndsRead, TimeBankMove, TimeBankRead

router = APIRouter(tags=["time-bank"])


@router.post("/packages/{package_id}/envelope", response_model=TimeBankRead, status_code=201)
def open_envelope(
    package_id: PathId, body: EnvelopeOpen, ctx: RequestContext = Depends(authenticated)
) -> TimeBankRead:
    """The provider puts one of its packages on an envelope of time (once per package)."""
    with ctx.transaction() as (session, actor):
        statement = service.open_envelope(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            starts_on=body.starts_on,
            period_weeks=body.period_weeks,
            minutes_per_period=body.minutes_per_period,
            carry_over_share=body.carry_over_share,
            bank_cap_minutes=body.bank_cap_minutes,
            overdraft_minutes=body.overdraft_minutes,
        )
        return TimeBankRead.of(statement)


@router.get("/packages/{package_id}/time-bank", response_model=TimeBankRead)
def get_time_bank(package_id: PathId, ctx: RequestContext = Depends(authenticated)) -> TimeBankRead:
    """Balances and ledger, for the person, their provider and their council."""
    with ctx.transaction() as (session, actor):
        read = TimeBankRead.of(service.balance(session, actor=actor, package_id=package_id))
        package = session.get(Package, package_id)
        if package is not None:
            log_person_read(session, actor, ctx.now(), package.person_id, "time bank", "api")
        return read


@router.post("/packages/{package_id}/time-bank/bank", response_model=TimeBankRead)
def bank_minutes(
    package_id: PathId, body: TimeBankMove, ctx: RequestContext = Depends(authenticated)
) -> TimeBankRead:
    with ctx.transaction() as (session, actor):
        statement = service.bank(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            minutes=body.minutes,
            note=body.note,
        )
        return TimeBankRead.of(statement)


@router.post("/packages/{package_id}/time-bank/draw", response_model=TimeBankRead)
def draw_minutes(
    package_id: PathId, body: TimeBankMove, ctx: RequestContext = Depends(authenticated)
) -> TimeBankRead:
    with ctx.transaction() as (session, actor):
        statement = service.draw(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            minutes=body.minutes,
            note=body.note,
        )
        return TimeBankRead.of(statement)


@router.post("/time-bank/period-ends", response_model=PeriodEndsRead)
def end_due_periods(ctx: RequestContext = Depends(authenticated)) -> PeriodEndsRead:
    """Closes every period over by today: the platform's, or a provider's for its own."""
    with ctx.transaction() as (session, actor):
        return PeriodEndsRead(ended=service.end_due_periods(session, actor=actor, at=ctx.now()))
