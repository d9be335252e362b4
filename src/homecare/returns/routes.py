"""HTTP route for downloading the monitoring return."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from homecare.http import RecordId, RequestContext, authenticated
from homecare.monitoring.routes import AS_AT, AsAtChoice
from homecare.monitoring.service import compute_return
from homecare.returns.download import XLSX, return_file

router = APIRouter(tags=["monitoring"])


@router.get(
    "/monitoring/returns",
    responses={200: {"content": {XLSX: {}, "text/csv": {}}}},
    response_class=Response,
)
def download_return(
    period: str = Query(examples=["2026-P12"]),
    provider_id: RecordId | None = None,
    lot: int | None = None,
    format: Literal["xlsx", "csv"] = "xlsx",
    as_at: AsAtChoice = AS_AT,
    ctx: RequestContext = Depends(authenticated),
) -> Response:
    """The return for a period as a workbook or CSV: a provider gets only its own."""
    with ctx.transaction() as (session, actor):
        report = compute_return(
            session,
            actor=actor,
            period=period,
            provider_id=provider_id,
            lot=lot,
            now=ctx.now(),
            settings=ctx.settings,
            as_at_now=as_at == "now",
        )
    return return_file(report, format)
