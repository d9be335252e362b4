"""HTTP routes for packages of care."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from homecare.access import load_readable
from homecare.access_log import log_person_read
from homecare.calendar import local_date
from homecare.http import PathId, RequestContext, authenticated
from homecare.packages.repository import package_read, packages_of, readable_packages
from homecare.packages.schemas import PackageRead
from homecare.packages.tables import Package

router = APIRouter(tags=["packages"])


@router.get("/packages", response_model=list[PackageRead])
def list_packages(ctx: RequestContext = Depends(authenticated)) -> list[PackageRead]:
    with ctx.transaction() as (session, actor):
        return packages_of(session, actor, local_date(ctx.now()))


@router.get("/packages/{package_id}", response_model=PackageRead)
def get_package(package_id: PathId, ctx: RequestContext = Depends(authenticated)) -> PackageRead:
    with ctx.transaction() as (session, actor):
        package = load_readable(session, readable_packages(actor), Package, package_id, "package")
        log_person_read(session, actor, ctx.now(), package.person_id, "package", "api")
        return package_read(session, package, local_date(ctx.now()))
