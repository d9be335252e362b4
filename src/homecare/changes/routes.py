"""HTTP routes for provider-led changes and the consent requests that lead to them."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from fastapi import APIRouter, Depends, Query, Response

from homecare.access_log import log_person_read
from homecare.calendar import local_date
from homecare.changes import consent, repository, service
from homecare.changes.domain import parse_statuses
from homecare.changes.schemas import (
    ChangeCreate,
    ChangeDecisionIn,
    ChangeRead,
    ConsentAnswer,
    ConsentRequestCreate,
    ConsentRequestRead,
    ImpactReport,
    planned_visits,
)
from homecare.http import MAX_ID, PathId, RequestContext, WrittenDate, authenticated
from homecare.packages.tables import Package
from homecare.paging import api_query

router = APIRouter(tags=["flexibility"])
TOTAL_HEADER = "X-Total-Count"
"""The whole list's length, whatever window of it was asked for."""


# --- provider-led changes ----------------------------------------------------------------


@router.post("/packages/{package_id}/changes", response_model=ChangeRead, status_code=201)
def propose_change(
    package_id: PathId, body: ChangeCreate, ctx: RequestContext = Depends(authenticated)
) -> ChangeRead:
    """A change as trusted assessor, with consent: on trial at once within parameters."""
    with ctx.transaction() as (session, actor):
        change = service.propose_change(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            visits=planned_visits(body.visits),
            to_weekly_minutes=body.to_weekly_minutes,
            reason=body.reason,
            consent_by_name=body.consent_by_name,
            consent_by_relationship=body.consent_by_relationship,
            consent_method=body.consent_method,
            consent_at=body.consent_at,
            settings=ctx.settings,
        )
        return repository.change_read(session, change)


@router.get("/changes/impact", response_model=ImpactReport)
def change_impact(
    start: WrittenDate | None = Query(
        default=None, description="First day; default 27 days before end"
    ),
    end: WrittenDate | None = Query(default=None, description="Last day; default today"),
    ctx: RequestContext = Depends(authenticated),
) -> ImpactReport:
    """Net weekly hours and pounds of the changes proposed in the period."""
    last = end or local_date(ctx.now())
    first = start or last - timedelta(days=27)
    with ctx.transaction() as (session, actor):
        return repository.change_impact(session, actor=actor, start=first, end=last)


@router.get("/changes", response_model=list[ChangeRead])
def list_changes(
    response: Response,
    status: list[str] | None = Query(
        default=None,
        description=(
            "Repeat or comma-separate; 'awaiting_decision' is the social worker's queue "
            "(submitted and awaiting_social_worker)"
        ),
    ),
    limits: Literal["within", "outside"] | None = Query(
        default=None, description="Only changes within, or outside, the contract's limits"
    ),
    q: str | None = Query(
        default=None,
        max_length=100,
        description="words in the person's name, NHS number or postcode",
    ),
    sort: str | None = Query(
        default=None,
        description="proposed, waiting, decided or person; '-' first for descending",
    ),
    limit: int | None = Query(default=None, ge=1, le=1000, description="at most this many rows"),
    offset: int = Query(
        default=0, ge=0, le=MAX_ID, description="rows skipped before the first one given"
    ),
    ctx: RequestContext = Depends(authenticated),
) -> list[ChangeRead]:
    """Oldest first unless sorted; the same read as the social worker's queue. The whole
    list's length is in X-Total-Count."""
    statuses = parse_statuses(status)
    query = api_query(
        repository.CHANGE_SORTS,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
        filters={"limits": limits},
    )
    with ctx.transaction() as (session, actor):
        found = repository.list_changes(session, actor=actor, query=query, statuses=statuses)
        response.headers[TOTAL_HEADER] = str(found.total)
        return [repository.change_read(session, c) for c in found.rows]


@router.get("/changes/{change_id}", response_model=ChangeRead)
def get_change(change_id: PathId, ctx: RequestContext = Depends(authenticated)) -> ChangeRead:
    with ctx.transaction() as (session, actor):
        change = repository.get_change(session, actor=actor, change_id=change_id)
        read = repository.change_read(session, change)
        log_person_read(session, actor, ctx.now(), read.person_id, "change", "api")
        return read


@router.post("/changes/{change_id}/submit", response_model=ChangeRead)
def submit_change(change_id: PathId, ctx: RequestContext = Depends(authenticated)) -> ChangeRead:
    """After the trial weeks the provider sends the change to the social worker."""
    with ctx.transaction() as (session, actor):
        change = service.submit_change(session, actor=actor, at=ctx.now(), change_id=change_id)
        return repository.change_read(session, change)


@router.post("/changes/{change_id}/decision", response_model=ChangeRead)
def decide_change(
    change_id: PathId, body: ChangeDecisionIn, ctx: RequestContext = Depends(authenticated)
) -> ChangeRead:
    """The social worker approves, amends (with weekly minutes) or reverses a change."""
    with ctx.transaction() as (session, actor):
        change = service.decide_change(
            session,
            actor=actor,
            at=ctx.now(),
            change_id=change_id,
            decision=body.decision,
            weekly_minutes=body.weekly_minutes,
            note=body.note,
        )
        return repository.change_read(session, change)


# --- consent requests: the provider asks, the person's own account answers ---------------


@router.post(
    "/packages/{package_id}/consent-requests", response_model=ConsentRequestRead, status_code=201
)
def request_consent(
    package_id: PathId, body: ConsentRequestCreate, ctx: RequestContext = Depends(authenticated)
) -> ConsentRequestRead:
    """The provider asks the person, or their consenter, to agree a change online."""
    with ctx.transaction() as (session, actor):
        request = consent.request_consent(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            visits=planned_visits(body.visits),
            to_weekly_minutes=body.to_weekly_minutes,
            reason=body.reason,
        )
        return ConsentRequestRead.of(request)


@router.get("/consent-requests", response_model=list[ConsentRequestRead])
def list_requests(
    open_only: bool = Query(default=False, alias="open", description="Only those not answered"),
    ctx: RequestContext = Depends(authenticated),
) -> list[ConsentRequestRead]:
    """Newest first: a person sees their own, a provider and a council theirs."""
    with ctx.transaction() as (session, actor):
        found = repository.list_requests(session, actor=actor, open_only=open_only)
        return [ConsentRequestRead.of(r) for r in found]


@router.get("/consent-requests/{request_id}", response_model=ConsentRequestRead)
def get_request(
    request_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> ConsentRequestRead:
    with ctx.transaction() as (session, actor):
        asked = repository.get_request(session, actor=actor, request_id=request_id)
        person_id = session.get_one(Package, asked.package_id).person_id
        log_person_read(session, actor, ctx.now(), person_id, "consent request", "api")
        return ConsentRequestRead.of(asked)


@router.post("/consent-requests/{request_id}/answer", response_model=ConsentRequestRead)
def answer_consent(
    request_id: PathId, body: ConsentAnswer, ctx: RequestContext = Depends(authenticated)
) -> ConsentRequestRead:
    """Yes proposes the change with consent given online; no is recorded as declined."""
    with ctx.transaction() as (session, actor):
        request = consent.answer_consent(
            session,
            actor=actor,
            at=ctx.now(),
            request_id=request_id,
            answer=body.answer,
            name=body.name,
            relationship=body.relationship,
            settings=ctx.settings,
        )
        return ConsentRequestRead.of(request)
