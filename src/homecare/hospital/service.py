"""Hospital stays: visits suspended on admission, resumed or reviewed on discharge.

The provider tells the council's trusted assessors about an admission at once so they can
plan a timely discharge (004 §3.1.6). The care hours freed while the person is away are
counted on the stay (000 Appendix 2, measures 7 and 8), and on discharge the provider
either resumes the visits or holds them for a review within three working days.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, require
from homecare.calendar import local_date
from homecare.delivery import suspension
from homecare.errors import Conflict, InvalidInput
from homecare.hospital.domain import (
    TRUSTED_ASSESSORS,
    DischargeDecision,
    admission_subject,
    check_discharge,
    check_moment,
    parse_decision,
    when,
)
from homecare.hospital.repository import load_stay, open_stay
from homecare.hospital.tables import HospitalStay, Notification
from homecare.market.tables import Organisation
from homecare.packages.domain import ADMITTABLE, PackageEvent
from homecare.packages.repository import readable_packages
from homecare.packages.service import move_status
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.reviews.service import open_after_hospital_review
from homecare.reviews.tables import Review


def _lock(session: Session, package: Package) -> None:
    """Serialises admissions and discharges of one package (a PostgreSQL row lock)."""
    session.refresh(package, with_for_update=True)


def admit(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    hospital: str,
    admitted_at: datetime,
) -> HospitalStay:
    """Records an admission, suspends the visits from then on and tells the trusted assessors."""
    require(actor, Permission.MANAGE_DELIVERY)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    _lock(session, package)
    if not hospital or not hospital.strip():
        raise InvalidInput("name the hospital", field="hospital")
    check_moment(admitted_at, at, "admitted_at", "admission")
    already = open_stay(session, package.id)
    if already is not None:
        raise Conflict(
            f"the person has been in hospital since {when(already.admitted_at)} "
            f"(stay {already.id}); record that discharge first",
            field="package_id",
        )
    if package.status not in ADMITTABLE:
        raise Conflict(
            f"package {package.id} is {package.status.replace('_', ' ')}", field="package_id"
        )
    suspended, freed = suspension.suspend_visits(session, package_id=package.id, since=admitted_at)
    move_status(package, PackageEvent.ADMITTED)
    stay = HospitalStay(
        package_id=package.id,
        person_id=package.person_id,
        hospital=hospital.strip(),
        admitted_at=admitted_at,
        suspended_visits=suspended,
        freed_minutes=freed,
        recorded_by=actor.user_id,
    )
    session.add(stay)
    session.flush()
    notification = _notify_trusted_assessors(session, package, stay, at)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="hospital.admitted",
        entity="hospital_stay",
        entity_id=stay.id,
        package_id=package.id,
        hospital=stay.hospital,
        admitted_at=admitted_at.isoformat(),
        suspended_visits=stay.suspended_visits,
        freed_minutes=freed,
        notification_id=notification.id,
    )
    return stay


def _notify_trusted_assessors(
    session: Session, package: Package, stay: HospitalStay, at: datetime
) -> Notification:
    """The council's trusted assessors hear at once, so they can plan the discharge."""
    person = session.get(Person, package.person_id)
    provider = session.get(Organisation, package.provider_id)
    assert person is not None and provider is not None
    notification = Notification(
        organisation_id=package.council_id,
        team=TRUSTED_ASSESSORS,
        kind="hospital_admission",
        subject=admission_subject(
            person=f"{person.given_name} {person.family_name}",
            provider=provider.name,
            hospital=stay.hospital,
            admitted_at=stay.admitted_at,
            visits=stay.suspended_visits,
            minutes=stay.freed_minutes,
        ),
        entity="hospital_stay",
        entity_id=stay.id,
        created_at=at,
    )
    session.add(notification)
    session.flush()
    return notification


def discharge(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    stay_id: int,
    discharged_at: datetime,
    decision: str,
) -> HospitalStay:
    """Closes the stay: resume the visits now, or hold them until an after-hospital review."""
    require(actor, Permission.MANAGE_DELIVERY)
    stay = load_stay(session, actor=actor, stay_id=stay_id)
    package = session.get(Package, stay.package_id)
    assert package is not None
    _lock(session, package)
    session.refresh(stay)
    if stay.discharged_at is not None:
        raise Conflict(
            f"hospital stay {stay.id} ended with a discharge on {when(stay.discharged_at)}",
            field="stay_id",
        )
    chosen = parse_decision(decision)
    check_moment(discharged_at, at, "discharged_at", "discharge")
    check_discharge(stay.admitted_at, discharged_at)
    stay.discharged_at = discharged_at
    stay.discharge_decision = chosen.value
    resumed = 0
    review: Review | None = None
    if chosen is DischargeDecision.RESUME:
        move_status(package, PackageEvent.RESUMED)
        resumed = suspension.resume_visits(session, package_id=package.id, since=discharged_at)
    else:
        move_status(package, PackageEvent.HELD_FOR_REVIEW)
        review = open_after_hospital_review(
            session, package=package, discharged_on=local_date(discharged_at)
        )
    suspension.recount(session, stay)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="hospital.discharged",
        entity="hospital_stay",
        entity_id=stay.id,
        package_id=package.id,
        discharged_at=discharged_at.isoformat(),
        decision=chosen.value,
        resumed_visits=resumed,
        suspended_visits=stay.suspended_visits,
        freed_minutes=stay.freed_minutes,
        review_id=review.id if review is not None else None,
        review_due_on=review.due_on.isoformat() if review is not None else None,
    )
    return stay
