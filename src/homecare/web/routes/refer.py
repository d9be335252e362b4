"""Refer someone: find the person or record them, then send the referral.

The pages call the same services as the API (`record_person`, `brokerage.service.refer`)
with the signed-in actor, so every rule and every scope is the API's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission, Role, require
from homecare.access_log import log_person_read
from homecare.brokerage import service
from homecare.brokerage.domain import ReferralSource
from homecare.brokerage.repository import provider_choices
from homecare.brokerage.schemas import ReferralCreate
from homecare.calendar import local_date
from homecare.errors import Conflict, InvalidInput
from homecare.geo.postcodes import normalise_postcode
from homecare.geo.repository import lookup
from homecare.http import PathId
from homecare.market.repository import council_lots, organisations
from homecare.people.domain import age_on, is_valid_nhs_number
from homecare.people.repository import load_person, search_people
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from homecare.people.tables import Person
from homecare.web import forms
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.refer_visits import (
    BANDS,
    DAYS,
    NIGHT_KIND_CHOICES,
    GridVisits,
    grid_anchor,
    read_grid,
    task_choices,
    weekly_hours_checks,
)
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SOURCES = [
    (ReferralSource.SOCIAL_WORK.value, "Social work", None),
    (ReferralSource.HOSPITAL_DISCHARGE.value, "Hospital discharge", None),
    (ReferralSource.NHS_NEIGHBOURHOOD_TEAM.value, "NHS neighbourhood team", None),
]
SEARCH_LIMIT = 25


@router.get("/app/refer")
def find_person(request: Request, q: str = "", ctx: WebContext = Depends(web_context)) -> Response:
    query = q.strip()[:100]
    with ctx.transaction() as (session, me):
        require(me.actor, Permission.REFER)
        people = search_people(session, me.actor, query, SEARCH_LIMIT + 1) if query else []
        return render(
            request,
            "refer/find.html",
            title="Refer someone",
            query=query,
            people=people[:SEARCH_LIMIT],
            more=len(people) > SEARCH_LIMIT,
        )


# --- recording a person ------------------------------------------------------------------

PERSON_ANCHORS = {
    "nhs_number": "nhs-number",
    "given_name": "given-name",
    "family_name": "family-name",
    "date_of_birth": "date-of-birth-day",
    "address": "address",
    "postcode": "postcode",
    "languages": "languages",
    "council_id": "council",
}
PERSON_REQUIRED = [
    ("nhs_number", "nhs-number", "Enter the person's NHS number"),
    ("given_name", "given-name", "Enter the person's first name"),
    ("family_name", "family-name", "Enter the person's last name"),
]


def _person_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    # Council staff record their own council's residents; anyone else names the council.
    found = [] if actor.is_council else organisations(session, actor, "council")
    councils = [(str(c.id), c.name, None) for c in found]
    return render(
        request,
        "refer/person.html",
        title="Record someone new",
        values=values,
        errors=errors,
        councils=councils,
    )


@router.get("/app/people/new")
def new_person(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        require(me.actor, Permission.RECORD_PEOPLE)
        return _person_page(request, session, me.actor, values={"languages": "English"})


def _person_checks(
    session: Session, form: FormData, born: date | None, today: date, errors: dict[str, str]
) -> None:
    """What the service would refuse one at a time, found at once with everything else."""
    nhs_number = forms.text(form, "nhs_number").replace(" ", "")
    ten_digits = len(nhs_number) == 10 and nhs_number.isascii() and nhs_number.isdecimal()
    if nhs_number and not ten_digits:
        errors["nhs-number"] = "NHS number must be 10 numbers, like 943 476 5919"
    elif nhs_number and not is_valid_nhs_number(nhs_number):
        errors["nhs-number"] = "Enter a real NHS number: check it on the person's NHS letters"
    if born is not None and born > today:
        errors["date-of-birth-day"] = "Date of birth must be in the past"
    elif born is not None and age_on(born, today) < 18:
        errors["date-of-birth-day"] = "The person must be 18 or over for adult social care"
    elif born is not None and age_on(born, today) > 120:
        errors["date-of-birth-day"] = "Check the date of birth: it gives an age over 120"
    postcode = forms.text(form, "postcode")
    if postcode:
        try:
            known = lookup(session, normalise_postcode(postcode)) is not None
        except InvalidInput:
            errors["postcode"] = "Enter a real postcode, like LS12 1AU"
        else:
            if not known:
                errors["postcode"] = (
                    "We do not know this postcode. Check it is in the council's area"
                )


def _person_body(
    session: Session, form: FormData, actor: Actor, today: date, errors: dict[str, str]
) -> PersonCreate | None:
    for name, anchor, message in PERSON_REQUIRED:
        if not forms.text(form, name):
            errors[anchor] = message
    born = forms.parse_date(
        form, "date-of-birth", "the person's date of birth", errors, anchor="date-of-birth-day"
    )
    if not forms.text(form, "address"):
        errors["address"] = "Enter the person's address"
    if not forms.text(form, "postcode"):
        errors["postcode"] = "Enter the person's postcode"
    _person_checks(session, form, born, today, errors)
    council = forms.text(form, "council_id")
    council_id = forms.record_id(council)
    if (not actor.is_council and not council) or (council and council_id is None):
        errors["council"] = "Select the council the person lives in"
    if errors:
        return None
    languages = [part.strip() for part in forms.text(form, "languages").split(",") if part.strip()]
    body: dict[str, Any] = {
        "nhs_number": forms.text(form, "nhs_number"),
        "given_name": forms.text(form, "given_name"),
        "family_name": forms.text(form, "family_name"),
        "date_of_birth": born,
        "address": forms.text(form, "address"),
        "postcode": forms.text(form, "postcode"),
        "languages": languages or ["English"],
        "council_id": council_id,
    }
    try:
        return PersonCreate.model_validate(body)
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            anchor = PERSON_ANCHORS.get(field, "nhs-number")
            errors.setdefault(anchor, _plain(field, error["type"]))
        return None


def _plain(field: str, kind: str) -> str:
    """Pydantic's refusals in the words of the form."""
    names = {
        "nhs_number": "NHS number",
        "given_name": "First name",
        "family_name": "Last name",
        "address": "Address",
        "postcode": "Postcode",
    }
    name = names.get(field, field.replace("_", " ").capitalize())
    if kind == "string_too_long":
        return f"{name} is too long"
    if kind == "string_too_short":
        return f"{name} is too short"
    return f"Check the {name.lower()}"


@router.post("/app/people/new")
def create_person(
    request: Request,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    try:
        with ctx.transaction(form) as (session, me):
            require(me.actor, Permission.RECORD_PEOPLE)
            body = _person_body(session, form, me.actor, local_date(ctx.now()), errors)
            if body is not None:
                person = record_person(session, actor=me.actor, at=ctx.now(), data=body)
                return redirect(f"/app/refer/people/{person.id}")
    except (InvalidInput, Conflict) as exc:
        if exc.field == "postcode" and "postcode directory" in exc.message:
            errors["postcode"] = "We do not know this postcode. Check it is in the council's area"
        else:
            forms.domain_error(exc, PERSON_ANCHORS, errors, default="nhs-number")
    with ctx.transaction() as (session, me):
        return _person_page(request, session, me.actor, values=forms.values(form), errors=errors)


# --- the referral form -------------------------------------------------------------------


def _default_source(actor: Actor) -> str:
    if actor.role is Role.NEIGHBOURHOOD_NURSE:
        return ReferralSource.NHS_NEIGHBOURHOOD_TEAM.value
    return ReferralSource.SOCIAL_WORK.value


def _referral_page(
    request: Request,
    session: Session,
    actor: Actor,
    person: Person,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    lots = council_lots(session, actor, person.council_id)
    here, elsewhere = provider_choices(session, person.council_id, person.lsoa_code)
    return render(
        request,
        "refer/referral.html",
        title="Referral details",
        person=person,
        lots=[(str(lot.number), f"Lot {lot.number}: {lot.name}", None) for lot in lots],
        sources=SOURCES,
        days=DAYS,
        bands=BANDS,
        night_kinds=NIGHT_KIND_CHOICES,
        tasks=task_choices([(lot.number, list(lot.required_skills or [])) for lot in lots]),
        values=values,
        errors=errors,
        providers_here=[(str(p.id), p.name) for p in here],
        providers_elsewhere=[(str(p.id), p.name) for p in elsewhere],
    )


@router.get("/app/refer/people/{person_id}")
def referral_form(
    request: Request, person_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        require(me.actor, Permission.REFER)
        person = load_person(session, me.actor, person_id)
        log_person_read(session, me.actor, ctx.now(), person.id, "person", "page")
        return _referral_page(
            request,
            session,
            me.actor,
            person,
            values={"source": _default_source(me.actor), "lot": "1"},
        )


def _referral_body(
    form: FormData, person_id: int, today: date, errors: dict[str, str]
) -> tuple[ReferralCreate | None, GridVisits]:
    """The referral as the API takes it, and the grid's visits with the cell of each."""
    lot = forms.whole_number(forms.text(form, "lot"))
    if lot is None:
        errors["lot"] = "Select the lot"
    grid = read_grid(form, errors)
    weekly = forms.parse_number(
        form,
        "weekly_hours",
        errors,
        anchor="weekly-hours",
        message="Enter the weekly carer hours as a number of hours, like 12.5",
    )
    weekly_hours_checks(weekly, grid, errors)
    starts = forms.parse_date(
        form, "required-start", "the required start date", errors, anchor="required-start-day"
    )
    if starts is not None and starts < today:
        errors["required-start-day"] = "The required start date must be today or in the future"
    source = forms.text(form, "source")
    if source not in {s.value for s in ReferralSource}:
        errors["source"] = "Select where the referral comes from"
    chosen = forms.text(form, "preferred_provider")
    preferred = forms.record_id(chosen) if chosen else None
    if chosen and preferred is None:
        errors["preferred-provider"] = "Select the provider the person wants, or none"
    spot_rate = forms.parse_pounds(form, "spot-rate", errors, what="the agreed hourly rate")
    if len(forms.text(form, "preference_reason")) > 300:
        errors["preference-reason"] = "The reason must be 300 characters or fewer"
    if errors or starts is None or lot is None:
        return None, grid
    outcomes = [line.strip() for line in forms.text(form, "outcomes").splitlines() if line.strip()]
    return (
        ReferralCreate(
            person_id=person_id,
            source=ReferralSource(source),
            priority=forms.text(form, "priority") == "yes",
            lot=lot,
            weekly_hours=weekly,
            visits=grid.visits,
            two_handed=grid.two_handed,
            outcomes_sought=outcomes,
            required_start=starts,
            preferred_provider_id=preferred,
            preference_reason=forms.text(form, "preference_reason") or None,
            spot_hourly_rate=spot_rate,
        ),
        grid,
    )


def _referral_anchor(field: str | None, grid: GridVisits) -> str:
    """The input a service's refusal is about: 'visits.3.minutes' is the fourth visit."""
    parts = (field or "").split(".")
    cell = grid_anchor(parts, grid)
    if cell is not None:
        return cell
    return {
        "visits": "visit-mon-morning",
        "weekly_hours": "weekly-hours",
        "required_start": "required-start-day",
        "lot": "lot",
        "source": "source",
        "person_id": "person",
        "preferred_provider_id": "preferred-provider",
        "preference_reason": "preference-reason",
        "spot_hourly_rate": "spot-rate",
    }.get(parts[0], "person")


@router.post("/app/refer/people/{person_id}")
def send_referral(
    request: Request,
    person_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    grid = GridVisits()
    try:
        with ctx.transaction(form) as (session, me):
            require(me.actor, Permission.REFER)
            person = load_person(session, me.actor, person_id)
            body, grid = _referral_body(form, person.id, local_date(ctx.now()), errors)
            if body is not None:
                referral = service.refer(
                    session, actor=me.actor, at=ctx.now(), data=body, settings=ctx.settings
                )
                return redirect(f"/app/referrals/{referral.id}?done=sent")
    except InvalidInput as exc:
        errors[_referral_anchor(exc.field, grid)] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        person = load_person(session, me.actor, person_id)
        return _referral_page(
            request, session, me.actor, person, values=forms.values(form), errors=errors
        )
