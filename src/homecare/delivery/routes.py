"""HTTP routes for delivery: the visit schedule, call monitoring, outcomes and alerts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from homecare.access import Actor, Role, load_readable
from homecare.access_log import log_person_read
from homecare.delivery import call_events, schedule, undo, visit_actions
from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.repository import (
    alerts_of,
    readable_visits,
    visit_reads,
    visits_seen_by,
)
from homecare.delivery.schemas import (
    AlertRead,
    AssignCarers,
    BatchResults,
    CallEventBatch,
    CancelVisit,
    EventResultRead,
    Generated,
    GenerateVisits,
    VisitRead,
)
from homecare.delivery.tables import Visit
from homecare.errors import Forbidden
from homecare.http import PathId, RecordId, RequestContext, WrittenDate, authenticated

router = APIRouter(tags=["delivery"])


def _provider_of(actor: Actor) -> int:
    if actor.role is not Role.PROVIDER_MANAGER or actor.organisation_id is None:
        raise Forbidden("only a provider manager acts for a provider here")
    return actor.organisation_id


@router.post("/visits/generate", response_model=Generated)
def generate_visits(
    body: GenerateVisits, ctx: RequestContext = Depends(authenticated)
) -> Generated:
    """Creates the dated visits of the period from packages' patterns and community hours."""
    with ctx.transaction() as (session, actor):
        created = schedule.generate_visits(
            session,
            actor=actor,
            at=ctx.now(),
            start=body.start,
            end=body.end,
            provider_id=body.provider_id,
            package_ids=body.package_ids,
        )
        return Generated(created=created)


@router.get("/visits", response_model=list[VisitRead])
def list_visits(
    day: WrittenDate | None = Query(default=None, description="e.g. 2026-10-06"),
    package_id: RecordId | None = None,
    status: VisitStatus | None = None,
    ctx: RequestContext = Depends(authenticated),
) -> list[VisitRead]:
    """The visits the caller may see; a care worker's own in the order they are due."""
    with ctx.transaction() as (session, actor):
        return visits_seen_by(session, actor, day=day, package_id=package_id, status=status)


@router.get("/visits/{visit_id}", response_model=VisitRead)
def get_visit(visit_id: PathId, ctx: RequestContext = Depends(authenticated)) -> VisitRead:
    with ctx.transaction() as (session, actor):
        visit = load_readable(session, readable_visits(actor), Visit, visit_id, "visit")
        log_person_read(session, actor, ctx.now(), visit.person_id, "visit", "api")
        return visit_reads(session, [visit])[0]


@router.put("/visits/{visit_id}/carers", response_model=VisitRead)
def put_visit_carers(
    visit_id: PathId, body: AssignCarers, ctx: RequestContext = Depends(authenticated)
) -> VisitRead:
    """Plans exactly the carers the visit needs, replacing those planned before."""
    with ctx.transaction() as (session, actor):
        visit = schedule.assign_carers(
            session,
            actor=actor,
            at=ctx.now(),
            visit_id=visit_id,
            care_worker_ids=body.care_worker_ids,
            planned_start=body.planned_start,
        )
        return visit_reads(session, [visit])[0]


@router.post("/rounds/{day}/visits")
def visits_from_rounds(
    day: WrittenDate, ctx: RequestContext = Depends(authenticated)
) -> dict[str, int]:
    """Puts the carers of the provider's saved rounds for the day on that day's visits."""
    with ctx.transaction() as (session, actor):
        assigned = schedule.carers_from_rounds(
            session, actor=actor, at=ctx.now(), provider_id=_provider_of(actor), day=day
        )
        return {"assigned": assigned}


@router.post("/call-events", response_model=BatchResults)
def post_call_events(
    body: CallEventBatch, ctx: RequestContext = Depends(authenticated)
) -> BatchResults:
    """A phone's batch of check-ins, check-outs, not-at-home reports and notes.

    Safe to send again: each event answers applied, duplicate or rejected with a reason.
    """
    with call_events.ingest_turn(ctx.engine), ctx.transaction() as (session, actor):
        results = call_events.apply_events(
            session, actor=actor, at=ctx.now(), events=body.events, settings=ctx.settings
        )
        return BatchResults(results=[EventResultRead.model_validate(r) for r in results])


@router.post("/visits/{visit_id}/not-at-home/undo", response_model=VisitRead)
def undo_not_at_home(visit_id: PathId, ctx: RequestContext = Depends(authenticated)) -> VisitRead:
    """The care worker takes back their own "not at home" within the minutes allowed."""
    with call_events.ingest_turn(ctx.engine), ctx.transaction() as (session, actor):
        visit = undo.undo_not_at_home(
            session, actor=actor, at=ctx.now(), visit_id=visit_id, settings=ctx.settings
        )
        return visit_reads(session, [visit])[0]


@router.post("/visits/close")
def close_visits(ctx: RequestContext = Depends(authenticated)) -> dict[str, int]:
    """Closes overdue visits: missed, not at home, or delivered once every carer left."""
    with ctx.transaction() as (session, actor):
        return visit_actions.close_visits(session, actor=actor, at=ctx.now(), settings=ctx.settings)


@router.post("/visits/{visit_id}/cancel", response_model=VisitRead)
def cancel_visit(
    visit_id: PathId, body: CancelVisit, ctx: RequestContext = Depends(authenticated)
) -> VisitRead:
    """The person calls a visit off before its window opens, banking its hours if asked."""
    with ctx.transaction() as (session, actor):
        visit = visit_actions.cancel_visit(
            session, actor=actor, at=ctx.now(), visit_id=visit_id, bank=body.bank
        )
        return visit_reads(session, [visit])[0]


@router.get("/alerts", response_model=list[AlertRead])
def list_alerts(
    open_only: bool | None = Query(
        default=None, alias="open", description="true: only unacknowledged; false: only seen"
    ),
    ctx: RequestContext = Depends(authenticated),
) -> list[AlertRead]:
    with ctx.transaction() as (session, actor):
        return [AlertRead.model_validate(a) for a in alerts_of(session, actor, open_only)]


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge_alert(alert_id: PathId, ctx: RequestContext = Depends(authenticated)) -> AlertRead:
    with ctx.transaction() as (session, actor):
        alert = visit_actions.acknowledge_alert(
            session, actor=actor, at=ctx.now(), alert_id=alert_id
        )
        return AlertRead.model_validate(alert)
