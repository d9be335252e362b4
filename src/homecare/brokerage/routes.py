"""HTTP routes for referrals, offers, the awaiting-care list and brokerage KPIs."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from fastapi import APIRouter, Depends, Query, Response

from homecare.access import Permission, load_readable, require
from homecare.access_log import log_person_read
from homecare.as_at import Days, as_at_for
from homecare.brokerage import service
from homecare.brokerage.kpi_rules import KpiResult, by_lot, by_provider, compute_kpis
from homecare.brokerage.repository import (
    AWAITING_SORTS,
    OFFER_SORTS,
    REFERRAL_SORTS,
    awaiting_list,
    choice_figures,
    offer_list,
    offer_read,
    readable_offers,
    readable_referrals,
    referral_audit,
    referral_facts,
    referral_list,
    referral_read,
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
from homecare.http import MAX_ID, PathId, RecordId, RequestContext, WrittenDate, authenticated
from homecare.packages.repository import package_read
from homecare.packages.schemas import PackageRead
from homecare.paging import api_query

SEARCH = Query(
    default=None, max_length=100, description="words in the person's name, NHS number or postcode"
)
LIMIT = Query(default=None, ge=1, le=1000, description="at most this many rows")
OFFSET = Query(default=0, ge=0, le=MAX_ID, description="rows skipped before the first one given")
TOTAL_HEADER = "X-Total-Count"
"""The whole list's length, whatever window of it was asked for."""

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
    response: Response,
    status: str | None = None,
    zone: RecordId | None = Query(default=None, description="a zone's id"),
    q: str | None = SEARCH,
    sort: str | None = Query(
        default=None,
        description="person, referred, start, hours or status; '-' first for descending",
    ),
    limit: int | None = LIMIT,
    offset: int = OFFSET,
    ctx: RequestContext = Depends(authenticated),
) -> list[ReferralRead]:
    """Oldest first unless sorted; the same read as the referrals page."""
    query = api_query(
        REFERRAL_SORTS,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
        filters={"status": status, "zone": None if zone is None else str(zone)},
    )
    with ctx.transaction() as (session, actor):
        found = referral_list(session, actor, query)
        response.headers[TOTAL_HEADER] = str(found.total)
        return [referral_read(session, r, actor) for r in found.rows]


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
    response: Response,
    status: str | None = Query(default=None, description="e.g. open"),
    q: str | None = SEARCH,
    sort: str | None = Query(
        default=None,
        description="due, offered, answer-by, hours or status; '-' first for descending",
    ),
    limit: int | None = LIMIT,
    offset: int = OFFSET,
    ctx: RequestContext = Depends(authenticated),
) -> list[OfferRead]:
    """A provider sees only the offers made to it; the council sees all of its own. Oldest
    first unless sorted; the same read as the offers page."""
    query = api_query(
        OFFER_SORTS, q=q, sort=sort, limit=limit, offset=offset, filters={"status": status}
    )
    with ctx.transaction() as (session, actor):
        found = offer_list(session, actor, query)
        response.headers[TOTAL_HEADER] = str(found.total)
        return [offer_read(session, o, actor) for o in found.rows]


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
def get_awaiting_care(
    response: Response,
    offered: bool | None = Query(
        default=None,
        description="true: with a provider now (the referral queue); false: no provider holds it",
    ),
    zone: RecordId | None = Query(default=None, description="a zone's id"),
    priority: bool | None = Query(default=None, description="true: priority referrals only"),
    q: str | None = SEARCH,
    sort: str | None = Query(
        default=None,
        description="priority, person, referred, start, hours or status; '-' first for descending",
    ),
    limit: int | None = LIMIT,
    offset: int = OFFSET,
    ctx: RequestContext = Depends(authenticated),
) -> list[AwaitingItem]:
    """Priority first, then the longest waiting, unless sorted; the same read as the
    referral queue and awaiting-care pages."""
    filters = {
        "zone": None if zone is None else str(zone),
        "priority": "yes" if priority else None,
    }
    query = api_query(AWAITING_SORTS, q=q, sort=sort, limit=limit, offset=offset, filters=filters)
    with ctx.transaction() as (session, actor):
        require(actor, Permission.BROKER)
        found = awaiting_list(session, actor, ctx.now(), query, offered=offered)
        response.headers[TOTAL_HEADER] = str(found.total)
        return found.rows


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
    as_at: Literal["settled", "now"] = Query(
        default="settled",
        description="settled: as at the period's end plus the settle time (the figures keep);"
        " now: as at this moment",
    ),
    ctx: RequestContext = Depends(authenticated),
) -> KpiReport:
    """KPIs 1-4 for referrals received in the period (default: the last 28 days), as at the
    period's settled end by default, so the figures agree with the monitoring return's;
    with how many referrals named the person's choice of provider and got it."""
    now = ctx.now()
    end = period_to or local_date(now)
    start = period_from or end - timedelta(days=27)
    if start > end:
        raise InvalidInput("'from' is after 'to'", field="from")
    moment = as_at_for(Days(start, end), now, ctx.settings.settle_hours, choose_now=as_at == "now")
    with ctx.transaction() as (session, actor):
        require(actor, Permission.VIEW_KPIS)
        facts = referral_facts(session, actor, start, end)
        choice = choice_figures(session, actor, start, end)
    at = moment.moment
    return KpiReport(
        period_from=start,
        period_to=end,
        as_at=at,
        as_at_basis=moment.basis.value,
        as_at_text=moment.text,
        as_of=at,
        overall=_kpi_out(compute_kpis(facts, at)["all"]),
        by_lot={k: _kpi_out(v) for k, v in compute_kpis(facts, at, by_lot).items()},
        by_provider={k: _kpi_out(v) for k, v in compute_kpis(facts, at, by_provider).items()},
        choice=choice,
    )
