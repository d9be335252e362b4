"""Undoing a "not at home" recorded by mistake, within a few minutes, by the carer who
recorded it; and the office number they are given when no one answers.

Call events are never changed or deleted: the undo is an event of its own kind
(`away.UNDO_NOT_AT_HOME`), audited, which the closing rules and the round read as
cancelling the carer's earlier report. The visit goes back to planned, so monitoring
counts it as whatever happens next, never as not at home.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, Role, require
from homecare.config import Settings
from homecare.delivery.away import UNDO_NOT_AT_HOME, standing_reports
from homecare.delivery.closing import KnownFacts, settle_visit
from homecare.delivery.domain import may_undo
from homecare.delivery.outcomes import Thresholds, VisitStatus
from homecare.delivery.repository import lock_visit
from homecare.delivery.tables import CallEvent, Visit
from homecare.errors import Conflict, Forbidden
from homecare.market.tables import Organisation

NOTHING_TO_UNDO = "there is no 'not at home' of yours on this visit to undo"
TOO_LATE = "it is too late to undo this here: call the office, who can put it right"


def _carer(actor: Actor) -> int:
    require(actor, Permission.RECORD_VISITS)
    if actor.role is not Role.CARE_WORKER or actor.care_worker_id is None:
        raise Forbidden("only the care worker who recorded it may undo a 'not at home'")
    return actor.care_worker_id


def undo_not_at_home(
    session: Session, *, actor: Actor, at: datetime, visit_id: int, settings: Settings
) -> Visit:
    """Takes back the carer's own "not at home" on the visit, if it is recent enough."""
    carer = _carer(actor)
    visit = lock_visit(session, actor, visit_id)
    recorded = standing_reports(session, [visit.id]).get(visit.id, {}).get(carer)
    if recorded is None:
        raise Conflict(NOTHING_TO_UNDO, field="visit_id")
    if not may_undo(recorded, at, settings.not_at_home_undo_minutes):
        raise Conflict(TOO_LATE, field="visit_id")
    client_event_id = f"undo-{uuid.uuid4().hex}"
    content = {"client_event_id": client_event_id, "visit_id": visit.id, "care_worker_id": carer}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    session.add(
        CallEvent(
            provider_id=visit.provider_id,
            client_event_id=client_event_id,
            payload_sha256=digest,
            visit_id=visit.id,
            care_worker_id=carer,
            kind=UNDO_NOT_AT_HOME,
            occurred_at=at.astimezone(UTC),
            received_at=at,
            result="applied",
        )
    )
    audit.record(
        session,
        actor=actor,
        at=at,
        action="visit.not_at_home_undone",
        entity="visit",
        entity_id=visit.id,
        care_worker_id=carer,
    )
    session.flush()
    _reopen(session, actor=actor, at=at, visit=visit, settings=settings)
    return visit


def _reopen(
    session: Session, *, actor: Actor, at: datetime, visit: Visit, settings: Settings
) -> None:
    """A visit closed as not at home is planned again, then settled on what is left."""
    known = KnownFacts.load(session, [visit.id])
    if visit.status == VisitStatus.NOT_AT_HOME.value and visit.id not in known.not_at_home:
        visit.status = VisitStatus.PLANNED.value
        visit.delivered_minutes = None
        visit.arrived_late_minutes = None
        visit.closed_at = None
        audit.record(
            session,
            actor=actor,
            at=at,
            action="visit.reopened",
            entity="visit",
            entity_id=visit.id,
            was=VisitStatus.NOT_AT_HOME.value,
        )
    settle_visit(
        session,
        actor=actor,
        at=at,
        visit=visit,
        known=known,
        thresholds=Thresholds.from_settings(settings),
    )
    session.flush()


def office_phone(session: Session, visit: Visit) -> str | None:
    """The visit's provider's office number, if it has given one."""
    provider = session.get(Organisation, visit.provider_id)
    return provider.phone if provider is not None else None
