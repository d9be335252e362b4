"""Round queries: which rounds an actor may read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from homecare.access import Actor, scoped
from homecare.delivery.tables import Visit, VisitCarer
from homecare.errors import NotFound
from homecare.pattern import start_window
from homecare.people.tables import Person
from homecare.rounds.day import due_visits, split_night
from homecare.rounds.schemas import (
    GeoJson,
    NightCareRead,
    PlanRead,
    RoundRead,
    SearchFigure,
    SearchRead,
    StopRead,
    UnassignedRead,
)
from homecare.rounds.searches import is_stalled, search_figures
from homecare.rounds.tables import Round, RoundPlan, RoundSearch
from homecare.workforce.tables import CareWorker


def readable_rounds(actor: Actor) -> Select[Any]:
    """A provider's managers see its rounds; a care worker sees only their own."""
    return scoped(
        actor,
        select(Round),
        provider=lambda org: Round.provider_id == org,
        care_worker=lambda worker_id: Round.care_worker_id == worker_id,
    )


def readable_round_plans(actor: Actor) -> Select[Any]:
    """A day's plan is its provider's managers' to see."""
    return scoped(actor, select(RoundPlan), provider=lambda org: RoundPlan.provider_id == org)


def round_read(session: Session, r: Round) -> RoundRead:
    worker = session.get(CareWorker, r.care_worker_id)
    assert worker is not None
    people = {
        p.id: p
        for p in session.scalars(
            select(Person).where(Person.id.in_([s.person_id for s in r.stops]))
        )
    }
    return RoundRead(
        id=r.id,
        care_worker_id=worker.id,
        care_worker_name=worker.name,
        day=r.day,
        shift_start=r.shift_start,
        shift_end=r.shift_end,
        break_start=r.break_start,
        break_minutes=r.break_minutes,
        travel_mode=r.travel_mode,
        travel_minutes=r.travel_minutes,
        contact_minutes=r.contact_minutes,
        stops=[
            StopRead(
                sequence=s.sequence,
                person_id=s.person_id,
                person_name=f"{people[s.person_id].given_name} {people[s.person_id].family_name}",
                address=people[s.person_id].address,
                postcode=people[s.person_id].postcode,
                planned_start=s.planned_start,
                window_start=s.window_start,
                window_end=s.window_end,
                minutes=s.minutes,
                travel_minutes=s.travel_minutes,
                carers=s.carers,
                partner_care_worker_id=s.partner_care_worker_id,
                latitude=s.latitude,
                longitude=s.longitude,
            )
            for s in r.stops
        ],
    )


def night_care_on(session: Session, provider_id: int, day: date) -> list[NightCareRead]:
    """The provider's night sitting and sleep-ins due on the day, each with the carers put
    on that night's visit, if any: listed beside the day's rounds, on the API and the page."""
    due = due_visits(session, provider_id, day)
    _, night = split_night(due)
    people = {v.id: p.id for v, p in due}
    carers: dict[int, list[str]] = {}
    if night:
        rows = session.execute(
            select(Visit.package_visit_id, CareWorker.name)
            .join(VisitCarer, VisitCarer.visit_id == Visit.id)
            .join(CareWorker, VisitCarer.care_worker_id == CareWorker.id)
            .where(
                Visit.provider_id == provider_id,
                Visit.day == day,
                Visit.package_visit_id.in_([v.id for v in night]),
            )
            .order_by(VisitCarer.id)
        )
        for slot, name in rows:
            if slot is not None:
                carers.setdefault(slot, []).append(name)
    return [
        NightCareRead(
            package_visit_id=v.id,
            person_id=people[v.id],
            kind=v.kind,
            starts=v.at or start_window(v.band)[0].strftime("%H:%M"),
            minutes=v.minutes,
            carers=v.carers,
            care_worker_names=carers.get(v.id, []),
        )
        for v in night
    ]


def night_care_of(session: Session, plan: RoundPlan) -> list[NightCareRead]:
    """The night sitting and sleep-ins due on the plan's day, listed beside its rounds."""
    return night_care_on(session, plan.provider_id, plan.day)


def plan_read(plan: RoundPlan, session: Session | None = None) -> PlanRead:
    """The plan; given the session, with the night care staffed apart from it."""
    return PlanRead(
        id=plan.id,
        provider_id=plan.provider_id,
        day=plan.day,
        optimised_at=plan.optimised_at,
        seconds=plan.seconds,
        measures=plan.measures,
        rounds=len(plan.rounds),
        unassigned=[UnassignedRead.model_validate(u) for u in plan.unassigned],
        night_care=night_care_of(session, plan) if session is not None else [],
    )


def rounds_of_day(session: Session, actor: Actor, day: date) -> list[RoundRead]:
    """A provider manager sees every round of their provider; a care worker their own."""
    stmt = readable_rounds(actor).where(Round.day == day).order_by(Round.id)
    return [round_read(session, r) for r in session.scalars(stmt)]


def plan_of_day(session: Session, actor: Actor, day: date) -> RoundPlan | None:
    return session.scalars(readable_round_plans(actor).where(RoundPlan.day == day)).first()


def rounds_as_geojson(session: Session, actor: Actor, day: date) -> GeoJson:
    """Each round as a line through its stops, and each stop as a point: for any map."""
    features: list[dict[str, Any]] = []
    for r in session.scalars(readable_rounds(actor).where(Round.day == day)):
        coordinates = [[s.longitude, s.latitude] for s in r.stops]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coordinates},
                "properties": {
                    "round_id": r.id,
                    "care_worker_id": r.care_worker_id,
                    "travel_mode": r.travel_mode,
                    "travel_minutes": r.travel_minutes,
                },
            }
        )
        features += [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.longitude, s.latitude]},
                "properties": {
                    "round_id": r.id,
                    "sequence": s.sequence,
                    "planned_start": s.planned_start.isoformat(),
                    "carers": s.carers,
                    "person_id": s.person_id,
                },
            }
            for s in r.stops
        ]
    return GeoJson(features=features)


def readable_searches(actor: Actor) -> Select[Any]:
    """A provider's re-optimisations are its managers' to see."""
    return scoped(actor, select(RoundSearch), provider=lambda org: RoundSearch.provider_id == org)


def search_read(search: RoundSearch, now: datetime) -> SearchRead:
    stalled = is_stalled(search, now)
    return SearchRead(
        id=search.id,
        day=search.day,
        state="failed" if stalled else search.state,
        seconds=search.seconds,
        requested_at=search.requested_at,
        started_at=search.started_at,
        finished_at=search.finished_at,
        message="The search stopped without finishing. Start it again."
        if stalled
        else search.message,
        plan_id=search.plan_id,
        had_plan_before=search.previous is not None,
        figures=[SearchFigure(**row) for row in search_figures(search)],
    )


def search_of_day(
    session: Session, actor: Actor, day: date | None, search_id: int, now: datetime
) -> SearchRead:
    """One re-optimisation the actor may see (of the day, when a day is given)."""
    stmt = readable_searches(actor).where(RoundSearch.id == search_id)
    if day is not None:
        stmt = stmt.where(RoundSearch.day == day)
    search = session.scalars(stmt).first()
    if search is None:
        raise NotFound(f"no re-optimisation {search_id}")
    return search_read(search, now)


def latest_search(session: Session, actor: Actor, day: date, now: datetime) -> SearchRead | None:
    """The day's most recent re-optimisation, for the page's undo and progress."""
    search = session.scalars(
        readable_searches(actor).where(RoundSearch.day == day).order_by(RoundSearch.id.desc())
    ).first()
    return search_read(search, now) if search is not None else None
