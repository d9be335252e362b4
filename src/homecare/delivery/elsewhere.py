"""Where a care worker is still checked in, named as their round names it, so a refused
check-in can tell them which visit to check out of first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.delivery.domain import OpenStint, still_checked_in
from homecare.delivery.repository import readable_attendance, require_round
from homecare.delivery.tables import Attendance, Visit, VisitCarer
from homecare.people.tables import Person


@dataclass(frozen=True)
class Elsewhere:
    visit_id: int
    name: str
    due: datetime
    """When the visit is due, as the round lists it: the planned start, else the window."""


def checked_in_elsewhere(
    session: Session, actor: Actor, visit_id: int, at: datetime
) -> Elsewhere | None:
    """The other visit the carer is checked in to at `at`, if any (the latest); a care
    worker reads only their own attendances, so the rows are theirs."""
    require_round(actor)
    stmt = (
        readable_attendance(actor)
        .join(Visit, Visit.id == Attendance.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .outerjoin(
            VisitCarer,
            (VisitCarer.visit_id == Attendance.visit_id)
            & (VisitCarer.care_worker_id == Attendance.care_worker_id),
        )
        .where(
            Attendance.checked_in_at.is_not(None),
            Attendance.checked_out_at.is_(None),
        )
        .with_only_columns(
            Attendance.visit_id,
            Attendance.checked_in_at,
            Person.given_name,
            Person.family_name,
            func.coalesce(VisitCarer.planned_start, Visit.window_start),
        )
    )
    named: dict[int, tuple[str, datetime]] = {}
    stints: list[OpenStint] = []
    for other, checked_in_at, given, family, due in session.execute(stmt):
        if checked_in_at is not None:
            named[other] = (f"{given} {family}", due)
            stints.append(OpenStint(other, checked_in_at))
    blocking = still_checked_in(stints, visit_id, at)
    if blocking is None:
        return None
    name, due = named[blocking.visit_id]
    return Elsewhere(blocking.visit_id, name, due)
