"""Care ends: a package's last day recorded with its reason, its later visits cancelled,
its places in saved rounds released, and, once the last day has passed, the package
ended and its time bank settled. Short-term care ends by itself unless extended.

The end is recorded at once; the package turns "ended" the day after its last day (at
once when that day is already past), by `finish_due_ends`, which the server's background
loop and the demo's days run.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import SYSTEM_ACTOR, Actor, Permission, load_readable
from homecare.calendar import local_date
from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.tables import Visit, VisitCarer
from homecare.errors import Forbidden
from homecare.packages.domain import (
    PLATFORM_REASONS,
    SCHEDULED_PACKAGE_STATUSES,
    EndReason,
    PackageEvent,
    check_end,
    check_extension,
)
from homecare.packages.repository import readable_packages
from homecare.packages.service import move_status
from homecare.packages.tables import Package
from homecare.rounds.tables import Round, RoundStop
from homecare.timebank.settling import settle_ended


def may_end_care(actor: Actor) -> bool:
    """Council or NHS staff who decide care (social workers, nurses) and brokers."""
    return actor.may(Permission.DECIDE_CHANGES) or actor.may(Permission.BROKER)


def require_may_end_care(actor: Actor) -> None:
    if not may_end_care(actor):
        raise Forbidden(f"the {actor.role.value} role may not end or extend care")


def end_package(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    last_day: date,
    reason: EndReason,
) -> Package:
    """Records the last day of care and why; cancels the visits after it."""
    require_may_end_care(actor)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    if reason in PLATFORM_REASONS:
        raise Forbidden("that end is recorded by the platform itself, not chosen")
    check_end(
        status=package.status,
        starts_on=package.starts_on,
        ends_on=package.ends_on,
        end_reason=package.end_reason,
        last_day=last_day,
        today=local_date(at),
    )
    package.ends_on, package.end_reason, package.end_recorded_at = last_day, reason.value, at
    cancelled = cancel_visits_after(session, package, last_day)
    released = release_round_places(session, package, last_day)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="package.end_recorded",
        entity="package",
        entity_id=package.id,
        last_day=last_day.isoformat(),
        end_reason=reason.value,
        cancelled_visits=cancelled,
        released_places=released,
    )
    finish_if_past(session, package, actor=actor, at=at)
    return package


def finish_if_past(session: Session, package: Package, *, actor: Actor, at: datetime) -> None:
    """Ends the package now when its last day of care is already past."""
    if package.ends_on is not None and package.ends_on < local_date(at):
        _finish(session, package, actor=actor, at=at)


def extend_package(
    session: Session, *, actor: Actor, at: datetime, package_id: int, until: date
) -> Package:
    """Moves a short-term package's planned last day later; its visits follow from it."""
    require_may_end_care(actor)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    check_extension(
        status=package.status,
        starts_on=package.starts_on,
        ends_on=package.ends_on,
        end_reason=package.end_reason,
        until=until,
    )
    was = package.ends_on
    assert was is not None
    package.ends_on = until
    audit.record(
        session,
        actor=actor,
        at=at,
        action="package.extended",
        entity="package",
        entity_id=package.id,
        was=was.isoformat(),
        last_day=until.isoformat(),
    )
    return package


def finish_due_ends(session: Session, *, at: datetime) -> int:
    """Ends every package whose last day of care is past (short-term care included, which
    ends as planned), settling its time bank; returns how many ended."""
    today = local_date(at)
    due = session.scalars(
        select(Package)
        .where(
            Package.status.in_(SCHEDULED_PACKAGE_STATUSES),
            Package.ends_on.is_not(None),
            Package.ends_on < today,
        )
        .order_by(Package.id)
    ).all()
    for package in due:
        if package.end_reason is None:
            package.end_reason = EndReason.SHORT_TERM_ENDED.value
            package.end_recorded_at = at
            assert package.ends_on is not None
            cancel_visits_after(session, package, package.ends_on)
            release_round_places(session, package, package.ends_on)
        _finish(session, package, actor=SYSTEM_ACTOR, at=at)
    return len(due)


def _finish(session: Session, package: Package, *, actor: Actor, at: datetime) -> None:
    move_status(package, PackageEvent.ENDED)
    settled = settle_ended(session, actor=actor, at=at, package_id=package.id)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="package.ended",
        entity="package",
        entity_id=package.id,
        end_reason=package.end_reason or "",
        minutes=settled,
    )


def cancel_visits_after(session: Session, package: Package, last_day: date) -> int:
    """Removes the package's visits after its last day that have not begun (planned ones
    carry no call events), with their carers; visits that happened stay as they were."""
    ids = list(
        session.scalars(
            select(Visit.id).where(
                Visit.package_id == package.id,
                Visit.day > last_day,
                Visit.status == VisitStatus.PLANNED.value,
            )
        )
    )
    if ids:
        session.execute(delete(VisitCarer).where(VisitCarer.visit_id.in_(ids)))
        session.execute(delete(Visit).where(Visit.id.in_(ids)))
    return len(ids)


def release_round_places(session: Session, package: Package, last_day: date) -> int:
    """Takes the package's visits out of saved rounds after its last day, so the carers'
    time is free for others when the day is next planned."""
    pattern_ids = [v.id for v in package.visits]
    if not pattern_ids:
        return 0
    stops = list(
        session.scalars(
            select(RoundStop)
            .join(Round, Round.id == RoundStop.round_id)
            .where(RoundStop.package_visit_id.in_(pattern_ids), Round.day > last_day)
        )
    )
    for stop in stops:
        session.delete(stop)
    session.flush()
    return len(stops)
