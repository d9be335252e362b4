"""HTTP routes for community hours."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from homecare.access_log import log_person_read
from homecare.community import repository, service
from homecare.community.schemas import (
    CommunityEndedRead,
    CommunityHoursCreate,
    CommunityHoursRead,
    CommunityOutcomeIn,
)
from homecare.http import PathId, RequestContext, authenticated
from homecare.packages.tables import Package

router = APIRouter(tags=["community-hours"])


@router.post(
    "/packages/{package_id}/community-hours", response_model=CommunityHoursRead, status_code=201
)
def start_community_hours(
    package_id: PathId, body: CommunityHoursCreate, ctx: RequestContext = Depends(authenticated)
) -> CommunityHoursRead:
    """The provider adds a temporary uplift to introduce the person to a community place."""
    with ctx.transaction() as (session, actor):
        uplift = service.start_community_hours(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            purpose=body.purpose,
            place_name=body.place_name,
            day=body.day.value,
            band=body.band.value,
            minutes=body.minutes,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            latitude=body.latitude,
            longitude=body.longitude,
            postcode=body.postcode,
        )
        return CommunityHoursRead.of(uplift)


@router.get("/packages/{package_id}/community-hours", response_model=list[CommunityHoursRead])
def list_community_hours(
    package_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> list[CommunityHoursRead]:
    with ctx.transaction() as (session, actor):
        uplifts = repository.community_hours_of(session, actor=actor, package_id=package_id)
        person_id = session.get_one(Package, package_id).person_id
        log_person_read(session, actor, ctx.now(), person_id, "community hours", "api")
        return [CommunityHoursRead.of(u) for u in uplifts]


@router.post("/community-hours/{community_hours_id}/outcome", response_model=CommunityHoursRead)
def record_outcome(
    community_hours_id: PathId,
    body: CommunityOutcomeIn,
    ctx: RequestContext = Depends(authenticated),
) -> CommunityHoursRead:
    with ctx.transaction() as (session, actor):
        uplift = service.record_community_outcome(
            session,
            actor=actor,
            at=ctx.now(),
            community_hours_id=community_hours_id,
            outcome=body.outcome.value,
            note=body.note,
        )
        return CommunityHoursRead.of(uplift)


@router.post("/community-hours/end-due", response_model=CommunityEndedRead)
def end_due(ctx: RequestContext = Depends(authenticated)) -> CommunityEndedRead:
    """Ends the uplifts whose last day has passed: the platform's, or a provider's own."""
    with ctx.transaction() as (session, actor):
        return CommunityEndedRead(
            ended=service.end_due_community_hours(session, actor=actor, at=ctx.now())
        )
