"""Brokerage actions: refer, offer down the cascade, accept, decline, lapse, withdraw.

Every action takes the acting user and the moment it happens, validates before it writes,
and audits in the same transaction. The cascade order is decided once per round and
stored on the referral, so anyone can see why a provider was asked when it was.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, Role, load_readable, require
from homecare.brokerage.choice import live_contracts, record_choice
from homecare.brokerage.domain import (
    NOT_PLACED,
    DeclineReason,
    OfferStatus,
    ReferralStatus,
    response_deadline,
)
from homecare.brokerage.repository import readable_offers, readable_referrals
from homecare.brokerage.schemas import ReferralCreate
from homecare.brokerage.skills import check_tasks, providers_short
from homecare.brokerage.tables import Offer, Referral, ReferralVisit
from homecare.calendar import local_date
from homecare.config import Settings, get_settings
from homecare.errors import Conflict, InvalidInput
from homecare.market.domain import (
    Candidate,
    ContractRole,
    CqcRating,
    Ratings,
    cascade_order,
    rating_below,
)
from homecare.market.rating_rules import threshold_of
from homecare.market.tables import Lot, Organisation, ZoneLsoa
from homecare.packages.service import start_package
from homecare.packages.tables import Package
from homecare.pattern import build_pattern, check_weekly_hours, stored_visit
from homecare.people.repository import readable_people
from homecare.people.tables import Person


def refer(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    data: ReferralCreate,
    settings: Settings | None = None,
) -> Referral:
    """Takes a referral, resolves its zone and makes the first offer of the cascade."""
    require(actor, Permission.REFER)
    person = session.scalars(readable_people(actor).where(Person.id == data.person_id)).first()
    if person is None:
        raise InvalidInput(f"no person {data.person_id}", field="person_id")
    pattern = build_pattern([v.request() for v in data.visits], data.two_handed)
    weekly_minutes = check_weekly_hours(data.weekly_hours, pattern)
    if data.required_start < local_date(at):
        raise InvalidInput("the required start is before the referral date", field="required_start")
    _check_choice_fields(data)
    lot = session.scalar(
        select(Lot).where(Lot.council_id == person.council_id, Lot.number == data.lot)
    )
    if lot is None:
        raise InvalidInput(f"no lot {data.lot}", field="lot")
    check_tasks(lot, pattern)
    zone_id = session.scalar(
        select(ZoneLsoa.zone_id).where(
            ZoneLsoa.council_id == person.council_id, ZoneLsoa.lsoa_code == person.lsoa_code
        )
    )
    if zone_id is None:
        raise InvalidInput(
            f"the person's postcode {person.postcode} (LSOA {person.lsoa_code}) is outside "
            "every zone of the council",
            field="person_id",
        )
    referral = Referral(
        council_id=person.council_id,
        referrer_org_id=actor.organisation_id or person.council_id,
        referred_by_user_id=actor.user_id,
        person_id=person.id,
        source=data.source.value,
        priority=data.priority,
        authorised_delay=data.authorised_delay,
        lot_id=lot.id,
        zone_id=zone_id,
        weekly_minutes=weekly_minutes,
        outcomes_sought=data.outcomes_sought,
        required_start=data.required_start,
        referred_at=at,
        status=ReferralStatus.AWAITING_OFFER.value,
        cascade_round=1,
        cascade_plan=[],
    )
    referral.visits = [
        ReferralVisit(
            day=v.day.value,
            band=v.band.value,
            minutes=v.minutes,
            carers=v.carers,
            kind=v.kind.value,
            at=v.at_text,
            short_requested=v.short_requested,
            task=v.skill,
        )
        for v in pattern
    ]
    session.add(referral)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="referral.received",
        entity="referral",
        entity_id=referral.id,
        priority=data.priority,
        lot=data.lot,
        zone_id=zone_id,
        weekly_minutes=weekly_minutes,
        source=data.source.value,
        preferred_provider_id=data.preferred_provider_id,
    )
    if data.preferred_provider_id is not None:
        record_choice(
            session,
            actor=actor,
            at=at,
            referral=referral,
            provider_id=data.preferred_provider_id,
            reason=data.preference_reason,
            hourly_rate=data.spot_hourly_rate,
        )
    _plan_round(session, referral, actor=actor, at=at)
    _offer_next(session, referral, actor=actor, at=at, settings=settings or get_settings())
    return referral


def _check_choice_fields(data: ReferralCreate) -> None:
    """A reason or a spot rate belongs to a chosen provider; alone it says nothing."""
    if data.preferred_provider_id is not None:
        return
    if data.spot_hourly_rate is not None:
        raise InvalidInput(
            "a spot rate is for a provider the person chose: choose the provider",
            field="preferred_provider_id",
        )
    if data.preference_reason and data.preference_reason.strip():
        raise InvalidInput(
            "the reason is for a provider the person chose: choose the provider",
            field="preferred_provider_id",
        )


def candidates_for(session: Session, referral: Referral) -> list[Candidate]:
    """Providers holding a live contract for the referral's lot and zone (a spot purchase
    only for the referral it was made for)."""
    contracts = live_contracts(session, referral)
    providers = {
        org.id: org
        for org in session.scalars(
            select(Organisation).where(Organisation.id.in_({c.provider_id for c in contracts}))
        )
    }
    rows = [(c, providers[c.provider_id]) for c in contracts]
    committed = committed_minutes_by_contract(session, [c.id for c, _ in rows])
    return [
        Candidate(
            provider_id=org.id,
            contract_id=contract.id,
            role=ContractRole(contract.role),
            ratings=_ratings(org),
            spare_weekly_minutes=contract.weekly_capacity_minutes - committed.get(contract.id, 0),
            hourly_rate_pence=contract.hourly_rate_pence,
        )
        for contract, org in rows
    ]


def committed_minutes_by_contract(session: Session, contract_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(Package.contract_id, func.sum(Package.weekly_minutes))
        .where(Package.contract_id.in_(contract_ids), Package.status == "active")
        .group_by(Package.contract_id)
    ).all()
    return {cid: int(total or 0) for cid, total in rows}


def _ratings(org: Organisation) -> Ratings:
    def rating(value: str | None) -> CqcRating:
        return CqcRating(value) if value else CqcRating.NOT_RATED

    return Ratings(
        overall=rating(org.rating_overall),
        safe=rating(org.rating_safe),
        effective=rating(org.rating_effective),
        caring=rating(org.rating_caring),
        responsive=rating(org.rating_responsive),
        well_led=rating(org.rating_well_led),
    )


def _plan_round(session: Session, referral: Referral, *, actor: Actor, at: datetime) -> None:
    """This round's order; a provider without staff trained for the referral is left out,
    with the reason kept beside the order."""
    everyone = cascade_order(
        candidates_for(session, referral), preferred=referral.preferred_provider_id
    )
    short = providers_short(session, referral, [c.provider_id for c in everyone])
    ordered = [c for c in everyone if c.provider_id not in short]
    referral.cascade_plan = [
        {"provider_id": c.provider_id, "contract_id": c.contract_id} for c in ordered
    ]
    referral.cascade_skipped = [{"provider_id": p, "reason": r} for p, r in short.items()]
    council = session.get(Organisation, referral.council_id)
    threshold = council.rating_threshold if council else None
    audit.record(
        session,
        actor=actor,
        at=at,
        action="referral.cascade_planned",
        entity="referral",
        entity_id=referral.id,
        round=referral.cascade_round,
        order=[
            {
                "provider_id": c.provider_id,
                "role": c.role.value,
                "overall": c.ratings.overall.value,
                "below_threshold": rating_below(c.ratings.overall, threshold_of(threshold)),
                "spare_weekly_minutes": c.spare_weekly_minutes,
                "hourly_rate_pence": c.hourly_rate_pence,
            }
            for c in ordered
        ],
        skipped=referral.cascade_skipped,
    )


def _offer_next(
    session: Session, referral: Referral, *, actor: Actor, at: datetime, settings: Settings
) -> Offer | None:
    """Offers the referral to the next provider of this round's plan, if one is left."""
    tried = {o.provider_id for o in referral.offers if o.cascade_round == referral.cascade_round}
    plan = referral.cascade_plan
    for rank, step in enumerate(plan, start=1):
        if step["provider_id"] in tried:
            continue
        offer = Offer(
            referral_id=referral.id,
            provider_id=step["provider_id"],
            contract_id=step["contract_id"],
            cascade_round=referral.cascade_round,
            rank=rank,
            priority=referral.priority,
            status=OfferStatus.OPEN.value,
            offered_at=at,
            respond_by=response_deadline(
                at,
                priority=referral.priority,
                standard_hours=settings.offer_response_hours,
                priority_hours=settings.priority_offer_response_hours,
                office_opens=settings.office_opens,
                office_closes=settings.office_closes,
            ),
        )
        referral.offers.append(offer)
        referral.status = ReferralStatus.OFFERED.value
        session.flush()
        audit.record(
            session,
            actor=actor,
            at=at,
            action="offer.made",
            entity="offer",
            entity_id=offer.id,
            referral_id=referral.id,
            provider_id=offer.provider_id,
            rank=rank,
            priority=referral.priority,
            respond_by=offer.respond_by.isoformat(),
        )
        return offer
    referral.status = (
        ReferralStatus.EXHAUSTED.value if plan else ReferralStatus.AWAITING_OFFER.value
    )
    audit.record(
        session,
        actor=actor,
        at=at,
        action="referral.cascade_ended",
        entity="referral",
        entity_id=referral.id,
        round=referral.cascade_round,
        status=referral.status,
        providers_tried=len(tried),
    )
    return None


def _open_offer_for(session: Session, actor: Actor, offer_id: int, at: datetime) -> Offer:
    require(actor, Permission.RESPOND_TO_OFFERS)
    offer = load_readable(session, readable_offers(actor), Offer, offer_id, "offer")
    if offer.status != OfferStatus.OPEN.value:
        raise Conflict(f"offer {offer.id} is {offer.status}, no longer open", field="offer_id")
    if at > offer.respond_by:
        raise Conflict(
            f"offer {offer.id} lapsed at {offer.respond_by.isoformat()} and has moved on",
            field="offer_id",
        )
    return offer


def accept_offer(
    session: Session, *, actor: Actor, at: datetime, offer_id: int, agreed_start: date
) -> Package:
    """The provider takes the referral with an agreed start date; the package is set up."""
    offer = _open_offer_for(session, actor, offer_id, at)
    referral = offer.referral
    if agreed_start < local_date(referral.referred_at):
        raise InvalidInput("the agreed start is before the referral was made", field="agreed_start")
    if agreed_start < local_date(at):
        raise InvalidInput("the agreed start is in the past", field="agreed_start")
    offer.status = OfferStatus.ACCEPTED.value
    offer.responded_at = at
    offer.responded_by_user_id = actor.user_id
    offer.agreed_start = agreed_start
    referral.status = ReferralStatus.PLACED.value
    referral.placed_at = at
    package = start_package(
        session,
        actor=actor,
        at=at,
        contract_id=offer.contract_id,
        person_id=referral.person_id,
        referral_id=referral.id,
        weekly_minutes=referral.weekly_minutes,
        pattern=[stored_visit(v, v.task) for v in referral.visits],
        outcomes=list(referral.outcomes_sought),
        starts_on=agreed_start,
    )
    audit.record(
        session,
        actor=actor,
        at=at,
        action="offer.accepted",
        entity="offer",
        entity_id=offer.id,
        referral_id=referral.id,
        provider_id=offer.provider_id,
        agreed_start=agreed_start.isoformat(),
        package_id=package.id,
    )
    return package


def decline_offer(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    offer_id: int,
    reason: DeclineReason,
    note: str | None = None,
    settings: Settings | None = None,
) -> Offer:
    """The provider says no with a reason; the referral goes to the next in the cascade."""
    offer = _open_offer_for(session, actor, offer_id, at)
    if reason is DeclineReason.OTHER and not (note and note.strip()):
        raise InvalidInput("say why when the reason is 'other'", field="note")
    offer.status = OfferStatus.DECLINED.value
    offer.responded_at = at
    offer.responded_by_user_id = actor.user_id
    offer.decline_reason = reason.value
    offer.decline_note = note
    audit.record(
        session,
        actor=actor,
        at=at,
        action="offer.declined",
        entity="offer",
        entity_id=offer.id,
        referral_id=offer.referral_id,
        reason=reason.value,
    )
    _offer_next(session, offer.referral, actor=actor, at=at, settings=settings or get_settings())
    return offer


def lapse_overdue_offers(
    session: Session, *, actor: Actor, at: datetime, settings: Settings | None = None
) -> int:
    """Offers not answered in time lapse and cascade; returns how many lapsed."""
    require(actor, Permission.BROKER)
    stmt = (
        readable_offers(actor)
        .where(Offer.status == OfferStatus.OPEN.value, Offer.respond_by <= at)
        .order_by(Offer.respond_by, Offer.id)
    )
    overdue = list(session.scalars(stmt))
    for offer in overdue:
        offer.status = OfferStatus.EXPIRED.value
        audit.record(
            session,
            actor=actor,
            at=at,
            action="offer.lapsed",
            entity="offer",
            entity_id=offer.id,
            referral_id=offer.referral_id,
            provider_id=offer.provider_id,
        )
        _offer_next(
            session, offer.referral, actor=actor, at=at, settings=settings or get_settings()
        )
    return len(overdue)


def recascade(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    referral_id: int,
    settings: Settings | None = None,
) -> Referral:
    """A broker starts a fresh round for a referral that every provider turned down."""
    require(actor, Permission.BROKER)
    referral = load_readable(session, readable_referrals(actor), Referral, referral_id, "referral")
    if referral.status not in (ReferralStatus.EXHAUSTED.value, ReferralStatus.AWAITING_OFFER.value):
        raise Conflict(
            f"referral {referral.id} is {referral.status}; only a referral no "
            "provider holds can start a new round",
            field="referral_id",
        )
    referral.cascade_round += 1
    _plan_round(session, referral, actor=actor, at=at)
    _offer_next(session, referral, actor=actor, at=at, settings=settings or get_settings())
    return referral


def withdraw_referral(
    session: Session, *, actor: Actor, at: datetime, referral_id: int, reason: str
) -> Referral:
    """The council closes an unplaced referral (a direct payment, the person declined...)."""
    if actor.role not in (Role.BROKER, Role.COMMISSIONER, Role.SOCIAL_WORKER, Role.SYSTEM):
        require(actor, Permission.BROKER)
    referral = load_readable(session, readable_referrals(actor), Referral, referral_id, "referral")
    if referral.status not in [s.value for s in NOT_PLACED]:
        raise Conflict(
            f"referral {referral.id} is {referral.status} and cannot be withdrawn",
            field="referral_id",
        )
    for offer in referral.offers:
        if offer.status == OfferStatus.OPEN.value:
            offer.status = OfferStatus.WITHDRAWN.value
            audit.record(
                session,
                actor=actor,
                at=at,
                action="offer.withdrawn",
                entity="offer",
                entity_id=offer.id,
                referral_id=referral.id,
            )
    referral.status = ReferralStatus.WITHDRAWN.value
    referral.closed_reason = reason
    audit.record(
        session,
        actor=actor,
        at=at,
        action="referral.withdrawn",
        entity="referral",
        entity_id=referral.id,
        reason=reason,
    )
    return referral
