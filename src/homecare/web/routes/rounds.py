"""The provider manager's day: rounds on a map and as a timeline, re-optimising, care workers
and the monitoring returns to download.

Every page reads through the same `readable_*` statements and services as the HTTP API
(`/rounds`, `/rounds/geojson`, `/rounds/optimise`, `/rounds/{day}/visits`, `/care-workers`,
`/monitoring/returns`), so a page never shows more than the API would.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import (
    Actor,
    Permission,
    Role,
    load_readable,
    readable_care_workers,
    readable_rounds,
    readable_visits,
    require,
)
from homecare.calendar import LONDON, local_date
from homecare.delivery.schedule import carers_from_rounds
from homecare.delivery.tables import Visit, VisitCarer
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.market.tables import Contract, Organisation
from homecare.monitoring.periods import PeriodKind, periods_of_year
from homecare.monitoring.service import compute_return, require_monitoring
from homecare.returns.download import return_file
from homecare.rounds.day import due_visits, on_shift
from homecare.rounds.routes import round_read
from homecare.rounds.schemas import RoundRead
from homecare.rounds.service import optimise_day
from homecare.rounds.tables import Round, RoundPlan
from homecare.rounds.travel import travel_source
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import DAYS, format_date, format_time, sentence
from homecare.web.render import WebRoute, redirect, render
from homecare.web.routes.referrals import person_names
from homecare.workforce.tables import CareWorker

router = APIRouter(route_class=WebRoute, include_in_schema=False)

CLOCK_DAY = date(2026, 1, 5)
"""A day without a clock change, for writing minutes after midnight as a time of day."""
COLOURS = 8
"""Rounds take the colours `app-round-0` to `app-round-7` of rounds.css in turn."""
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
    PeriodKind.QUARTER.value: "Quarter",
    PeriodKind.YEAR.value: "Year",
}
FORMATS = {"xlsx": "Excel workbook (.xlsx)", "csv": "CSV (comma-separated values)"}


# --- who may plan -------------------------------------------------------------------------


def provider_of(actor: Actor) -> int:
    """Rounds are a provider's own: only its managers plan and see them on these pages."""
    require(actor, Permission.MANAGE_WORKFORCE)
    if actor.role is not Role.PROVIDER_MANAGER or actor.organisation_id is None:
        raise Forbidden("only a provider's manager plans rounds")
    return actor.organisation_id


def saved_plan(session: Session, provider_id: int, day: date) -> RoundPlan | None:
    return session.scalar(
        select(RoundPlan).where(RoundPlan.provider_id == provider_id, RoundPlan.day == day)
    )


def day_rounds(session: Session, actor: Actor, day: date) -> list[RoundRead]:
    stmt = readable_rounds(actor).where(Round.day == day).order_by(Round.id)
    return [round_read(session, r) for r in session.scalars(stmt)]


def long_day(day: date) -> str:
    """'Monday 23 November 2026'."""
    return f"{list(DAYS.values())[day.weekday()]} {format_date(day)}"


def clock(minute: float) -> str:
    """'7am', '2:30pm' for minutes after midnight."""
    return format_time(datetime.combine(CLOCK_DAY, time(), LONDON) + timedelta(minutes=minute))


def cannot_plan(session: Session, provider_id: int, day: date) -> str | None:
    """Why the optimiser has nothing to do, in words, before it is asked to run."""
    when = long_day(day)
    if not due_visits(session, provider_id, day):
        return f"There are no visits due on {when}, so there is nothing to plan"
    if not on_shift(session, provider_id, day):
        return f"No care workers are on shift on {when}, so nobody can make the visits"
    return None


# --- the timeline -------------------------------------------------------------------------

LABEL_WIDTH = 150
MINUTE_WIDTH = 1.0
RIGHT_MARGIN = 30
LANE_HEIGHT = 44
AXIS_HEIGHT = 28


def short_time(moment: datetime) -> str:
    """'7:04' without am or pm, to fit in a half-hour block; the axis gives the half of day."""
    local = moment.astimezone(LONDON)
    return f"{local.hour % 12 or 12}:{local.minute:02d}"


def minute_of_day(moment: datetime) -> int:
    local = moment.astimezone(LONDON)
    return local.hour * 60 + local.minute


@dataclass(frozen=True)
class Block:
    """A rectangle on one care worker's lane: a visit, the travel before it or a break."""

    kind: str
    x: float
    width: float
    label: str
    text: str = ""


@dataclass
class Lane:
    name: str
    mode: str
    colour: int
    y: int
    shift_x: float
    shift_width: float
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Timeline:
    width: float
    height: int
    hours: list[tuple[float, str]]
    lanes: list[Lane]


def build_timeline(rounds: list[RoundRead]) -> Timeline | None:
    """One lane per care worker across the hours of the day's shifts, drawn as SVG."""
    if not rounds:
        return None
    first = min(minute_of_day(r.shift_start) for r in rounds) // 60 * 60
    last = -(-max(minute_of_day(r.shift_end) for r in rounds) // 60) * 60

    def x(minute: float) -> float:
        return round(LABEL_WIDTH + (minute - first) * MINUTE_WIDTH, 1)

    def span(minutes: float) -> float:
        return round(max(minutes, 1) * MINUTE_WIDTH, 1)

    lanes = []
    for index, r in enumerate(rounds):
        start, end = minute_of_day(r.shift_start), minute_of_day(r.shift_end)
        lane = Lane(
            r.care_worker_name,
            r.travel_mode,
            index % COLOURS,
            AXIS_HEIGHT + index * LANE_HEIGHT,
            x(start),
            span(end - start),
        )
        if r.break_start is not None and r.break_minutes:
            at = minute_of_day(r.break_start)
            lane.blocks.append(
                Block(
                    "break", x(at), span(r.break_minutes), f"Break at {format_time(r.break_start)}"
                )
            )
        for s in r.stops:
            at = minute_of_day(s.planned_start)
            if s.travel_minutes >= 1:
                lane.blocks.append(
                    Block(
                        "travel",
                        x(at - s.travel_minutes),
                        span(s.travel_minutes),
                        f"{round(s.travel_minutes)} minutes' travel",
                    )
                )
            lane.blocks.append(
                Block(
                    "visit",
                    x(at),
                    span(s.minutes),
                    f"{format_time(s.planned_start)}: {s.person_name}, {s.minutes} minutes",
                    short_time(s.planned_start) if s.minutes >= 30 else "",
                )
            )
        lanes.append(lane)
    hours = [(x(m), clock(m)) for m in range(first, last + 1, 60)]
    return Timeline(x(last) + RIGHT_MARGIN, AXIS_HEIGHT + len(lanes) * LANE_HEIGHT, hours, lanes)


# --- the map's data -----------------------------------------------------------------------


def day_features(rounds: list[RoundRead]) -> list[dict[str, Any]]:
    """Lines and stops as `rounds_geojson` builds them, with the names the legend uses."""
    features: list[dict[str, Any]] = []
    for index, r in enumerate(rounds):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[s.longitude, s.latitude] for s in r.stops],
                },
                "properties": {
                    "round_id": r.id,
                    "care_worker_id": r.care_worker_id,
                    "care_worker_name": r.care_worker_name,
                    "colour": index % COLOURS,
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
                    "colour": index % COLOURS,
                    "sequence": s.sequence,
                    "planned_start": s.planned_start.isoformat(),
                    "carers": s.carers,
                    "person_id": s.person_id,
                    "label": f"{format_time(s.planned_start)} {s.person_name}"
                    f" ({r.care_worker_name})",
                },
            }
            for s in r.stops
        ]
    return features


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
                "window": _window_text(window),
                "reason": sentence(u.reason),
            }
        )
    return rows


def _window_text(window: str) -> str:
    """'7am to 10am' from the plan's '420-600' (minutes after midnight, London time)."""
    try:
        earliest, latest = (float(part) for part in window.split("-"))
    except ValueError:
        return ""
    return f"{clock(earliest)} to {clock(latest)}"


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
    provider_id = provider_of(me.actor)
    plan = saved_plan(session, provider_id, day)
    rounds = day_rounds(session, me.actor, day)
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
def rounds_map_data(day: date, ctx: WebContext = Depends(web_context)) -> Response:
    """The map's lines and stops, for the signed-in provider's rounds only."""
    with ctx.transaction() as (session, me):
        provider_of(me.actor)
        features = day_features(day_rounds(session, me.actor, day))
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
def rounds_of_day(
    request: Request,
    day: date,
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
    day: date,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Runs the optimiser for the day within the chosen seconds, replacing the saved plan."""
    errors: dict[str, str] = {}
    seconds = _time_limit(form, errors)
    with ctx.transaction(form) as (session, me):
        provider_id = provider_of(me.actor)
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
    day: date,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Puts the carers of the saved rounds on the day's visits, as the API's route does."""
    with ctx.transaction(form) as (session, me):
        provider_id = provider_of(me.actor)
        try:
            assigned = carers_from_rounds(
                session, actor=me.actor, at=ctx.now(), provider_id=provider_id, day=day
            )
        except Conflict as exc:
            errors = {"assign": sentence(exc.message)}
            return _day_page(request, session, me, day, errors=errors)
        return redirect(f"/app/rounds/{day.isoformat()}?done=assigned&assigned={assigned}")


# --- care workers -------------------------------------------------------------------------


def shift_rows(worker: CareWorker) -> list[tuple[str, str, str, float]]:
    """The weekly pattern in weekday order: (day, starts, ends, hours)."""
    rows = []
    for code, name in DAYS.items():
        if code not in (worker.shift_pattern or {}):
            continue
        starts, ends = worker.shift_pattern[code]
        begin, finish = (time.fromisoformat(t) for t in (starts, ends))
        minutes = (finish.hour - begin.hour) * 60 + finish.minute - begin.minute
        rows.append(
            (
                name,
                clock(begin.hour * 60 + begin.minute),
                clock(finish.hour * 60 + finish.minute),
                minutes / 60,
            )
        )
    return rows


def visits_on(session: Session, actor: Actor, day: date) -> Counter[int]:
    """How many of the day's visits each care worker is on, among the visits the actor sees."""
    visible = readable_visits(actor).where(Visit.day == day).with_only_columns(Visit.id)
    rows = session.execute(
        select(VisitCarer.care_worker_id, func.count())
        .where(VisitCarer.visit_id.in_(visible))
        .group_by(VisitCarer.care_worker_id)
    )
    return Counter({worker_id: count for worker_id, count in rows})


@router.get("/app/care-workers")
def care_workers(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        provider_of(me.actor)
        today = local_date(ctx.now())
        workers = list(session.scalars(readable_care_workers(me.actor).order_by(CareWorker.name)))
        return render(
            request,
            "rounds/care_workers.html",
            title="Care workers",
            workers=[(w, shift_rows(w)) for w in workers],
            visits=visits_on(session, me.actor, today),
            today=today,
            modes=MODES,
        )


@router.get("/app/care-workers/{care_worker_id}")
def care_worker(
    request: Request, care_worker_id: int, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        provider_of(me.actor)
        worker = load_readable(
            session, readable_care_workers(me.actor), CareWorker, care_worker_id, "care worker"
        )
        today = local_date(ctx.now())
        mine = [r for r in day_rounds(session, me.actor, today) if r.care_worker_id == worker.id]
        return render(
            request,
            "rounds/care_worker.html",
            title=worker.name,
            worker=worker,
            shifts=shift_rows(worker),
            worker_round=mine[0] if mine else None,
            visits_today=visits_on(session, me.actor, today)[worker.id],
            today=today,
            modes=MODES,
            contracts=CONTRACTS,
        )


# --- monitoring returns -------------------------------------------------------------------


def period_choices(kind: str, today: date) -> list[tuple[str, str]]:
    """The periods of a kind that have begun, this year's and last year's, newest first."""
    year = today.isocalendar().year if kind in ("week", "four_weeks") else today.year
    periods = periods_of_year(year - 1, kind) + periods_of_year(year, kind)
    begun = [p for p in periods if p.start <= today]
    return [(p.label, p.description) for p in reversed(begun)]


def council_providers(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The providers a council user may choose between: those it holds contracts with."""
    if not actor.is_council:
        return []
    contracted = select(Contract.provider_id).where(Contract.council_id == actor.organisation_id)
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(contracted))
        .order_by(Organisation.name)
    )
    return [(ident, name) for ident, name in rows]


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
    return render(
        request,
        "rounds/returns.html",
        title="Monitoring returns",
        kind=kind,
        kinds=[(value, label, None) for value, label in PERIOD_KINDS.items()],
        periods=period_choices(kind, today),
        providers=council_providers(session, me.actor),
        formats=[(value, label, None) for value, label in FORMATS.items()],
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
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The return as `/monitoring/returns` gives it: a provider only ever gets its own."""
    with ctx.transaction() as (session, me):
        require_monitoring(me.actor)
        provider_id = int(provider) if provider.isdigit() else None
        if me.actor.role is Role.PROVIDER_MANAGER and provider_id is None:
            provider_id = me.actor.organisation_id
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
                )
            except InvalidInput:
                errors["period"] = "Select the period the return is for"
        if errors:
            chosen = {"period": period, "provider": provider, "format": file_type}
            today = local_date(ctx.now())
            return _returns_page(request, session, me, today, kind, errors=errors, chosen=chosen)
    return return_file(report, file_type)
