"""HTTP routes for rounds: the day's rounds, as data and as GeoJSON, and re-optimising."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Permission, load_readable, readable_rounds, require
from homecare.api.context import RequestContext, authenticated
from homecare.errors import InvalidInput, NotFound
from homecare.people.tables import Person
from homecare.rounds.schemas import (
    GeoJson,
    OptimiseDay,
    PlanRead,
    RoundRead,
    StopRead,
    UnassignedRead,
)
from homecare.rounds.service import optimise_day
from homecare.rounds.tables import Round, RoundPlan
from homecare.rounds.travel import travel_source
from homecare.workforce.tables import CareWorker

router = APIRouter(tags=["rounds"])


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


def plan_read(plan: RoundPlan) -> PlanRead:
    return PlanRead(
        id=plan.id,
        provider_id=plan.provider_id,
        day=plan.day,
        optimised_at=plan.optimised_at,
        seconds=plan.seconds,
        measures=plan.measures,
        rounds=len(plan.rounds),
        unassigned=[UnassignedRead.model_validate(u) for u in plan.unassigned],
    )


@router.get("/rounds", response_model=list[RoundRead])
def list_rounds(
    day: date = Query(description="The day, e.g. 2026-11-02"),
    ctx: RequestContext = Depends(authenticated),
) -> list[RoundRead]:
    """A provider manager sees every round of their provider; a care worker their own."""
    with ctx.transaction() as (session, actor):
        stmt = readable_rounds(actor).where(Round.day == day).order_by(Round.id)
        return [round_read(session, r) for r in session.scalars(stmt)]


@router.get("/rounds/geojson", response_model=GeoJson)
def rounds_geojson(
    day: date = Query(description="The day, e.g. 2026-11-02"),
    ctx: RequestContext = Depends(authenticated),
) -> GeoJson:
    """Each round as a line through its stops, and each stop as a point: for any map."""
    with ctx.transaction() as (session, actor):
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


@router.get("/rounds/{round_id}", response_model=RoundRead)
def get_round(round_id: int, ctx: RequestContext = Depends(authenticated)) -> RoundRead:
    with ctx.transaction() as (session, actor):
        return round_read(
            session, load_readable(session, readable_rounds(actor), Round, round_id, "round")
        )


@router.get("/round-plans/{day}", response_model=PlanRead)
def get_plan(day: date, ctx: RequestContext = Depends(authenticated)) -> PlanRead:
    """The provider's plan for the day: its measures beside the hand-planned baseline, and
    every visit it could not place with the reason."""
    with ctx.transaction() as (session, actor):
        require(actor, Permission.MANAGE_WORKFORCE)
        plan = session.scalar(
            select(RoundPlan).where(
                RoundPlan.provider_id == actor.organisation_id, RoundPlan.day == day
            )
        )
        if plan is None:
            raise NotFound(f"no rounds planned for {day.isoformat()}")
        return plan_read(plan)


@router.post("/rounds/optimise", response_model=PlanRead)
def optimise(body: OptimiseDay, ctx: RequestContext = Depends(authenticated)) -> PlanRead:
    """Re-optimises the provider's rounds for the day (replacing the saved ones)."""
    with ctx.transaction() as (session, actor):
        if actor.organisation_id is None or not actor.is_provider:
            raise InvalidInput("only a provider's manager plans rounds", field="day")
        outcome = optimise_day(
            session,
            actor=actor,
            at=ctx.now(),
            provider_id=actor.organisation_id,
            day=body.day,
            travel=travel_source(ctx.settings),
            time_limit=body.time_limit,
        )
        return plan_read(outcome.plan)
