"""The visit schedule: dated visits from packages' patterns and community hours, and carers.

Generation loads packages, their pattern slots, people, community hours and the visits
already there in a handful of queries and inserts the new visits in one statement, so a
month of a borough's visits (about 20,000) is one quick call. Running it again over the
same dates adds nothing: a visit is one (package, source, source id, day).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, insert, or_, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, Role, load_readable, require
from homecare.calendar import LONDON
from homecare.community.tables import CommunityHours
from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.repository import readable_visits
from homecare.delivery.tables import Attendance, Visit, VisitCarer
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.packages.domain import SCHEDULED_PACKAGE_STATUSES, SUSPENDED_PACKAGE_STATUSES
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package, PackageVisit
from homecare.pattern import Day, parse_clock, start_window, task_words
from homecare.people.tables import Person
from homecare.rounds.tables import Round, RoundPlan, RoundStop
from homecare.text import long_date
from homecare.workforce.domain import still_working
from homecare.workforce.tables import CareWorker

"""A person in hospital, or back and waiting for a review: their visits are suspended."""

MAX_GENERATE_DAYS = 92
"""About a quarter at a time: enough for any planning horizon, bounded for one request."""

NOT_STARTED = (VisitStatus.PLANNED.value, VisitStatus.HOSPITAL.value)
"""Visits whose carers may still change."""


def visit_window(day: date, band: str, at: str | None = None) -> tuple[datetime, datetime]:
    """The band's window on that date, or 15 minutes either side of a clock time set with
    the person, London time, as UTC (right across clock changes)."""
    opens, closes = start_window(band, parse_clock(at))
    return (
        datetime.combine(day, opens, LONDON).astimezone(UTC),
        datetime.combine(day, closes, LONDON).astimezone(UTC),
    )


def weekday_code(day: date) -> str:
    return list(Day)[day.weekday()].value


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _covers(starts_on: date, ends_on: date | None, day: date) -> bool:
    return starts_on <= day and (ends_on is None or day <= ends_on)


# --- generation -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """The packages and dates a run covers; each load is one query over all of them."""

    packages: Select[Any]
    start: date
    end: date

    @property
    def package_ids(self) -> Select[Any]:
        return self.packages.with_only_columns(Package.id)

    def slots(self, session: Session) -> dict[int, list[PackageVisit]]:
        by_package: dict[int, list[PackageVisit]] = defaultdict(list)
        for slot in session.scalars(
            select(PackageVisit)
            .where(PackageVisit.package_id.in_(self.package_ids))
            .order_by(PackageVisit.id)
        ):
            by_package[slot.package_id].append(slot)
        return by_package

    def uplifts(self, session: Session) -> dict[int, list[CommunityHours]]:
        by_package: dict[int, list[CommunityHours]] = defaultdict(list)
        for uplift in session.scalars(
            select(CommunityHours)
            .where(
                CommunityHours.package_id.in_(self.package_ids),
                CommunityHours.status == "active",
                CommunityHours.starts_on <= self.end,
                CommunityHours.ends_on >= self.start,
            )
            .order_by(CommunityHours.id)
        ):
            by_package[uplift.package_id].append(uplift)
        return by_package

    def homes(self, session: Session) -> dict[int, tuple[float, float]]:
        people = self.packages.with_only_columns(Package.person_id)
        return {
            row.id: (row.latitude, row.longitude)
            for row in session.execute(
                select(Person.id, Person.latitude, Person.longitude).where(Person.id.in_(people))
            )
        }

    def existing(self, session: Session) -> set[tuple[int, str, int, date]]:
        """The visits already there, by the key the unique constraint guards."""
        return {
            (row.package_id, row.source, row.source_id, row.day)
            for row in session.execute(
                select(Visit.package_id, Visit.source, Visit.source_id, Visit.day).where(
                    Visit.package_id.in_(self.package_ids),
                    Visit.day >= self.start,
                    Visit.day <= self.end,
                )
            )
        }


def _scope(
    actor: Actor,
    start: date,
    end: date,
    provider_id: int | None,
    package_ids: list[int] | None,
) -> _Scope:
    stmt = readable_packages(actor).where(
        Package.status.in_(SCHEDULED_PACKAGE_STATUSES),
        Package.starts_on <= end,
        or_(Package.ends_on.is_(None), Package.ends_on >= start),
    )
    if provider_id is not None:
        stmt = stmt.where(Package.provider_id == provider_id)
    if package_ids is not None:
        stmt = stmt.where(Package.id.in_(package_ids))
    return _Scope(stmt, start, end)


def _check_request(actor: Actor, start: date, end: date, provider_id: int | None) -> int | None:
    """The provider to generate for; refuses reversed or over-long ranges."""
    if end < start:
        raise InvalidInput("the end date is before the start date", field="end")
    if (end - start).days >= MAX_GENERATE_DAYS:
        raise InvalidInput(f"generate at most {MAX_GENERATE_DAYS} days at a time", field="end")
    if actor.role is Role.PROVIDER_MANAGER:
        if provider_id is not None and provider_id != actor.organisation_id:
            raise Forbidden("a provider schedules only its own visits")
        return actor.organisation_id
    return provider_id


def _visit_row(
    package: Package,
    day: date,
    band: str,
    *,
    source: str,
    source_id: int,
    minutes: int,
    carers: int,
    place: tuple[str, str | None, float, float],
    health_tasks: list[str],
    at: str | None = None,
) -> dict[str, Any]:
    window_start, window_end = visit_window(day, band, at)
    kind, name, latitude, longitude = place
    suspended = package.status in SUSPENDED_PACKAGE_STATUSES
    return {
        "package_id": package.id,
        "person_id": package.person_id,
        "provider_id": package.provider_id,
        "source": source,
        "source_id": source_id,
        "package_visit_id": source_id if source == "pattern" else None,
        "day": day,
        "band": band,
        "window_start": window_start,
        "window_end": window_end,
        "planned_minutes": minutes,
        "carers": carers,
        "place_kind": kind,
        "place_name": name,
        "latitude": latitude,
        "longitude": longitude,
        "health_tasks": health_tasks,
        "status": (VisitStatus.HOSPITAL if suspended else VisitStatus.PLANNED).value,
        "banked": False,
    }


def _new_rows(
    packages: Sequence[Package],
    slots: dict[int, list[PackageVisit]],
    uplifts: dict[int, list[CommunityHours]],
    homes: dict[int, tuple[float, float]],
    existing: set[tuple[int, str, int, date]],
    start: date,
    end: date,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for package in packages:
        home = homes[package.person_id]
        for day in _days(max(start, package.starts_on), end):
            if not _covers(package.starts_on, package.ends_on, day):
                break
            code = weekday_code(day)
            for slot in slots.get(package.id, []):
                if slot.day != code or (package.id, "pattern", slot.id, day) in existing:
                    continue
                rows.append(
                    _visit_row(
                        package,
                        day,
                        slot.band,
                        source="pattern",
                        source_id=slot.id,
                        minutes=slot.minutes,
                        carers=slot.carers,
                        place=("home", None, *home),
                        health_tasks=[slot.required_skill] if slot.required_skill else [],
                        at=slot.at,
                    )
                )
            for uplift in uplifts.get(package.id, []):
                if (
                    uplift.day != code
                    or not _covers(uplift.starts_on, uplift.ends_on, day)
                    or (package.id, "community", uplift.id, day) in existing
                ):
                    continue
                rows.append(
                    _visit_row(
                        package,
                        day,
                        uplift.band,
                        source="community",
                        source_id=uplift.id,
                        minutes=uplift.minutes,
                        carers=1,
                        place=("community", uplift.place_name, uplift.latitude, uplift.longitude),
                        health_tasks=[],
                    )
                )
    return rows


def generate_visits(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    start: date,
    end: date,
    provider_id: int | None = None,
    package_ids: list[int] | None = None,
) -> int:
    """Creates the dated visits of [start, end] that are not there yet; returns how many."""
    require(actor, Permission.MANAGE_DELIVERY)
    provider_id = _check_request(actor, start, end, provider_id)
    scope = _scope(actor, start, end, provider_id, package_ids)
    packages = session.scalars(scope.packages.order_by(Package.id)).all()
    if not packages:
        return 0
    rows = _new_rows(
        packages,
        scope.slots(session),
        scope.uplifts(session),
        scope.homes(session),
        scope.existing(session),
        start,
        end,
    )
    if rows:
        session.execute(insert(Visit), rows)
    _audit_generation(session, actor=actor, at=at, rows=rows, start=start, end=end)
    return len(rows)


def _audit_generation(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    rows: list[dict[str, Any]],
    start: date,
    end: date,
) -> None:
    """One line per provider and run: a line per visit would drown the trail."""
    per_provider: dict[int, int] = defaultdict(int)
    for row in rows:
        per_provider[row["provider_id"]] += 1
    for provider, created in sorted(per_provider.items()):
        audit.record(
            session,
            actor=actor,
            at=at,
            action="visits.generated",
            entity="organisation",
            entity_id=provider,
            start=start.isoformat(),
            end=end.isoformat(),
            created=created,
        )


# --- carers on visits -------------------------------------------------------------------


def _has_started(session: Session, visit: Visit) -> bool:
    if visit.status not in NOT_STARTED:
        return True
    return session.scalar(select(Attendance.id).where(Attendance.visit_id == visit.id)) is not None


def _check_carers(session: Session, visit: Visit, care_worker_ids: list[int]) -> list[CareWorker]:
    """The named carers, if they are the provider's, as many as needed and trained."""
    field = "care_worker_ids"
    if len(set(care_worker_ids)) != len(care_worker_ids):
        raise InvalidInput("a care worker is named twice", field=field)
    if len(care_worker_ids) != visit.carers:
        raise InvalidInput(
            f"visit {visit.id} needs {visit.carers} carer(s); {len(care_worker_ids)} named",
            field=field,
        )
    workers = {
        w.id: w
        for w in session.scalars(
            select(CareWorker).where(
                CareWorker.id.in_(care_worker_ids), CareWorker.provider_id == visit.provider_id
            )
        )
    }
    for worker_id in care_worker_ids:
        if worker_id not in workers:
            raise InvalidInput(f"care worker {worker_id} not found", field=field)
        worker = workers[worker_id]
        if not still_working(worker.left_on, visit.day):
            assert worker.left_on is not None
            raise Conflict(
                f"{worker.name} left on {long_date(worker.left_on)}: choose someone who still "
                "works here on the visit's day"
            )
    for task in visit.health_tasks:
        # One trained carer leads a delegated task; the second of a double-up assists.
        if not any(task in w.skills for w in workers.values()):
            raise InvalidInput(
                f"none of the carers is trained for {task_words(task)}, the visit's delegated "
                "task: a trained carer must lead it",
                field=field,
            )
    return [workers[i] for i in care_worker_ids]


def assign_carers(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    visit_id: int,
    care_worker_ids: list[int],
    planned_start: datetime | None = None,
) -> Visit:
    """Puts the named carers on a visit that has not started, replacing any before."""
    require(actor, Permission.MANAGE_DELIVERY)
    visit = load_readable(
        session, readable_visits(actor).with_for_update(), Visit, visit_id, "visit"
    )
    if _has_started(session, visit):
        raise Conflict(
            f"visit {visit.id} is {visit.status}; its carers can no longer change",
            field="visit_id",
        )
    workers = _check_carers(session, visit, care_worker_ids)
    if planned_start is not None and not (visit.window_start <= planned_start <= visit.window_end):
        raise InvalidInput("the planned start is outside the visit's window", field="planned_start")
    session.execute(delete(VisitCarer).where(VisitCarer.visit_id == visit.id))
    session.add_all(
        VisitCarer(visit_id=visit.id, care_worker_id=w.id, planned_start=planned_start)
        for w in workers
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="visit.carers_assigned",
        entity="visit",
        entity_id=visit.id,
        care_worker_ids=care_worker_ids,
        planned_start=planned_start.isoformat() if planned_start else None,
    )
    return visit


def _round_carers(session: Session, plan_id: int) -> dict[int, dict[int, datetime]]:
    """Pattern slot to the carers whose rounds visit it, with each one's planned start."""
    planned: dict[int, dict[int, datetime]] = defaultdict(dict)
    for stop, worker_id in session.execute(
        select(RoundStop, Round.care_worker_id)
        .join(Round, RoundStop.round_id == Round.id)
        .where(Round.plan_id == plan_id)
        .order_by(RoundStop.id)
    ):
        planned[stop.package_visit_id].setdefault(worker_id, stop.planned_start)
    return planned


def carers_from_rounds(
    session: Session, *, actor: Actor, at: datetime, provider_id: int, day: date
) -> int:
    """Puts each saved round's carers on that day's visits; returns the visits filled.

    A visit that has started keeps its carers. A visit the rounds left out keeps what it
    had, so a manager's hand placement of an unassigned visit survives a re-run.
    """
    require(actor, Permission.MANAGE_DELIVERY)
    if actor.role is Role.PROVIDER_MANAGER and actor.organisation_id != provider_id:
        raise Forbidden("a provider fills only its own visits")
    plan_id = session.scalar(
        select(RoundPlan.id).where(RoundPlan.provider_id == provider_id, RoundPlan.day == day)
    )
    if plan_id is None:
        raise Conflict(f"no rounds are saved for {day.isoformat()}: plan them first", field="day")
    planned = _round_carers(session, plan_id)
    visits = session.scalars(
        select(Visit)
        .where(
            Visit.provider_id == provider_id,
            Visit.day == day,
            Visit.source == "pattern",
            Visit.package_visit_id.in_(list(planned)),
            Visit.status == VisitStatus.PLANNED.value,
        )
        .order_by(Visit.id)
        .with_for_update()
    ).all()
    started = set(
        session.scalars(
            select(Attendance.visit_id).where(Attendance.visit_id.in_([v.id for v in visits]))
        )
    )
    targets = [v for v in visits if v.id not in started]
    session.execute(delete(VisitCarer).where(VisitCarer.visit_id.in_([v.id for v in targets])))
    for visit in targets:
        for worker_id, start in planned[visit.source_id].items():
            session.add(
                VisitCarer(visit_id=visit.id, care_worker_id=worker_id, planned_start=start)
            )
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="visits.carers_from_rounds",
        entity="round_plan",
        entity_id=plan_id,
        day=day.isoformat(),
        visits=len(targets),
    )
    return len(targets)
