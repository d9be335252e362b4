"""The provider manager's day: rounds on a map and as a timeline, re-optimising and putting
carers on visits.

Every page reads through the same repository reads and services as the HTTP API
(`/rounds`, `/round-plans/{day}`, `/rounds/optimise`, `/rounds/{day}/visits`), so a page
never shows more than the API would.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor
from homecare.calendar import local_date
from homecare.config import Settings
from homecare.delivery.schedule import carers_from_rounds
from homecare.errors import Conflict
from homecare.geo.repository import points_within
from homecare.http import PathId, WrittenDate
from homecare.jobs import start_job
from homecare.people.repository import person_names
from homecare.rounds.repository import (
    night_care_on,
    plan_of_day,
    rounds_of_day,
    search_of_day,
)
from homecare.rounds.schemas import SearchRead
from homecare.rounds.searches import run_search, start_search, undo_search
from homecare.rounds.service import planning_provider
from homecare.rounds.tables import RoundPlan
from homecare.rounds.travel import travel_source
from homecare.web import forms
from homecare.web.commissioner_view import policy_with_tiles
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import format_hours, sentence, visit_kind_name
from homecare.web.render import SECURITY_HEADERS, WebRoute, redirect, render
from homecare.web.rounds_day import late_visits, partner_names, round_colour, summaries
from homecare.web.rounds_view import (
    area_features,
    build_timeline,
    clock,
    day_features,
    long_day,
    window_text,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TIME_LIMIT = (1, 30, 5)
"""Seconds of search a manager may ask for: least, most and the default."""
MODES = {"walk": "Walks", "cycle": "Cycles", "drive": "Drives"}


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


def _night_care(
    session: Session, actor: Actor, provider_id: int, day: date
) -> list[dict[str, str]]:
    """The night's sittings and sleep-ins, as the API's plan lists them, in words."""
    night = night_care_on(session, provider_id, day)
    names = person_names(session, actor, {n.person_id for n in night})
    return [
        {
            "person": names.get(n.person_id, f"Person {n.person_id}"),
            "kind": visit_kind_name(n.kind),
            "starts": clock(int(n.starts[:2]) * 60 + int(n.starts[3:])),
            "hours": format_hours(n.minutes / 60),
            "carer": ", ".join(n.care_worker_names) or "No carer yet",
        }
        for n in night
    ]


def _undoable(
    session: Session, me: SignedIn, day: date, plan: RoundPlan | None, now: datetime
) -> SearchRead | None:
    """The re-optimisation that saved the day's plan, which undo would take back."""
    if plan is None or plan.search_id is None:
        return None
    search = search_of_day(session, me.actor, day, plan.search_id, now)
    return search if search.state == "done" else None


def _day_page(
    request: Request,
    session: Session,
    me: SignedIn,
    day: date,
    now: datetime,
    ctx_settings: Settings,
    *,
    carer: int | None = None,
    search: int | None = None,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    provider_id = planning_provider(me.actor)
    plan = plan_of_day(session, me.actor, day)
    every_round = rounds_of_day(session, me.actor, day)
    colours = [round_colour(index) for index in range(len(every_round))]
    picked = [
        (c, r) for c, r in zip(colours, every_round, strict=True) if r.care_worker_id == carer
    ]
    shown = [r for _, r in picked] if picked else every_round
    shown_colours = [c for c, _ in picked] if picked else colours
    figures = None
    if search is not None:
        finished = search_of_day(session, me.actor, day, search, now)
        figures = finished if finished.state in ("done", "undone") else None
    tiles = ctx_settings.map_tiles_url
    page = render(
        request,
        "rounds/day.html",
        title=f"Rounds for {long_day(day)}",
        day=day,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
        plan=plan,
        measures=plan.measures if plan else {},
        summaries=summaries(every_round),
        picked=picked[0][1] if picked else None,
        picked_colour=picked[0][0] if picked else None,
        partners=partner_names(every_round),
        late=late_visits(shown),
        unplaced=_unplaced(session, me.actor, plan),
        night=_night_care(session, me.actor, provider_id, day),
        timeline=build_timeline(shown, shown_colours, detail=bool(picked)),
        search=figures,
        undo=_undoable(session, me, day, plan, now),
        limits=TIME_LIMIT,
        modes=MODES,
        done=done,
        errors=errors,
        values=values or {"time-limit": str(TIME_LIMIT[2])},
        tiles=tiles,
        attribution=ctx_settings.map_tiles_attribution,
    )
    if tiles:
        policy = SECURITY_HEADERS["Content-Security-Policy"]
        page.headers["Content-Security-Policy"] = policy_with_tiles(policy, tiles)
    return page


DONE = {
    "optimised": "Rounds re-optimised. The plan's figures before and after are below.",
    "undone": "Re-optimisation undone: the rounds are back as they were before it.",
}


def _done(done: str | None, assigned: int | None) -> str | None:
    if done == "assigned" and assigned is not None:
        visits = "1 visit" if assigned == 1 else f"{assigned} visits"
        return f"Carers put on {visits} from the saved rounds."
    return DONE.get(done or "")


@router.get("/app/rounds/{day}/area.geojson")
def rounds_area(day: WrittenDate, ctx: WebContext = Depends(web_context)) -> Response:
    """The map's background: LSOA boundaries and postcode points around the day's stops."""
    with ctx.transaction() as (session, me):
        planning_provider(me.actor)
        rounds = rounds_of_day(session, me.actor, day)
        features = area_features(rounds, lambda *box: points_within(session, *box))
        return JSONResponse(
            {"type": "FeatureCollection", "features": features},
            media_type="application/geo+json",
            headers={"Cache-Control": "private, max-age=3600"},
        )


@router.get("/app/rounds/{day}.geojson")
def rounds_map_data(day: WrittenDate, ctx: WebContext = Depends(web_context)) -> Response:
    """The map's lines and stops, for the signed-in provider's rounds only."""
    with ctx.transaction() as (session, me):
        planning_provider(me.actor)
        rounds = rounds_of_day(session, me.actor, day)
        colours = [round_colour(index) for index in range(len(rounds))]
        return JSONResponse(
            {"type": "FeatureCollection", "features": day_features(rounds, colours)},
            media_type="application/geo+json",
        )


@router.get("/app/rounds")
def rounds_today(
    request: Request,
    done: str | None = None,
    assigned: int | None = None,
    carer: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        now = ctx.now()
        return _day_page(
            request, session, me, local_date(now), now, ctx.settings,
            carer=forms.record_id(carer), done=_done(done, assigned),
        )  # fmt: skip


@router.get("/app/rounds/{day}")
def rounds_of_the_day(
    request: Request,
    day: WrittenDate,
    done: str | None = None,
    assigned: int | None = None,
    carer: str | None = None,
    search: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _day_page(
            request, session, me, day, ctx.now(), ctx.settings,
            carer=forms.record_id(carer), search=forms.record_id(search),
            done=_done(done, assigned),
        )  # fmt: skip


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
    """Starts a search for the day as a job and shows its progress; the job replaces the
    saved plan when it finishes, keeping the old one for undo."""
    errors: dict[str, str] = {}
    seconds = _time_limit(form, errors)
    with ctx.transaction(form) as (session, me):
        planning_provider(me.actor)
        if not errors:
            try:
                search = start_search(
                    session, actor=me.actor, at=ctx.now(), day=day, seconds=seconds
                )
            except Conflict as exc:
                errors["optimise"] = sentence(exc.message)
        if errors:
            return _day_page(
                request,
                session,
                me,
                day,
                ctx.now(),
                ctx.settings,
                errors=errors,
                values=forms.values(form),
            )
        actor, search_id = me.actor, search.id
    start_job(
        "round-search",
        run_search, ctx.engine, search_id, actor=actor, now=ctx.clock.now,
        travel=travel_source(ctx.settings),
    )  # fmt: skip
    return redirect(f"/app/rounds/{day.isoformat()}/searches/{search_id}")


@router.get("/app/rounds/{day}/searches/{search_id}")
def search_progress(
    request: Request,
    day: WrittenDate,
    search_id: PathId,
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Where the search stands, updating itself (htmx, or a refresh without JavaScript);
    once it has finished, the day's rounds with the figures before and after."""
    with ctx.transaction() as (session, me):
        planning_provider(me.actor)
        search = search_of_day(session, me.actor, day, search_id, ctx.now())
        if search.state in ("done", "undone"):
            target = f"/app/rounds/{day.isoformat()}?search={search.id}&done=optimised"
            if request.headers.get("HX-Request"):
                return Response(status_code=200, headers={"HX-Redirect": target})
            return redirect(target)
        elapsed = 0.0
        if search.started_at is not None:
            elapsed = min(search.seconds, (ctx.now() - search.started_at).total_seconds())
        return render(
            request,
            "rounds/search.html",
            title=f"Re-optimising {long_day(day)}",
            day=day,
            search=search,
            elapsed=max(elapsed, 0.0),
            refresh=1,
        )


@router.post("/app/rounds/{day}/undo")
def undo(
    request: Request,
    day: WrittenDate,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Puts back the plan the day's last re-optimisation replaced."""
    with ctx.transaction(form) as (session, me):
        try:
            undo_search(session, actor=me.actor, at=ctx.now(), day=day)
        except Conflict as exc:
            errors = {"undo": sentence(exc.message)}
            return _day_page(request, session, me, day, ctx.now(), ctx.settings, errors=errors)
        return redirect(f"/app/rounds/{day.isoformat()}?done=undone")


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
            return _day_page(request, session, me, day, ctx.now(), ctx.settings, errors=errors)
        return redirect(f"/app/rounds/{day.isoformat()}?done=assigned&assigned={assigned}")
