"""Brokerage queries: the awaiting-care list, read models and the facts behind KPIs 1-4."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable, scoped
from homecare.audit import AuditEvent
from homecare.brokerage.choice import choice_text
from homecare.brokerage.domain import NOT_PLACED, OfferStatus, ReferralStatus
from homecare.brokerage.kpi_rules import ReferralFacts, exhausted_at
from homecare.brokerage.schemas import (
    AuditEntry,
    AwaitingItem,
    ChoiceFigures,
    OfferRead,
    ReferralRead,
)
from homecare.brokerage.tables import LIVE_OFFER_STATUSES, Offer, Referral
from homecare.calendar import LONDON, local_date, working_days_between
from homecare.market.domain import ContractRole, OrganisationKind
from homecare.market.rating_rules import below_threshold
from homecare.market.tables import Contract, Lot, Organisation, Zone, ZoneLsoa
from homecare.packages.schemas import VisitOut
from homecare.packages.tables import Package
from homecare.paging import ListQuery, Slice, count_rows, fetch_slice, words_match
from homecare.people.tables import Person
from homecare.units import hours


def readable_referrals(actor: Actor) -> Select[Any]:
    """The council's referrals; a nurse's own and those in the lots the trust commissions
    (its case management); those a provider holds a live offer for (or won); a person's."""

    def nursed(org: int) -> Any:
        trust_lots = select(Lot.id).where(Lot.commissioned_by_id == org)
        return (Referral.referrer_org_id == org) | Referral.lot_id.in_(trust_lots)

    def offered_to(org: int) -> Any:
        live = select(Offer.referral_id).where(
            Offer.provider_id == org, Offer.status.in_(LIVE_OFFER_STATUSES)
        )
        return Referral.id.in_(live)

    return scoped(
        actor,
        select(Referral),
        council=lambda org: Referral.council_id == org,
        nurse=nursed,
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
    plan, skipped = referral.cascade_plan, referral.cascade_skipped or []
    if actor.is_provider:
        offers = [o for o in offers if o.provider_id == actor.organisation_id]
        plan, skipped = [], []
    chosen = session.get(Organisation, referral.preferred_provider_id or 0)
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
        cascade_skipped=skipped,
        offers=[offer_read(session, o, actor) for o in offers],
        preferred_provider_id=referral.preferred_provider_id,
        preferred_provider_name=chosen.name if chosen else None,
        preference_reason=referral.preference_reason,
        preference_text=choice_text(chosen.name if chosen else None, referral.preference_reason),
        spot_purchase=referral.spot_contract_id is not None,
    )


def _awaiting_items(
    session: Session, referrals: list[Referral], now: datetime
) -> list[AwaitingItem]:
    lots = _lot_numbers(session)
    zones = _names(session, Zone)
    providers = _names(session, Organisation)
    items = []
    for referral in referrals:
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


def awaiting_care(session: Session, actor: Actor, now: datetime) -> list[AwaitingItem]:
    """What is not yet placed, priority first, then the longest waiting."""
    stmt = (
        readable_referrals(actor)
        .where(Referral.status.in_([s.value for s in NOT_PLACED]))
        .order_by(Referral.priority.desc(), Referral.referred_at, Referral.id)
    )
    return _awaiting_items(session, list(session.scalars(stmt)), now)


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


def choice_figures(
    session: Session, actor: Actor, period_from: date, period_to: date
) -> ChoiceFigures:
    """Referrals received in the period naming the person's choice of provider, how many
    were placed with that provider, and how many of those choices were bought spot."""
    start = datetime.combine(period_from, time(0), LONDON)
    end = datetime.combine(period_to + timedelta(days=1), time(0), LONDON)
    chosen = readable_referrals(actor).where(
        Referral.referred_at >= start,
        Referral.referred_at < end,
        Referral.preferred_provider_id.is_not(None),
    )
    placed = chosen.where(
        Referral.id.in_(
            select(Offer.referral_id).where(
                Offer.status == OfferStatus.ACCEPTED.value,
                Offer.provider_id == Referral.preferred_provider_id,
            )
        )
    )
    return ChoiceFigures(
        with_preference=count_rows(session, chosen),
        placed_with_preferred=count_rows(session, placed),
        spot_purchases=count_rows(session, chosen.where(Referral.spot_contract_id.is_not(None))),
    )


def provider_choices(
    session: Session, council_id: int, lsoa_code: str
) -> tuple[list[Organisation], list[Organisation]]:
    """Providers a person may choose, for the referral form: those contracted in the
    person's zone (any lot) first, then every other, each by name. The market is public."""
    zone_id = select(ZoneLsoa.zone_id).where(
        ZoneLsoa.council_id == council_id, ZoneLsoa.lsoa_code == lsoa_code
    )
    contracted = select(Contract.provider_id).where(
        Contract.council_id == council_id,
        Contract.zone_id.in_(zone_id),
        Contract.role != ContractRole.SPOT.value,
    )
    providers = list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.PROVIDER.value)
            .order_by(Organisation.name)
        )
    )
    here = set(session.scalars(contracted))
    return [p for p in providers if p.id in here], [p for p in providers if p.id not in here]


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


def cascade_steps(session: Session, referral: Referral) -> list[dict[str, Any]]:
    """This round's order of providers, each with its contract's role and the answer it
    gave in this round: what a broker follows, never shown to a provider. Each step shows
    the provider's overall CQC rating and whether it is below the council's threshold: the
    order itself is the cascade policy's, unchanged."""
    offers = {
        o.provider_id: o for o in referral.offers if o.cascade_round == referral.cascade_round
    }
    council = session.get(Organisation, referral.council_id)
    threshold = council.rating_threshold if council else None
    steps = []
    for rank, step in enumerate(referral.cascade_plan, start=1):
        provider = session.get(Organisation, step["provider_id"])
        contract = session.get(Contract, step["contract_id"])
        offer = offers.get(step["provider_id"])
        rating = provider.rating_overall if provider else None
        steps.append(
            {
                "rank": rank,
                "provider": provider.name if provider else "",
                "role": contract.role if contract else "",
                "status": offer.status if offer else None,
                "rating": rating,
                "below_threshold": below_threshold(rating, threshold),
            }
        )
    return steps


def skipped_steps(session: Session, referral: Referral) -> list[dict[str, str]]:
    """The providers this round left out of the order, by name, with why."""
    names = _names(session, Organisation)
    return [
        {"provider": names.get(int(s["provider_id"]), ""), "reason": str(s["reason"])}
        for s in referral.cascade_skipped or []
    ]


# --- long lists: search, filters, sorting and one page at a time ---------------------------

OFFER_SORTS: dict[str, list[Any]] = {
    "due": [
        case((Offer.status == OfferStatus.OPEN.value, 0), else_=1),
        case((Offer.status == OfferStatus.OPEN.value, Offer.priority), else_=False).desc(),
        case((Offer.status == OfferStatus.OPEN.value, Offer.respond_by)),
        Offer.offered_at.desc(),
    ],
    "offered": [Offer.offered_at],
    "answer-by": [Offer.respond_by],
    "hours": [Referral.weekly_minutes],
    "status": [Offer.status],
}
"""`due` is the offers page's own order: open offers first, priority and the soonest due
first, then the latest answered."""
REFERRAL_SORTS: dict[str, list[Any]] = {
    "person": [Person.family_name, Person.given_name],
    "referred": [Referral.referred_at],
    "start": [Referral.required_start],
    "hours": [Referral.weekly_minutes],
    "status": [Referral.status],
}
UNPLACED_UNOFFERED: list[ReferralStatus] = [
    s for s in NOT_PLACED if s is not ReferralStatus.OFFERED
]
"""Referrals no provider holds: the broker must act on them."""
AWAITING_SORTS: dict[str, list[Any]] = {
    "priority": [Referral.priority.desc(), Referral.referred_at],
    **REFERRAL_SORTS,
}
"""`priority` is the broker's order: priority referrals first, then the longest waiting."""


def _person_search(query: ListQuery) -> Any:
    """Referrals of people whose name, postcode or NHS number hold every word typed."""
    match = words_match(
        query.q, Person.given_name, Person.family_name, Person.postcode, Person.nhs_number
    )
    return None if match is None else Referral.person_id.in_(select(Person.id).where(match))


def offer_list(session: Session, actor: Actor, query: ListQuery) -> Slice[Offer]:
    """One window of the offers the actor may read. A provider's search finds a person
    only on its live offers: a closed offer no longer names them."""
    stmt = readable_offers(actor).join(Referral, Referral.id == Offer.referral_id)
    if (status := query.filters.get("status")) is not None:
        stmt = stmt.where(Offer.status == status)
    if (found := _person_search(query)) is not None:
        stmt = stmt.where(found)
        if actor.is_provider:
            stmt = stmt.where(Offer.status.in_(LIVE_OFFER_STATUSES))
    return fetch_slice(session, stmt, query, sorts=OFFER_SORTS, default=[], tiebreak=Offer.id)


def _referral_filters(stmt: Select[Any], query: ListQuery) -> Select[Any]:
    if (status := query.filters.get("status")) is not None:
        stmt = stmt.where(Referral.status == status)
    if (zone := query.filters.get("zone")) is not None:
        stmt = stmt.where(Referral.zone_id == int(zone))
    if query.filters.get("priority") == "yes":
        stmt = stmt.where(Referral.priority.is_(True))
    if (found := _person_search(query)) is not None:
        stmt = stmt.where(found)
    return stmt.join(Person, Person.id == Referral.person_id)


def referral_list(session: Session, actor: Actor, query: ListQuery) -> Slice[Referral]:
    """One window of the referrals the actor may read."""
    stmt = _referral_filters(readable_referrals(actor), query)
    return fetch_slice(session, stmt, query, sorts=REFERRAL_SORTS, default=[], tiebreak=Referral.id)


def awaiting_list(
    session: Session, actor: Actor, now: datetime, query: ListQuery, *, offered: bool | None
) -> Slice[AwaitingItem]:
    """One window of the broker's queue (`offered`: a provider is considering it), of the
    people still awaiting care (no provider holds it), or (None) of everyone not placed."""
    statuses: list[ReferralStatus] = list(NOT_PLACED)
    if offered is not None:
        statuses = [ReferralStatus.OFFERED] if offered else UNPLACED_UNOFFERED
    stmt = readable_referrals(actor).where(Referral.status.in_([s.value for s in statuses]))
    found = fetch_slice(
        session,
        _referral_filters(stmt, query),
        query,
        sorts=AWAITING_SORTS,
        default=AWAITING_SORTS["priority"],
        tiebreak=Referral.id,
    )
    items = _awaiting_items(session, found.rows, now)
    return Slice(rows=items, total=found.total, offset=found.offset, limit=found.limit)


def referral_zones(session: Session, actor: Actor) -> dict[int, str]:
    """The zones of the referrals the actor may read, by name: a list's zone filter."""
    ids = readable_referrals(actor).with_only_columns(Referral.zone_id).distinct()
    rows = session.execute(select(Zone.id, Zone.name).where(Zone.id.in_(ids)).order_by(Zone.name))
    return {ident: name for ident, name in rows}


def waiting_counts(
    session: Session, actor: Actor, *, offers: bool = False, referrals: bool = False
) -> dict[str, int]:
    """How many offers wait for the actor's answer, and (for a broker) referrals with
    providers and people awaiting care: the numbers in the navigation, each one COUNT."""
    counts: dict[str, int] = {}
    if offers:
        open_offers = readable_offers(actor).where(Offer.status == OfferStatus.OPEN.value)
        counts["offers"] = count_rows(session, open_offers)
    if referrals:
        unplaced = [s.value for s in UNPLACED_UNOFFERED]
        offered = ReferralStatus.OFFERED.value
        counts["awaiting"] = count_rows(
            session, readable_referrals(actor).where(Referral.status.in_(unplaced))
        )
        counts["queue"] = count_rows(
            session, readable_referrals(actor).where(Referral.status == offered)
        )
    return counts
