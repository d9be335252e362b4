"""A care worker leaving the provider (docs/adr/0024-care-workers-leave.md).

From their leaving day they are nobody's carer: the visits they were put on from that day
that have not started lose them, and a saved round of theirs on such a day is taken out
of its plan with its visits listed as not placed, so the manager sees each needing a
carer. The rounds, the cascade's skills and the lists of carers to choose from leave them
out from that day (`still_working`). Each change is audited: the leaving itself, every
visit that lost them and every plan that lost their round.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, require
from homecare.calendar import LONDON, local_date
from homecare.delivery.tables import Attendance, Visit, VisitCarer
from homecare.errors import Conflict, InvalidInput
from homecare.rounds.tables import Round, RoundPlan, UnassignedVisit
from homecare.text import long_date
from homecare.workforce.domain import leaving_fault
from homecare.workforce.repository import readable_care_workers
from homecare.workforce.tables import CareWorker

CARERS_MAY_CHANGE = ("planned", "hospital")
"""Visit statuses whose carers may still change (delivery's `NOT_STARTED`)."""


def record_leaving(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    care_worker_id: int,
    left_on: date,
    reason: str,
) -> CareWorker:
    """Records a care worker's first day no longer working, and takes them off the
    visits and rounds from that day. Another provider's care worker is "not found"."""
    require(actor, Permission.MANAGE_WORKFORCE)
    worker = load_readable(
        session,
        readable_care_workers(actor).with_for_update(),
        CareWorker,
        care_worker_id,
        "care worker",
    )
    if worker.left_on is not None:
        raise Conflict(
            f"{worker.name} has already left: their leaving day is {long_date(worker.left_on)}",
            field="left_on",
        )
    fault = leaving_fault(left_on, hired_on=worker.hired_on, today=local_date(at))
    if fault is not None:
        raise InvalidInput(fault, field="left_on")
    said = " ".join(reason.split())
    if len(said) < 2:
        raise InvalidInput("say why they are leaving", field="reason")
    worker.left_on, worker.leaving_reason = left_on, said
    visits = _off_visits(session, worker, actor=actor, at=at)
    _off_rounds(session, worker, actor=actor, at=at)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="care_worker.left",
        entity="care_worker",
        entity_id=worker.id,
        provider_id=worker.provider_id,
        left_on=left_on.isoformat(),
        reason=said,
        unassigned=visits,
    )
    return worker


def _off_visits(session: Session, worker: CareWorker, *, actor: Actor, at: datetime) -> int:
    """Takes the leaver off their visits from the leaving day that have not started."""
    assert worker.left_on is not None
    started = select(Attendance.visit_id)
    rows = session.execute(
        select(VisitCarer, Visit.day)
        .join(Visit, VisitCarer.visit_id == Visit.id)
        .where(
            VisitCarer.care_worker_id == worker.id,
            Visit.day >= worker.left_on,
            Visit.status.in_(CARERS_MAY_CHANGE),
            Visit.id.not_in(started),
        )
        .order_by(Visit.day, Visit.id)
    ).all()
    for placement, day in rows:
        session.delete(placement)
        audit.record(
            session,
            actor=actor,
            at=at,
            action="visit.carer_left",
            entity="visit",
            entity_id=placement.visit_id,
            care_worker_id=worker.id,
            day=day.isoformat(),
        )
    session.flush()
    return len(rows)


def _minutes(moment: datetime) -> int:
    local = moment.astimezone(LONDON)
    return local.hour * 60 + local.minute


def _off_rounds(session: Session, worker: CareWorker, *, actor: Actor, at: datetime) -> int:
    """Takes the leaver's saved rounds out of the plans from the leaving day; each round's
    visits are listed in its plan as not placed, for the manager to re-optimise."""
    assert worker.left_on is not None
    rounds = session.scalars(
        select(Round)
        .where(Round.care_worker_id == worker.id, Round.day >= worker.left_on)
        .order_by(Round.day, Round.id)
    ).all()
    reason = f"{worker.name} leaves on {long_date(worker.left_on)}: re-optimise the day"
    for taken in rounds:
        plan = session.get(RoundPlan, taken.plan_id)
        assert plan is not None
        plan.unassigned.extend(
            UnassignedVisit(
                package_visit_id=stop.package_visit_id,
                person_id=stop.person_id,
                reason=reason,
                details={"window": f"{_minutes(stop.window_start)}-{_minutes(stop.window_end)}"},
            )
            for stop in taken.stops
        )
        plan.rounds.remove(taken)
        audit.record(
            session,
            actor=actor,
            at=at,
            action="round_plan.carer_left",
            entity="round_plan",
            entity_id=plan.id,
            care_worker_id=worker.id,
            day=taken.day.isoformat(),
            visits=len(taken.stops),
        )
    session.flush()
    return len(rounds)
