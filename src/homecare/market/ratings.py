"""Providers' CQC ratings over time, and the alerts a downgrade raises for the councils
that buy from them: reads scoped through `scoped`, and actions that audit themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, scoped
from homecare.errors import Conflict, Forbidden, NotFound
from homecare.market.domain import CqcRating
from homecare.market.rating_rules import (
    alert_due,
    alert_message,
    below_threshold,
    threshold_of,
)
from homecare.market.rating_tables import RatingAlert, RatingChange
from homecare.market.repository import readable_contracts
from homecare.market.tables import Contract, Organisation

SOURCES = ("cqc-file", "cqc-api")


def readable_rating_alerts(actor: Actor) -> Select[Any]:
    """A council's own alerts; nobody else's, and no one else's to see."""
    return scoped(actor, select(RatingAlert), council=lambda org: RatingAlert.council_id == org)


def providers_at_locations(
    session: Session, actor: Actor, location_ids: list[str]
) -> list[Organisation]:
    """The providers registered at CQC's locations that the actor may update: every one for
    the platform, those holding the council's contracts for a commissioner."""
    stmt = select(Organisation).where(
        Organisation.kind == "provider", Organisation.cqc_location_id.in_(location_ids)
    )
    if not actor.is_system:
        held = readable_contracts(actor).with_only_columns(Contract.provider_id)
        stmt = stmt.where(Organisation.id.in_(held))
    return list(session.scalars(stmt.order_by(Organisation.id)))


def providers_registered(
    session: Session, actor: Actor, provider_id: int | None = None
) -> list[Organisation]:
    """The providers with a CQC location the actor may update, or the one asked for."""
    stmt = select(Organisation).where(
        Organisation.kind == "provider", Organisation.cqc_location_id.is_not(None)
    )
    if not actor.is_system:
        held = readable_contracts(actor).with_only_columns(Contract.provider_id)
        stmt = stmt.where(Organisation.id.in_(held))
    if provider_id is not None:
        stmt = stmt.where(Organisation.id == provider_id)
    found = list(session.scalars(stmt.order_by(Organisation.id)))
    if provider_id is not None and not found:
        raise NotFound(f"provider {provider_id} not found, or it has no CQC location")
    return found


def may_update_ratings(actor: Actor) -> None:
    if not (actor.is_system or (actor.is_council and actor.may(Permission.MANAGE_MARKET))):
        raise Forbidden("only a commissioner or the platform's operator updates CQC ratings")


def record_rating(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    provider: Organisation,
    question: str,
    rating: CqcRating,
    published_on: date | None,
    source: str,
) -> RatingChange | None:
    """Sets one key question's rating, keeping the one it replaces; None when unchanged, or
    when CQC has since published a later one. A change of the overall rating may raise
    alerts (`raise_alerts`)."""
    column = f"rating_{question}"
    was = getattr(provider, column)
    if was == rating.value or _superseded(session, provider.id, question, published_on):
        return None
    setattr(provider, column, rating.value)
    change = RatingChange(
        provider_id=provider.id,
        key_question=question,
        was=was,
        rating=rating.value,
        published_on=published_on,
        source=source,
        recorded_at=at,
    )
    session.add(change)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="provider.rating_changed",
        entity="organisation",
        entity_id=provider.id,
        key_question=question,
        was=was,
        rating=rating.value,
        on=published_on.isoformat() if published_on else None,
        source=source,
    )
    return change


def _superseded(
    session: Session, provider_id: int, question: str, published_on: date | None
) -> bool:
    """Whether a later publication is already recorded for the key question: an older file
    imported after a newer one (or after the API) must not put an old rating back."""
    if published_on is None:
        return False
    latest = session.scalar(
        select(func.max(RatingChange.published_on)).where(
            RatingChange.provider_id == provider_id, RatingChange.key_question == question
        )
    )
    return latest is not None and published_on < latest


def raise_alerts(
    session: Session, *, actor: Actor, at: datetime, provider: Organisation, change: RatingChange
) -> list[RatingAlert]:
    """One alert for each council with a live contract whose threshold the new overall
    rating falls below, when it fell (see `rating_rules.alert_due`)."""
    was = CqcRating(change.was) if change.was else None
    now = CqcRating(change.rating)
    councils = session.scalars(
        select(Organisation)
        .where(
            Organisation.id.in_(
                select(Contract.council_id).where(
                    Contract.provider_id == provider.id,
                    or_(Contract.ends_on.is_(None), Contract.ends_on >= at.date()),
                )
            )
        )
        .order_by(Organisation.id)
    )
    raised = []
    for council in councils:
        threshold = threshold_of(council.rating_threshold)
        if not alert_due(was, now, threshold):
            continue
        alert = RatingAlert(
            council_id=council.id,
            provider_id=provider.id,
            was=change.was,
            rating=change.rating,
            threshold=threshold.value,
            published_on=change.published_on,
            message=alert_message(provider.name, was, now, threshold, change.published_on),
            raised_at=at,
        )
        session.add(alert)
        session.flush()
        audit.record(
            session,
            actor=actor,
            at=at,
            action="rating_alert.raised",
            entity="rating_alert",
            entity_id=alert.id,
            council_id=council.id,
            provider_id=provider.id,
            rating=change.rating,
        )
        raised.append(alert)
    return raised


def mark_alert_read(session: Session, *, actor: Actor, at: datetime, alert_id: int) -> RatingAlert:
    """A commissioner has seen the alert: it leaves the open list (404 when not theirs,
    409 when already read)."""
    alert = load_readable(session, readable_rating_alerts(actor), RatingAlert, alert_id, "alert")
    if not actor.may(Permission.MANAGE_MARKET):
        raise Forbidden("only the council's commissioners mark CQC alerts read")
    if alert.read_at is not None:
        raise Conflict("this alert is already marked read", field="alert_id")
    alert.read_at = at
    alert.read_by_user_id = actor.user_id
    audit.record(
        session,
        actor=actor,
        at=at,
        action="rating_alert.read",
        entity="rating_alert",
        entity_id=alert.id,
        provider_id=alert.provider_id,
    )
    return alert


# --- reads ---------------------------------------------------------------------------------


def rating_alerts(
    session: Session, actor: Actor, *, unread_only: bool = False
) -> list[RatingAlert]:
    """The actor's council's alerts, the latest first."""
    stmt = readable_rating_alerts(actor)
    if unread_only:
        stmt = stmt.where(RatingAlert.read_at.is_(None))
    return list(session.scalars(stmt.order_by(RatingAlert.raised_at.desc(), RatingAlert.id.desc())))


def open_alert_count(session: Session, actor: Actor) -> int:
    stmt = readable_rating_alerts(actor).where(RatingAlert.read_at.is_(None))
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def rating_history(session: Session, provider_id: int) -> list[RatingChange]:
    """Every recorded change of a provider's ratings, the latest first. Ratings are public,
    as the market is: the caller has already found the provider readable."""
    stmt = select(RatingChange).where(RatingChange.provider_id == provider_id)
    return list(
        session.scalars(stmt.order_by(RatingChange.recorded_at.desc(), RatingChange.id.desc()))
    )


@dataclass(frozen=True)
class Standing:
    """A provider's overall rating against the reading council's threshold."""

    rating: str | None
    threshold: CqcRating
    below: bool


def standing(session: Session, actor: Actor, provider: Organisation) -> Standing | None:
    """Against the actor's council's threshold; None for anyone but a council."""
    if not actor.is_council or actor.organisation_id is None:
        return None
    council = session.get(Organisation, actor.organisation_id)
    threshold = council.rating_threshold if council else None
    return Standing(
        rating=provider.rating_overall,
        threshold=threshold_of(threshold),
        below=below_threshold(provider.rating_overall, threshold),
    )
