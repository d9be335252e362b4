"""The social worker's queue of provider-led changes due for approval, with their net impact;
approve, amend or reverse.

The pages read through `changes.repository` and `packages.repository`, and decide through
`decide_change`, exactly as the API does: a change of another council is "Page not found"
(404), and a role without DECIDE_CHANGES, such as a provider manager, gets "You cannot use
this page" (403), as the API answers a provider's decision with 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission, require
from homecare.access_log import log_person_read
from homecare.calendar import local_date
from homecare.changes import queue
from homecare.changes.domain import DECIDABLE_STATUSES
from homecare.changes.impact import impact_figures, impact_for
from homecare.changes.repository import (
    change_impact,
    change_list,
    decisions_waiting,
    get_change,
)
from homecare.changes.schemas import ImpactFigures
from homecare.changes.service import decide_change
from homecare.changes.tables import ProviderChange
from homecare.errors import Conflict, InvalidInput, NotFound
from homecare.http import PathId, RecordId
from homecare.market.repository import organisation
from homecare.packages.repository import load_package
from homecare.packages.tables import Package
from homecare.people.repository import person_names
from homecare.web import forms
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.format import format_hours, format_waiting, sentence
from homecare.web.listing import Filter, ListSpec, page_of, read_query, rows_of
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

IMPACT_DAYS = 28
NOTE_LIMIT = 1000
DONE = {
    "approved": "approved. It stays on the package",
    "amended": "amended. The package has the hours you set",
    "reversed": "reversed. The package is back to its care before the change",
}
DECISIONS = (
    ("approve", "Approve the change", "Keep the visits the provider proposed"),
    (
        "amend",
        "Amend the change",
        "Keep the proposed visits, scaled to weekly hours you set; night sitting and "
        "sleep-ins stay whole, and no visit goes under 30 minutes unless the person asked",
    ),
    ("reverse", "Reverse the change", "Put the care back as it was before the change"),
)
NOTE_NEEDED = {"amend": "amending", "reverse": "reversing"}
LIMITS = Filter(
    "limits",
    "Contract limits",
    {"within": "Within the limits", "outside": "Outside the limits"},
)


def _list_spec(decided: bool) -> ListSpec:
    """The queue oldest first; the decided changes the latest decision first."""
    return ListSpec(
        path="/app/changes",
        noun="changes",
        search_label="Search changes",
        search_hint="A person's name, postcode or NHS number",
        sorts=("person", "decided" if decided else "waiting"),
        filters=(LIMITS,),
        default_sort="decided" if decided else "waiting",
        default_descending=decided,
        keep=(("show", "decided"),) if decided else (),
    )


@dataclass(frozen=True)
class ChangeRow:
    """A change as the queue and the change's page show it."""

    change: ProviderChange
    person: str
    provider: str
    percent: str
    trial_ends: date | None
    waited: str
    impact: ImpactFigures
    words: str
    """The change as the family reads it: 'Adds a 30-minute lunch visit every day; …'."""


def percent_change(from_minutes: int, to_minutes: int) -> str:
    """'+14.3%', '-7.1%', '+20%': the size of the change against the contract's limits."""
    value = (Decimal(to_minutes - from_minutes) * 100 / Decimal(from_minutes)).quantize(
        Decimal("0.1")
    )
    text = f"{value:+f}".removesuffix(".0")
    return f"{text}%"


def _rows(
    session: Session, actor: Actor, found: list[ProviderChange], now: datetime
) -> list[ChangeRow]:
    names = person_names(session, actor, {_package(session, actor, c).person_id for c in found})
    rows = []
    for change in found:
        package = _package(session, actor, change)
        provider = organisation(session, actor, change.provider_id)
        rows.append(
            ChangeRow(
                change=change,
                person=names.get(package.person_id, f"Package {package.id}"),
                provider=provider.name,
                percent=percent_change(change.from_weekly_minutes, change.to_weekly_minutes),
                trial_ends=change.submit_from - timedelta(days=1) if change.submit_from else None,
                waited=format_waiting(now - queue.waiting_since(change)),
                impact=impact_figures(impact_for(change, package), change.hourly_rate_pence),
                words=queue.change_in_words(change, package),
            )
        )
    return rows


def _package(session: Session, actor: Actor, change: ProviderChange) -> Package:
    """A change the actor may read is on a package the actor may read."""
    return load_package(session, actor, change.package_id)


def weekly_hours(minutes: int) -> str:
    """'7 hours (420 minutes)': the form asks for minutes, as `decide_change` takes them."""
    return f"{format_hours(Decimal(minutes) / 60)} ({minutes} minutes)"


def _banner(session: Session, actor: Actor, done: str | None, change_id: int | None) -> str:
    """After a decision: whose change it was and what now happens to their care; only
    when the change really has that status, so an edited address cannot claim otherwise."""
    if done not in DONE or change_id is None:
        return ""
    try:
        found = get_change(session, actor=actor, change_id=change_id)
    except NotFound:
        return ""
    if found.status != done:
        return ""
    person_id = _package(session, actor, found).person_id
    name = person_names(session, actor, {person_id}).get(person_id)
    whose = f"The change to {name}’s care" if name else "The change"
    return f"{whose} is {DONE[done]}."


@router.get("/app/changes")
def changes_queue(
    request: Request,
    show: str | None = None,
    done: str | None = None,
    change: RecordId | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    decided = show == "decided"
    spec = _list_spec(decided)
    query, errors = read_query(request.query_params, spec)
    with ctx.transaction() as (session, me):
        found = change_list(session, actor=me.actor, query=query, decided=decided)
        page = page_of(found, query, spec, errors)
        today = local_date(ctx.now())
        first = today - timedelta(days=IMPACT_DAYS - 1)
        return render(
            request,
            "changes/queue.html",
            title="Decided changes" if decided else "Changes to approve",
            decided=decided,
            waiting_count=decisions_waiting(session, actor=me.actor),
            page=rows_of(page, list(_rows(session, me.actor, page.rows, ctx.now()))),
            report=change_impact(session, actor=me.actor, start=first, end=today),
            done=_banner(session, me.actor, done, change),
            errors=errors,
        )


def _change_page(
    request: Request,
    session: Session,
    actor: Actor,
    ctx: WebContext,
    change_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    log_read: bool = False,
) -> Response:
    """The change and the person's pattern of visits; `log_read` when the page is opened."""
    require(actor, Permission.DECIDE_CHANGES)
    change = get_change(session, actor=actor, change_id=change_id)
    row = _rows(session, actor, [change], ctx.now())[0]
    package = _package(session, actor, change)
    if log_read:
        log_person_read(session, actor, ctx.now(), package.person_id, "change", "page")
    amend_hint = (
        f"Before the change the package had {weekly_hours(change.from_weekly_minutes)} a week; "
        f"the provider proposed {weekly_hours(change.to_weekly_minutes)}"
    )
    return render(
        request,
        "changes/show.html",
        title=f"Change to {row.person}’s care",
        row=row,
        change=change,
        pattern=queue.pattern_rows(change, package),
        words=row.words,
        package_minutes=package.weekly_minutes,
        decidable=change.status in DECIDABLE_STATUSES,
        decisions=DECISIONS,
        amend_hint=amend_hint,
        values=values or {},
        errors=errors,
    )


@router.get("/app/changes/{change_id}")
def change_page(
    request: Request, change_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        return _change_page(request, session, me.actor, ctx, change_id, log_read=True)


def _read_decision(form: FormData, errors: dict[str, str]) -> tuple[str, int | None, str]:
    """The decision, the amended weekly hours (as minutes) and the note, with an error for
    each fault."""
    decision = forms.text(form, "decision")
    note = forms.text(form, "note")
    minutes: int | None = None
    if decision not in {value for value, _, _ in DECISIONS}:
        errors["decision"] = "Select whether to approve, amend or reverse the change"
    if decision == "amend":
        hours = forms.parse_number(
            form, "weekly-hours", errors, anchor="weekly-hours",
            message="Enter the weekly carer hours as a number of hours, like 7.5",
        )  # fmt: skip
        if hours is None and "weekly-hours" not in errors:
            errors["weekly-hours"] = "Enter the weekly carer hours for the amended change"
        elif hours is not None:
            minutes = round(hours * 60)
    if decision in NOTE_NEEDED and not note:
        errors["note"] = f"Enter why you are {NOTE_NEEDED[decision]} the change"
    elif len(note) > NOTE_LIMIT:
        errors["note"] = f"The note must be {NOTE_LIMIT} characters or fewer"
    return decision, minutes, note


@router.post("/app/changes/{change_id}/decision")
def decide(
    request: Request,
    change_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    try:
        with ctx.transaction(form) as (session, me):
            require(me.actor, Permission.DECIDE_CHANGES)
            get_change(session, actor=me.actor, change_id=change_id)
            decision, minutes, note = _read_decision(form, errors)
            if not errors:
                decided = decide_change(
                    session,
                    actor=me.actor,
                    at=ctx.now(),
                    change_id=change_id,
                    decision=decision,
                    weekly_minutes=minutes,
                    note=note or None,
                )
                return redirect(f"/app/changes?done={decided.status}&change={decided.id}")
    except InvalidInput as exc:
        forms.domain_error(
            exc, {"weekly_minutes": "weekly-hours", "note": "note"}, errors, default="decision"
        )
    except Conflict as exc:
        errors["change"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _change_page(
            request, session, me.actor, ctx, change_id, values=forms.values(form), errors=errors
        )
