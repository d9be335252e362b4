"""The person's or family's page: the plan and its outcomes, coming visits, the time bank,
consent requests and the outcomes rating.

Everything is read through the same repository reads and services as the API, with
the signed-in person's actor, so a person sees only their own package: anybody else's
package, request or review is "Page not found", as it is a 404 in the API.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor
from homecare.access_log import log_person_read
from homecare.accounts.repository import provider_contacts
from homecare.calendar import local_date
from homecare.changes import consent
from homecare.changes.repository import get_request, list_requests
from homecare.changes.schemas import request_in_words
from homecare.changes.tables import ConsentRequest
from homecare.delivery.repository import coming_visits
from homecare.errors import Conflict, InvalidInput, NotFound
from homecare.http import PathId, RecordId
from homecare.market.repository import organisation
from homecare.packages.repository import current_package
from homecare.packages.tables import Package
from homecare.people.repository import own_record
from homecare.reviews.domain import DOMAINS
from homecare.reviews.own_rating import latest_done_review, open_review_for, rate_own_outcomes
from homecare.reviews.repository import load_review
from homecare.reviews.tables import Review
from homecare.timebank import service as timebank
from homecare.timebank.repository import balance_of
from homecare.units import hours_text
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.my_care_view import (
    COMING_DAYS,
    bank_lines,
    coming_visit_rows,
    parse_hours,
    pattern_in_words,
    suggested_answerer,
)
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

DOMAIN_LABELS = {
    "wellbeing": "My well-being and independence",
    "home": "My home",
    "community": "My community",
}
SCORES = [
    ("1", "1 – not at all satisfied", None),
    ("2", "2", None),
    ("3", "3", None),
    ("4", "4", None),
    ("5", "5 – completely satisfied", None),
]


BANKED = "You banked {hours}."
BANK_PAGE = "/app/my-care/time-bank/bank"
CONSENT_DONE = {
    "agreed": "You agreed to the change. Your provider will now change your visits.",
    "declined": "You said no to the change. Your provider has been told.",
}
RATING_DONE = {
    "rated": "Thank you. Your ratings are on your review.",
    "opted_out": "You chose not to give a rating. Your review records this.",
}


# --- whose package -----------------------------------------------------------------------


def _required_package(session: Session, actor: Actor, package_id: int | None) -> Package:
    package = current_package(session, actor, package_id)
    if package is None:
        raise NotFound("no package of care")
    return package


def _form_package_id(form: FormData) -> int | None:
    return forms.record_id(forms.text(form, "package"))


# --- consent and ratings -----------------------------------------------------------------


def _requests(session: Session, actor: Actor, package_id: int) -> list[ConsentRequest]:
    return [r for r in list_requests(session, actor=actor) if r.package_id == package_id]


def _pattern_lines(request: ConsentRequest) -> list[str]:
    """The visits a request proposes, as the plan page words them."""
    proposed = [(v["day"], v["band"], v["minutes"], v["carers"]) for v in request.to_pattern]
    return pattern_in_words(proposed)


def _provider_name(session: Session, actor: Actor, provider_id: int) -> str:
    return organisation(session, actor, provider_id).name


# --- pages -------------------------------------------------------------------------------


@router.get("/app/my-care")
def my_care(
    request: Request, package: RecordId | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        person = own_record(session, me.actor)
        log_person_read(session, me.actor, ctx.now(), person.id, "care plan", "page")
        chosen = current_package(session, me.actor, package)
        name = f"{person.given_name} {person.family_name}"
        if chosen is None:
            return render(request, "my_care/none.html", title="My care", name=name)
        today = local_date(ctx.now())
        requests = _requests(session, me.actor, chosen.id)
        return render(
            request,
            "my_care/plan.html",
            title="My care",
            name=name,
            package=chosen,
            pattern=pattern_in_words([(v.day, v.band, v.minutes, v.carers) for v in chosen.visits]),
            provider=_provider_name(session, me.actor, chosen.provider_id),
            contacts=provider_contacts(session, chosen.provider_id),
            latest=latest_done_review(session, actor=me.actor, package_id=chosen.id),
            next_review=open_review_for(session, actor=me.actor, package_id=chosen.id),
            domains=DOMAIN_LABELS,
            visits=coming_visit_rows(
                coming_visits(session, me.actor, chosen.id, today, COMING_DAYS)
            ),
            balance=balance_of(session, me.actor, chosen.id),
            open_requests=[r for r in requests if r.answer is None],
            hours_text=hours_text,
            today=today,
        )


@router.get("/app/my-care/time-bank")
def time_bank(
    request: Request,
    package: RecordId | None = None,
    done: str | None = None,
    minutes: int | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        own_record(session, me.actor)
        chosen = _required_package(session, me.actor, package)
        balance = balance_of(session, me.actor, chosen.id)
        if balance is None:
            raise NotFound(f"package {chosen.id} is not on an envelope of time")
        log_person_read(session, me.actor, ctx.now(), chosen.person_id, "time bank", "page")
        message = BANKED.format(hours=hours_text(minutes)) if done == "bank" and minutes else None
        return render(
            request,
            "my_care/time_bank.html",
            title="My time bank",
            package=chosen,
            balance=balance,
            entries=bank_lines(balance.statement),
            hours_text=hours_text,
            done=message,
        )


def _bank_page(
    request: Request,
    session: Session,
    me: SignedIn,
    package_id: int | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    read_at: datetime | None = None,
) -> Response:
    """The form with the balance; `read_at` when the page is opened, to log the read."""
    own_record(session, me.actor)
    chosen = _required_package(session, me.actor, package_id)
    balance = balance_of(session, me.actor, chosen.id)
    if balance is None:
        raise NotFound(f"package {chosen.id} is not on an envelope of time")
    if read_at is not None:
        log_person_read(session, me.actor, read_at, chosen.person_id, "time bank", "page")
    return render(
        request,
        "my_care/bank.html",
        title="Bank hours",
        package=chosen,
        balance=balance,
        hours_text=hours_text,
        values=values or {},
        errors=errors,
    )


@router.get(BANK_PAGE)
def bank_form(
    request: Request, package: RecordId | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        return _bank_page(request, session, me, package, read_at=ctx.now())


@router.post(BANK_PAGE)
def bank_hours(
    request: Request, form: FormData = Depends(form_data), ctx: WebContext = Depends(web_context)
) -> Response:
    """Banking hours; using them is asked of the provider on "Use banked hours"."""
    errors: dict[str, str] = {}
    package_id = _form_package_id(form)
    try:
        with ctx.transaction(form) as (session, me):
            own_record(session, me.actor)
            chosen = _required_package(session, me.actor, package_id)
            minutes = parse_hours(form, errors, "bank")
            note = forms.text(form, "note")
            if not note:
                errors["note"] = "Enter why you are banking the hours"
            elif len(note) > 500:
                errors["note"] = "The reason must be 500 characters or fewer"
            if minutes is not None and not errors:
                timebank.bank(
                    session,
                    actor=me.actor,
                    at=ctx.now(),
                    package_id=chosen.id,
                    minutes=minutes,
                    note=note,
                )
                return redirect(
                    f"/app/my-care/time-bank?package={chosen.id}&done=bank&minutes={minutes}"
                )
    except (Conflict, InvalidInput) as exc:
        errors["hours"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _bank_page(
            request, session, me, package_id, values=forms.values(form), errors=errors
        )


def _consent_page(
    request: Request,
    session: Session,
    me: SignedIn,
    package_id: int | None,
    *,
    done: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    read_at: datetime | None = None,
) -> Response:
    """The requests to answer and those answered; `read_at` when opened, to log the read."""
    person = own_record(session, me.actor)
    chosen = _required_package(session, me.actor, package_id)
    requests = _requests(session, me.actor, chosen.id)
    if read_at is not None:
        log_person_read(session, me.actor, read_at, person.id, "consent requests", "page")
    return render(
        request,
        "my_care/consent.html",
        title="Changes to your care",
        package=chosen,
        person=person,
        provider=_provider_name(session, me.actor, chosen.provider_id),
        open_requests=[r for r in requests if r.answer is None],
        answered=[r for r in requests if r.answer is not None][:10],
        hours_text=hours_text,
        in_words=request_in_words,
        pattern_lines=_pattern_lines,
        values=values if values is not None else suggested_answerer(me, person),
        errors=errors,
        done=CONSENT_DONE.get(done or ""),
    )


@router.get("/app/my-care/consent")
def consent_requests(
    request: Request,
    package: RecordId | None = None,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _consent_page(request, session, me, package, done=done, read_at=ctx.now())


CONSENT_ANCHORS = {
    "answer": "answer",
    "consent_by_name": "name",
    "consent_by_relationship": "relationship",
}


@router.post("/app/my-care/consent/{request_id}")
def answer_consent(
    request: Request,
    request_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    answer = forms.text(form, "answer")
    name = forms.text(form, "name")
    relationship = forms.text(form, "relationship")
    package_id: int | None = None
    try:
        with ctx.transaction(form) as (session, me):
            own_record(session, me.actor)
            asked = get_request(session, actor=me.actor, request_id=request_id)
            package_id = asked.package_id
            if answer not in ("yes", "no"):
                errors["answer"] = "Select yes if you agree to the change"
            if not name:
                errors["name"] = "Enter your full name"
            if not relationship:
                errors["relationship"] = "Enter how you are related to the person, or ‘self’"
            if not errors:
                answered = consent.answer_consent(
                    session,
                    actor=me.actor,
                    at=ctx.now(),
                    request_id=request_id,
                    answer=answer,
                    name=name,
                    relationship=relationship,
                    settings=ctx.settings,
                )
                status = consent.status_of(answered)
                return redirect(f"/app/my-care/consent?package={package_id}&done={status}")
    except (InvalidInput, Conflict) as exc:
        forms.domain_error(exc, CONSENT_ANCHORS, errors, default="answer")
    with ctx.transaction() as (session, me):
        return _consent_page(
            request, session, me, package_id, values=forms.values(form), errors=errors
        )


def _rating_page(
    request: Request,
    session: Session,
    me: SignedIn,
    package_id: int | None,
    *,
    done: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    read_at: datetime | None = None,
) -> Response:
    """The open review's ratings form; `read_at` when opened, to log the read."""
    own_record(session, me.actor)
    chosen = _required_package(session, me.actor, package_id)
    review = open_review_for(session, actor=me.actor, package_id=chosen.id)
    if read_at is not None:
        log_person_read(session, me.actor, read_at, chosen.person_id, "rating", "page")
    return render(
        request,
        "my_care/rating.html",
        title="Rate how things are going",
        package=chosen,
        review=review,
        domains=DOMAIN_LABELS,
        scores=SCORES,
        values=values if values is not None else _given(review),
        errors=errors,
        done=RATING_DONE.get(done or ""),
    )


def _given(review: Review | None) -> dict[str, str]:
    """What the person already gave for the open review, to show and change."""
    if review is None or review.rated_at is None:
        return {}
    return {d: str(getattr(review, d)) for d in DOMAINS if getattr(review, d) is not None}


@router.get("/app/my-care/rating")
def rating(
    request: Request,
    package: RecordId | None = None,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _rating_page(request, session, me, package, done=done, read_at=ctx.now())


@router.post("/app/my-care/rating/{review_id}")
def rate(
    request: Request,
    review_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    opted_out = forms.text(form, "opted_out") == "yes"
    package_id: int | None = None
    try:
        with ctx.transaction(form) as (session, me):
            own_record(session, me.actor)
            review = load_review(session, me.actor, review_id)
            package_id = review.package_id
            scores: dict[str, int | None] = {}
            if not opted_out:
                for domain, label in DOMAIN_LABELS.items():
                    value = forms.text(form, domain)
                    if value not in {s for s, _, _ in SCORES}:
                        errors[domain] = f"Select a rating for ‘{label}’"
                    else:
                        scores[domain] = int(value)
            if not errors:
                rate_own_outcomes(
                    session,
                    actor=me.actor,
                    at=ctx.now(),
                    review_id=review_id,
                    rated_by=me.name,
                    ratings=None if opted_out else scores,
                    opted_out=opted_out,
                )
                done = "opted_out" if opted_out else "rated"
                return redirect(f"/app/my-care/rating?package={package_id}&done={done}")
    except (InvalidInput, Conflict) as exc:
        anchor = (exc.field or "").removeprefix("ratings.")
        errors.setdefault(anchor if anchor in DOMAIN_LABELS else "wellbeing", sentence(exc.message))
    with ctx.transaction() as (session, me):
        return _rating_page(
            request, session, me, package_id, values=forms.values(form), errors=errors
        )
