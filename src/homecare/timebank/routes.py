"""HTTP routes for envelopes of time and the time bank."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from homecare.access import load_readable
from homecare.access_log import log_person_read
from homecare.http import PathId, RequestContext, authenticated
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package
from homecare.timebank import drawing, service
from homecare.timebank.repository import time_bank_requests
from homecare.timebank.schemas import (
    CareAsk,
    CareAskRead,
    CareDecline,
    EnvelopeOpen,
    PeriodEndsRead,
    TimeBankMove,
    TimeBankRead,
)

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


@router.post("/time-bank/period-ends", response_model=PeriodEndsRead)
def end_due_periods(ctx: RequestContext = Depends(authenticated)) -> PeriodEndsRead:
    """Closes every period over by today: the platform's, or a provider's for its own."""
    with ctx.transaction() as (session, actor):
        return PeriodEndsRead(ended=service.end_due_periods(session, actor=actor, at=ctx.now()))


@router.post(
    "/packages/{package_id}/time-bank-requests", response_model=CareAskRead, status_code=201
)
def ask_for_care(
    package_id: PathId, body: CareAsk, ctx: RequestContext = Depends(authenticated)
) -> CareAskRead:
    """The person or family asks to use banked hours for an extra or a longer visit; nothing
    is drawn until the provider accepts (409 when the bank cannot give the hours now)."""
    with ctx.transaction() as (session, actor):
        asked = drawing.ask_for_care(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            kind=body.kind,
            minutes=body.minutes,
            day=body.day,
            band=body.band.value if body.band else None,
            visit_id=body.visit_id,
            note=body.note,
        )
        return CareAskRead.of(asked)


@router.get("/packages/{package_id}/time-bank-requests", response_model=list[CareAskRead])
def package_care_asks(
    package_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> list[CareAskRead]:
    """A package's asks to use banked hours, latest first."""
    with ctx.transaction() as (session, actor):
        package = load_readable(session, readable_packages(actor), Package, package_id, "package")
        log_person_read(session, actor, ctx.now(), package.person_id, "time bank", "api")
        asks = time_bank_requests(session, actor, package_id=package.id)
        return [CareAskRead.of(a) for a in asks]


@router.get("/time-bank-requests", response_model=list[CareAskRead])
def care_asks(
    waiting: bool = Query(default=True, description="true: only those still to answer"),
    ctx: RequestContext = Depends(authenticated),
) -> list[CareAskRead]:
    """Asks to use banked hours on the packages the user may see: the provider's work list."""
    with ctx.transaction() as (session, actor):
        return [CareAskRead.of(a) for a in time_bank_requests(session, actor, waiting=waiting)]


@router.post("/time-bank-requests/{request_id}/accept", response_model=CareAskRead)
def accept_care_ask(
    request_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> CareAskRead:
    """The provider accepts: the hours are drawn from the bank and the visit is booked."""
    with ctx.transaction() as (session, actor):
        asked = drawing.accept_request(session, actor=actor, at=ctx.now(), request_id=request_id)
        return CareAskRead.of(asked)


@router.post("/time-bank-requests/{request_id}/decline", response_model=CareAskRead)
def decline_care_ask(
    request_id: PathId, body: CareDecline, ctx: RequestContext = Depends(authenticated)
) -> CareAskRead:
    with ctx.transaction() as (session, actor):
        asked = drawing.decline_request(
            session, actor=actor, at=ctx.now(), request_id=request_id, reason=body.reason
        )
        return CareAskRead.of(asked)


@router.post("/time-bank-requests/{request_id}/withdraw", response_model=CareAskRead)
def withdraw_care_ask(
    request_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> CareAskRead:
    """The person or family takes back an ask still waiting for the provider (409 once it
    is answered or withdrawn; another person's is 404). Nothing was drawn, so nothing moves."""
    with ctx.transaction() as (session, actor):
        asked = drawing.withdraw_request(session, actor=actor, at=ctx.now(), request_id=request_id)
        return CareAskRead.of(asked)
