"""HTTP routes for care workers."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from homecare.access import load_readable
from homecare.http import PathId, RequestContext, authenticated
from homecare.workforce.repository import care_workers_of, readable_care_workers
from homecare.workforce.schemas import CareWorkerCreate, CareWorkerRead
from homecare.workforce.service import add_care_worker
from homecare.workforce.tables import CareWorker

router = APIRouter(tags=["workforce"])


@router.get("/care-workers", response_model=list[CareWorkerRead])
def list_care_workers(ctx: RequestContext = Depends(authenticated)) -> list[CareWorker]:
    with ctx.transaction() as (session, actor):
        return care_workers_of(session, actor)


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
