"""The monitoring return as a file to download, the same from the API and the pages."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.responses import Response

from homecare.monitoring.schemas import MonitoringReturn
from homecare.returns.workbook import csv_text, return_filename, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def return_file(report: MonitoringReturn, file_type: str) -> Response:
    """The return as an attachment: CSV for "csv", otherwise the workbook."""
    name = return_filename(report, file_type)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if file_type == "csv":
        return Response(csv_text(report), media_type="text/csv", headers=headers)
    with tempfile.TemporaryDirectory() as folder:
        body = write_xlsx(report, Path(folder) / name).read_bytes()
    return Response(body, media_type=XLSX, headers=headers)
