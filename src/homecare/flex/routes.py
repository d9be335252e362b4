"""HTTP routes for hospital stays, notifications and provider-led changes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from homecare.access import readable_notifications
from homecare.api.context import RequestContext, authenticated
from homecare.brokerage.repository import hours
from homecare.brokerage.schemas import VisitOut
from homecare.calendar import local_date
from homecare.flex import changes, hospital
from homecare.flex.schemas import (
    ChangeCreate,
    ChangeDecisionIn,
    ChangeRead,
    HospitalAdmission,
    HospitalDischarge,
    HospitalStayRead,
    ImpactReport,
    NotificationRead,
)
from homecare.flex.tables import HospitalStay, Notification, ProviderChange
from homecare.market.tables import Organisation
from homecare.packages.tables import Package

router = APIRouter(tags=["flexibility"])


def stay_read(session: Session, stay: HospitalStay) -> HospitalStayRead:
    return HospitalStayRead(
        id=stay.id,
        package_id=stay.package_id,
        person_id=stay.person_id,
        hospital=stay.hospital,
        admitted_at=stay.admitted_at,
        discharged_at=stay.discharged_at,
        discharge_decision=stay.discharge_decision,
        in_hospital=stay.discharged_at is None,
        suspended_visits=stay.suspended_visits,
        freed_minutes=stay.freed_minutes,
        freed_hours=hours(stay.freed_minutes),
        review_id=hospital.after_hospital_review_id(session, stay),
    )


def change_read(session: Session, change: ProviderChange) -> ChangeRead:
    package = session.get(Package, change.package_id)
    provider = session.get(Organisation, change.provider_id)
    assert package is not None and provider is not None
    return ChangeRead(
        id=change.id,
        package_id=change.package_id,
        person_id=package.person_id,
        provider_id=change.provider_id,
        provider_name=provider.name,
        council_id=change.council_id,
        status=change.status,
        within_parameters=change.within_parameters,
        reason=change.reason,
        from_weekly_minutes=change.from_weekly_minutes,
        to_weekly_minutes=change.to_weekly_minutes,
        from_weekly_hours=hours(change.from_weekly_minutes),
        to_weekly_hours=hours(change.to_weekly_minutes),
        hourly_rate=Decimal(change.hourly_rate_pence) / 100,
        package_weekly_minutes=package.weekly_minutes,
        package_visits=[VisitOut.model_validate(v) for v in package.visits],
        previous_pattern=change.previous_pattern,
        consent_by_name=change.consent_by_name,
        consent_by_relationship=change.consent_by_relationship,
        consent_method=change.consent_method,
        consent_at=change.consent_at,
        effective_from=change.effective_from,
        submit_from=change.submit_from,
        submitted_at=change.submitted_at,
        decided_at=change.decided_at,
        decision_note=change.decision_note,
        decided_weekly_minutes=change.decided_weekly_minutes,
        created_at=change.created_at,
        impact=changes.impact_figures(
            changes.impact_for(change, package), change.hourly_rate_pence
        ),
    )


# --- hospital stays and notifications ----------------------------------------------------


@router.post(
    "/packages/{package_id}/hospital-stays", response_model=HospitalStayRead, status_code=201
)
def admit(
    package_id: int, body: HospitalAdmission, ctx: RequestContext = Depends(authenticated)
) -> HospitalStayRead:
    """The provider records an admission: visits suspended, trusted assessors told."""
    with ctx.transaction() as (session, actor):
        stay = hospital.admit(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            hospital=body.hospital,
            admitted_at=body.admitted_at,
        )
        return stay_read(session, stay)


@router.post("/hospital-stays/{stay_id}/discharge", response_model=HospitalStayRead)
def discharge(
    stay_id: int, body: HospitalDischarge, ctx: RequestContext = Depends(authenticated)
) -> HospitalStayRead:
    """Resume the visits from discharge, or hold them for a review within 3 working days."""
    with ctx.transaction() as (session, actor):
        stay = hospital.discharge(
            session,
            actor=actor,
            at=ctx.now(),
            stay_id=stay_id,
            discharged_at=body.discharged_at,
            decision=body.decision,
        )
        return stay_read(session, stay)


@router.get("/packages/{package_id}/hospital-stays", response_model=list[HospitalStayRead])
def package_stays(
    package_id: int, ctx: RequestContext = Depends(authenticated)
) -> list[HospitalStayRead]:
    with ctx.transaction() as (session, actor):
        stays = hospital.stays_for_package(session, actor=actor, package_id=package_id)
        return [stay_read(session, s) for s in stays]


@router.get("/notifications", response_model=list[NotificationRead])
def notifications(
    team: str | None = Query(default=None, examples=["trusted_assessors"]),
    unread: bool = Query(default=False, description="Only those not yet read"),
    ctx: RequestContext = Depends(authenticated),
) -> list[Notification]:
    """Messages to the caller's organisation, newest first."""
    with ctx.transaction() as (session, actor):
        stmt = readable_notifications(actor).order_by(
            Notification.created_at.desc(), Notification.id.desc()
        )
        if team:
            stmt = stmt.where(Notification.team == team)
        if unread:
            stmt = stmt.where(Notification.read_at.is_(None))
        return list(session.scalars(stmt))


# --- provider-led changes ----------------------------------------------------------------


@router.post("/packages/{package_id}/changes", response_model=ChangeRead, status_code=201)
def propose_change(
    package_id: int, body: ChangeCreate, ctx: RequestContext = Depends(authenticated)
) -> ChangeRead:
    """A change as trusted assessor, with consent: on trial at once within parameters."""
    with ctx.transaction() as (session, actor):
        change = changes.propose_change(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            to_weekly_minutes=body.to_weekly_minutes,
            reason=body.reason,
            consent_by_name=body.consent_by_name,
            consent_by_relationship=body.consent_by_relationship,
            consent_method=body.consent_method,
            consent_at=body.consent_at,
            settings=ctx.settings,
        )
        return change_read(session, change)


@router.get("/changes/impact", response_model=ImpactReport)
def change_impact(
    start: date | None = Query(default=None, description="First day; default 27 days before end"),
    end: date | None = Query(default=None, description="Last day; default today"),
    ctx: RequestContext = Depends(authenticated),
) -> ImpactReport:
    """Net weekly hours and pounds of the changes proposed in the period."""
    last = end or local_date(ctx.now())
    first = start or last - timedelta(days=27)
    with ctx.transaction() as (session, actor):
        return changes.change_impact(session, actor=actor, start=first, end=last)


@router.get("/changes", response_model=list[ChangeRead])
def list_changes(
    status: list[str] | None = Query(
        default=None,
        description=(
            "Repeat or comma-separate; 'awaiting_decision' is the social worker's queue "
            "(submitted and awaiting_social_worker)"
        ),
    ),
    ctx: RequestContext = Depends(authenticated),
) -> list[ChangeRead]:
    statuses = changes.parse_statuses(status)
    with ctx.transaction() as (session, actor):
        found = changes.list_changes(session, actor=actor, statuses=statuses)
        return [change_read(session, c) for c in found]


@router.get("/changes/{change_id}", response_model=ChangeRead)
def get_change(change_id: int, ctx: RequestContext = Depends(authenticated)) -> ChangeRead:
    with ctx.transaction() as (session, actor):
        return change_read(session, changes.get_change(session, actor=actor, change_id=change_id))


@router.post("/changes/{change_id}/submit", response_model=ChangeRead)
def submit_change(change_id: int, ctx: RequestContext = Depends(authenticated)) -> ChangeRead:
    """After the trial weeks the provider sends the change to the social worker."""
    with ctx.transaction() as (session, actor):
        change = changes.submit_change(session, actor=actor, at=ctx.now(), change_id=change_id)
        return change_read(session, change)


@router.post("/changes/{change_id}/decision", response_model=ChangeRead)
def decide_change(
    change_id: int, body: ChangeDecisionIn, ctx: RequestContext = Depends(authenticated)
) -> ChangeRead:
    """The social worker approves, amends (with weekly minutes) or reverses a change."""
    with ctx.transaction() as (session, actor):
        change = changes.decide_change(
            session,
            actor=actor,
            at=ctx.now(),
            change_id=change_id,
            decision=body.decision,
            weekly_minutes=body.weekly_minutes,
            note=body.note,
        )
        return change_read(session, change)
