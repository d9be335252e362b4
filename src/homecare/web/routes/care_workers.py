"""The provider manager's care workers: who works which days, how they travel and today's
visits, read through the same repository reads as `/care-workers`.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from homecare.calendar import local_date
from homecare.delivery.repository import visits_per_carer
from homecare.http import PathId
from homecare.rounds.repository import rounds_of_day
from homecare.rounds.service import planning_provider
from homecare.web.context import WebContext, web_context
from homecare.web.listing import Filter, ListSpec, page_of, read_query, rows_of
from homecare.web.render import WebRoute, render
from homecare.web.rounds_view import shift_rows
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


@router.get("/app/care-workers/{care_worker_id}")
def care_worker(
    request: Request, care_worker_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        planning_provider(me.actor)
        worker = load_care_worker(session, me.actor, care_worker_id)
        today = local_date(ctx.now())
        mine = [r for r in rounds_of_day(session, me.actor, today) if r.care_worker_id == worker.id]
        return render(
            request,
            "rounds/care_worker.html",
            title=worker.name,
            worker=worker,
            shifts=shift_rows(worker),
            worker_round=mine[0] if mine else None,
            visits_today=visits_per_carer(session, me.actor, today)[worker.id],
            today=today,
            modes=MODES,
            contracts=CONTRACTS,
        )
