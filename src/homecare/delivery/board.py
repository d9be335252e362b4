"""The live board: where a day's visits stand at a moment, for the provider's manager, and
the same counts per provider for the council, with no one's name in them.

One read for both the board page and `GET /live/...`, so a page and the API never differ.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor, Permission, require
from homecare.delivery.outcomes import Thresholds
from homecare.delivery.repository import alerts_of, day_states, readable_notes
from homecare.delivery.tables import Attendance, CallEvent, Visit, VisitCarer
from homecare.delivery.today import LiveState, count_states
from homecare.errors import Forbidden
from homecare.market.tables import Organisation
from homecare.people.repository import person_names
from homecare.workforce.repository import readable_care_workers


@dataclass(frozen=True)
class BoardVisit:
    visit_id: int
    person_id: int
    person_name: str
    window_start: datetime
    window_end: datetime
    planned_minutes: int
    state: LiveState
    carers: list[str]
    checked_in_at: datetime | None


@dataclass(frozen=True)
class BoardAlert:
    alert_id: int
    visit_id: int
    kind: str
    raised_at: datetime
    person_name: str


@dataclass(frozen=True)
class BoardNote:
    visit_id: int
    occurred_at: datetime
    carer: str
    person_name: str
    text: str


@dataclass(frozen=True)
class CarerWhereabouts:
    care_worker_id: int
    name: str
    where: str
    """"With <person> since <time>", "Last left <person> at <time>" or "Not started"."""
    since: datetime | None
    with_someone: bool


@dataclass
class ProviderBoard:
    day: date
    as_at: datetime
    counts: dict[str, int]
    visits: list[BoardVisit] = field(default_factory=list)
    alerts: list[BoardAlert] = field(default_factory=list)
    notes: list[BoardNote] = field(default_factory=list)
    carers: list[CarerWhereabouts] = field(default_factory=list)


@dataclass(frozen=True)
class ProviderCounts:
    provider_id: int
    provider_name: str
    counts: dict[str, int]


def provider_board(
    session: Session, actor: Actor, day: date, now: datetime, thresholds: Thresholds
) -> ProviderBoard:
    """The actor's visits of the day with where each stands, the open alerts, the day's
    notes and where each carer is: everything a manager watches through the day."""
    require(actor, Permission.MANAGE_DELIVERY)
    if not actor.is_provider:
        raise Forbidden("the live board is a provider's; the council sees the day's counts")
    states = day_states(session, actor, day, now, thresholds)
    visits = [v for v, _ in states]
    names = person_names(session, actor, {v.person_id for v in visits})
    workers = {w.id: w.name for w in session.scalars(readable_care_workers(actor))}
    carers_of = _carers_of(session, [v.id for v in visits])
    arrived = _first_check_ins(session, [v.id for v in visits])
    board = ProviderBoard(day, now, count_states(s for _, s in states))
    board.visits = [
        BoardVisit(
            v.id,
            v.person_id,
            names.get(v.person_id, "Someone"),
            v.window_start,
            v.window_end,
            v.planned_minutes,
            state,
            [workers.get(w, "A care worker") for w in carers_of.get(v.id, [])],
            arrived.get(v.id),
        )
        for v, state in states
    ]
    by_id = {v.id: v for v in visits}
    board.alerts = [
        BoardAlert(
            a.id, a.visit_id, a.kind, a.raised_at, names.get(by_id[a.visit_id].person_id, "")
        )
        for a in alerts_of(session, actor, open_only=True)
        if a.visit_id in by_id
    ]
    board.notes = _notes(session, actor, by_id, names, workers)
    board.carers = _whereabouts(session, by_id, names, workers, now)
    return board


def council_counts(
    session: Session, actor: Actor, day: date, now: datetime, thresholds: Thresholds
) -> list[ProviderCounts]:
    """Each provider's visits of the day counted by where they stand; no names."""
    if not (actor.may(Permission.VIEW_KPIS) or actor.may(Permission.MANAGE_DELIVERY)):
        raise Forbidden(f"the {actor.role.value} role may not see the day's counts")
    by_provider: dict[int, list[LiveState]] = defaultdict(list)
    for visit, state in day_states(session, actor, day, now, thresholds):
        by_provider[visit.provider_id].append(state)
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(by_provider))
        ).all()
    )
    return sorted(
        (
            ProviderCounts(pid, names.get(pid, ""), count_states(s))
            for pid, s in by_provider.items()
        ),
        key=lambda p: p.provider_name,
    )


def _carers_of(session: Session, visit_ids: list[int]) -> dict[int, list[int]]:
    carers: dict[int, list[int]] = defaultdict(list)
    for visit_id, worker_id in session.execute(
        select(VisitCarer.visit_id, VisitCarer.care_worker_id)
        .where(VisitCarer.visit_id.in_(visit_ids))
        .order_by(VisitCarer.visit_id, VisitCarer.care_worker_id)
    ):
        carers[visit_id].append(worker_id)
    return carers


def _first_check_ins(session: Session, visit_ids: list[int]) -> dict[int, datetime]:
    first: dict[int, datetime] = {}
    for attendance in session.scalars(
        select(Attendance).where(
            Attendance.visit_id.in_(visit_ids), Attendance.checked_in_at.is_not(None)
        )
    ):
        at, known = attendance.checked_in_at, first.get(attendance.visit_id)
        if at is not None and (known is None or at < known):
            first[attendance.visit_id] = at
    return first


def _notes(
    session: Session,
    actor: Actor,
    visits: dict[int, Visit],
    names: dict[int, str],
    workers: dict[int, str],
) -> list[BoardNote]:
    rows = session.scalars(
        readable_notes(actor)
        .where(CallEvent.visit_id.in_(list(visits)))
        .order_by(CallEvent.occurred_at.desc(), CallEvent.id)
    )
    return [
        BoardNote(
            e.visit_id,
            e.occurred_at,
            workers.get(e.care_worker_id, "A care worker"),
            names.get(visits[e.visit_id].person_id, "Someone"),
            e.note or "",
        )
        for e in rows
    ]


def _whereabouts(
    session: Session,
    visits: dict[int, Visit],
    names: dict[int, str],
    workers: dict[int, str],
    now: datetime,
) -> list[CarerWhereabouts]:
    """Each carer on the day's visits: with whom now, or whom they left last."""
    latest: dict[int, tuple[datetime, Attendance]] = {}
    for attendance in session.scalars(
        select(Attendance).where(Attendance.visit_id.in_(list(visits)))
    ):
        moments = [m for m in (attendance.checked_in_at, attendance.checked_out_at) if m]
        moment = max((m for m in moments if m <= now), default=None)
        if moment is None:
            continue
        known = latest.get(attendance.care_worker_id)
        if known is None or moment > known[0]:
            latest[attendance.care_worker_id] = (moment, attendance)
    on_visits = {
        worker
        for (worker,) in session.execute(
            select(VisitCarer.care_worker_id).where(VisitCarer.visit_id.in_(list(visits)))
        )
    }
    found = []
    for worker in sorted(on_visits | set(latest), key=lambda w: workers.get(w, "")):
        if worker not in workers:
            continue
        if worker not in latest:
            found.append(CarerWhereabouts(worker, workers[worker], "Not started", None, False))
            continue
        moment, attendance = latest[worker]
        person = names.get(visits[attendance.visit_id].person_id, "someone")
        inside = attendance.checked_out_at is None or attendance.checked_out_at > now
        where = f"With {person}" if inside else f"Last left {person}"
        found.append(CarerWhereabouts(worker, workers[worker], where, moment, inside))
    return found


__all__ = [
    "BoardAlert",
    "BoardNote",
    "BoardVisit",
    "CarerWhereabouts",
    "ProviderBoard",
    "ProviderCounts",
    "council_counts",
    "provider_board",
]
