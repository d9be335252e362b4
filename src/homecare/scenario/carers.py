"""Care workers on the day's visits and their phones reporting what happened.

The provider's planner puts the person's regular carers on a visit first, then the least
busy on shift; each carer's phone checks in and out through call monitoring, hour by hour
or, offline, all at once late in the evening, and a few batches arrive twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from homecare.access import Actor, Role
from homecare.calendar import LONDON
from homecare.db import unit_of_work
from homecare.delivery import call_events
from homecare.delivery.schemas import CallEventIn
from homecare.delivery.tables import Visit, VisitCarer
from homecare.scenario.stage import Stage, at
from homecare.workforce.tables import CareWorker

MISSED = 0.006
NOT_AT_HOME = 0.008
LATE = 0.035
SHORT = 0.02
RESEND_BATCH = 0.03
OFFLINE_PHONE = 0.05

Events = list[tuple[int, CallEventIn]]
"""Call-monitoring events, each with the care worker whose phone sends it."""


def plan_carers(stage: Stage, day: date, *, only_without_carers: bool = False) -> None:
    """The provider's planner: regular carers first, then the least busy on shift.

    With `only_without_carers`, visits the saved rounds already staffed keep their carers."""
    weekday = day.strftime("%a").lower()
    with unit_of_work(stage.engine) as session:
        wanted = select(Visit).where(Visit.day == day, Visit.status == "planned")
        if only_without_carers:
            staffed = select(VisitCarer.visit_id).where(VisitCarer.visit_id == Visit.id)
            wanted = wanted.where(~staffed.exists())
        visits = session.scalars(wanted.order_by(Visit.window_start, Visit.id)).all()
        workers = session.scalars(select(CareWorker).order_by(CareWorker.id)).all()
        by_provider: dict[int, list[CareWorker]] = defaultdict(list)
        for worker in workers:
            if weekday in worker.shift_pattern:
                by_provider[worker.provider_id].append(worker)
        load: Counter[int] = Counter()
        for visit in visits:
            chosen = _choose(stage, visit, by_provider[visit.provider_id], load)
            for worker in chosen:
                load[worker.id] += visit.planned_minutes
                stage.regulars[visit.person_id][worker.id] += 1
                session.add(
                    VisitCarer(
                        visit_id=visit.id,
                        care_worker_id=worker.id,
                        planned_start=visit.window_start,
                    )
                )


def _choose(
    stage: Stage, visit: Visit, on_shift: list[CareWorker], load: Counter[int]
) -> list[CareWorker]:
    local_start = visit.window_start.astimezone(LONDON).time()
    local_end = visit.window_end.astimezone(LONDON).time()
    weekday = visit.day.strftime("%a").lower()

    def covers(worker: CareWorker) -> bool:
        start, end = worker.shift_pattern[weekday]
        return start <= local_start.strftime("%H:%M") and end >= local_end.strftime("%H:%M")

    regular = stage.regulars[visit.person_id]

    def rank(pool: list[CareWorker]) -> list[CareWorker]:
        best = [w for w in pool if covers(w)] or pool
        return sorted(best, key=lambda w: (-min(regular[w.id], 5), load[w.id], w.id))

    # One trained carer leads a delegated healthcare task; a second one assists.
    trained = rank([w for w in on_shift if set(visit.health_tasks) <= set(w.skills)])
    if not trained:
        return []
    lead = trained[0]
    others = rank([w for w in on_shift if w.id != lead.id])
    return [lead, *others[: visit.carers - 1]]


def phones_send(stage: Stage, day: date, until: datetime | None = None) -> None:
    """Phones sync every hour with what happened in it; an offline phone (one in
    twenty) holds the whole day until late evening, and a few send a batch twice.

    With `until`, the day stops there: what would happen later is not sent, and every
    phone has synced within the hour, so the store stands as a live one does then (an
    offline phone's visits would otherwise show as missed until it synced at night)."""
    events_of, providers = _day_events(stage, day)
    syncs: dict[datetime, dict[int, list[CallEventIn]]] = defaultdict(dict)
    late_evening = at(day, 23, 55)
    if until is not None:
        events_of = _so_far(events_of, until)
    for worker_id, events in sorted(events_of.items()):
        offline = stage.rng.random() < OFFLINE_PHONE
        if offline and until is None:
            syncs[late_evening][worker_id] = events
            continue
        for event in events:
            hour = event.occurred_at.replace(minute=0, second=0, microsecond=0)
            sync = min(hour + timedelta(hours=1, minutes=1), late_evening)
            if until is not None:
                sync = min(sync, until)
            syncs[sync].setdefault(worker_id, []).append(event)
    for sync_at in sorted(syncs):
        with unit_of_work(stage.engine) as session:
            for worker_id, batch in syncs[sync_at].items():
                sends = 2 if stage.rng.random() < RESEND_BATCH else 1
                stage.log.batches_resent += sends - 1
                for _ in range(sends):
                    call_events.apply_events(
                        session,
                        actor=_carer(worker_id, providers[worker_id]),
                        at=sync_at,
                        events=batch,
                        settings=stage.settings,
                    )
                    stage.log.events_sent += len(batch)


def _so_far(
    events_of: dict[int, list[CallEventIn]], until: datetime
) -> dict[int, list[CallEventIn]]:
    """Each phone's events that have happened by `until`."""
    return {
        worker: kept
        for worker, events in events_of.items()
        if (kept := [e for e in events if e.occurred_at <= until])
    }


def _day_events(stage: Stage, day: date) -> tuple[dict[int, list[CallEventIn]], dict[int, int]]:
    """What each carer's phone records through the day, and each carer's provider."""
    events_of: dict[int, list[CallEventIn]] = defaultdict(list)
    providers: dict[int, int] = {}
    with unit_of_work(stage.engine) as session:
        rows = session.execute(
            select(Visit, VisitCarer.care_worker_id)
            .join(VisitCarer, VisitCarer.visit_id == Visit.id)
            .where(Visit.day == day, Visit.status == "planned")
            .order_by(Visit.id, VisitCarer.care_worker_id)
        ).all()
        by_visit: dict[int, tuple[Visit, list[int]]] = {}
        for visit, worker_id in rows:
            by_visit.setdefault(visit.id, (visit, []))[1].append(worker_id)
            providers[worker_id] = visit.provider_id
        for visit, worker_ids in by_visit.values():
            for worker_id, event in _visit_events(stage, visit, worker_ids):
                events_of[worker_id].append(event)
    return events_of, providers


def _carer(worker_id: int, provider_id: int) -> Actor:
    return Actor(
        user_id=None,
        organisation_id=provider_id,
        organisation_kind="provider",
        role=Role.CARE_WORKER,
        care_worker_id=worker_id,
    )


def _visit_events(stage: Stage, visit: Visit, worker_ids: list[int]) -> Events:
    """A visit as it went: missed, not at home, late, short or as planned."""
    rng = stage.rng
    draw = rng.random()
    if draw < MISSED:
        return []
    span = (visit.window_end - visit.window_start).total_seconds() / 60
    if draw < MISSED + NOT_AT_HOME:
        arrive = visit.window_start + timedelta(minutes=rng.uniform(0, span))
        worker = worker_ids[0]
        return [(worker, _event(stage, visit, worker, "not_at_home", arrive))]
    if draw < MISSED + NOT_AT_HOME + LATE:
        arrive = visit.window_end + timedelta(minutes=rng.uniform(20, 80))
    else:
        arrive = visit.window_start + timedelta(minutes=rng.uniform(0, span * 0.9))
    stay = visit.planned_minutes * (
        rng.uniform(0.4, 0.65) if rng.random() < SHORT else rng.gauss(1.0, 0.06)
    )
    events = []
    for worker in worker_ids:
        start = arrive + timedelta(minutes=rng.uniform(-3, 3))
        end = start + timedelta(minutes=max(5.0, stay + rng.uniform(-2, 2)))
        events.append((worker, _event(stage, visit, worker, "check_in", start)))
        events.append((worker, _event(stage, visit, worker, "check_out", end)))
    return events


def _event(stage: Stage, visit: Visit, worker: int, kind: str, when: datetime) -> CallEventIn:
    return CallEventIn(
        client_event_id=f"v{visit.id}-c{worker}-{kind}",
        visit_id=visit.id,
        kind=kind,
        occurred_at=when,
        latitude=visit.latitude + stage.rng.uniform(-0.0003, 0.0003),
        longitude=visit.longitude + stage.rng.uniform(-0.0004, 0.0004),
    )
