"""`homecare returns`: the monitoring return for a period, written as .xlsx and CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor, Role
from homecare.cld.cli import council_by_code
from homecare.config import get_settings
from homecare.db import make_engine, unit_of_work
from homecare.errors import DomainError
from homecare.market.tables import Organisation
from homecare.monitoring.schemas import MonitoringReturn
from homecare.monitoring.service import compute_return
from homecare.returns.workbook import csv_text, return_filename, write_xlsx
from homecare.terminal import console, refused

RAG_STYLE = {"green": "green", "amber": "yellow", "red": "red"}


def returns(
    period: Annotated[
        str,
        typer.Option(
            help="2026-W40 (ISO week), 2026-P08 (4-week period), 2026-11 (month), 2026Q3, "
            "2026-H2 or 2026"
        ),
    ],
    provider: Annotated[
        str | None,
        typer.Option(help="A provider's name: its own return; default every provider"),
    ] = None,
    lot: Annotated[int | None, typer.Option(help="One lot only")] = None,
    out: Annotated[Path, typer.Option(help="Folder to write the return into")] = Path("returns"),
    council: Annotated[
        str | None, typer.Option(help="The council's LA code; default the only council")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Defaults to HOMECARE_DATABASE_URL.")
    ] = None,
    as_at_now: Annotated[
        bool,
        typer.Option(
            "--as-at-now",
            help="Figures as at this moment; by default as at the period's end plus the "
            "settle time (HOMECARE_SETTLE_HOURS)",
        ),
    ] = False,
) -> None:
    """Write the monitoring return (all 29 measures and 7 KPIs) as .xlsx and .csv."""
    engine = make_engine(database_url or get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            actor = _actor(session, provider, council)
        report = compute_return(
            engine,
            actor=actor,
            period=period,
            provider_id=actor.organisation_id if provider else None,
            lot=lot,
            as_at_now=as_at_now,
        )
    except DomainError as error:
        raise refused(error) from error
    paths = write_return(report, out)
    print_kpis(report)
    for path in paths:
        console.print(f"Written to {path}")


def write_return(report: MonitoringReturn, folder: Path) -> list[Path]:
    xlsx = write_xlsx(report, folder / return_filename(report, "xlsx"))
    csv_path = folder / return_filename(report, "csv")
    csv_path.write_text(csv_text(report), encoding="utf-8", newline="")
    return [xlsx, csv_path]


def print_kpis(report: MonitoringReturn) -> None:
    """The seven KPIs over every provider in the return, against their targets."""
    table = Table(
        title=f"KPIs for {report.period.description} (000 Appendix 2)",
        caption=report.as_at_text,
    )
    for column in ("KPI", "Measure", "Value", "Target", "RAG", "Met / eligible"):
        table.add_column(column, justify="left" if column in ("Measure", "RAG") else "right")
    for kpi in report.kpis:
        if kpi.provider_id is not None or kpi.lot is not None:
            continue
        value = "-" if kpi.value_pct is None else f"{kpi.value_pct:.1f}%"
        rag = kpi.rag or "no cases"
        table.add_row(
            str(kpi.kpi),
            kpi.name,
            value,
            f"{kpi.target_pct:g}%",
            f"[{RAG_STYLE.get(rag, 'white')}]{rag}[/]",
            f"{kpi.met:,} / {kpi.eligible:,}",
        )
    console.print(table)


def _actor(session: Session, provider: str | None, la_code: str | None) -> Actor:
    """A provider's own return, or the council's for all of its providers."""
    if provider:
        org = session.scalar(
            select(Organisation).where(
                Organisation.kind == "provider", Organisation.name == provider
            )
        )
        if org is None:
            raise typer.BadParameter(f"no provider called {provider!r}", param_hint="--provider")
        return Actor(
            user_id=None,
            organisation_id=org.id,
            organisation_kind="provider",
            role=Role.PROVIDER_MANAGER,
        )
    found = council_by_code(session, la_code)
    return Actor(
        user_id=None,
        organisation_id=found.id,
        organisation_kind="council",
        role=Role.COMMISSIONER,
    )
