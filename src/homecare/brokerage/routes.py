"""HTTP routes for referrals, offers, the awaiting-care list and brokerage KPIs."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Query

from homecare.access import Permission, load_readable, require
from homecare.access_log import log_person_read
from homecare.brokerage import service
from homecare.brokerage.kpi_rules import KpiResult, by_lot, by_provider, compute_kpis
from homecare.brokerage.repository import (
    awaiting_care,
    offer_read,
    offers_of,
    readable_offers,
    readable_referrals,
    referral_audit,
    referral_facts,
    referral_read,
    referrals_of,
)
from homecare.brokerage.schemas import (
    AcceptOffer,
    AuditEntry,
    AwaitingItem,
    DeclineOffer,
    KpiOut,
    KpiReport,
    OfferRead,
    ReferralCreate,
    ReferralRead,
    WithdrawReferral,
)
from homecare.brokerage.tables import Offer, Referral
from homecare.calendar import local_date
from homecare.errors import InvalidInput
from homecare.http import PathId, RequestContext, WrittenDate, authenticated
from homecare.packages.repository import package_read
from homecare.packages.schemas import PackageRead

router = APIRouter(tags=["brokerage"])


@router.post("/referrals", response_model=ReferralRead, status_code=201)
def create_referral(
    body: ReferralCreate, ctx: RequestContext = Depends(authenticated)
) -> ReferralRead:
    with ctx.transaction() as (session, actor):
        referral = service.refer(
            session, actor=actor, at=ctx.now(), data=body, settings=ctx.settings
        )
        return referral_read(session, referral, actor)


@router.get("/referrals", response_model=list[ReferralRead])
def list_referrals(
    status: str | None = None, ctx: RequestContext = Depends(authenticated)
) -> list[ReferralRead]:
    with ctx.transaction() as (session, actor):
        return referrals_of(session, actor, status)


@router.get("/referrals/{referral_id}", response_model=ReferralRead)
def get_referral(referral_id: PathId, ctx: RequestContext = Depends(authenticated)) -> ReferralRead:
    with ctx.transaction() as (session, actor):
        referral = load_readable(
            session, readable_referrals(actor), Referral, referral_id, "referral"
        )
        log_person_read(session, actor, ctx.now(), referral.person_id, "referral", "api")
        return referral_read(session, referral, actor)


@router.get("/referrals/{referral_id}/history", response_model=list[AuditEntry])
def referral_history(
    referral_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> list[AuditEntry]:
    """Every timestamped step of a referral and its offers, for the council's brokers."""
    with ctx.transaction() as (session, actor):
        require(actor, Permission.BROKER)
        referral = load_readable(
            session, readable_referrals(actor), Referral, referral_id, "referral"
        )
        log_person_read(session, actor, ctx.now(), referral.person_id, "referral history", "api")
        return referral_audit(session, referral)


@router.post("/referrals/{referral_id}/withdraw", response_model=ReferralRead)
def withdraw_referral(
    referral_id: PathId, body: WithdrawReferral, ctx: RequestContext = Depends(authenticated)
) -> ReferralRead:
    with ctx.transaction() as (session, actor):
        referral = service.withdraw_referral(
            session, actor=actor, at=ctx.now(), referral_id=referral_id, reason=body.reason
        )
        return referral_read(session, referral, actor)


@router.post("/referrals/{referral_id}/recascade", response_model=ReferralRead)
def recascade_referral(
    referral_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> ReferralRead:
    with ctx.transaction() as (session, actor):
        referral = service.recascade(
            session, actor=actor, at=ctx.now(), referral_id=referral_id, settings=ctx.settings
        )
        return referral_read(session, referral, actor)


@router.get("/offers", response_model=list[OfferRead])
def list_offers(
    status: str | None = Query(default=None, description="e.g. open"),
    ctx: RequestContext = Depends(authenticated),
) -> list[OfferRead]:
    """A provider sees only the offers made to it; the council sees all of its own."""
    with ctx.transaction() as (session, actor):
        return offers_of(session, actor, status)


@router.get("/offers/{offer_id}", response_model=OfferRead)
def get_offer(offer_id: PathId, ctx: RequestContext = Depends(authenticated)) -> OfferRead:
    with ctx.transaction() as (session, actor):
        read = offer_read(
            session,
            load_readable(session, readable_offers(actor), Offer, offer_id, "offer"),
            actor,
        )
        if read.person_id is not None:  # a closed offer no longer shows the person
            log_person_read(session, actor, ctx.now(), read.person_id, "offer", "api")
        return read


@router.post("/offers/{offer_id}/accept", response_model=PackageRead)
def accept_offer(
    offer_id: PathId, body: AcceptOffer, ctx: RequestContext = Depends(authenticated)
) -> PackageRead:
    with ctx.transaction() as (session, actor):
        package = service.accept_offer(
            session, actor=actor, at=ctx.now(), offer_id=offer_id, agreed_start=body.agreed_start
        )
        return package_read(session, package, local_date(ctx.now()))


@router.post("/offers/{offer_id}/decline", response_model=OfferRead)
def decline_offer(
    offer_id: PathId, body: DeclineOffer, ctx: RequestContext = Depends(authenticated)
) -> OfferRead:
    with ctx.transaction() as (session, actor):
        offer = service.decline_offer(
            session,
            actor=actor,
            at=ctx.now(),
            offer_id=offer_id,
            reason=body.reason,
            note=body.note,
            settings=ctx.settings,
        )
        return offer_read(session, offer, actor)


@router.post("/brokerage/lapse-overdue")
def lapse_overdue(ctx: RequestContext = Depends(authenticated)) -> dict[str, int]:
    """Lapses unanswered offers past their deadline and moves each referral on."""
    with ctx.transaction() as (session, actor):
        return {
            "lapsed": service.lapse_overdue_offers(
                session, actor=actor, at=ctx.now(), settings=ctx.settings
            )
        }


@router.get("/awaiting-care", response_model=list[AwaitingItem])
def get_awaiting_care(ctx: RequestContext = Depends(authenticated)) -> list[AwaitingItem]:
    with ctx.transaction() as (session, actor):
        require(actor, Permission.BROKER)
        return awaiting_care(session, actor, ctx.now())


def _kpi_out(results: list[KpiResult]) -> list[KpiOut]:
    return [
        KpiOut(
            number=r.number,
            name=r.name,
            value=r.value_pct,
            target=r.target_pct,
            met=r.met,
            met_count=r.met_count,
            eligible_count=r.eligible_count,
            missed_referral_ids=r.missed_referral_ids,
        )
        for r in results
    ]


@router.get("/kpis/brokerage", response_model=KpiReport)
def brokerage_kpis(
    period_from: WrittenDate | None = Query(default=None, alias="from"),
    period_to: WrittenDate | None = Query(default=None, alias="to"),
    ctx: RequestContext = Depends(authenticated),
) -> KpiReport:
    """KPIs 1-4 for referrals received in the period (default: the last 28 days)."""
    now = ctx.now()
    end = period_to or local_date(now)
    start = period_from or end - timedelta(days=27)
    if start > end:
        raise InvalidInput("'from' is after 'to'", field="from")
    with ctx.transaction() as (session, actor):
        require(actor, Permission.VIEW_KPIS)
        facts = referral_facts(session, actor, start, end)
    return KpiReport(
        period_from=start,
        period_to=end,
        as_of=now,
        overall=_kpi_out(compute_kpis(facts, now)["all"]),
        by_lot={k: _kpi_out(v) for k, v in compute_kpis(facts, now, by_lot).items()},
        by_provider={k: _kpi_out(v) for k, v in compute_kpis(facts, now, by_provider).items()},
    )
