"""The care worker's phone page: today's round in order, check in and check out, notes.

Every action is one call-monitoring event given to `monitoring.apply_events`, exactly as a
phone's batch is through the API. The form carries the event's client id, made when the
page was drawn, so a form sent twice is the same event and is recorded once. Visits come
only through `readable_visits`: another carer's visit is "Page not found", as in the API.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Role, load_readable, readable_visits
from homecare.calendar import LONDON
from homecare.delivery import monitoring
from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.schemas import CallEventIn, EventKind
from homecare.delivery.tables import Attendance, CallEvent, Visit, VisitCarer
from homecare.errors import Forbidden, NotFound
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import format_time, sentence
from homecare.web.render import WebRoute, redirect, render
from homecare.workforce.tables import CareWorker

router = APIRouter(route_class=WebRoute, include_in_schema=False)

NOTES_LOOK_BACK = timedelta(days=14)
"""How far back the previous note is looked for: a handover, not the person's history."""

MAX_NOTE = 2000

TASKS = {
    "personal_care": "Personal care",
    "medication": "Medication",
    "moving_and_handling": "Moving and handling",
    "dementia": "Dementia care",
    "catheter_care": "Catheter care",
    "stoma_care": "Stoma care",
    "peg_feeding": "PEG feeding",
    "pressure_care": "Pressure care",
    "end_of_life": "End of life care",
    "diabetes_insulin": "Insulin for diabetes",
}

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
CLOSED_ELSEWHERE = {
    VisitStatus.CANCELLED_BY_PERSON.value: "cancelled",
    VisitStatus.HOSPITAL.value: "hospital",
    VisitStatus.MISSED.value: "missed",
}


@dataclass(frozen=True)
class Note:
    text: str
    at: datetime
    by: str


@dataclass
class RoundVisit:
    """One visit as the carer on it needs it: who, where, what for, and how far it has got."""

    visit: Visit
    person: Person
    due: datetime | None
    attendance: Attendance | None
    not_at_home: bool
    colleagues: list[str]
    tasks: list[str]
    previous_note: Note | None = None
    notes: list[Note] = field(default_factory=list)

    @property
    def state(self) -> str:
        """to_do, checked_in, done, not_at_home, or why the visit is off."""
        att = self.attendance
        if att is not None and att.checked_out_at is not None:
            return "done"
        if att is not None and att.checked_in_at is not None:
            return "checked_in"
        if self.not_at_home or self.visit.status == VisitStatus.NOT_AT_HOME.value:
            return "not_at_home"
        return CLOSED_ELSEWHERE.get(self.visit.status, "to_do")

    @property
    def name(self) -> str:
        return f"{self.person.given_name} {self.person.family_name}"


# --- reading the round -------------------------------------------------------------------


def _carer(me: SignedIn) -> Actor:
    """Only an account linked to a care worker has a round."""
    actor = me.actor
    if actor.role is not Role.CARE_WORKER or actor.care_worker_id is None:
        raise Forbidden("only a care worker has a round")
    return actor


def _mine(actor: Actor) -> Select[Any]:
    """The carer's visits with when they are due, in the order the API lists them."""
    return (
        readable_visits(actor)
        .join(
            VisitCarer,
            (VisitCarer.visit_id == Visit.id) & (VisitCarer.care_worker_id == actor.care_worker_id),
        )
        .add_columns(VisitCarer.planned_start)
        .order_by(
            func.coalesce(VisitCarer.planned_start, Visit.window_start),
            Visit.window_start,
            Visit.id,
        )
    )


def _people(session: Session, actor: Actor, ids: set[int]) -> dict[int, Person]:
    """The people of the carer's own visits: whom they visit, and no one else."""
    visited = readable_visits(actor).with_only_columns(Visit.person_id)
    stmt = select(Person).where(Person.id.in_(ids), Person.id.in_(visited))
    return {p.id: p for p in session.scalars(stmt)}


def _colleagues(session: Session, actor: Actor, ids: list[int]) -> dict[int, list[str]]:
    """Who else is on each two-handed visit."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(VisitCarer.visit_id, CareWorker.name)
        .join(CareWorker, CareWorker.id == VisitCarer.care_worker_id)
        .where(
            VisitCarer.visit_id.in_(ids),
            VisitCarer.care_worker_id != actor.care_worker_id,
            CareWorker.provider_id == actor.organisation_id,
        )
        .order_by(CareWorker.name)
    )
    for visit_id, name in rows:
        found[visit_id].append(name)
    return found


def _notes(session: Session, actor: Actor, person_ids: set[int], since: date) -> list[Any]:
    """Notes the provider's carers left for these people lately, newest first."""
    return list(
        session.execute(
            select(
                CallEvent.visit_id, Visit.person_id, Visit.window_start, CallEvent, CareWorker.name
            )
            .join(Visit, Visit.id == CallEvent.visit_id)
            .join(CareWorker, CareWorker.id == CallEvent.care_worker_id)
            .where(
                CallEvent.provider_id == actor.organisation_id,
                CallEvent.result == "applied",
                CallEvent.note.is_not(None),
                Visit.person_id.in_(person_ids),
                Visit.day >= since,
            )
            .order_by(CallEvent.occurred_at.desc(), CallEvent.id.desc())
        )
    )


def _attach_notes(session: Session, actor: Actor, visits: list[RoundVisit]) -> None:
    """Each visit's own notes, and the last note left at an earlier visit to the person."""
    since = min(rv.visit.day for rv in visits) - NOTES_LOOK_BACK
    rows = _notes(session, actor, {rv.person.id for rv in visits}, since)
    for rv in visits:
        for visit_id, person_id, window_start, event, by in rows:
            note = Note(text=event.note, at=event.occurred_at, by=by)
            if visit_id == rv.visit.id:
                rv.notes.append(note)
            elif (
                person_id == rv.person.id
                and window_start < rv.visit.window_start
                and rv.previous_note is None
            ):
                rv.previous_note = note
        rv.notes.reverse()


def _round(session: Session, actor: Actor, rows: Iterable[Any]) -> list[RoundVisit]:
    pairs: list[tuple[Visit, datetime | None]] = [(r[0], r[1]) for r in rows]
    ids = [v.id for v, _ in pairs]
    if not ids:
        return []
    people = _people(session, actor, {v.person_id for v, _ in pairs})
    attendance = {
        a.visit_id: a
        for a in session.scalars(
            select(Attendance).where(
                Attendance.visit_id.in_(ids), Attendance.care_worker_id == actor.care_worker_id
            )
        )
    }
    away = set(
        session.scalars(
            select(CallEvent.visit_id).where(
                CallEvent.visit_id.in_(ids),
                CallEvent.kind == EventKind.NOT_AT_HOME.value,
                CallEvent.result == "applied",
            )
        )
    )
    colleagues = _colleagues(session, actor, ids)
    visits = [
        RoundVisit(
            visit=v,
            person=people[v.person_id],
            due=due,
            attendance=attendance.get(v.id),
            not_at_home=v.id in away,
            colleagues=colleagues.get(v.id, []),
            tasks=[TASKS.get(t, t.replace("_", " ").capitalize()) for t in v.health_tasks],
        )
        for v, due in pairs
    ]
    _attach_notes(session, actor, visits)
    return visits


def _today(ctx: WebContext) -> date:
    return ctx.now().astimezone(LONDON).date()


def _todays_round(session: Session, actor: Actor, ctx: WebContext) -> list[RoundVisit]:
    rows = session.execute(_mine(actor).where(Visit.day == _today(ctx)))
    return _round(session, actor, rows)


def _one(session: Session, actor: Actor, visit_id: int) -> RoundVisit:
    """One of the carer's visits, any day; another's is NotFound, as the API says."""
    load_readable(session, readable_visits(actor), Visit, visit_id, "visit")
    rows = session.execute(_mine(actor).where(Visit.id == visit_id))
    return _round(session, actor, rows)[0]


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
    visit: int | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        actor = _carer(me)
        visits = _todays_round(session, actor, ctx)
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
    rv = _one(session, actor, visit_id)
    package = session.get(Package, rv.visit.package_id)
    return render(
        request,
        "care_worker/visit.html",
        title=f"Visit to {rv.name}",
        status=status,
        errors=errors,
        rv=rv,
        outcomes=package.outcomes if package else [],
        event_ids=_event_ids([rv]),
        note=note,
    )


@router.get("/app/today/visits/{visit_id}")
def visit_page(request: Request, visit_id: int, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        return _visit_page(request, session, _carer(me), visit_id)


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


def _repeat(
    session: Session, actor: Actor, event_id: str, visit_id: int, kind: EventKind
) -> CallEvent | None:
    """The first copy of this form's event, if the form was sent before."""
    return session.scalars(
        select(CallEvent).where(
            CallEvent.provider_id == actor.organisation_id,
            CallEvent.client_event_id == event_id,
            CallEvent.care_worker_id == actor.care_worker_id,
            CallEvent.visit_id == visit_id,
            CallEvent.kind == kind.value,
        )
    ).first()


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
    result = monitoring.apply_events(
        session, actor=actor, at=ctx.now(), events=[event], settings=ctx.settings
    )[0]
    if result.result == "rejected":
        return sentence(result.reason or "this could not be recorded")
    return None


@router.post("/app/today/visits/{visit_id}/{action}")
def record(
    request: Request,
    visit_id: int,
    action: str,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Check in, check out (with an optional note) or not at home: one event each."""
    with ctx.transaction(form) as (session, me):
        actor = _carer(me)
        # Locked first, so that a form sent twice at once finds its first copy stored.
        load_readable(session, readable_visits(actor).with_for_update(), Visit, visit_id, "visit")
        rv = _one(session, actor, visit_id)
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
        first = _repeat(session, actor, event_id, visit_id, kind)
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
