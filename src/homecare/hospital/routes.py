"""HTTP routes for hospital stays and the notifications they send."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from homecare.access_log import log_person_read
from homecare.hospital import repository, service
from homecare.hospital.schemas import (
    HospitalAdmission,
    HospitalDischarge,
    HospitalStayRead,
    NotificationRead,
)
from homecare.hospital.tables import Notification
from homecare.http import PathId, RequestContext, authenticated
from homecare.packages.tables import Package

router = APIRouter(tags=["flexibility"])


@router.post(
    "/packages/{package_id}/hospital-stays", response_model=HospitalStayRead, status_code=201
)
def admit(
    package_id: PathId, body: HospitalAdmission, ctx: RequestContext = Depends(authenticated)
) -> HospitalStayRead:
    """The provider records an admission: visits suspended, trusted assessors told."""
    with ctx.transaction() as (session, actor):
        stay = service.admit(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            hospital=body.hospital,
            admitted_at=body.admitted_at,
        )
        return repository.stay_read(session, stay)


@router.post("/hospital-stays/{stay_id}/discharge", response_model=HospitalStayRead)
def discharge(
    stay_id: PathId, body: HospitalDischarge, ctx: RequestContext = Depends(authenticated)
) -> HospitalStayRead:
    """Resume the visits from discharge, or hold them for a review within 3 working days."""
    with ctx.transaction() as (session, actor):
        stay = service.discharge(
            session,
            actor=actor,
            at=ctx.now(),
            stay_id=stay_id,
            discharged_at=body.discharged_at,
            decision=body.decision,
        )
        return repository.stay_read(session, stay)


@router.get("/packages/{package_id}/hospital-stays", response_model=list[HospitalStayRead])
def package_stays(
    package_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> list[HospitalStayRead]:
    with ctx.transaction() as (session, actor):
        stays = repository.stays_for_package(session, actor=actor, package_id=package_id)
        person_id = session.get_one(Package, package_id).person_id
        log_person_read(session, actor, ctx.now(), person_id, "hospital stays", "api")
        return [repository.stay_read(session, s) for s in stays]


@router.get("/notifications", response_model=list[NotificationRead])
def notifications(
    team: str | None = Query(default=None, examples=["trusted_assessors"]),
    unread: bool = Query(default=False, description="Only those not yet read"),
    ctx: RequestContext = Depends(authenticated),
) -> list[Notification]:
    """Messages to the caller's organisation, newest first."""
    with ctx.transaction() as (session, actor):
        return repository.notifications_for(session, actor=actor, team=team, unread=unread)
