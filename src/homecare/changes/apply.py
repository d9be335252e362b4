"""Putting a change's pattern on a package, and on the visits already generated from it.

A visit kept in the new pattern keeps its place (so the visits and rounds made from it
still point at it) and takes its new minutes and carers, as do its visits still to come.
A visit added is generated from the next time visits are generated. A visit removed is
taken off the package with its visits still to come; visits it already had stay on the
record, no longer tied to a place in the pattern, and the rounds planned with it are
dropped, since rounds are planned again from the pattern each evening.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from homecare.changes.patterns import of_visits, weekly
from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.schedule import visit_window
from homecare.delivery.tables import Alert, Visit, VisitCarer
from homecare.packages.tables import Package, PackageVisit
from homecare.pattern import PlannedVisit, visit_key
from homecare.rounds.tables import RoundStop, UnassignedVisit

NOT_STARTED = (VisitStatus.PLANNED.value, VisitStatus.HOSPITAL.value)
"""Visits still to come whose minutes follow the pattern, suspended ones included."""


def _coming(slot: PackageVisit, at: datetime) -> list[ColumnElement[bool]]:
    """The where-clause of a slot's visits still to come."""
    return [
        Visit.package_visit_id == slot.id,
        Visit.window_start > at,
        Visit.status.in_(NOT_STARTED),
    ]


def _retime(session: Session, slot: PackageVisit, at: datetime) -> int:
    """The slot's visits still to come take its new minutes, carers and start window (a
    clock time set with the person narrows it); counts them."""
    count = 0
    for visit in session.scalars(select(Visit).where(*_coming(slot, at))):
        visit.planned_minutes = slot.minutes
        visit.carers = slot.carers
        visit.window_start, visit.window_end = visit_window(visit.day, slot.band, slot.at)
        count += 1
    return count


def _remove(session: Session, package: Package, slot: PackageVisit, at: datetime) -> int:
    """Takes the slot off the package with its visits to come; counts those visits."""
    coming = list(session.scalars(select(Visit.id).where(*_coming(slot, at))))
    if coming:
        session.execute(delete(VisitCarer).where(VisitCarer.visit_id.in_(coming)))
        session.execute(delete(Alert).where(Alert.visit_id.in_(coming)))
        session.execute(delete(Visit).where(Visit.id.in_(coming)))
    session.execute(
        update(Visit).where(Visit.package_visit_id == slot.id).values(package_visit_id=None)
    )
    session.execute(delete(RoundStop).where(RoundStop.package_visit_id == slot.id))
    session.execute(delete(UnassignedVisit).where(UnassignedVisit.package_visit_id == slot.id))
    package.visits.remove(slot)
    return len(coming)


def apply_pattern(
    session: Session, package: Package, target: Sequence[PlannedVisit], at: datetime
) -> int:
    """Makes the package's pattern `target`; returns how many visits to come changed."""
    wanted = {v.key: v for v in target}
    changed = 0
    for slot in list(package.visits):
        visit = wanted.pop(visit_key(slot.day, slot.band), None)
        if visit is None:
            changed += _remove(session, package, slot, at)
        elif (slot.minutes, slot.carers, slot.kind, slot.at, slot.short_requested) != (
            visit.minutes,
            visit.carers,
            visit.kind.value,
            visit.at_text,
            visit.short_requested,
        ):
            slot.minutes, slot.carers = visit.minutes, visit.carers
            slot.kind, slot.at = visit.kind.value, visit.at_text
            slot.short_requested = visit.short_requested
            changed += _retime(session, slot, at)
    for visit in wanted.values():
        package.visits.append(
            PackageVisit(
                day=visit.day.value,
                band=visit.band.value,
                minutes=visit.minutes,
                carers=visit.carers,
                required_skill=visit.skill,
                kind=visit.kind.value,
                at=visit.at_text,
                short_requested=visit.short_requested,
            )
        )
    package.weekly_minutes = weekly(of_visits(package.visits))
    session.flush()
    return changed
