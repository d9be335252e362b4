"""The provider manager's day: rounds on a map and as a timeline, re-optimising, care workers
and the monitoring returns to download.

Every page reads through the same repository reads and services as the HTTP API
(`/rounds`, `/round-plans/{day}`, `/rounds/optimise`, `/rounds/{day}/visits`,
`/care-workers`, `/monitoring/returns`), so a page never shows more than the API would.
"""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor
from homecare.calendar import local_date
from homecare.delivery.repository import visits_per_carer
from homecare.delivery.schedule import carers_from_rounds
from homecare.errors import Conflict, InvalidInput
from homecare.http import PathId, WrittenDate
from homecare.market.repository import contracted_providers
from homecare.monitoring.periods import PeriodKind
from homecare.monitoring.service import compute_return, require_monitoring, return_provider
from homecare.people.repository import person_names
from homecare.returns.download import return_file
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
    return_periods,
    shift_rows,
    window_text,
)
from homecare.workforce.repository import care_workers_by_name, load_care_worker

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TIME_LIMIT = (1, 30, 5)
"""Seconds of search a manager may ask for: least, most and the default."""
MODES = {"walk": "Walks", "cycle": "Cycles", "drive": "Drives"}
CONTRACTS = {
    "salaried_block": "Salaried (block of hours)",
    "guaranteed_hours": "Guaranteed hours",
    "zero_hours": "Zero hours",
}
PERIOD_KINDS = {
    PeriodKind.WEEK.value: "Week",
    PeriodKind.FOUR_WEEKS.value: "4-week period",
    PeriodKind.MONTH.value: "Calendar month",
    PeriodKind.QUARTER.value: "Quarter",
    PeriodKind.HALF.value: "Half year",
    PeriodKind.YEAR.value: "Year",
}
FORMATS = {"xlsx": "Excel workbook (.xlsx)", "csv": "CSV (comma-separated values)"}
AS_AT_CHOICES = {
    "settled": "The end of the period (the figures stay the same whenever it is downloaded)",
    "now": "Now",
}


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


# --- care workers -------------------------------------------------------------------------


@router.get("/app/care-workers")
def care_workers(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        planning_provider(me.actor)
        today = local_date(ctx.now())
        workers = care_workers_by_name(session, me.actor)
        return render(
            request,
            "rounds/care_workers.html",
            title="Care workers",
            workers=[(w, shift_rows(w)) for w in workers],
            visits=visits_per_carer(session, me.actor, today),
            today=today,
            modes=MODES,
        )


@router.get("/app/care-workers/{care_worker_id}")
def care_worker(
    request: Request, care_worker_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        planning_provider(me.actor)
        worker = load_care_worker(session, me.actor, care_worker_id)
        today = local_date(ctx.now())
        mine = [r for r in rounds_of_day(session, me.actor, today) if r.care_worker_id == worker.id]
        return render(
            request,
            "rounds/care_worker.html",
            title=worker.name,
            worker=worker,
            shifts=shift_rows(worker),
            worker_round=mine[0] if mine else None,
            visits_today=visits_per_carer(session, me.actor, today)[worker.id],
            today=today,
            modes=MODES,
            contracts=CONTRACTS,
        )


# --- monitoring returns -------------------------------------------------------------------


def _returns_page(
    request: Request,
    session: Session,
    me: SignedIn,
    today: date,
    kind: str,
    *,
    errors: dict[str, str] | None = None,
    chosen: dict[str, str] | None = None,
) -> Response:
    kind = kind if kind in PERIOD_KINDS else PeriodKind.FOUR_WEEKS.value
    providers = contracted_providers(session, me.actor) if me.actor.is_council else []
    return render(
        request,
        "rounds/returns.html",
        title="Monitoring returns",
        kind=kind,
        kinds=[(value, label, None) for value, label in PERIOD_KINDS.items()],
        periods=return_periods(kind, today),
        providers=[(p.id, p.name) for p in providers],
        formats=[(value, label, None) for value, label in FORMATS.items()],
        as_at_choices=[(value, label, None) for value, label in AS_AT_CHOICES.items()],
        chosen=chosen or {},
        errors=errors,
    )


@router.get("/app/returns")
def returns(
    request: Request,
    kind: str = PeriodKind.FOUR_WEEKS.value,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        require_monitoring(me.actor)
        return _returns_page(request, session, me, local_date(ctx.now()), kind)


@router.get("/app/returns/download")
def download_return(
    request: Request,
    period: str = "",
    provider: str = "",
    file_type: str = Query(default="xlsx", alias="format"),
    kind: str = PeriodKind.FOUR_WEEKS.value,
    as_at: str = "settled",
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The return as `/monitoring/returns` gives it: a provider only ever gets its own."""
    with ctx.transaction() as (session, me):
        require_monitoring(me.actor)
        provider_id = return_provider(me.actor, forms.record_id(provider))
        errors: dict[str, str] = {}
        if file_type not in FORMATS:
            errors["format"] = "Select the kind of file to download"
        else:
            try:
                report = compute_return(
                    session,
                    actor=me.actor,
                    period=period,
                    provider_id=provider_id,
                    now=ctx.now(),
                    settings=ctx.settings,
                    as_at_now=as_at == "now",
                )
            except InvalidInput:
                errors["period"] = "Select the period the return is for"
        if errors:
            chosen = {"period": period, "provider": provider, "format": file_type, "as_at": as_at}
            today = local_date(ctx.now())
            return _returns_page(request, session, me, today, kind, errors=errors, chosen=chosen)
    return return_file(report, file_type)
