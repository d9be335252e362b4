"""The care worker's phone page: today's round in order, check in and check out, notes.

Every action is one call-monitoring event given to `call_events.apply_events`, exactly as a
phone's batch is through the API. The form carries the event's client id, made when the
page was drawn, so a form sent twice is the same event and is recorded once. Visits come
only through `readable_visits`: another carer's visit is "Page not found", as in the API.
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
from homecare.delivery import call_events
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
from homecare.errors import NotFound
from homecare.http import PathId, RecordId
from homecare.web import forms
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.format import format_time, sentence
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

MAX_NOTE = 2000

ACTIONS = {
    "check-in": EventKind.CHECK_IN,
    "check-out": EventKind.CHECK_OUT,
    "not-at-home": EventKind.NOT_AT_HOME,
}
DONE = {
    "check-in": "You checked in to {name}’s visit",
    "check-out": "You checked out of {name}’s visit",
    "not-at-home": "You recorded that {name} was not at home",
}


def _today(ctx: WebContext) -> date:
    return ctx.now().astimezone(LONDON).date()


def _focus(visits: list[RoundVisit], acted: int | None, done: str | None) -> int | None:
    """After an action, the visit to carry on with: the one checked in to, else the next."""
    if acted is None or done not in DONE:
        return None
    if done == "check-in":
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
        )


def _visit_page(
    request: Request,
    session: Session,
    actor: Actor,
    visit_id: int,
    *,
    errors: dict[str, str] | None = None,
    note: str = "",
    status: int = 200,
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


@router.post("/app/today/visits/{visit_id}/{action}")
def record(
    request: Request,
    visit_id: PathId,
    action: str,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Check in, check out (with an optional note) or not at home: one event each."""
    with ctx.transaction(form) as (session, me):
        actor = me.actor
        require_round(actor)
        lock_visit(session, actor, visit_id)
        rv = round_visit(session, actor, visit_id)
        kind = ACTIONS.get(action)
        if kind is None:
            raise NotFound(f"no action {action}")
        note = forms.text(form, "note") if kind is EventKind.CHECK_OUT else ""
        if len(note) > MAX_NOTE:
            errors = {f"note-{visit_id}": f"The note must be {MAX_NOTE} characters or fewer"}
            return _visit_page(
                request, session, actor, visit_id, errors=errors, note=note, status=400
            )
        event_id = _event_id(form)
        first = first_copy(session, actor, event_id, visit_id, kind)
        if first is not None:
            refusal = _apply(session, actor, ctx, _resent(first))
        else:
            refusal = _refusal(rv, kind)
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
        )
