"""HTTP route for downloading the monitoring return."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from homecare.api.context import RequestContext, authenticated
from homecare.monitoring.service import compute_return
from homecare.returns.workbook import csv_text, return_filename, write_xlsx

router = APIRouter(tags=["monitoring"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/monitoring/returns",
    responses={200: {"content": {XLSX: {}, "text/csv": {}}}},
    response_class=Response,
)
def download_return(
    period: str = Query(examples=["2026-P12"]),
    provider_id: int | None = None,
    lot: int | None = None,
    format: Literal["xlsx", "csv"] = "xlsx",
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
        )
    name = return_filename(report, format)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        return Response(csv_text(report), media_type="text/csv", headers=headers)
    with tempfile.TemporaryDirectory() as folder:
        body = write_xlsx(report, Path(folder) / name).read_bytes()
    return Response(body, media_type=XLSX, headers=headers)
