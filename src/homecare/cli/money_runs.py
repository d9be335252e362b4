"""Payment runs from the command line, as a council's finance team scripts them: draft every
provider's run for a period (approval stays with two people, on the pages or the API), and
write the payments file of a period's approved runs for the ledger."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.cli.app import DatabaseUrl, settings_for
from homecare.cli.money import money_app
from homecare.db import make_engine, unit_of_work
from homecare.errors import DomainError
from homecare.market.tables import Organisation
from homecare.money.exports import payments_csv
from homecare.money.payment_ledger import ledger_for, payments_for, period_of
from homecare.money.payment_terms import money
from homecare.terminal import console

Council = Annotated[str, typer.Option(help="The council's name, as recorded")]
PeriodLabel = Annotated[str, typer.Option(help="A 4-week period, e.g. 2026-P12")]


def _council(session: Session, name: str) -> int:
    found = session.scalar(
        select(Organisation.id).where(Organisation.kind == "council", Organisation.name == name)
    )
    if found is None:
        console.print(f"[red]No council is called '{name}'.[/red]")
        raise typer.Exit(2)
    return int(found)


@money_app.command("draft-runs")
def draft_runs_command(
    council: Council, period: PeriodLabel, database_url: DatabaseUrl = None
) -> None:
    """Draft (or draft again) every provider's run for the period, in one transaction."""
    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            council_id = _council(session, council)
            runs = ledger_for(session, SYSTEM_ACTOR, datetime.now(LONDON), period_of(period),
                              council_id)  # fmt: skip
    except DomainError as refused:
        console.print(f"[red]{refused.message}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    table = Table(title=f"{council}: payment runs for {period}")
    for column in ("Provider", "Status", "Lines", "Exceptions", "To pay"):
        table.add_column(column, justify="left" if column in ("Provider", "Status") else "right")
    for run in runs:
        table.add_row(run["provider"], run["status"], str(run["lines"]), str(run["exceptions"]),
                      money(run["total_pence"]))  # fmt: skip
    console.print(table)
    console.print(f"Total {money(sum(r['total_pence'] for r in runs))}. Each run is checked,"
                  " then approved by a finance officer who did not draft it.")  # fmt: skip


@money_app.command("payments-file")
def payments_file_command(
    council: Council,
    period: PeriodLabel,
    out: Annotated[Path, typer.Option(help="Where to write the CSV")],
    database_url: DatabaseUrl = None,
) -> None:
    """Write the period's approved runs as the ledger's payments file
    (docs/formats/payments-csv.md)."""
    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            council_id = _council(session, council)
            runs, name, ods = payments_for(session, SYSTEM_ACTOR, period_of(period), council_id)
    except DomainError as refused:
        console.print(f"[red]{refused.message}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    out.write_text(payments_csv(runs, name, ods), encoding="utf-8")
    total = sum(pence for run in runs for pence in run["totals_by_funding"].values())
    console.print(f"Written {out}: {len(runs)} approved runs, {money(total)}.")
