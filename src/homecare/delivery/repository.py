"""Visit queries: which visits, call events, attendances and alerts an actor may read."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from homecare.access import Actor, Role, load_readable, scoped
from homecare.delivery.away import standing_reports
from homecare.delivery.outcomes import Thresholds, VisitStatus
from homecare.delivery.schemas import AttendanceRead, EventKind, VisitCarerRead, VisitRead
from homecare.delivery.tables import Alert, Attendance, CallEvent, Visit, VisitCarer
from homecare.delivery.today import LiveState, live_state
from homecare.errors import Forbidden
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.workforce.tables import CareWorker


def _planned_for(worker_id: int) -> Select[Any]:
    return select(VisitCarer.visit_id).where(VisitCarer.care_worker_id == worker_id)


def readable_visits(actor: Actor) -> Select[Any]:
    """Visits: the council's, the provider's, a carer's own, a person's own."""
    return scoped(
        actor,
        select(Visit),
        council=lambda org: Visit.package_id.in_(
            select(Package.id).where(Package.council_id == org)
        ),
        provider=lambda org: Visit.provider_id == org,
        care_worker=lambda worker_id: Visit.id.in_(_planned_for(worker_id)),
        person=lambda person_id: Visit.person_id == person_id,
    )


def readable_call_events(actor: Actor) -> Select[Any]:
    """Call-monitoring events: a provider's own; a care worker's own."""
    return scoped(
        actor,
        select(CallEvent),
        provider=lambda org: CallEvent.provider_id == org,
        care_worker=lambda worker_id: CallEvent.care_worker_id == worker_id,
    )


def readable_attendance(actor: Actor) -> Select[Any]:
    """Who attended which visit: on the provider's visits; a care worker's own."""
    return scoped(
        actor,
        select(Attendance),
        provider=lambda org: Attendance.visit_id.in_(
            select(Visit.id).where(Visit.provider_id == org)
        ),
        care_worker=lambda worker_id: Attendance.care_worker_id == worker_id,
    )


def readable_alerts(actor: Actor) -> Select[Any]:
    """Alerts are the provider's to act on."""
    return scoped(actor, select(Alert), provider=lambda org: Alert.provider_id == org)


def stored_events(actor: Actor, client_event_ids: set[str]) -> Select[Any]:
    """Events already stored under the ids a batch uses.

    A provider's phones share one key space, (provider, client_event_id), so a provider's
    staff, care workers included, look up among all their provider's events.
    """
    stmt = select(CallEvent).where(CallEvent.client_event_id.in_(client_event_ids))
    if actor.is_provider:
        stmt = stmt.where(CallEvent.provider_id == actor.organisation_id)
    return stmt


_VISIT_COLUMNS = [f for f in VisitRead.model_fields if f not in ("assigned_carers", "attendances")]


def visit_reads(session: Session, visits: Sequence[Visit]) -> list[VisitRead]:
    """Visits with their carers and attendances, loaded in two queries for the lot."""
    ids = [v.id for v in visits]
    carers: dict[int, list[VisitCarerRead]] = defaultdict(list)
    attendances: dict[int, list[AttendanceRead]] = defaultdict(list)
    if ids:
        for row in session.scalars(
            select(VisitCarer)
            .where(VisitCarer.visit_id.in_(ids))
            .order_by(VisitCarer.care_worker_id)
        ):
            carers[row.visit_id].append(VisitCarerRead.model_validate(row))
        for att in session.scalars(
            select(Attendance)
            .where(Attendance.visit_id.in_(ids))
            .order_by(Attendance.care_worker_id)
        ):
            attendances[att.visit_id].append(AttendanceRead.model_validate(att))
    return [
        VisitRead.model_validate(
            {
                **{c: getattr(v, c) for c in _VISIT_COLUMNS},
                "assigned_carers": carers[v.id],
                "attendances": attendances[v.id],
            }
        )
        for v in visits
    ]


def visits_seen_by(
    session: Session,
    actor: Actor,
    *,
    day: date | None = None,
    package_id: int | None = None,
    status: VisitStatus | None = None,
) -> list[VisitRead]:
    """The visits the actor may see; a care worker's own in the order they are due."""
    stmt = readable_visits(actor)
    if day is not None:
        stmt = stmt.where(Visit.day == day)
    if package_id is not None:
        stmt = stmt.where(Visit.package_id == package_id)
    if status is not None:
        stmt = stmt.where(Visit.status == status.value)
    if actor.role is Role.CARE_WORKER:
        stmt = stmt.join(
            VisitCarer,
            (VisitCarer.visit_id == Visit.id) & (VisitCarer.care_worker_id == actor.care_worker_id),
        ).order_by(
            func.coalesce(VisitCarer.planned_start, Visit.window_start),
            Visit.window_start,
            Visit.id,
        )
    else:
        stmt = stmt.order_by(Visit.window_start, Visit.id)
    return visit_reads(session, session.scalars(stmt).all())


def visit_read(session: Session, actor: Actor, visit_id: int) -> VisitRead:
    """One visit the actor may read, with its carers; anyone else's is "not found"."""
    visit = load_readable(session, readable_visits(actor), Visit, visit_id, "visit")
    return visit_reads(session, [visit])[0]


# --- a care worker's round, as their phone shows it --------------------------------------

NOTES_LOOK_BACK = timedelta(days=14)
"""How far back the previous note is looked for: a handover, not the person's history."""

CLOSED_ELSEWHERE = {
    VisitStatus.CANCELLED_BY_PERSON.value: "cancelled",
    VisitStatus.HOSPITAL.value: "hospital",
    VisitStatus.MISSED.value: "missed",
}


def readable_visit_carers(actor: Actor) -> Select[Any]:
    """Who is planned on which visit: on the provider's visits; a care worker's own places."""
    return scoped(
        actor,
        select(VisitCarer),
        provider=lambda org: VisitCarer.visit_id.in_(
            select(Visit.id).where(Visit.provider_id == org)
        ),
        care_worker=lambda worker_id: VisitCarer.care_worker_id == worker_id,
    )


def readable_notes(actor: Actor) -> Select[Any]:
    """Notes left with recorded events: a provider's own; a care worker reads those their
    provider's carers left for the people on the worker's own visits, as a handover."""

    def handover(worker_id: int) -> Any:
        employer = select(CareWorker.provider_id).where(CareWorker.id == worker_id)
        visited = select(Visit.person_id).where(Visit.id.in_(_planned_for(worker_id)))
        to_them = select(Visit.id).where(Visit.person_id.in_(visited))
        return CallEvent.provider_id.in_(employer) & CallEvent.visit_id.in_(to_them)

    return scoped(
        actor,
        select(CallEvent).where(CallEvent.result == "applied", CallEvent.note.is_not(None)),
        provider=lambda org: CallEvent.provider_id == org,
        care_worker=handover,
    )


def require_round(actor: Actor) -> None:
    """Only an account linked to a care worker has a round."""
    if actor.role is not Role.CARE_WORKER or actor.care_worker_id is None:
        raise Forbidden("only a care worker has a round")


@dataclass(frozen=True)
class Note:
    text: str
    at: datetime
    by: str


@dataclass
class RoundVisit:
    """One visit as the carer on it needs it: who, where, what for, and how far it has got."""

    visit: Visit
    person: Person
    due: datetime | None
    attendance: Attendance | None
    not_at_home: bool
    colleagues: list[str]
    tasks: list[str]
    """The delegated healthcare tasks, by their codes."""
    previous_note: Note | None = None
    notes: list[Note] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    """The outcomes the package is for, read before check-in."""
    away_at: datetime | None = None
    """When this carer's standing "not at home" report was received: it may be undone."""

    @property
    def state(self) -> str:
        """to_do, checked_in, done, not_at_home, or why the visit is off."""
        att = self.attendance
        if att is not None and att.checked_out_at is not None:
            return "done"
        if att is not None and att.checked_in_at is not None:
            return "checked_in"
        if self.not_at_home or self.visit.status == VisitStatus.NOT_AT_HOME.value:
            return "not_at_home"
        return CLOSED_ELSEWHERE.get(self.visit.status, "to_do")

    @property
    def name(self) -> str:
        return f"{self.person.given_name} {self.person.family_name}"


def _own_places(actor: Actor) -> Select[Any]:
    """The carer's visits with when they are due, in the order the API lists them."""
    own = readable_visit_carers(actor).with_only_columns(VisitCarer.id)
    return (
        readable_visits(actor)
        .join(VisitCarer, VisitCarer.visit_id == Visit.id)
        .where(VisitCarer.id.in_(own))
        .add_columns(VisitCarer.planned_start)
        .order_by(
            func.coalesce(VisitCarer.planned_start, Visit.window_start),
            Visit.window_start,
            Visit.id,
        )
    )


def _visited(session: Session, actor: Actor, ids: set[int]) -> dict[int, Person]:
    """The people of the carer's own visits: whom they visit, and no one else."""
    visited = readable_visits(actor).with_only_columns(Visit.person_id)
    stmt = select(Person).where(Person.id.in_(ids), Person.id.in_(visited))
    return {p.id: p for p in session.scalars(stmt)}


def _colleagues(session: Session, actor: Actor, ids: list[int]) -> dict[int, list[str]]:
    """Who else of the provider's carers is on each two-handed visit."""
    own = readable_visit_carers(actor).with_only_columns(VisitCarer.id)
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(VisitCarer.visit_id, CareWorker.name)
        .join(CareWorker, CareWorker.id == VisitCarer.care_worker_id)
        .join(Visit, Visit.id == VisitCarer.visit_id)
        .where(
            VisitCarer.visit_id.in_(ids),
            VisitCarer.id.not_in(own),
            CareWorker.provider_id == Visit.provider_id,
        )
        .order_by(CareWorker.name)
    )
    for visit_id, name in rows:
        found[visit_id].append(name)
    return found


def _attach_notes(session: Session, actor: Actor, visits: list[RoundVisit]) -> None:
    """Each visit's own notes, and the last note left at an earlier visit to the person."""
    since = min(rv.visit.day for rv in visits) - NOTES_LOOK_BACK
    stmt = (
        readable_notes(actor)
        .join(Visit, Visit.id == CallEvent.visit_id)
        .join(CareWorker, CareWorker.id == CallEvent.care_worker_id)
        .where(Visit.person_id.in_({rv.person.id for rv in visits}), Visit.day >= since)
        .with_only_columns(
            CallEvent.visit_id, Visit.person_id, Visit.window_start, CallEvent, CareWorker.name
        )
        .order_by(CallEvent.occurred_at.desc(), CallEvent.id.desc())
    )
    rows = list(session.execute(stmt))
    for rv in visits:
        for visit_id, person_id, window_start, event, by in rows:
            note = Note(text=event.note or "", at=event.occurred_at, by=by)
            if visit_id == rv.visit.id:
                rv.notes.append(note)
            elif (
                person_id == rv.person.id
                and window_start < rv.visit.window_start
                and rv.previous_note is None
            ):
                rv.previous_note = note
        rv.notes.reverse()


def _round(session: Session, actor: Actor, stmt: Select[Any]) -> list[RoundVisit]:
    pairs: list[tuple[Visit, datetime | None]] = [(r[0], r[1]) for r in session.execute(stmt)]
    ids = [v.id for v, _ in pairs]
    if not ids:
        return []
    people = _visited(session, actor, {v.person_id for v, _ in pairs})
    attendance = {
        a.visit_id: a
        for a in session.scalars(readable_attendance(actor).where(Attendance.visit_id.in_(ids)))
    }
    away = standing_reports(session, ids)
    colleagues = _colleagues(session, actor, ids)
    packages = {v.package_id for v, _ in pairs}
    outcomes: dict[int, list[str]] = {
        package_id: aims
        for package_id, aims in session.execute(
            select(Package.id, Package.outcomes).where(Package.id.in_(packages))
        )
    }
    visits = [
        RoundVisit(
            visit=v,
            person=people[v.person_id],
            due=due,
            attendance=attendance.get(v.id),
            not_at_home=v.id in away,
            away_at=away.get(v.id, {}).get(actor.care_worker_id or 0),
            colleagues=colleagues.get(v.id, []),
            tasks=list(v.health_tasks),
            outcomes=list(outcomes.get(v.package_id) or []),
        )
        for v, due in pairs
    ]
    _attach_notes(session, actor, visits)
    return visits


def round_of_day(session: Session, actor: Actor, day: date) -> list[RoundVisit]:
    """The care worker's visits on the day, in the order they are due."""
    require_round(actor)
    return _round(session, actor, _own_places(actor).where(Visit.day == day))


def round_visit(session: Session, actor: Actor, visit_id: int) -> RoundVisit:
    """One of the carer's visits, any day, with its package's outcomes; another carer's is
    "not found", as in the API."""
    require_round(actor)
    load_readable(session, readable_visits(actor), Visit, visit_id, "visit")
    return _round(session, actor, _own_places(actor).where(Visit.id == visit_id))[0]


def lock_visit(session: Session, actor: Actor, visit_id: int) -> Visit:
    """The visit, locked for the rest of the transaction, so that a form sent twice at once
    finds its first copy stored."""
    return load_readable(
        session, readable_visits(actor).with_for_update(), Visit, visit_id, "visit"
    )


def first_copy(
    session: Session, actor: Actor, client_event_id: str, visit_id: int, kind: EventKind
) -> CallEvent | None:
    """The actor's own event sent before under this client id, if any."""
    stmt = readable_call_events(actor).where(
        CallEvent.client_event_id == client_event_id,
        CallEvent.visit_id == visit_id,
        CallEvent.kind == kind.value,
    )
    return session.scalars(stmt).first()


# --- visits as a person and a manager see them ---------------------------------------------


def coming_visits(
    session: Session, actor: Actor, package_id: int, first_day: date, days: int
) -> list[tuple[Visit, list[str]]]:
    """A package's visits over the coming days, with the care workers planned on each."""
    visits = list(
        session.scalars(
            readable_visits(actor)
            .where(
                Visit.package_id == package_id,
                Visit.day >= first_day,
                Visit.day < first_day + timedelta(days=days),
            )
            .order_by(Visit.window_start, Visit.id)
        )
    )
    names: dict[int, list[str]] = defaultdict(list)
    if visits:
        rows = session.execute(
            select(VisitCarer.visit_id, CareWorker.name)
            .join(CareWorker, CareWorker.id == VisitCarer.care_worker_id)
            .where(VisitCarer.visit_id.in_([v.id for v in visits]))
            .order_by(VisitCarer.id)
        )
        for visit_id, name in rows:
            names[visit_id].append(name)
    return [(v, names[v.id]) for v in visits]


def visits_per_carer(session: Session, actor: Actor, day: date) -> Counter[int]:
    """How many of the day's visits each care worker is on, among the visits the actor sees."""
    visible = readable_visits(actor).where(Visit.day == day).with_only_columns(Visit.id)
    rows = session.execute(
        select(VisitCarer.care_worker_id, func.count())
        .where(VisitCarer.visit_id.in_(visible))
        .group_by(VisitCarer.care_worker_id)
    )
    return Counter({worker_id: count for worker_id, count in rows})


def alerts_of(session: Session, actor: Actor, open_only: bool | None = None) -> list[Alert]:
    """The provider's alerts in the order raised: all, only unacknowledged, or only seen."""
    stmt = readable_alerts(actor).order_by(Alert.raised_at, Alert.id)
    if open_only is True:
        stmt = stmt.where(Alert.acknowledged_at.is_(None))
    elif open_only is False:
        stmt = stmt.where(Alert.acknowledged_at.is_not(None))
    return list(session.scalars(stmt))


def day_states(
    session: Session, actor: Actor, day: date, now: datetime, thresholds: Thresholds
) -> list[tuple[Visit, LiveState]]:
    """The day's visits the actor may read, each with where it stands at `now`."""
    visits = session.scalars(
        readable_visits(actor).where(Visit.day == day).order_by(Visit.window_start, Visit.id)
    ).all()
    return [(v, live_state(v.status, v.window_end, now, thresholds)) for v in visits]
