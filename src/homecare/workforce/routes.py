"""HTTP routes for care workers."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Response

from homecare.access import load_readable
from homecare.calendar import local_date
from homecare.http import MAX_ID, PathId, RequestContext, authenticated
from homecare.paging import api_query
from homecare.workforce.leaving import record_leaving
from homecare.workforce.repository import (
    CARE_WORKER_SORTS,
    care_worker_list,
    readable_care_workers,
)
from homecare.workforce.schemas import CareWorkerCreate, CareWorkerLeaving, CareWorkerRead
from homecare.workforce.service import add_care_worker
from homecare.workforce.tables import CareWorker

router = APIRouter(tags=["workforce"])


@router.get("/care-workers", response_model=list[CareWorkerRead])
def list_care_workers(
    response: Response,
    travel: str | None = Query(default=None, description="walk, cycle or drive"),
    shift: str | None = Query(default=None, description="on or off: on shift today or not"),
    staff: Literal["current", "left"] | None = Query(
        default=None, description="current (the default): still working today; or left"
    ),
    q: str | None = Query(default=None, max_length=100, description="words in the name"),
    sort: str | None = Query(
        default=None, description="name, hours or travel; '-' first for descending"
    ),
    limit: int | None = Query(default=None, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=MAX_ID),
    ctx: RequestContext = Depends(authenticated),
) -> list[CareWorker]:
    """In the order they were hired unless sorted; the same read as the care workers page.
    The whole list's length is in X-Total-Count."""
    filters = {"travel": travel, "shift": shift, "staff": staff}
    query = api_query(
        CARE_WORKER_SORTS, q=q, sort=sort, limit=limit, offset=offset, filters=filters
    )
    today = local_date(ctx.now())
    with ctx.transaction() as (session, actor):
        found = care_worker_list(session, actor, query, today=today)
        response.headers["X-Total-Count"] = str(found.total)
        return found.rows


@router.get("/care-workers/{care_worker_id}", response_model=CareWorkerRead)
def get_care_worker(
    care_worker_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> CareWorker:
    with ctx.transaction() as (session, actor):
        return load_readable(
            session, readable_care_workers(actor), CareWorker, care_worker_id, "care worker"
        )


@router.post("/care-workers", response_model=CareWorkerRead, status_code=201)
def create_care_worker(
    body: CareWorkerCreate, ctx: RequestContext = Depends(authenticated)
) -> CareWorker:
    with ctx.transaction() as (session, actor):
        return add_care_worker(session, actor=actor, at=ctx.now(), data=body)


@router.post("/care-workers/{care_worker_id}/leaving", response_model=CareWorkerRead)
def care_worker_leaving(
    care_worker_id: PathId, body: CareWorkerLeaving, ctx: RequestContext = Depends(authenticated)
) -> CareWorker:
    """Records the care worker's first day no longer working (422 before they were hired or
    more than a year ahead; 409 once they have left). From that day they are taken off the
    visits that have not started and off saved rounds, and are no longer planned, offered
    for visits or counted in the provider's skills."""
    with ctx.transaction() as (session, actor):
        return record_leaving(
            session,
            actor=actor,
            at=ctx.now(),
            care_worker_id=care_worker_id,
            left_on=body.left_on,
            reason=body.reason,
        )
