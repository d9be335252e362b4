"""Brokerage queries: the awaiting-care list, read models and the facts behind KPIs 1-4."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor, readable_referrals
from homecare.audit import AuditEvent
from homecare.brokerage.domain import NOT_PLACED, OfferStatus, ReferralStatus
from homecare.brokerage.kpis import ReferralFacts
from homecare.brokerage.schemas import (
    AuditEntry,
    AwaitingItem,
    OfferRead,
    ReferralRead,
    VisitOut,
)
from homecare.brokerage.tables import Offer, Referral
from homecare.calendar import LONDON, local_date, working_days_between
from homecare.market.tables import Lot, Organisation, Zone
from homecare.packages.tables import Package


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))


def _lot_numbers(session: Session) -> dict[int, int]:
    return {lot_id: number for lot_id, number in session.execute(select(Lot.id, Lot.number))}


def _names(session: Session, model: type[Organisation] | type[Zone]) -> dict[int, str]:
    return {ident: name for ident, name in session.execute(select(model.id, model.name))}


def offer_read(session: Session, offer: Offer) -> OfferRead:
    referral = offer.referral
    lot = session.get(Lot, referral.lot_id)
    provider = session.get(Organisation, offer.provider_id)
    assert lot is not None and provider is not None
    return OfferRead(
        id=offer.id,
        referral_id=referral.id,
        provider_id=offer.provider_id,
        provider_name=provider.name,
        contract_id=offer.contract_id,
        cascade_round=offer.cascade_round,
        rank=offer.rank,
        priority=offer.priority,
        status=OfferStatus(offer.status),
        offered_at=offer.offered_at,
        respond_by=offer.respond_by,
        responded_at=offer.responded_at,
        decline_reason=offer.decline_reason,
        decline_note=offer.decline_note,
        agreed_start=offer.agreed_start,
        person_id=referral.person_id,
        lot=lot.number,
        weekly_hours=hours(referral.weekly_minutes),
        required_start=referral.required_start,
        visits=[VisitOut.model_validate(v) for v in referral.visits],
    )


def referral_read(session: Session, referral: Referral, actor: Actor) -> ReferralRead:
    """A provider sees only its own offers on a referral, and not the cascade behind it."""
    lot = session.get(Lot, referral.lot_id)
    zone = session.get(Zone, referral.zone_id)
    assert lot is not None and zone is not None
    two_handed = sum(v.minutes * v.carers for v in referral.visits if v.carers > 1)
    offers = list(referral.offers)
    plan = referral.cascade_plan
    if actor.is_provider:
        offers = [o for o in offers if o.provider_id == actor.organisation_id]
        plan = []
    return ReferralRead(
        id=referral.id,
        council_id=referral.council_id,
        person_id=referral.person_id,
        source=referral.source,
        priority=referral.priority,
        authorised_delay=referral.authorised_delay,
        lot=lot.number,
        zone_id=zone.id,
        zone_name=zone.name,
        weekly_hours=hours(referral.weekly_minutes),
        two_handed_hours=hours(two_handed),
        visits=[VisitOut.model_validate(v) for v in referral.visits],
        outcomes_sought=referral.outcomes_sought,
        required_start=referral.required_start,
        referred_at=referral.referred_at,
        status=ReferralStatus(referral.status),
        placed_at=referral.placed_at,
        closed_reason=referral.closed_reason,
        cascade_round=referral.cascade_round,
        cascade_plan=plan,
        offers=[offer_read(session, o) for o in offers],
    )


def awaiting_care(session: Session, actor: Actor, now: datetime) -> list[AwaitingItem]:
    """What is not yet placed, priority first, then the longest waiting."""
    stmt = (
        readable_referrals(actor)
        .where(Referral.status.in_([s.value for s in NOT_PLACED]))
        .order_by(Referral.priority.desc(), Referral.referred_at, Referral.id)
    )
    lots = _lot_numbers(session)
    zones = _names(session, Zone)
    providers = _names(session, Organisation)
    items = []
    for referral in session.scalars(stmt):
        open_offer = next((o for o in referral.offers if o.status == OfferStatus.OPEN.value), None)
        items.append(
            AwaitingItem(
                referral_id=referral.id,
                person_id=referral.person_id,
                priority=referral.priority,
                lot=lots[referral.lot_id],
                zone_name=zones[referral.zone_id],
                weekly_hours=hours(referral.weekly_minutes),
                status=ReferralStatus(referral.status),
                referred_at=referral.referred_at,
                waiting_hours=round((now - referral.referred_at).total_seconds() / 3600, 1),
                waiting_working_days=working_days_between(
                    local_date(referral.referred_at), local_date(now)
                ),
                required_start=referral.required_start,
                offered_to=providers[open_offer.provider_id] if open_offer else None,
                respond_by=open_offer.respond_by if open_offer else None,
                providers_tried=sum(1 for o in referral.offers if o.status != "open"),
            )
        )
    return items


def referral_facts(
    session: Session, actor: Actor, period_from: date, period_to: date
) -> list[ReferralFacts]:
    """One fact row per referral received in the period, with its placement if any."""
    start = datetime.combine(period_from, time(0), LONDON)
    end = datetime.combine(period_to + timedelta(days=1), time(0), LONDON)
    stmt = readable_referrals(actor).where(
        Referral.referred_at >= start, Referral.referred_at < end
    )
    lots = _lot_numbers(session)
    providers = _names(session, Organisation)
    packages = {
        p.referral_id: p
        for p in session.scalars(select(Package).where(Package.referral_id.is_not(None)))
    }
    facts = []
    for referral in session.scalars(stmt):
        package = packages.get(referral.id)
        facts.append(
            ReferralFacts(
                referral_id=referral.id,
                referred_at=referral.referred_at,
                priority=referral.priority,
                authorised_delay=bool(referral.authorised_delay),
                lot=f"Lot {lots[referral.lot_id]}",
                status=referral.status,
                agreed_at=package.agreed_at if package else None,
                start_on=package.starts_on if package else None,
                provider=providers[package.provider_id] if package else None,
            )
        )
    return facts


def referral_audit(session: Session, referral: Referral) -> list[AuditEntry]:
    """The referral's own audit events and those of every offer made for it, in order."""
    offer_ids = [o.id for o in referral.offers]
    stmt = (
        select(AuditEvent)
        .where(
            ((AuditEvent.entity == "referral") & (AuditEvent.entity_id == referral.id))
            | ((AuditEvent.entity == "offer") & AuditEvent.entity_id.in_(offer_ids))
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        AuditEntry(
            at=e.at,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
            actor_role=e.actor_role,
            actor_user_id=e.actor_user_id,
            detail=e.detail,
        )
        for e in session.scalars(stmt)
    ]
