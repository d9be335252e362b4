"""HTTP routes for the CLD return: the CSV to send to DHSC, and what to fix first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from homecare.cld.build import build_cld, record_export
from homecare.cld.validate import validate
from homecare.http import RequestContext, authenticated

router = APIRouter(tags=["exports"])

QUARTER = Query(
    description="Calendar quarter, e.g. 2026Q3 (1 July to 30 September 2026)",
    examples=["2026Q3"],
)


class CldProblemRead(BaseModel):
    row: int
    """1-based below the header: a spreadsheet, counting the header, shows it one lower."""
    field: str
    reason: str
    event_type: str
    event_reference: str


@router.get(
    "/exports/cld",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The return, one row per event"}},
)
def export_cld(quarter: str = QUARTER, ctx: RequestContext = Depends(authenticated)) -> Response:
    """The council's client-level data return for DHSC, as a CSV download (council staff)."""
    with ctx.transaction() as (session, actor):
        extract = build_cld(session, actor=actor, quarter=quarter)
        record_export(session, actor=actor, at=ctx.now(), extract=extract)
    return Response(
        content=extract.csv_text(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{extract.filename}"'},
    )


@router.get("/exports/cld/problems", response_model=list[CldProblemRead])
def cld_problems(
    quarter: str = QUARTER, ctx: RequestContext = Depends(authenticated)
) -> list[CldProblemRead]:
    """What DHSC's checks would reject in the quarter's return: row, column and why."""
    with ctx.transaction() as (session, actor):
        extract = build_cld(session, actor=actor, quarter=quarter)
    return [
        CldProblemRead(
            row=p.row,
            field=p.field,
            reason=p.reason,
            event_type=p.event_type,
            event_reference=p.event_reference,
        )
        for p in validate(extract.rows)
    ]
