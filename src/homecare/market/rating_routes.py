"""HTTP routes for CQC's published ratings and the alerts a downgrade raises."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse

from homecare.http import PathId, RequestContext, authenticated
from homecare.market.cqc_import import apply_ratings
from homecare.market.cqc_layout import read_cqc_ratings
from homecare.market.rating_schemas import (
    CqcImported,
    CqcProblemItem,
    CqcRefused,
    CqcRowProblem,
    RatingAlertRead,
)
from homecare.market.rating_tables import RatingAlert
from homecare.market.ratings import mark_alert_read, may_update_ratings, rating_alerts
from homecare.rows import ImportRefused, RowProblem

router = APIRouter(tags=["market"])

MAX_FILE_BYTES = 100_000_000
"""The national Latest ratings sheet saved as CSV is some tens of megabytes."""


def _refused(refused: ImportRefused) -> JSONResponse:
    body = CqcRefused(
        detail=refused.message,
        errors=[CqcProblemItem(field=p.column or None, message=str(p)) for p in refused.problems],
        rows=[
            CqcRowProblem(line=p.line, column=p.column, reason=p.reason) for p in refused.problems
        ],
    )
    return JSONResponse(status_code=422, content=body.model_dump())


@router.post(
    "/cqc/imports",
    response_model=CqcImported,
    status_code=201,
    responses={422: {"model": CqcRefused, "description": "Rows that cannot be used"}},
)
def import_cqc_ratings(
    raw: bytes = Body(
        ...,
        media_type="text/csv",
        description="CQC's Latest ratings (Locations sheet) or care directory with ratings, "
        "saved as CSV: docs/formats/cqc-ratings.md",
    ),
    ctx: RequestContext = Depends(authenticated),
) -> CqcImported | JSONResponse:
    """Providers' ratings from CQC's published file, all or nothing: 422 lists every
    unusable row with its line, column and reason. A commissioner updates the providers
    holding the council's contracts; locations we hold no provider for are counted."""
    with ctx.transaction() as (_, actor):
        may_update_ratings(actor)
    if len(raw) > MAX_FILE_BYTES:
        return _refused(ImportRefused([RowProblem(0, "", "the file is over 100 MB")]))
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(ImportRefused([RowProblem(0, "", "the file is not UTF-8 text")]))
    read = read_cqc_ratings(content)
    if read.problems:
        return _refused(ImportRefused(read.problems))
    with ctx.transaction() as (session, actor):
        done = apply_ratings(
            session, actor=actor, at=ctx.now(), locations=read.locations, source="cqc-file"
        )
    return CqcImported(
        locations=done.locations,
        providers=done.providers,
        not_held=done.not_held,
        changes=done.changes,
        alerts=done.alerts,
        other_groups=read.other_groups,
    )


@router.get("/alerts/ratings", response_model=list[RatingAlertRead])
def list_rating_alerts(
    unread: bool = False, ctx: RequestContext = Depends(authenticated)
) -> list[RatingAlert]:
    """The council's alerts of a provider's CQC rating falling below its threshold, the
    latest first; `unread=true` for those nobody has marked read."""
    with ctx.transaction() as (session, actor):
        return rating_alerts(session, actor, unread_only=unread)


@router.post("/alerts/ratings/{alert_id}/read", response_model=RatingAlertRead)
def read_rating_alert(
    alert_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> RatingAlert:
    """A commissioner has seen the alert (404 when it is not the council's, 409 when it is
    already read)."""
    with ctx.transaction() as (session, actor):
        return mark_alert_read(session, actor=actor, at=ctx.now(), alert_id=alert_id)
