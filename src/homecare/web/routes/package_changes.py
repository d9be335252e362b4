"""The provider's side of a change to a package's visits, from the package's own page.

The provider manager proposes a new weekly pattern, which goes to the person (or whoever
consents for them) to agree on their page; the package page then shows the answer, the
change on trial, the button to submit it after the trial, and the social worker's
decision. Everything goes through the services the API calls: `request_consent` and
`submit_change`, so the page refuses exactly what the API refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission, require
from homecare.access_log import log_person_read
from homecare.changes.consent import request_consent, status_of
from homecare.changes.domain import OPEN_STATUSES, ChangeStatus
from homecare.changes.patterns import carried_over, of_visits, pattern_faults
from homecare.changes.queue import change_in_words
from homecare.changes.repository import changes_of_package, requests_of_package
from homecare.changes.schemas import request_in_words
from homecare.changes.service import submit_change
from homecare.changes.tables import ProviderChange
from homecare.errors import Conflict, InvalidInput
from homecare.http import PathId
from homecare.packages.repository import load_package
from homecare.packages.tables import Package
from homecare.pattern import PlannedVisit
from homecare.people.repository import person_names
from homecare.units import hours_text
from homecare.web import forms
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.pattern_form import (
    BAND_LABELS,
    cell,
    cell_label,
    initial_values,
    read_pattern,
    read_reason,
    short_asked,
    two_carers,
    visit_fault_error,
)
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SHOWN = 5
DONE = {
    "asked": "Change sent. The person, or whoever consents for them, is asked to agree on "
    "their My care page.",
    "submitted": "Change submitted. It is now with the social worker.",
}


@dataclass(frozen=True)
class ChangeLine:
    """One change as the provider follows it on the package page."""

    change: ProviderChange
    words: str
    submittable: bool
    """On trial with the trial over: the provider may submit it now."""


@dataclass(frozen=True)
class RequestLine:
    status: str
    words: str
    reason: str
    requested_at: datetime
    answered_by: str | None


@dataclass(frozen=True)
class ChangeSection:
    requests: list[RequestLine]
    changes: list[ChangeLine]
    may_propose: bool
    may_submit: bool


def change_section(session: Session, actor: Actor, package: Package, today: date) -> ChangeSection:
    """The package page's changes: requests and their answers, changes and decisions."""
    requests = requests_of_package(session, actor=actor, package_id=package.id, limit=SHOWN)
    changes = changes_of_package(session, actor=actor, package_id=package.id, limit=SHOWN)
    busy = any(r.answer is None for r in requests) or any(
        c.status in OPEN_STATUSES for c in changes
    )
    return ChangeSection(
        requests=[
            RequestLine(
                status_of(r), request_in_words(r), r.reason, r.requested_at, r.answered_by_name
            )
            for r in requests
        ],
        changes=[
            ChangeLine(
                c,
                change_in_words(c, package),
                c.status == ChangeStatus.IN_TRIAL
                and c.submit_from is not None
                and c.submit_from <= today,
            )
            for c in changes
        ],
        may_propose=actor.may(Permission.MANAGE_DELIVERY)
        and package.status == "active"
        and not busy,
        may_submit=actor.may(Permission.MANAGE_DELIVERY),
    )


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    package_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    read_at: datetime | None = None,
) -> Response:
    require(actor, Permission.MANAGE_DELIVERY)
    package = load_package(session, actor, package_id)
    name = person_names(session, actor, {package.person_id}).get(
        package.person_id, f"package {package.id}"
    )
    if read_at is not None:
        log_person_read(session, actor, read_at, package.person_id, "package", "page")
    return render(
        request,
        "packages/change.html",
        title=f"Change {name}’s visits",
        package=package,
        name=name,
        now=hours_text(package.weekly_minutes),
        values=values if values is not None else initial_values(package.visits),
        errors=errors,
        bands=BAND_LABELS,
        cell=cell,
        two_carers=two_carers,
        short_asked=short_asked,
        cell_label=cell_label,
    )


@router.get("/app/packages/{package_id}/change-visits")
def change_form(
    request: Request, package_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        return _form_page(request, session, me.actor, package_id, read_at=ctx.now())


ANCHORS = {"visits": "pattern", "reason": "reason", "package_id": "pattern"}


@router.post("/app/packages/{package_id}/change-visits")
def propose(
    request: Request,
    package_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    visits: list[PlannedVisit] = []
    try:
        with ctx.transaction(form) as (session, me):
            require(me.actor, Permission.MANAGE_DELIVERY)
            package = load_package(session, me.actor, package_id)
            visits = read_pattern(form, errors)
            reason = read_reason(form, errors)
            if visits and set(errors) <= {"reason"}:
                # Each visit's own fault beside its cell, all at once; `carried_over` gives
                # a night visit its kind and a visit asked to be short its request, as the
                # service will.
                current = of_visits(package.visits)
                for fault in pattern_faults(carried_over(current, visits), current):
                    visit_fault_error(fault, visits, errors)
            if not errors:
                request_consent(
                    session,
                    actor=me.actor,
                    at=ctx.now(),
                    package_id=package_id,
                    visits=visits,
                    reason=reason,
                )
                return redirect(f"/app/packages/{package_id}?done=asked")
    except (InvalidInput, Conflict) as exc:
        if not visit_fault_error(exc, visits, errors):
            forms.domain_error(exc, ANCHORS, errors, default="pattern")
    with ctx.transaction() as (session, me):
        return _form_page(
            request, session, me.actor, package_id, values=forms.values(form), errors=errors
        )


@router.post("/app/changes/{change_id}/submit")
def submit(
    change_id: PathId, form: FormData = Depends(form_data), ctx: WebContext = Depends(web_context)
) -> Response:
    """After the trial the provider sends the change to the social worker."""
    with ctx.transaction(form) as (session, me):
        change = submit_change(session, actor=me.actor, at=ctx.now(), change_id=change_id)
        return redirect(f"/app/packages/{change.package_id}?done=submitted")


def done_message(done: str | None) -> str | None:
    return DONE.get(done or "")
