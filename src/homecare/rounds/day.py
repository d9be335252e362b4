"""One provider's day from the store, as a rounds problem, and back again.

Times are minutes after local midnight (Europe/London) on the day. Each package visit
due on that weekday becomes a visit with its time band as the window for its start; a
two-handed visit needs two carers who start together; a visit at a clock time set with the
person may start 15 minutes either side of it. Night sitting and sleep-ins are not calls
on a round: they are listed apart, as night care the provider staffs separately. Each
care worker on shift that day, and not left by then, is a carer who starts and ends at
home, travels in their own mode, and may not finish after their shift ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homecare.calendar import LONDON
from homecare.geo.distance import Point
from homecare.packages.tables import Package, PackageVisit
from homecare.pattern import NIGHT_KINDS, Day, VisitKind, parse_clock, start_window
from homecare.people.tables import Person
from homecare.rounds.model import Carer, ObjectiveKind, Problem, SyncKind, Task, Visit
from homecare.rounds.travel import TravelMatrixSource
from homecare.workforce.domain import TravelMode
from homecare.workforce.tables import CareWorker

MODES = (TravelMode.WALK, TravelMode.CYCLE, TravelMode.DRIVE)
DAYS = list(Day)


def minutes_of(clock: time) -> float:
    return clock.hour * 60 + clock.minute


def at_minutes(day: date, minutes: float) -> datetime:
    """The moment `minutes` after local midnight, correct across clock changes."""
    midnight = datetime.combine(day, time(0), LONDON)
    return (midnight.astimezone(LONDON) + timedelta(minutes=minutes)).astimezone(LONDON)


@dataclass
class DayProblem:
    """The problem plus what each of its indices means in the store."""

    day: date
    provider_id: int
    problem: Problem
    visit_refs: list[PackageVisit] = field(default_factory=list)
    visit_people: list[Person] = field(default_factory=list)
    workers: list[CareWorker] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    night_care: list[PackageVisit] = field(default_factory=list)
    """Night sitting and sleep-ins due that day: staffed apart, never 'could not place'."""


class HasKind(Protocol):
    @property
    def kind(self) -> str: ...


Due = TypeVar("Due", bound=HasKind)
Who = TypeVar("Who")


def split_night(due: Sequence[tuple[Due, Who]]) -> tuple[list[tuple[Due, Who]], list[Due]]:
    """The calls for the daytime rounds, and the night care kept out of them."""
    rounds = [(v, p) for v, p in due if VisitKind(v.kind) not in NIGHT_KINDS]
    night = [v for v, _ in due if VisitKind(v.kind) in NIGHT_KINDS]
    return rounds, night


def due_visits(session: Session, provider_id: int, day: date) -> list[tuple[PackageVisit, Person]]:
    weekday = DAYS[day.weekday()].value
    rows = session.execute(
        select(PackageVisit, Person)
        .join(Package, PackageVisit.package_id == Package.id)
        .join(Person, Package.person_id == Person.id)
        .where(
            Package.provider_id == provider_id,
            Package.status == "active",
            Package.starts_on <= day,
            or_(Package.ends_on.is_(None), Package.ends_on >= day),
            PackageVisit.day == weekday,
        )
        .order_by(PackageVisit.id)
    ).all()
    return [(v, p) for v, p in rows]


def on_shift(session: Session, provider_id: int, day: date) -> list[CareWorker]:
    weekday = DAYS[day.weekday()].value
    workers = session.scalars(
        select(CareWorker)
        .where(
            CareWorker.provider_id == provider_id,
            or_(CareWorker.left_on.is_(None), CareWorker.left_on > day),
        )
        .order_by(CareWorker.id)
    )
    return [w for w in workers if weekday in (w.shift_pattern or {})]


def break_rule(shift_start: float, shift_end: float) -> dict[str, float]:
    """A shift over six hours carries an unpaid 30-minute break, started after two hours
    and within five of the shift's start, so no stretch of work runs much past five hours
    (the Working Time Regulations ask for at least 20 minutes after six)."""
    if shift_end - shift_start <= 360:
        return {}
    return {"break_after": 300.0, "break_minutes": 30.0}


def build_day(
    session: Session, provider_id: int, day: date, travel: TravelMatrixSource
) -> DayProblem:
    visits_due, night_care = split_night(due_visits(session, provider_id, day))
    workers = on_shift(session, provider_id, day)
    points: list[Point] = []
    index: dict[Point, int] = {}

    def location(point: Point) -> int:
        key = (round(point[0], 6), round(point[1], 6))
        if key not in index:
            index[key] = len(points)
            points.append(key)
        return index[key]

    carers = []
    for worker in workers:
        start, end = worker.shift_pattern[DAYS[day.weekday()].value]
        home = location((worker.home_latitude, worker.home_longitude))
        carers.append(
            Carer(
                ident=str(worker.id),
                skills=frozenset(worker.skills),
                start_location=home,
                end_location=home,
                shift_start=minutes_of(time.fromisoformat(start)),
                shift_end=minutes_of(time.fromisoformat(end)),
                matrix=MODES.index(TravelMode(worker.travel_mode)),
                languages=frozenset(worker.languages),
                **break_rule(
                    minutes_of(time.fromisoformat(start)), minutes_of(time.fromisoformat(end))
                ),
            )
        )
    visits: list[Visit] = []
    tasks: list[Task] = []
    for visit, person in visits_due:
        earliest, latest = start_window(visit.band, parse_clock(visit.at))
        first = len(tasks)
        for place in range(visit.carers):
            # A delegated healthcare task needs one trained carer; the second of a
            # double-up assists with moving and handling.
            skill = visit.required_skill if place == 0 else None
            tasks.append(Task(len(visits), skill, float(visit.minutes)))
        visits.append(
            Visit(
                ident=str(visit.id),
                location=location((person.latitude, person.longitude)),
                earliest=minutes_of(earliest),
                latest=minutes_of(latest),
                tasks=tuple(range(first, len(tasks))),
                sync=SyncKind.SIMULTANEOUS if visit.carers > 1 else SyncKind.NONE,
                language=person.languages[0] if person.languages else None,
            )
        )
    matrices = [travel.minutes(points, mode) for mode in MODES]
    problem = Problem(
        name=f"provider {provider_id} on {day.isoformat()}",
        visits=visits,
        tasks=tasks,
        carers=carers,
        matrices=matrices,
        objective=ObjectiveKind.ROTA,
    )
    return DayProblem(
        day=day,
        provider_id=provider_id,
        problem=problem,
        visit_refs=[v for v, _ in visits_due],
        visit_people=[p for _, p in visits_due],
        workers=workers,
        points=points,
        night_care=night_care,
    )
