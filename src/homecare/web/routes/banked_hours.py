"""Banked hours become care: the person or family asks on their page (and may withdraw
the ask while it waits), the provider's manager accepts or declines on theirs.

The pages call `timebank.drawing` exactly as the API does, so the same rules, scopes and
audit hold: another package's or provider's request is "Page not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission
from homecare.access_log import log_person_read
from homecare.calendar import local_date
from homecare.delivery.repository import coming_visits
from homecare.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecare.http import PathId, RecordId
from homecare.packages.repository import current_package
from homecare.packages.tables import Package
from homecare.people.repository import own_record, person_names
from homecare.timebank import drawing
from homecare.timebank.care_rules import (
    BAND_WORDS,
    CARE_BANDS,
    AskStatus,
    CareKind,
    day_words,
    ledger_note,
)
from homecare.timebank.repository import balance_of, load_time_bank_request, time_bank_requests
from homecare.timebank.tables import TimeBankRequest
from homecare.units import hours_text
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.my_care_view import COMING_DAYS, parse_hours
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PERSON_PAGE = "/app/my-care/use-banked-hours"
PROVIDER_PAGE = "/app/banked-hours"
KINDS = [
    (CareKind.EXTRA_VISIT.value, "An extra visit", None),
    (CareKind.LONGER_VISIT.value, "A longer visit", None),
]
BANDS = [(b.value, BAND_WORDS[b.value].capitalize(), None) for b in CARE_BANDS]
STATUS_WORDS = {
    AskStatus.ASKED.value: "Waiting for the provider",
    AskStatus.ACCEPTED.value: "Booked",
    AskStatus.DECLINED.value: "Declined",
    AskStatus.WITHDRAWN.value: "Withdrawn",
}
ANCHORS = {
    "minutes": "hours",
    "day": "day-day",
    "band": "band",
    "visit_id": "visit",
    "kind": "kind",
    "note": "note",
}
DONE = {
    "asked": "Your request is sent. Your provider will book the care or tell you why not.",
    "accepted": "The visit is booked and the hours are drawn from the bank.",
    "declined": "The request is declined. The person can see why.",
    "withdrawn": "You withdrew the request. No hours were taken from your bank.",
}
LATELY = 10
"""How many of the latest answered or withdrawn asks the manager's page lists."""


def in_words(asked: TimeBankRequest) -> str:
    return ledger_note(asked.kind, asked.day, asked.band, asked.minutes)


def visit_words(day: date, band: str, minutes: int) -> str:
    """'Wednesday 7 October 2026, morning (30 minutes)'."""
    return f"{day_words(day)}, {BAND_WORDS.get(band, band)} ({hours_text(minutes)})"


# --- the person's or family's page -------------------------------------------------------


def _person_page(
    request: Request,
    session: Session,
    me: SignedIn,
    package_id: int | None,
    now: datetime,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    log_read: bool = False,
) -> Response:
    own_record(session, me.actor)
    chosen = current_package(session, me.actor, package_id)
    if chosen is None:
        raise NotFound("no package of care")
    balance = balance_of(session, me.actor, chosen.id)
    if balance is None:
        raise NotFound(f"package {chosen.id} is not on an envelope of time")
    if log_read:
        log_person_read(session, me.actor, now, chosen.person_id, "time bank", "page")
    rows = coming_visits(session, me.actor, chosen.id, local_date(now), COMING_DAYS)
    coming = [v for v, _ in rows if v.status == "planned"]
    return render(
        request,
        "my_care/use_banked_hours.html",
        title="Use banked hours",
        status=400 if errors else 200,
        package=chosen,
        balance=balance,
        kinds=KINDS,
        bands=BANDS,
        coming=[(str(v.id), visit_words(v.day, v.band, v.planned_minutes)) for v in coming],
        asks=time_bank_requests(session, me.actor, package_id=chosen.id, limit=10),
        waiting_status=AskStatus.ASKED.value,
        in_words=in_words,
        status_words=STATUS_WORDS,
        hours_text=hours_text,
        values=values or {"kind": CareKind.EXTRA_VISIT.value},
        errors=errors,
        done=DONE.get(done or ""),
    )


@router.get(PERSON_PAGE)
def use_banked_hours(
    request: Request,
    package: RecordId | None = None,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _person_page(request, session, me, package, ctx.now(), done=done, log_read=True)


@dataclass(frozen=True)
class Asked:
    """What the form asks for, as `ask_for_care` takes it."""

    kind: CareKind
    minutes: int
    day: date | None = None
    band: str | None = None
    visit_id: int | None = None
    note: str | None = None


def _asked(form: FormData, errors: dict[str, str]) -> Asked | None:
    """The form read, with every problem found at once."""
    kind = forms.text(form, "kind")
    if kind not in {k for k, _, _ in KINDS}:
        errors["kind"] = "Select an extra visit or a longer visit"
        return None
    day = band = visit_id = None
    if kind == CareKind.EXTRA_VISIT.value:
        day = forms.parse_date(form, "day", "the day of the extra visit", errors, anchor="day-day")
        band = forms.text(form, "band")
        if band not in {b for b, _, _ in BANDS}:
            errors["band"] = "Select the time of day of the extra visit"
    else:
        visit_id = forms.record_id(forms.text(form, "visit"))
        if visit_id is None:
            errors["visit"] = "Select the visit to make longer"
    minutes = parse_hours(form, errors, "add" if kind == CareKind.LONGER_VISIT.value else "use")
    note = forms.text(form, "note")
    if len(note) > 500:
        errors["note"] = "What the hours are for must be 500 characters or fewer"
    if errors or minutes is None:
        return None
    return Asked(CareKind(kind), minutes, day, band, visit_id, note or None)


@router.post(PERSON_PAGE)
def ask_for_care(
    request: Request, form: FormData = Depends(form_data), ctx: WebContext = Depends(web_context)
) -> Response:
    errors: dict[str, str] = {}
    package_id = forms.record_id(forms.text(form, "package"))
    try:
        with ctx.transaction(form) as (session, me):
            own_record(session, me.actor)
            chosen = current_package(session, me.actor, package_id)
            if chosen is None:
                raise NotFound("no package of care")
            asked = _asked(form, errors)
            if asked is not None:
                drawing.ask_for_care(
                    session,
                    actor=me.actor,
                    at=ctx.now(),
                    package_id=chosen.id,
                    kind=asked.kind,
                    minutes=asked.minutes,
                    day=asked.day,
                    band=asked.band,
                    visit_id=asked.visit_id,
                    note=asked.note,
                )
                return redirect(f"{PERSON_PAGE}?package={chosen.id}&done=asked")
    except (InvalidInput, Conflict) as exc:
        forms.domain_error(exc, ANCHORS, errors, default="hours")
    with ctx.transaction() as (session, me):
        return _person_page(
            request, session, me, package_id, ctx.now(), values=forms.values(form), errors=errors
        )


@router.post(PERSON_PAGE + "/{request_id}/withdraw")
def withdraw(
    request: Request,
    request_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The person or family takes back an ask still waiting for the provider."""
    errors: dict[str, str] = {}
    try:
        with ctx.transaction(form) as (session, me):
            own_record(session, me.actor)
            asked = drawing.withdraw_request(
                session, actor=me.actor, at=ctx.now(), request_id=request_id
            )
            return redirect(f"{PERSON_PAGE}?package={asked.package_id}&done=withdrawn")
    except Conflict as exc:
        errors[f"ask-{request_id}"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        package_id = load_time_bank_request(session, me.actor, request_id).package_id
        return _person_page(request, session, me, package_id, ctx.now(), errors=errors)


# --- the provider's page -----------------------------------------------------------------


def _require_manager(actor: Actor) -> None:
    if not (actor.is_provider and actor.may(Permission.MANAGE_DELIVERY)):
        raise Forbidden("only a provider's managers answer requests to use banked hours")


def _provider_page(
    request: Request,
    session: Session,
    me: SignedIn,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    _require_manager(me.actor)
    waiting = time_bank_requests(session, me.actor, waiting=True)
    lately = time_bank_requests(session, me.actor, answered=True, limit=LATELY)
    packages = {a.package_id: session.get(Package, a.package_id) for a in waiting + lately}
    people = {p.id: p.person_id for p in packages.values() if p is not None}
    names = person_names(session, me.actor, set(people.values()))
    return render(
        request,
        "banked_hours/waiting.html",
        title="Banked hours to book",
        status=400 if errors else 200,
        waiting=[(a, names.get(people.get(a.package_id, 0), "")) for a in waiting],
        lately=[(a, names.get(people.get(a.package_id, 0), "")) for a in lately],
        status_words=STATUS_WORDS,
        in_words=in_words,
        done=DONE.get(done or ""),
        errors=errors,
    )


@router.get(PROVIDER_PAGE)
def waiting_asks(
    request: Request, done: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        return _provider_page(request, session, me, done=done)


@router.post(PROVIDER_PAGE + "/{request_id}/accept")
def accept(
    request: Request,
    request_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    try:
        with ctx.transaction(form) as (session, me):
            _require_manager(me.actor)
            load_time_bank_request(session, me.actor, request_id)
            drawing.accept_request(session, actor=me.actor, at=ctx.now(), request_id=request_id)
            return redirect(f"{PROVIDER_PAGE}?done=accepted")
    except (InvalidInput, Conflict) as exc:
        errors[f"ask-{request_id}"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _provider_page(request, session, me, errors=errors)


@router.post(PROVIDER_PAGE + "/{request_id}/decline")
def decline(
    request: Request,
    request_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    reason = forms.text(form, "reason")
    try:
        with ctx.transaction(form) as (session, me):
            _require_manager(me.actor)
            load_time_bank_request(session, me.actor, request_id)
            if len(reason) < 3:
                errors[f"reason-{request_id}"] = "Enter why you cannot book this care"
            elif len(reason) > 300:
                errors[f"reason-{request_id}"] = "The reason must be 300 characters or fewer"
            else:
                drawing.decline_request(
                    session, actor=me.actor, at=ctx.now(), request_id=request_id, reason=reason
                )
                return redirect(f"{PROVIDER_PAGE}?done=declined")
    except (InvalidInput, Conflict) as exc:
        errors[f"ask-{request_id}"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _provider_page(request, session, me, errors=errors)
