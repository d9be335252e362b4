"""What a hospital stay does to a package's visits: suspend them, resume them, count them.

An admission suspends the visits, and either the discharge or the after-hospital review
resumes them. Both need the same visit-level effect, so it lives here beside the visits
and neither area has to call the other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.tables import Visit
from homecare.hospital.tables import HospitalStay

SUSPENDED = VisitStatus.HOSPITAL.value
"""The visit status of a visit suspended by a stay."""


def suspend_visits(session: Session, *, package_id: int, since: datetime) -> tuple[int, int]:
    """Planned visits from `since` on are suspended; returns how many and their carer-minutes."""
    visits = list(
        session.scalars(
            select(Visit).where(
                Visit.package_id == package_id,
                Visit.status == VisitStatus.PLANNED.value,
                Visit.window_start >= since,
            )
        )
    )
    for visit in visits:
        visit.status = SUSPENDED
    return len(visits), sum(v.planned_minutes * v.carers for v in visits)


def resume_visits(session: Session, *, package_id: int, since: datetime) -> int:
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
        visit.status = VisitStatus.PLANNED.value
    return len(visits)


def recount(session: Session, stay: HospitalStay) -> None:
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


def recount_stay_held_for_review(session: Session, *, package_id: int) -> None:
    """Once the after-hospital review resumes care, the stay that asked for it is recounted."""
    stay = session.scalars(
        select(HospitalStay)
        .where(HospitalStay.package_id == package_id, HospitalStay.discharge_decision == "review")
        .order_by(HospitalStay.admitted_at.desc(), HospitalStay.id.desc())
    ).first()
    if stay is not None:
        recount(session, stay)
