"""A run as files: the remittance the provider is sent (CSV and workbook, one row per
line and adjustment, then the total), and the payments file for the council's ledger
(docs/formats/payments-csv.md: one row per approved run and funding source).

Money in files is pounds with two decimals (as a ledger and a spreadsheet expect), worked
from the stored pence, so a file's rows add up to the run's total to the penny.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from homecare import units

REMITTANCE_COLUMNS = (
    "Provider",
    "Period start",
    "Period end",
    "Run",
    "Package",
    "Person",
    "ISO week",
    "Visits",
    "Planned hours",
    "Actual hours",
    "Payable hours",
    "Care (£)",
    "Hospital days",
    "Hospital (£)",
    "Enhancements and grants (£)",
    "Amount (£)",
    "How it was worked out",
)

PAYMENTS_COLUMNS = (
    "council",
    "supplier",
    "supplier_ods_code",
    "run_id",
    "period_start",
    "period_end",
    "funding_source",
    "amount_pence",
    "amount",
    "approved_at",
    "as_at",
)
"""The payments file's layout; docs/formats/payments-csv.md says what each column holds."""


def pounds(pence: int) -> str:
    return str(units.pounds(pence))


def hours(minutes: int) -> str:
    return str(units.hours(minutes))


def remittance_rows(run: dict[str, Any]) -> list[list[str]]:
    """The remittance's rows under its header: lines, adjustments, and the total."""
    head = [
        run["provider"],
        run["period_starts_on"].isoformat(),
        run["period_ends_on"].isoformat(),
        str(run["id"]),
    ]
    rows: list[list[str]] = []
    for line in run["line_items"]:
        extras = sum(int(e["pence"]) for e in line["extras"])
        rows.append(
            [
                *head,
                str(line["package_id"]),
                line["person"],
                line["iso_week"],
                str(line["visits"]),
                hours(line["planned_minutes"]),
                hours(line["actual_minutes"]),
                hours(line["payable_minutes"]),
                pounds(line["care_pence"]),
                str(line["hospital_days"]),
                pounds(line["hospital_pence"]),
                pounds(extras),
                pounds(line["pence"]),
                "; ".join(line["decided_by"]),
            ]
        )
    for adjustment in run["adjustment_items"]:
        blank = [""] * 8
        rows.append(
            [
                *head,
                str(adjustment["package_id"]),
                "",
                "Adjustment",
                *blank,
                "",
                pounds(adjustment["pence"]),
                adjustment["reason"],
            ]
        )
    rows.append([*head, "", "", "Total", *([""] * 8), pounds(run["total_pence"]), ""])
    return rows


def remittance_csv(run: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REMITTANCE_COLUMNS)
    writer.writerows(remittance_rows(run))
    return out.getvalue()


def remittance_xlsx(run: dict[str, Any]) -> bytes:
    """The same rows as the CSV, under a title that says the run's status and its "as at"."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Remittance"
    sheet.append([f"Remittance: {run['provider']}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            f"4 weeks from {run['period_starts_on']:%-d %B %Y} to {run['period_ends_on']:%-d %B %Y}"
            f"; run {run['id']}, {run['status']}; as at {run['as_at']:%-d %B %Y %H:%M} UTC"
        ]
    )
    sheet.append([])
    sheet.append(list(REMITTANCE_COLUMNS))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    numeric = {8, 9, 10, 11, 13, 14, 15}
    for row in remittance_rows(run):
        sheet.append([Decimal(v) if i in numeric and v else v for i, v in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def remittance_name(run: dict[str, Any], kind: str) -> str:
    provider = "-".join(str(run["provider"]).lower().split())
    return f"remittance-{provider}-{run['period_starts_on']:%Y-%m-%d}-run-{run['id']}.{kind}"


def payments_rows(runs: list[dict[str, Any]], council: str, ods: dict[int, str]) -> list[list[str]]:
    rows = []
    for run in runs:
        for source, pence in sorted(run["totals_by_funding"].items()):
            rows.append(
                [
                    council,
                    run["provider"],
                    ods.get(run["provider_id"], ""),
                    str(run["id"]),
                    run["period_starts_on"].isoformat(),
                    run["period_ends_on"].isoformat(),
                    source,
                    str(pence),
                    pounds(pence),
                    run["approved_at"].isoformat() if run["approved_at"] else "",
                    run["as_at"].isoformat(),
                ]
            )
    return rows


def payments_csv(runs: list[dict[str, Any]], council: str, ods: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAYMENTS_COLUMNS)
    writer.writerows(payments_rows(runs, council, ods))
    return out.getvalue()
