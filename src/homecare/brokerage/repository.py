"""Brokerage queries: the awaiting-care list, read models and the facts behind KPIs 1-4."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable, scoped
from homecare.audit import AuditEvent
from homecare.brokerage.domain import NOT_PLACED, OfferStatus, ReferralStatus
from homecare.brokerage.kpi_rules import ReferralFacts, exhausted_at
from homecare.brokerage.schemas import AuditEntry, AwaitingItem, OfferRead, ReferralRead
from homecare.brokerage.tables import LIVE_OFFER_STATUSES, Offer, Referral
from homecare.calendar import LONDON, local_date, working_days_between
from homecare.market.tables import Contract, Lot, Organisation, Zone
from homecare.packages.schemas import VisitOut
from homecare.packages.tables import Package
from homecare.units import hours


def readable_referrals(actor: Actor) -> Select[Any]:
    """The council's referrals; a nurse's own; those a provider holds a live offer for (or
    won); a person's own."""

    def offered_to(org: int) -> Any:
        live = select(Offer.referral_id).where(
            Offer.provider_id == org, Offer.status.in_(LIVE_OFFER_STATUSES)
        )
        return Referral.id.in_(live)

    return scoped(
        actor,
        select(Referral),
        council=lambda org: Referral.council_id == org,
        nurse=lambda org: Referral.referrer_org_id == org,
        provider=offered_to,
        person=lambda person_id: Referral.person_id == person_id,
    )


def readable_offers(actor: Actor) -> Select[Any]:
    """Offers on the council's referrals; a provider's own offers."""

    def on_council_referrals(org: int) -> Any:
        return Offer.referral_id.in_(select(Referral.id).where(Referral.council_id == org))

    return scoped(
        actor,
        select(Offer),
        council=on_council_referrals,
        provider=lambda org: Offer.provider_id == org,
    )


def _lot_numbers(session: Session) -> dict[int, int]:
    return {lot_id: number for lot_id, number in session.execute(select(Lot.id, Lot.number))}


def _names(session: Session, model: type[Organisation] | type[Zone]) -> dict[int, str]:
    return {ident: name for ident, name in session.execute(select(model.id, model.name))}


def offer_read(session: Session, offer: Offer, actor: Actor) -> OfferRead:
    """A provider whose offer closed without being accepted keeps the offer but not the
    person: no person id and no visit pattern (data minimisation)."""
    referral = offer.referral
    personal = not actor.is_provider or offer.status in LIVE_OFFER_STATUSES
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
        person_id=referral.person_id if personal else None,
        lot=lot.number,
        weekly_hours=hours(referral.weekly_minutes),
        required_start=referral.required_start,
        visits=[VisitOut.model_validate(v) for v in referral.visits] if personal else [],
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
        offers=[offer_read(session, o, actor) for o in offers],
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


def first_round_answers(session: Session, ids: Select[Any]) -> dict[int, list[datetime]]:
    """When each first-round offer was answered or lapsed, by referral (KPI 1's clock)."""
    rows = session.execute(
        select(Offer.referral_id, Offer.responded_at, Offer.respond_by).where(
            Offer.cascade_round == 1, Offer.referral_id.in_(ids)
        )
    )
    answers: dict[int, list[datetime]] = {}
    for referral_id, responded_at, respond_by in rows:
        answers.setdefault(referral_id, []).append(responded_at or respond_by)
    return answers


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
    answers = first_round_answers(session, stmt.with_only_columns(Referral.id))
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
                exhausted_at=exhausted_at(
                    referral.referred_at,
                    referral.status,
                    referral.cascade_round,
                    answers.get(referral.id, []),
                ),
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


def load_referral(session: Session, actor: Actor, referral_id: int) -> Referral:
    """One referral the actor may read; anybody else's is "not found"."""
    return load_readable(session, readable_referrals(actor), Referral, referral_id, "referral")


def load_offer(session: Session, actor: Actor, offer_id: int) -> Offer:
    """One offer the actor may read; another provider's is "not found"."""
    return load_readable(session, readable_offers(actor), Offer, offer_id, "offer")


def recent_referrals(session: Session, actor: Actor, limit: int) -> list[Referral]:
    """The referrals the actor may read, the latest first."""
    stmt = readable_referrals(actor).order_by(Referral.referred_at.desc(), Referral.id.desc())
    return list(session.scalars(stmt.limit(limit)))


def offers_to_answer(
    session: Session, actor: Actor, answered_shown: int
) -> tuple[list[Offer], list[Offer]]:
    """A provider's open offers, priority and the soonest due first, then the latest it
    answered (or let lapse)."""
    stmt = readable_offers(actor)
    waiting = stmt.where(Offer.status == OfferStatus.OPEN.value).order_by(
        Offer.priority.desc(), Offer.respond_by, Offer.id
    )
    answered = (
        stmt.where(Offer.status != OfferStatus.OPEN.value)
        .order_by(Offer.offered_at.desc(), Offer.id.desc())
        .limit(answered_shown)
    )
    return list(session.scalars(waiting)), list(session.scalars(answered))


def cascade_steps(session: Session, referral: Referral) -> list[dict[str, Any]]:
    """This round's order of providers, each with its contract's role and the answer it
    gave in this round: what a broker follows, never shown to a provider."""
    offers = {
        o.provider_id: o for o in referral.offers if o.cascade_round == referral.cascade_round
    }
    steps = []
    for rank, step in enumerate(referral.cascade_plan, start=1):
        provider = session.get(Organisation, step["provider_id"])
        contract = session.get(Contract, step["contract_id"])
        offer = offers.get(step["provider_id"])
        steps.append(
            {
                "rank": rank,
                "provider": provider.name if provider else "",
                "role": contract.role if contract else "",
                "status": offer.status if offer else None,
            }
        )
    return steps


def referrals_of(session: Session, actor: Actor, status: str | None = None) -> list[ReferralRead]:
    """The referrals the actor may read, oldest first, with a status if one is asked for."""
    stmt = readable_referrals(actor).order_by(Referral.id)
    if status:
        stmt = stmt.where(Referral.status == status)
    return [referral_read(session, r, actor) for r in session.scalars(stmt)]


def offers_of(session: Session, actor: Actor, status: str | None = None) -> list[OfferRead]:
    """A provider's offers to it; the council's on its referrals; oldest first."""
    stmt = readable_offers(actor).order_by(Offer.id)
    if status:
        stmt = stmt.where(Offer.status == status)
    return [offer_read(session, o, actor) for o in session.scalars(stmt)]
