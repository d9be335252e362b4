"""HTTP routes that change a caseload: care ends, short-term care is extended."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse

from homecare.calendar import local_date
from homecare.caseload.ending import end_package, extend_package
from homecare.caseload.import_rows import read_caseload
from homecare.caseload.importing import import_caseload
from homecare.caseload.moving import move_package
from homecare.caseload.schemas import (
    CaseloadImported,
    CaseloadRefused,
    EndCare,
    ExtendCare,
    MoveCare,
    RowProblemOut,
)
from homecare.http import PathId, RequestContext, authenticated
from homecare.packages.repository import package_read
from homecare.packages.schemas import PackageRead
from homecare.rows import ImportRefused, RowProblem

router = APIRouter(tags=["packages"])


@router.post("/packages/{package_id}/end", response_model=PackageRead)
def end_care(
    package_id: PathId, body: EndCare, ctx: RequestContext = Depends(authenticated)
) -> PackageRead:
    """Records the last day of care and why (409 if an end is already recorded): the visits
    after it are cancelled and its places in saved rounds released; the day after it the
    package is ended and its time bank settled."""
    with ctx.transaction() as (session, actor):
        package = end_package(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            last_day=body.last_day,
            reason=body.reason,
        )
        return package_read(session, package, local_date(ctx.now()))


@router.post("/packages/{package_id}/extend", response_model=PackageRead)
def extend_care(
    package_id: PathId, body: ExtendCare, ctx: RequestContext = Depends(authenticated)
) -> PackageRead:
    """Moves short-term care's planned last day later, before it has ended."""
    with ctx.transaction() as (session, actor):
        package = extend_package(
            session, actor=actor, at=ctx.now(), package_id=package_id, until=body.until
        )
        return package_read(session, package, local_date(ctx.now()))


@router.post("/packages/{package_id}/move", response_model=PackageRead, status_code=201)
def move_care(
    package_id: PathId, body: MoveCare, ctx: RequestContext = Depends(authenticated)
) -> PackageRead:
    """Moves the person's care to another provider from the handover day: the new package
    (201) continues this one, which ends the day before (or on the handover day, when both
    carers attend its visits). 409 when that provider has no contract in the lot and zone."""
    with ctx.transaction() as (session, actor):
        package = move_package(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            contract_id=body.contract_id,
            handover_day=body.handover_day,
            reason=body.reason,
            handover_visits=body.handover_visits,
        )
        return package_read(session, package, local_date(ctx.now()))


MAX_FILE_BYTES = 10_000_000


def _refused(problems: ImportRefused) -> JSONResponse:
    body = CaseloadRefused(
        detail=problems.message,
        rows=[
            RowProblemOut(line=p.line, column=p.column, reason=p.reason) for p in problems.problems
        ],
    )
    return JSONResponse(status_code=422, content=body.model_dump())


@router.post(
    "/caseload/imports",
    response_model=CaseloadImported,
    status_code=201,
    tags=["caseload"],
    responses={422: {"model": CaseloadRefused, "description": "Rows that cannot be used"}},
)
def import_caseload_file(
    raw: bytes = Body(
        ...,
        media_type="text/csv",
        description="The caseload extract, as docs/formats/caseload-csv.md lays it out",
    ),
    ctx: RequestContext = Depends(authenticated),
) -> CaseloadImported | JSONResponse:
    """A council's existing people and packages from its case-management extract, all or
    nothing: 422 lists every unusable row with its line, column and reason."""
    if len(raw) > MAX_FILE_BYTES:
        return _refused(ImportRefused([RowProblem(0, "", "the file is over 10 MB")]))
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _refused(ImportRefused([RowProblem(0, "", "the file is not UTF-8 text")]))
    rows, problems = read_caseload(content)
    if problems:
        return _refused(ImportRefused(problems))
    try:
        with ctx.transaction() as (session, actor):
            council_id = actor.organisation_id or 0
            done = import_caseload(session, actor=actor, at=ctx.now(), council_id=council_id,
                                   rows=rows)  # fmt: skip
    except ImportRefused as refused:
        return _refused(refused)
    return CaseloadImported(
        people_added=done.people_added,
        people_known=done.people_known,
        packages=done.packages,
        weekly_hours=round(done.weekly_minutes / 60, 2),
    )
