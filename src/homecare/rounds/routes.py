"""HTTP routes for rounds: the day's rounds, as data and as GeoJSON, and re-optimising."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from homecare.access import Permission, load_readable, require
from homecare.errors import InvalidInput, NotFound
from homecare.http import PathId, RequestContext, WrittenDate, authenticated
from homecare.jobs import start_job
from homecare.rounds.repository import (
    plan_of_day,
    plan_read,
    readable_rounds,
    round_read,
    rounds_as_geojson,
    rounds_of_day,
    search_of_day,
)
from homecare.rounds.schemas import (
    GeoJson,
    OptimiseDay,
    PlanRead,
    RoundRead,
    SearchRead,
    StartSearch,
)
from homecare.rounds.searches import run_search, start_search, undo_search
from homecare.rounds.service import optimise_day
from homecare.rounds.tables import Round
from homecare.rounds.travel import travel_source

router = APIRouter(tags=["rounds"])


@router.get("/rounds", response_model=list[RoundRead])
def list_rounds(
    day: Annotated[WrittenDate, Query(description="The day, e.g. 2026-11-02")],
    ctx: RequestContext = Depends(authenticated),
) -> list[RoundRead]:
    """A provider manager sees every round of their provider; a care worker their own."""
    with ctx.transaction() as (session, actor):
        return rounds_of_day(session, actor, day)


@router.get("/rounds/geojson", response_model=GeoJson)
def rounds_geojson(
    day: Annotated[WrittenDate, Query(description="The day, e.g. 2026-11-02")],
    ctx: RequestContext = Depends(authenticated),
) -> GeoJson:
    """Each round as a line through its stops, and each stop as a point: for any map."""
    with ctx.transaction() as (session, actor):
        return rounds_as_geojson(session, actor, day)


@router.get("/rounds/{round_id}", response_model=RoundRead)
def get_round(round_id: PathId, ctx: RequestContext = Depends(authenticated)) -> RoundRead:
    with ctx.transaction() as (session, actor):
        return round_read(
            session, load_readable(session, readable_rounds(actor), Round, round_id, "round")
        )


@router.get("/round-plans/{day}", response_model=PlanRead)
def get_plan(day: WrittenDate, ctx: RequestContext = Depends(authenticated)) -> PlanRead:
    """The provider's plan for the day: its measures beside the hand-planned baseline, and
    every visit it could not place with the reason."""
    with ctx.transaction() as (session, actor):
        require(actor, Permission.MANAGE_WORKFORCE)
        plan = plan_of_day(session, actor, day)
        if plan is None:
            raise NotFound(f"no rounds planned for {day.isoformat()}")
        return plan_read(plan, session)


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
        return plan_read(outcome.plan, session)


@router.post("/round-plans/{day}/searches", response_model=SearchRead, status_code=202)
def start_day_search(
    day: WrittenDate,
    body: StartSearch,
    ctx: RequestContext = Depends(authenticated),
) -> SearchRead:
    """Starts re-optimising the day as a job (202); read its progress at
    `/round-searches/{id}`.
    When done, the day's plan is replaced and the old one kept for `POST .../undo`."""
    with ctx.transaction() as (session, actor):
        search = start_search(session, actor=actor, at=ctx.now(), day=day, seconds=body.time_limit)
        read = search_of_day(session, actor, day, search.id, ctx.now())
    start_job(
        "round-search",
        run_search, ctx.engine, read.id, actor=actor, now=ctx.clock.now,
        travel=travel_source(ctx.settings),
    )  # fmt: skip
    return read


@router.get("/round-searches/{search_id}", response_model=SearchRead)
def get_search(search_id: PathId, ctx: RequestContext = Depends(authenticated)) -> SearchRead:
    """Where a re-optimisation stands and, once done, the plan's figures before and after."""
    with ctx.transaction() as (session, actor):
        require(actor, Permission.MANAGE_WORKFORCE)
        return search_of_day(session, actor, None, search_id, ctx.now())


@router.post("/round-plans/{day}/undo", response_model=SearchRead)
def undo_day_search(day: WrittenDate, ctx: RequestContext = Depends(authenticated)) -> SearchRead:
    """Puts back the plan the day's last re-optimisation replaced, while its plan is still
    the day's (409 otherwise)."""
    with ctx.transaction() as (session, actor):
        search = undo_search(session, actor=actor, at=ctx.now(), day=day)
        return search_of_day(session, actor, day, search.id, ctx.now())
