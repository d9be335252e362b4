"""The monitoring return as an .xlsx workbook and as CSV.

One sheet per group of measures (demand, capacity, leading, lagging: system, lagging:
wider system), a KPI sheet with red / amber / green, and a definitions sheet. Figures go
in as numbers and dates as dates, so a contract officer can sort, filter and chart them;
every sheet's header row is frozen. The cover says when the figures are true ("as at"),
and so does every CSV line (its last column), so a file never travels without it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from homecare.monitoring.schemas import KpiRow, MeasureRow, MonitoringReturn
from homecare.text import slug

GROUP_SHEETS = (
    ("demand", "Demand"),
    ("capacity", "Capacity"),
    ("leading", "Leading"),
    ("lagging: system", "Lagging - system"),
    ("lagging: wider system", "Lagging - wider system"),
)
MEASURE_HEADER = (
    "Measure",
    "Title",
    "Part",
    "Period",
    "Period start",
    "Period end",
    "Provider",
    "Lot",
    "Value",
    "Unit",
    "Numerator",
    "Denominator",
)
KPI_HEADER = (
    "KPI",
    "Name",
    "Period",
    "Provider",
    "Lot",
    "Value %",
    "Target %",
    "RAG",
    "Eligible",
    "Met",
    "Cases missed",
    "Case ids",
)
RAG_FILLS = {
    "green": PatternFill("solid", fgColor="00703C"),
    "amber": PatternFill("solid", fgColor="FFDD00"),
    "red": PatternFill("solid", fgColor="D4351C"),
}
BOLD = Font(bold=True)
ALL = "All"


def write_xlsx(report: MonitoringReturn, path: Path) -> Path:
    """Writes the workbook; the folder is created if it is missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    _cover(cover, report)
    titles = {d.number: d.title for d in report.definitions.measures}
    groups = {d.number: d.group for d in report.definitions.measures}
    for group, title in GROUP_SHEETS:
        rows = [r for r in report.measures if groups.get(r.measure) == group]
        _table(
            workbook.create_sheet(title),
            MEASURE_HEADER,
            (_measure_cells(r, titles, report) for r in rows),
        )
    kpis = workbook.create_sheet("KPIs")
    _table(kpis, KPI_HEADER, (_kpi_cells(k) for k in report.kpis))
    _colour_rag(kpis, report.kpis)
    _definitions(workbook.create_sheet("Definitions"), report)
    workbook.save(path)
    return path


AS_AT_COLUMN = "Figures as at"
"""The CSV's last column: the as-at moment (ISO 8601, UTC) on every line."""


def csv_text(report: MonitoringReturn) -> str:
    """Measures then KPIs, one figure a line, with the same columns as the workbook and
    the as-at last, so one header row still describes every line."""
    titles = {d.number: d.title for d in report.definitions.measures}
    as_at = report.as_at.isoformat()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("Kind", *MEASURE_HEADER, "Target %", "RAG", AS_AT_COLUMN))
    for row in report.measures:
        writer.writerow(("measure", *_measure_cells(row, titles, report), "", "", as_at))
    for kpi in report.kpis:
        writer.writerow(
            (
                "kpi",
                kpi.kpi,
                kpi.name,
                "",
                kpi.period,
                report.period.start,
                report.period.end,
                kpi.provider_name or ALL,
                kpi.lot or ALL,
                kpi.value_pct,
                "%",
                kpi.met,
                kpi.eligible,
                kpi.target_pct,
                kpi.rag or "",
                as_at,
            )
        )
    return out.getvalue()


def return_filename(report: MonitoringReturn, extension: str) -> str:
    who = "all-providers"
    if report.provider_id is not None:
        names = {p.id: p.name for p in report.providers}
        who = slug(names.get(report.provider_id, f"provider-{report.provider_id}"))
    return f"monitoring-return-{report.period.label}-{who}.{extension}"


# --- sheets -----------------------------------------------------------------------------


def _cover(sheet: Worksheet, report: MonitoringReturn) -> None:
    sheet.title = "Return"
    names = {p.id: p.name for p in report.providers}
    lines: list[tuple[str, Any]] = [
        ("Monitoring return", report.period.description),
        ("Period", report.period.label),
        ("First day", report.period.start),
        ("Last day", report.period.end),
        ("Figures as at", report.as_at_text),
        (
            "Provider",
            names.get(report.provider_id, ALL) if report.provider_id is not None else ALL,
        ),
        ("Lot", report.lot if report.lot is not None else ALL),
        ("Providers in this return", ", ".join(p.name for p in report.providers)),
        ("Red / amber / green", report.definitions.rag_rule),
        ("As at (UTC)", report.as_at.replace(tzinfo=None)),
    ]
    for index, (label, value) in enumerate(lines, start=1):
        sheet.cell(index, 1, label).font = BOLD
        cell = sheet.cell(index, 2, value)
        if isinstance(value, datetime):
            cell.number_format = "d mmmm yyyy hh:mm"
        elif isinstance(value, date):
            cell.number_format = "d mmmm yyyy"
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 90


def _table(sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    for column, title in enumerate(header, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = max(10, min(60, len(title) + 4))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, date):
                cell.number_format = "d mmmm yyyy"


def _measure_cells(
    row: MeasureRow, titles: dict[int, str], report: MonitoringReturn
) -> tuple[Any, ...]:
    return (
        row.measure,
        titles.get(row.measure, ""),
        row.part,
        row.period,
        report.period.start,
        report.period.end,
        row.provider_name or ALL,
        row.lot if row.lot is not None else ALL,
        row.value,
        row.unit,
        row.numerator,
        row.denominator,
    )


def _kpi_cells(kpi: KpiRow) -> tuple[Any, ...]:
    return (
        kpi.kpi,
        kpi.name,
        kpi.period,
        kpi.provider_name or ALL,
        kpi.lot if kpi.lot is not None else ALL,
        kpi.value_pct,
        kpi.target_pct,
        kpi.rag or "no cases",
        kpi.eligible,
        kpi.met,
        len(kpi.missed.ids),
        ", ".join(f"{kpi.missed.kind} {i}" for i in kpi.missed.ids[:200]),
    )


def _colour_rag(sheet: Worksheet, kpis: Sequence[KpiRow]) -> None:
    rag_column = KPI_HEADER.index("RAG") + 1
    for offset, kpi in enumerate(kpis, start=2):
        if kpi.rag in RAG_FILLS:
            cell = sheet.cell(offset, rag_column)
            cell.fill = RAG_FILLS[kpi.rag]
            cell.font = Font(bold=True, color="000000" if kpi.rag == "amber" else "FFFFFF")


def _definitions(sheet: Worksheet, report: MonitoringReturn) -> None:
    header = ("Kind", "Number", "Title", "Group", "Cadence", "Split", "Definition", "How counted")
    rows: list[tuple[Any, ...]] = []
    for d in report.definitions.measures:
        counted = "; ".join(f"{p.name} ({p.unit}): {p.rule}" for p in d.parts)
        rows.append(
            ("measure", d.number, d.title, d.group, d.cadence, d.split, d.source_text, counted)
        )
    for k in report.definitions.kpis:
        rows.append(
            (
                "KPI",
                k.number,
                k.name,
                f"target {k.target_pct:g}%",
                "",
                k.split,
                f"{k.source_text} Limitations: {k.limitations}",
                k.rule,
            )
        )
    _table(sheet, header, rows)
    for column in ("G", "H"):
        sheet.column_dimensions[column].width = 80
        for (cell,) in sheet.iter_rows(
            min_row=2, min_col=ord(column) - 64, max_col=ord(column) - 64
        ):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
