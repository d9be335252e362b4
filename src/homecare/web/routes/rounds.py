"""The provider manager's day: rounds on a map and as a timeline, re-optimising and putting
carers on visits.

Every page reads through the same repository reads and services as the HTTP API
(`/rounds`, `/round-plans/{day}`, `/rounds/optimise`, `/rounds/{day}/visits`), so a page
never shows more than the API would.
"""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor
from homecare.calendar import local_date
from homecare.delivery.schedule import carers_from_rounds
from homecare.errors import Conflict
from homecare.http import WrittenDate
from homecare.people.repository import person_names
from homecare.rounds.day import due_visits, on_shift
from homecare.rounds.repository import plan_of_day, rounds_of_day
from homecare.rounds.service import optimise_day, planning_provider
from homecare.rounds.tables import RoundPlan
from homecare.rounds.travel import travel_source
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.render import WebRoute, redirect, render
from homecare.web.rounds_view import (
    COLOURS,
    build_timeline,
    day_features,
    long_day,
    window_text,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TIME_LIMIT = (1, 30, 5)
"""Seconds of search a manager may ask for: least, most and the default."""
MODES = {"walk": "Walks", "cycle": "Cycles", "drive": "Drives"}


def cannot_plan(session: Session, provider_id: int, day: date) -> str | None:
    """Why the optimiser has nothing to do, in words, before it is asked to run."""
    when = long_day(day)
    if not due_visits(session, provider_id, day):
        return f"There are no visits due on {when}, so there is nothing to plan"
    if not on_shift(session, provider_id, day):
        return f"No care workers are on shift on {when}, so nobody can make the visits"
    return None


# --- the rounds pages ---------------------------------------------------------------------


def _unplaced(session: Session, actor: Actor, plan: RoundPlan | None) -> list[dict[str, str]]:
    if plan is None:
        return []
    names = person_names(session, actor, {u.person_id for u in plan.unassigned})
    rows = []
    for u in plan.unassigned:
        window = u.details.get("window", "")
        rows.append(
            {
                "person": names.get(u.person_id, f"Person {u.person_id}"),
                "window": window_text(window),
                "reason": sentence(u.reason),
            }
        )
    return rows


def _day_page(
    request: Request,
    session: Session,
    me: SignedIn,
    day: date,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    planning_provider(me.actor)
    plan = plan_of_day(session, me.actor, day)
    rounds = rounds_of_day(session, me.actor, day)
    title = f"Rounds for {long_day(day)}"
    return render(
        request,
        "rounds/day.html",
        title=title,
        day=day,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
        plan=plan,
        measures=plan.measures if plan else {},
        rounds=[(index % COLOURS, r) for index, r in enumerate(rounds)],
        unplaced=_unplaced(session, me.actor, plan),
        timeline=build_timeline(rounds),
        limits=TIME_LIMIT,
        modes=MODES,
        done=done,
        errors=errors,
        values=values or {"time-limit": str(TIME_LIMIT[2])},
    )


def _done(done: str | None, assigned: int | None) -> str | None:
    if done == "optimised":
        return "Rounds re-optimised. The new plan is shown below."
    if done == "assigned" and assigned is not None:
        visits = "1 visit" if assigned == 1 else f"{assigned} visits"
        return f"Carers put on {visits} from the saved rounds."
    return None


@router.get("/app/rounds/{day}.geojson")
def rounds_map_data(day: WrittenDate, ctx: WebContext = Depends(web_context)) -> Response:
    """The map's lines and stops, for the signed-in provider's rounds only."""
    with ctx.transaction() as (session, me):
        planning_provider(me.actor)
        features = day_features(rounds_of_day(session, me.actor, day))
        return JSONResponse(
            {"type": "FeatureCollection", "features": features},
            media_type="application/geo+json",
        )


@router.get("/app/rounds")
def rounds_today(
    request: Request,
    done: str | None = None,
    assigned: int | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _day_page(request, session, me, local_date(ctx.now()), done=_done(done, assigned))


@router.get("/app/rounds/{day}")
def rounds_of_the_day(
    request: Request,
    day: WrittenDate,
    done: str | None = None,
    assigned: int | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _day_page(request, session, me, day, done=_done(done, assigned))


def _time_limit(form: FormData, errors: dict[str, str]) -> float:
    least, most, default = TIME_LIMIT
    message = f"Enter a number of seconds from {least} to {most}"
    seconds = forms.parse_number(form, "time-limit", errors, anchor="time-limit", message=message)
    if seconds is None:
        return float(default)
    if not least <= seconds <= most:
        errors["time-limit"] = message
    return seconds


@router.post("/app/rounds/{day}/optimise")
def optimise(
    request: Request,
    day: WrittenDate,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Runs the optimiser for the day within the chosen seconds, replacing the saved plan."""
    errors: dict[str, str] = {}
    seconds = _time_limit(form, errors)
    with ctx.transaction(form) as (session, me):
        provider_id = planning_provider(me.actor)
        if not errors and (problem := cannot_plan(session, provider_id, day)):
            errors["optimise"] = problem
        if errors:
            return _day_page(request, session, me, day, errors=errors, values=forms.values(form))
        optimise_day(
            session,
            actor=me.actor,
            at=ctx.now(),
            provider_id=provider_id,
            day=day,
            travel=travel_source(ctx.settings),
            time_limit=seconds,
        )
        return redirect(f"/app/rounds/{day.isoformat()}?done=optimised")


@router.post("/app/rounds/{day}/visits")
def put_carers_on_visits(
    request: Request,
    day: WrittenDate,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Puts the carers of the saved rounds on the day's visits, as the API's route does."""
    with ctx.transaction(form) as (session, me):
        provider_id = planning_provider(me.actor)
        try:
            assigned = carers_from_rounds(
                session, actor=me.actor, at=ctx.now(), provider_id=provider_id, day=day
            )
        except Conflict as exc:
            errors = {"assign": sentence(exc.message)}
            return _day_page(request, session, me, day, errors=errors)
        return redirect(f"/app/rounds/{day.isoformat()}?done=assigned&assigned={assigned}")
