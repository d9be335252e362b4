"""The care worker's phone page: today's round in order, check in and check out, notes.

Every action is one call-monitoring event given to `call_events.apply_events`, exactly as a
phone's batch is through the API. The form carries the event's client id, made when the
page was drawn, so a form sent twice is the same event and is recorded once. Visits come
only through `readable_visits`: another carer's visit is "Page not found", as in the API.

Before anything is recorded the page asks what the carer must answer: "not at home" is
confirmed on a question page (what to try, the office's number) and can be undone for a
few minutes; a check-out under the short line asks why; a check-in while still checked in
elsewhere is refused with the visit to check out of first (`delivery.domain`).
"""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, load_readable
from homecare.access_log import log_person_read
from homecare.calendar import LONDON
from homecare.delivery import call_events, undo
from homecare.delivery.domain import (
    EARLY_REASONS,
    clock_time,
    early_note,
    leaves_short,
    may_undo,
    undo_until,
)
from homecare.delivery.elsewhere import Elsewhere, checked_in_elsewhere
from homecare.delivery.outcomes import Thresholds
from homecare.delivery.repository import (
    RoundVisit,
    first_copy,
    lock_visit,
    readable_visits,
    require_round,
    round_of_day,
    round_visit,
)
from homecare.delivery.schemas import CallEventIn, EventKind
from homecare.delivery.tables import CallEvent, Visit
from homecare.delivery.today import is_overdue
from homecare.errors import Conflict, NotFound
from homecare.http import PathId, RecordId
from homecare.web import forms
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.format import format_time, sentence
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

MAX_NOTE = 2000
MAX_DETAILS = 500

ACTIONS = {
    "check-in": EventKind.CHECK_IN,
    "check-out": EventKind.CHECK_OUT,
    "not-at-home": EventKind.NOT_AT_HOME,
}
DONE = {
    "check-in": "You checked in to {name}’s visit",
    "check-out": "You checked out of {name}’s visit",
    "not-at-home": "You recorded that {name} was not at home",
    "undo": "You took back ‘not at home’ for {name}’s visit",
}


def _today(ctx: WebContext) -> date:
    return ctx.now().astimezone(LONDON).date()


def _focus(visits: list[RoundVisit], acted: int | None, done: str | None) -> int | None:
    """After an action, the visit to carry on with: the one acted on while there is more
    to do there (checked in, or a "not at home" to undo), else the next."""
    if acted is None or done not in DONE:
        return None
    if done in ("check-in", "not-at-home", "undo"):
        return acted
    ids = [rv.visit.id for rv in visits]
    start = ids.index(acted) + 1 if acted in ids else 0
    for rv in visits[start:] + visits[:start]:
        if rv.state in ("to_do", "checked_in"):
            return rv.visit.id
    return None


def _banner(visits: list[RoundVisit], acted: int | None, done: str | None) -> str | None:
    rv = next((rv for rv in visits if rv.visit.id == acted), None)
    if rv is None or done not in DONE:
        return None
    att = rv.attendance
    moment: datetime | None = None
    if done == "check-in" and att is not None:
        moment = att.checked_in_at
    elif done == "check-out" and att is not None:
        moment = att.checked_out_at
    text = DONE[done].format(name=rv.name)
    return f"{text} at {format_time(moment)}" if moment else text


# --- pages -------------------------------------------------------------------------------


@router.get("/app/today")
def today(
    request: Request,
    done: str | None = None,
    visit: RecordId | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        visits = round_of_day(session, me.actor, _today(ctx))
        return render(
            request,
            "care_worker/today.html",
            title="Today’s round",
            day=_today(ctx),
            visits=visits,
            focus=_focus(visits, visit, done),
            banner=_banner(visits, visit, done),
            event_ids=_event_ids(visits),
            overdue=_overdue(ctx, visits),
            undo_until=_undo_until(ctx, visits),
        )


def _overdue(ctx: WebContext, visits: list[RoundVisit]) -> set[int]:
    """The carer's visits not yet started whose window closed past the late line."""
    thresholds = Thresholds.from_settings(ctx.settings)
    now = ctx.now()
    return {
        rv.visit.id
        for rv in visits
        if rv.state == "to_do" and is_overdue(rv.visit.status, rv.visit.window_end, now, thresholds)
    }


def _undo_until(ctx: WebContext, visits: list[RoundVisit]) -> dict[int, datetime]:
    """Until when the carer may still take back each "not at home" they recorded."""
    minutes = ctx.settings.not_at_home_undo_minutes
    return {
        rv.visit.id: undo_until(rv.away_at, minutes)
        for rv in visits
        if rv.away_at is not None
        and rv.state == "not_at_home"
        and may_undo(rv.away_at, ctx.now(), minutes)
    }


def _visit_page(
    request: Request,
    session: Session,
    actor: Actor,
    visit_id: int,
    *,
    errors: dict[str, str] | None = None,
    note: str = "",
    status: int = 200,
    way_out: Elsewhere | None = None,
) -> Response:
    rv = round_visit(session, actor, visit_id)
    return render(
        request,
        "care_worker/visit.html",
        title=f"Visit to {rv.name}",
        status=status,
        errors=errors,
        rv=rv,
        outcomes=rv.outcomes,
        event_ids=_event_ids([rv]),
        note=note,
        way_out=way_out,
    )


@router.get("/app/today/visits/{visit_id}")
def visit_page(
    request: Request, visit_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        page = _visit_page(request, session, me.actor, visit_id)
        visit = load_readable(session, readable_visits(me.actor), Visit, visit_id, "visit")
        log_person_read(session, me.actor, ctx.now(), visit.person_id, "visit", "page")
        return page


# --- actions -----------------------------------------------------------------------------


def _event_ids(visits: list[RoundVisit]) -> dict[str, str]:
    """A fresh client id for each form on the page: sending a form twice is one event."""
    return {f"{action}-{rv.visit.id}": uuid.uuid4().hex for rv in visits for action in ACTIONS}


def _event_id(form: FormData) -> str:
    """The form's client id; a form without a usable one gets a fresh id."""
    value = forms.text(form, "event_id")
    if 0 < len(value) <= 64 and value.isascii() and value.replace("-", "").isalnum():
        return value
    return uuid.uuid4().hex


def _coordinate(form: FormData, name: str, limit: float) -> float | None:
    try:
        value = float(forms.text(form, name))
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _where(form: FormData) -> tuple[float | None, float | None]:
    """Where the phone says it is, if it said; both coordinates or neither."""
    latitude = _coordinate(form, "latitude", 90)
    longitude = _coordinate(form, "longitude", 180)
    if latitude is None or longitude is None:
        return None, None
    return latitude, longitude


def _resent(first: CallEvent) -> CallEventIn:
    """A resent form repeats its first copy exactly, so the service answers "duplicate"."""
    return CallEventIn(
        client_event_id=first.client_event_id,
        visit_id=first.visit_id,
        kind=EventKind(first.kind),
        occurred_at=first.occurred_at,
        latitude=first.latitude,
        longitude=first.longitude,
        note=first.note,
    )


def _refusal(rv: RoundVisit, kind: EventKind) -> str | None:
    """What the carer must do first, in their words; the service has the final say."""
    if kind is EventKind.CHECK_OUT and rv.state not in ("checked_in", "done"):
        return "You have not checked in to this visit. Check in before you check out"
    return None


def _apply(session: Session, actor: Actor, ctx: WebContext, event: CallEventIn) -> str | None:
    """Records the event; a refusal's reason, or None when it is recorded (or was before)."""
    result = call_events.apply_events(
        session, actor=actor, at=ctx.now(), events=[event], settings=ctx.settings
    )[0]
    if result.result == "rejected":
        return sentence(result.reason or "this could not be recorded")
    return None


@router.get("/app/today/visits/{visit_id}/not-at-home")
def not_at_home_page(
    request: Request, visit_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    """The question before "not at home" is recorded: what to try first, whom to call."""
    with ctx.transaction() as (session, me):
        return _not_at_home(request, session, round_visit(session, me.actor, visit_id))


def _not_at_home(
    request: Request, session: Session, rv: RoundVisit, event_id: str | None = None
) -> Response:
    return render(
        request,
        "care_worker/not_at_home.html",
        title=f"Is {rv.name} not at home?",
        rv=rv,
        office_phone=undo.office_phone(session, rv.visit),
        event_id=event_id or uuid.uuid4().hex,
    )


@router.post("/app/today/visits/{visit_id}/undo-not-at-home")
def undo_not_at_home(
    request: Request,
    visit_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Takes back a "not at home" recorded by mistake; a second press changes nothing."""
    with ctx.transaction(form) as (session, me):
        actor = me.actor
        require_round(actor)
        rv = round_visit(session, actor, visit_id)
        if rv.away_at is not None:
            try:
                undo.undo_not_at_home(
                    session, actor=actor, at=ctx.now(), visit_id=visit_id, settings=ctx.settings
                )
            except Conflict as refused:
                errors = {f"actions-{visit_id}": sentence(str(refused))}
                return _visit_page(request, session, actor, visit_id, errors=errors, status=409)
        return redirect(f"/app/today?done=undo&visit={visit_id}")


def _leaving_early(
    request: Request, ctx: WebContext, rv: RoundVisit, form: FormData, note: str, event_id: str
) -> str | Response:
    """The check-out's note with why the carer is leaving early, or the question asking."""
    reason = forms.text(form, "early_reason")
    details = forms.text(form, "early_details")
    errors: dict[str, str] = {}
    if reason not in EARLY_REASONS:
        if forms.text(form, "asked") == "yes":
            errors["early_reason"] = "Select why you are leaving early"
    elif reason == "other" and not details:
        errors["early_details"] = "Say why you are leaving early"
    elif len(details) > MAX_DETAILS:
        errors["early_details"] = f"Keep the reason to {MAX_DETAILS} characters or fewer"
    else:
        text = early_note(reason, details, note)
        if len(text) <= MAX_NOTE:
            return text
        errors["early_details"] = "The reason and your note are too long together: shorten them"
    checked_in = rv.attendance.checked_in_at if rv.attendance else None
    return render(
        request,
        "care_worker/leaving_early.html",
        title=f"Why are you leaving {rv.name}’s visit early?",
        status=400 if errors else 200,
        errors=errors,
        rv=rv,
        reasons=EARLY_REASONS,
        reason=reason,
        details=details,
        note=note,
        event_id=event_id,
        checked_in=checked_in,
    )


def _short(ctx: WebContext, rv: RoundVisit) -> bool:
    """Checking out now would leave the carer's stay under the short line."""
    att = rv.attendance
    if att is None or att.checked_in_at is None or att.checked_out_at is not None:
        return False
    thresholds = Thresholds.from_settings(ctx.settings)
    return leaves_short(att.checked_in_at, ctx.now(), rv.visit.planned_minutes, thresholds)


def _elsewhere(other: Elsewhere | None) -> str | None:
    """The way out when the carer is still checked in to another visit."""
    if other is None:
        return None
    return (
        f"Check out of {clock_time(other.due)} {other.name} first: you are still checked in there"
    )


@router.post("/app/today/visits/{visit_id}/{action}")
def record(
    request: Request,
    visit_id: PathId,
    action: str,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Check in, check out (with an optional note) or not at home: one event each.

    "Not at home" is recorded only once confirmed on its question page; a check-out that
    would be short asks why first. The same event id travels through both questions.
    """
    with ctx.transaction(form) as (session, me):
        actor = me.actor
        require_round(actor)
        lock_visit(session, actor, visit_id)
        rv = round_visit(session, actor, visit_id)
        kind = ACTIONS.get(action)
        if kind is None:
            raise NotFound(f"no action {action}")
        event_id = _event_id(form)
        if kind is EventKind.NOT_AT_HOME and forms.text(form, "confirm") != "yes":
            return _not_at_home(request, session, rv, event_id)
        note = forms.text(form, "note") if kind is EventKind.CHECK_OUT else ""
        if len(note) > MAX_NOTE:
            errors = {f"note-{visit_id}": f"The note must be {MAX_NOTE} characters or fewer"}
            return _visit_page(
                request, session, actor, visit_id, errors=errors, note=note, status=400
            )
        first = first_copy(session, actor, event_id, visit_id, kind)
        way_out: Elsewhere | None = None
        if first is not None:
            refusal = _apply(session, actor, ctx, _resent(first))
        else:
            refusal = _refusal(rv, kind)
            if refusal is None and kind is EventKind.CHECK_IN:
                way_out = checked_in_elsewhere(session, actor, visit_id, ctx.now())
                refusal = _elsewhere(way_out)
            if refusal is None and kind is EventKind.CHECK_OUT and _short(ctx, rv):
                asked = _leaving_early(request, ctx, rv, form, note, event_id)
                if not isinstance(asked, str):
                    return asked
                note = asked
            if refusal is None:
                latitude, longitude = _where(form)
                event = CallEventIn(
                    client_event_id=event_id,
                    visit_id=visit_id,
                    kind=kind,
                    occurred_at=ctx.now(),
                    latitude=latitude,
                    longitude=longitude,
                    note=note or None,
                )
                refusal = _apply(session, actor, ctx, event)
        if refusal is None:
            return redirect(f"/app/today?done={action}&visit={visit_id}")
        return _visit_page(
            request,
            session,
            actor,
            visit_id,
            errors={f"actions-{visit_id}": refusal},
            note=note,
            status=409,
            way_out=way_out,
        )
