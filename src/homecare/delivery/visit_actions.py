"""The sweep that closes visits whose time has passed, a person's cancellation, alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, Role, load_readable, require
from homecare.config import Settings
from homecare.delivery.closing import (
    CHUNK,
    KnownFacts,
    close_visit,
    draw_deliveries,
)
from homecare.delivery.outcomes import (
    DELIVERED,
    OPEN,
    UNDELIVERED,
    Thresholds,
    VisitStatus,
    settle,
)
from homecare.delivery.repository import readable_alerts, readable_visits
from homecare.delivery.tables import Alert, Visit
from homecare.errors import Conflict, Forbidden
from homecare.timebank import service as timebank

# --- the sweep ---------------------------------------------------------------------------


def close_visits(
    session: Session, *, actor: Actor, at: datetime, settings: Settings
) -> dict[str, int]:
    """Closes visits whose missed deadline has passed: missed, not at home or delivered.

    A visit with a carer still checked in stays open (counted as "open") for the
    manager to close by recording the check-out on the carer's behalf.
    """
    require(actor, Permission.MANAGE_DELIVERY)
    thresholds = Thresholds.from_settings(settings)
    cutoff = at - timedelta(minutes=thresholds.missed_after_minutes)
    visits = session.scalars(
        readable_visits(actor)
        .where(Visit.status.in_([s.value for s in OPEN]), Visit.window_end <= cutoff)
        .order_by(Visit.id)
        .with_for_update()
    ).all()
    counts = {"closed": 0, "open": 0}
    counts.update({s.value: 0 for s in sorted(DELIVERED | UNDELIVERED)})
    for start in range(0, len(visits), CHUNK):
        chunk = visits[start : start + CHUNK]
        known = KnownFacts.load(session, [v.id for v in chunk])
        for visit in chunk:
            outcome = settle(known.facts(visit), thresholds, at)
            if outcome is None:
                counts["open"] += 1
                continue
            close_visit(session, actor=actor, at=at, visit=visit, outcome=outcome, known=known)
            counts[outcome.status.value] += 1
            counts["closed"] += 1
        draw_deliveries(session, actor=actor, at=at, known=known)
    session.flush()
    return counts


# --- the person's choice, and alerts -----------------------------------------------------


def cancel_visit(
    session: Session, *, actor: Actor, at: datetime, visit_id: int, bank: bool
) -> Visit:
    """The person (or their provider for them) calls off a visit before its window opens.

    With `bank`, its hours go to the time bank; a package without an envelope of time
    banks nothing and `banked` stays false, but the visit is still cancelled.
    """
    if actor.role not in (Role.PERSON, Role.PROVIDER_MANAGER, Role.SYSTEM):
        raise Forbidden(f"the {actor.role.value} role may not cancel visits")
    visit = load_readable(
        session, readable_visits(actor).with_for_update(), Visit, visit_id, "visit"
    )
    if visit.status != VisitStatus.PLANNED:
        raise Conflict(
            f"visit {visit.id} is {visit.status}; only a planned visit can be cancelled",
            field="visit_id",
        )
    if at >= visit.window_start:
        raise Conflict("the visit's window has already opened", field="visit_id")
    visit.status = VisitStatus.CANCELLED_BY_PERSON.value
    visit.closed_at = at
    if bank:
        timebank.bank_cancelled_visit(session, actor=actor, at=at, visit=visit)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="visit.cancelled_by_person",
        entity="visit",
        entity_id=visit.id,
        bank=bank,
        banked=visit.banked,
    )
    session.flush()
    return visit


def acknowledge_alert(session: Session, *, actor: Actor, at: datetime, alert_id: int) -> Alert:
    """The provider has seen the alert and is acting on it."""
    require(actor, Permission.MANAGE_DELIVERY)
    alert = load_readable(session, readable_alerts(actor), Alert, alert_id, "alert")
    if alert.acknowledged_at is not None:
        raise Conflict(f"alert {alert.id} is already acknowledged", field="alert_id")
    alert.acknowledged_at = at
    alert.acknowledged_by = actor.user_id
    audit.record(
        session,
        actor=actor,
        at=at,
        action="alert.acknowledged",
        entity="alert",
        entity_id=alert.id,
        visit_id=alert.visit_id,
    )
    session.flush()
    return alert
