"""Hospital stays: visits suspended on admission, resumed or reviewed on discharge.

The provider tells the council's trusted assessors about an admission at once so they can
plan a timely discharge (004 §3.1.6). The care hours freed while the person is away are
counted on the stay (000 Appendix 2, measures 7 and 8), and on discharge the provider
either resumes the visits or holds them for a review within three working days.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import (
    Actor,
    Permission,
    load_readable,
    readable_by_package,
    readable_packages,
    require,
)
from homecare.calendar import LONDON, local_date
from homecare.delivery.tables import Visit
from homecare.errors import Conflict, InvalidInput
from homecare.flex.tables import HospitalStay, Notification
from homecare.market.tables import Organisation
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.reviews.domain import ReviewKind, after_hospital_due
from homecare.reviews.tables import Review

TRUSTED_ASSESSORS = "trusted_assessors"
SUSPENDED = "hospital"
"""The visit status of a visit suspended by a stay."""
ADMITTABLE = ("active", "awaiting_review")
"""A person may go into hospital again before their after-hospital review."""
SUBJECT_LENGTH = 300


def _lock(session: Session, package: Package) -> None:
    """Serialises admissions and discharges of one package (a PostgreSQL row lock)."""
    session.refresh(package, with_for_update=True)


def _check_moment(moment: datetime, at: datetime, field: str, what: str) -> None:
    if moment.tzinfo is None:
        raise InvalidInput(f"give {field} with a timezone", field=field)
    if moment > at:
        raise InvalidInput(f"record the {what} once it has happened", field=field)


def _open_stay(session: Session, package_id: int) -> HospitalStay | None:
    return session.scalars(
        select(HospitalStay).where(
            HospitalStay.package_id == package_id, HospitalStay.discharged_at.is_(None)
        )
    ).first()


def _when(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %Y} at {local:%H:%M}"


def admission_subject(
    *, person: str, provider: str, hospital: str, admitted_at: datetime, visits: int, minutes: int
) -> str:
    """The plain-English line the trusted assessors read in their list."""
    carer_hours = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    text = (
        f"{person} was admitted to {hospital} on {_when(admitted_at)}. {provider} has "
        f"suspended {visits} planned visit{'s' if visits != 1 else ''} ({carer_hours} carer "
        "hours) and is ready to plan the discharge with you."
    )
    return text if len(text) <= SUBJECT_LENGTH else text[: SUBJECT_LENGTH - 1] + "…"


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
    _check_moment(admitted_at, at, "admitted_at", "admission")
    open_stay = _open_stay(session, package.id)
    if open_stay is not None:
        raise Conflict(
            f"the person has been in hospital since {_when(open_stay.admitted_at)} "
            f"(stay {open_stay.id}); record that discharge first",
            field="package_id",
        )
    if package.status not in ADMITTABLE:
        raise Conflict(
            f"package {package.id} is {package.status.replace('_', ' ')}", field="package_id"
        )
    suspended = list(
        session.scalars(
            select(Visit).where(
                Visit.package_id == package.id,
                Visit.status == "planned",
                Visit.window_start >= admitted_at,
            )
        )
    )
    for visit in suspended:
        visit.status = SUSPENDED
    freed = sum(v.planned_minutes * v.carers for v in suspended)
    package.status = "in_hospital"
    stay = HospitalStay(
        package_id=package.id,
        person_id=package.person_id,
        hospital=hospital.strip(),
        admitted_at=admitted_at,
        suspended_visits=len(suspended),
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


def _resume_visits(session: Session, package_id: int, since: datetime) -> int:
    """Suspended visits from `since` on go back to planned; returns how many."""
    visits = list(
        session.scalars(
            select(Visit).where(
                Visit.package_id == package_id,
                Visit.status == SUSPENDED,
                Visit.window_start >= since,
            )
        )
    )
    for visit in visits:
        visit.status = "planned"
    return len(visits)


def _recount(session: Session, stay: HospitalStay) -> None:
    """Counts what the stay really freed: its visits still suspended once care resumed."""
    count, minutes = session.execute(
        select(
            func.count(Visit.id), func.coalesce(func.sum(Visit.planned_minutes * Visit.carers), 0)
        ).where(
            Visit.package_id == stay.package_id,
            Visit.status == SUSPENDED,
            Visit.window_start >= stay.admitted_at,
        )
    ).one()
    stay.suspended_visits = int(count)
    stay.freed_minutes = int(minutes)


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
    stay = load_readable(
        session, readable_by_package(actor, HospitalStay), HospitalStay, stay_id, "hospital stay"
    )
    package = session.get(Package, stay.package_id)
    assert package is not None
    _lock(session, package)
    session.refresh(stay)
    if stay.discharged_at is not None:
        raise Conflict(
            f"hospital stay {stay.id} ended with a discharge on {_when(stay.discharged_at)}",
            field="stay_id",
        )
    if decision not in ("resume", "review"):
        raise InvalidInput("decide resume or review", field="decision")
    _check_moment(discharged_at, at, "discharged_at", "discharge")
    if discharged_at < stay.admitted_at:
        raise InvalidInput(
            f"the discharge is before the admission on {_when(stay.admitted_at)}",
            field="discharged_at",
        )
    stay.discharged_at = discharged_at
    stay.discharge_decision = decision
    resumed = 0
    review: Review | None = None
    if decision == "resume":
        package.status = "active"
        resumed = _resume_visits(session, package.id, discharged_at)
    else:
        package.status = "awaiting_review"
        review = _after_hospital_review(session, package, local_date(discharged_at))
    _recount(session, stay)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="hospital.discharged",
        entity="hospital_stay",
        entity_id=stay.id,
        package_id=package.id,
        discharged_at=discharged_at.isoformat(),
        decision=decision,
        resumed_visits=resumed,
        suspended_visits=stay.suspended_visits,
        freed_minutes=stay.freed_minutes,
        review_id=review.id if review is not None else None,
        review_due_on=review.due_on.isoformat() if review is not None else None,
    )
    return stay


def _after_hospital_review(session: Session, package: Package, discharged_on: date) -> Review:
    """The review due within three working days of discharge.

    A review already open is brought forward and becomes it, so a package never has two
    reviews open at once.
    """
    due = after_hospital_due(discharged_on)
    review = open_review(session, package.id)
    if review is None:
        review = Review(package_id=package.id, person_id=package.person_id, due_on=due)
        session.add(review)
    review.kind = ReviewKind.AFTER_HOSPITAL.value
    review.due_on = min(review.due_on, due)
    session.flush()
    return review


def open_review(session: Session, package_id: int) -> Review | None:
    """The package's review not yet done, if any."""
    return session.scalars(
        select(Review)
        .where(Review.package_id == package_id, Review.done_on.is_(None))
        .order_by(Review.due_on, Review.id)
    ).first()


def resume_after_review(session: Session, *, package: Package, at: datetime) -> int:
    """After the after-hospital review, care resumes from now; returns the visits resumed.

    Only while the package awaits that review: someone readmitted before it stays suspended.
    """
    if package.status != "awaiting_review":
        return 0
    package.status = "active"
    resumed = _resume_visits(session, package.id, at)
    stay = session.scalars(
        select(HospitalStay)
        .where(HospitalStay.package_id == package.id, HospitalStay.discharge_decision == "review")
        .order_by(HospitalStay.admitted_at.desc(), HospitalStay.id.desc())
    ).first()
    if stay is not None:
        _recount(session, stay)
    return resumed


def stays_for_package(session: Session, *, actor: Actor, package_id: int) -> list[HospitalStay]:
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    return list(
        session.scalars(
            select(HospitalStay)
            .where(HospitalStay.package_id == package.id)
            .order_by(HospitalStay.admitted_at, HospitalStay.id)
        )
    )


def after_hospital_review_id(session: Session, stay: HospitalStay) -> int | None:
    """The review a 'review' discharge asked for: the package's after-hospital review since."""
    if stay.discharge_decision != "review" or stay.discharged_at is None:
        return None
    return session.scalar(
        select(Review.id)
        .where(
            Review.package_id == stay.package_id,
            Review.kind == ReviewKind.AFTER_HOSPITAL.value,
            or_(Review.done_on.is_(None), Review.done_on >= local_date(stay.discharged_at)),
        )
        .order_by(Review.id)
        .limit(1)
    )
