"""A council's enhancements and grants recorded: an addition to the rate by area or time,
on bank holidays or at night, or a grant passed to staff, each with its fund and dates.
From its first day every run pays it on the visits it reaches, as its own line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, require
from homecare.calendar import local_date
from homecare.errors import Conflict, Forbidden
from homecare.money.enhancements import Enhancement
from homecare.money.repository import readable_enhancements
from homecare.money.rules_data import enhancement_from, enhancement_spec
from homecare.money.tables import PaymentEnhancement
from homecare.text import long_date


def record_enhancement(
    session: Session, *, actor: Actor, at: datetime, enhancement: Enhancement
) -> PaymentEnhancement:
    """The commissioner adds one from today or later: a run already paid never changes."""
    require(actor, Permission.MANAGE_MARKET)
    if not actor.is_council or actor.organisation_id is None:
        raise Forbidden("only a council's commissioner records its enhancements")
    today = local_date(at)
    if enhancement.starts_on < today:
        raise Conflict(
            f"an enhancement cannot be backdated: start it on {long_date(today)} or later",
            field="starts_on",
        )
    row = PaymentEnhancement(
        council_id=actor.organisation_id,
        name=enhancement.name,
        kind=enhancement.kind.value,
        funding_source=enhancement.funding_source,
        starts_on=enhancement.starts_on,
        ends_on=enhancement.ends_on,
        spec=enhancement_spec(enhancement),
        recorded_at=at,
        recorded_by_user_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, at=at, action="payment_enhancement.recorded",
        entity="payment_enhancement", entity_id=row.id, kind=row.kind,
    )  # fmt: skip
    return row


def enhancements(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The council's enhancements, each with its words, for council staff."""
    if not (actor.is_council and actor.may(Permission.VIEW_KPIS)) and not actor.is_system:
        raise Forbidden(f"the {actor.role.value} role may not see the council's enhancements")
    query = readable_enhancements(actor).order_by(
        PaymentEnhancement.starts_on, PaymentEnhancement.id
    )
    return [enhancement_record(row) for row in session.scalars(query)]


def enhancement_record(row: PaymentEnhancement) -> dict[str, Any]:
    e = enhancement_from(row.name, row.kind, row.funding_source, row.starts_on, row.ends_on,
                         row.spec)  # fmt: skip
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "funding_source": row.funding_source,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "spec": row.spec,
        "described": e.words(),
    }
