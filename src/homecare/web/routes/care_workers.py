"""The provider manager's care workers: who works which days, how they travel and today's
visits, read through the same repository reads as `/care-workers`; and recording that one
leaves, with the same service as `POST /care-workers/{id}/leaving`. The list shows those
still working; its staff filter shows those who have left.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.calendar import local_date
from homecare.delivery.repository import visits_per_carer
from homecare.errors import Conflict, InvalidInput
from homecare.http import PathId
from homecare.rounds.repository import rounds_of_day
from homecare.rounds.service import planning_provider
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.listing import Filter, ListSpec, page_of, read_query, rows_of
from homecare.web.render import WebRoute, redirect, render
from homecare.web.rounds_view import shift_rows
from homecare.workforce.leaving import record_leaving
from homecare.workforce.repository import care_worker_list, load_care_worker

router = APIRouter(route_class=WebRoute, include_in_schema=False)

MODES = {"walk": "Walks", "cycle": "Cycles", "drive": "Drives"}
CONTRACTS = {
    "salaried_block": "Salaried (block of hours)",
    "guaranteed_hours": "Guaranteed hours",
    "zero_hours": "Zero hours",
}

LIST = ListSpec(
    path="/app/care-workers",
    noun="care workers",
    search_label="Search care workers",
    search_hint="A name or home postcode",
    sorts=("name", "travel", "hours"),
    filters=(
        Filter("travel", "Gets about", {"walk": "Walks", "cycle": "Cycles", "drive": "Drives"}),
        Filter("shift", "Today", {"on": "On shift today", "off": "Not on shift today"}),
        Filter("staff", "Staff", {"left": "Have left"}, any_label="Still working"),
    ),
    default_sort="name",
)


@router.get("/app/care-workers")
def care_workers(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    query, errors = read_query(request.query_params, LIST)
    with ctx.transaction() as (session, me):
        planning_provider(me.actor)
        today = local_date(ctx.now())
        found = care_worker_list(session, me.actor, query, today=today)
        page = page_of(found, query, LIST, errors)
        return render(
            request,
            "rounds/care_workers.html",
            title="Care workers",
            page=rows_of(page, [(w, shift_rows(w)) for w in page.rows]),
            visits=visits_per_carer(session, me.actor, today),
            today=today,
            modes=MODES,
            errors=errors,
        )


FIELDS = {"left_on": "left-on-day", "reason": "reason"}
DONE = "The leaving day is recorded. Their visits from that day need another carer."


def _worker_page(
    request: Request,
    session: Session,
    me: SignedIn,
    care_worker_id: int,
    today: date,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: bool = False,
) -> Response:
    planning_provider(me.actor)
    worker = load_care_worker(session, me.actor, care_worker_id)
    mine = [r for r in rounds_of_day(session, me.actor, today) if r.care_worker_id == worker.id]
    return render(
        request,
        "rounds/care_worker.html",
        title=worker.name,
        status=400 if errors else 200,
        worker=worker,
        shifts=shift_rows(worker),
        worker_round=mine[0] if mine else None,
        visits_today=visits_per_carer(session, me.actor, today)[worker.id],
        today=today,
        modes=MODES,
        contracts=CONTRACTS,
        errors=errors,
        values=values or {},
        done=DONE if done else None,
    )


@router.get("/app/care-workers/{care_worker_id}")
def care_worker(
    request: Request,
    care_worker_id: PathId,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        today = local_date(ctx.now())
        return _worker_page(request, session, me, care_worker_id, today, done=done == "left")


@router.post("/app/care-workers/{care_worker_id}/leaving")
def care_worker_leaving(
    request: Request,
    care_worker_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Records the care worker's leaving day and why, as `record_leaving` does for the API."""
    errors: dict[str, str] = {}
    left_on = forms.parse_date(form, "left-on", "the day they leave", errors, anchor="left-on-day")
    reason = forms.text(form, "reason")
    if len(reason) < 2:
        errors["reason"] = "Enter why they are leaving"
    elif len(reason) > 300:
        errors["reason"] = "Why they are leaving must be 300 characters or fewer"
    with ctx.transaction(form) as (session, me):
        if not errors and left_on is not None:
            try:
                record_leaving(
                    session, actor=me.actor, at=ctx.now(), care_worker_id=care_worker_id,
                    left_on=left_on, reason=reason,
                )  # fmt: skip
            except (InvalidInput, Conflict) as exc:
                forms.domain_error(exc, FIELDS, errors, default="left-on-day")
        if errors:
            return _worker_page(request, session, me, care_worker_id, local_date(ctx.now()),
                                errors=errors, values=forms.values(form))  # fmt: skip
        return redirect(f"/app/care-workers/{care_worker_id}?done=left")
