"""Hospital stay and notification queries, each built on a `readable_*` statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable, scoped
from homecare.calendar import local_date
from homecare.hospital.domain import DischargeDecision
from homecare.hospital.schemas import HospitalStayRead
from homecare.hospital.tables import HospitalStay, Notification
from homecare.packages.repository import readable_by_package, readable_packages
from homecare.packages.tables import Package
from homecare.reviews.domain import ReviewKind
from homecare.reviews.tables import Review
from homecare.units import hours


def readable_stays(actor: Actor) -> Select[Any]:
    """The stays on the packages the actor may read."""
    return readable_by_package(actor, HospitalStay)


def readable_notifications(actor: Actor) -> Select[Any]:
    """An organisation's staff read the notifications sent to it; a person reads none."""

    def sent_to(org: int | None) -> ColumnElement[bool]:
        return Notification.organisation_id == org

    return scoped(
        actor,
        select(Notification),
        council=sent_to,
        nurse=sent_to,
        provider=sent_to,
        care_worker=lambda _worker: sent_to(actor.organisation_id),
    )


def load_stay(session: Session, *, actor: Actor, stay_id: int) -> HospitalStay:
    return load_readable(session, readable_stays(actor), HospitalStay, stay_id, "hospital stay")


def open_stay(session: Session, package_id: int) -> HospitalStay | None:
    """The package's stay with no discharge yet; a package has at most one."""
    return session.scalars(
        select(HospitalStay).where(
            HospitalStay.package_id == package_id, HospitalStay.discharged_at.is_(None)
        )
    ).first()


def stays_for_package(session: Session, *, actor: Actor, package_id: int) -> list[HospitalStay]:
    """A package's stays, oldest first, for whoever may read the package (404 otherwise)."""
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    return list(
        session.scalars(
            readable_stays(actor)
            .where(HospitalStay.package_id == package.id)
            .order_by(HospitalStay.admitted_at, HospitalStay.id)
        )
    )


def after_hospital_review_id(session: Session, stay: HospitalStay) -> int | None:
    """The review a 'review' discharge asked for: the package's after-hospital review since."""
    if stay.discharge_decision != DischargeDecision.REVIEW or stay.discharged_at is None:
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


def stay_read(session: Session, stay: HospitalStay) -> HospitalStayRead:
    """A stay as the API shows it, with the after-hospital review it asked for."""
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
        review_id=after_hospital_review_id(session, stay),
    )


def notifications_for(
    session: Session, *, actor: Actor, team: str | None = None, unread: bool = False
) -> list[Notification]:
    """Messages to the actor's organisation, newest first, for one team or only unread."""
    stmt = readable_notifications(actor).order_by(
        Notification.created_at.desc(), Notification.id.desc()
    )
    if team:
        stmt = stmt.where(Notification.team == team)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.scalars(stmt))
