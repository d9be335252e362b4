"""HTTP routes for packages of care."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from homecare.access import load_readable
from homecare.access_log import log_person_read
from homecare.calendar import local_date
from homecare.http import MAX_ID, PathId, RecordId, RequestContext, authenticated
from homecare.packages.repository import (
    PACKAGE_SORTS,
    package_list,
    package_read,
    readable_packages,
)
from homecare.packages.schemas import PackageRead
from homecare.packages.tables import Package
from homecare.paging import api_query

router = APIRouter(tags=["packages"])


@router.get("/packages", response_model=list[PackageRead])
def list_packages(
    response: Response,
    status: str | None = None,
    lot: RecordId | None = None,
    zone: RecordId | None = Query(default=None, description="a zone's id"),
    q: str | None = Query(
        default=None, max_length=100, description="words in the person's name or postcode"
    ),
    sort: str | None = Query(
        default=None, description="person, hours, starts or status; '-' first for descending"
    ),
    limit: int | None = Query(default=None, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=MAX_ID),
    ctx: RequestContext = Depends(authenticated),
) -> list[PackageRead]:
    """Oldest first unless sorted; the same read as the people and packages page. The
    whole list's length is in X-Total-Count."""
    filters = {
        "status": status,
        "lot": None if lot is None else str(lot),
        "zone": None if zone is None else str(zone),
    }
    query = api_query(PACKAGE_SORTS, q=q, sort=sort, limit=limit, offset=offset, filters=filters)
    with ctx.transaction() as (session, actor):
        found = package_list(session, actor, query)
        response.headers["X-Total-Count"] = str(found.total)
        today = local_date(ctx.now())
        return [package_read(session, p, today) for p in found.rows]


@router.get("/packages/{package_id}", response_model=PackageRead)
def get_package(package_id: PathId, ctx: RequestContext = Depends(authenticated)) -> PackageRead:
    with ctx.transaction() as (session, actor):
        package = load_readable(session, readable_packages(actor), Package, package_id, "package")
        log_person_read(session, actor, ctx.now(), package.person_id, "package", "api")
        return package_read(session, package, local_date(ctx.now()))
