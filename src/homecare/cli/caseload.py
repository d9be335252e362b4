"""A council's existing caseload moved in from its case-management extract, from the
command line: every unusable row listed with its line and reason, and nothing written
unless every row can be used."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.caseload.import_rows import read_caseload
from homecare.caseload.importing import import_caseload
from homecare.cli.app import DatabaseUrl, app, settings_for
from homecare.db import make_engine, unit_of_work
from homecare.market.tables import Organisation
from homecare.rows import ImportRefused, RowProblem
from homecare.terminal import console

caseload_app = typer.Typer(help="A council's caseload: people and their packages of care.")
app.add_typer(caseload_app, name="caseload")


def _print_problems(problems: list[RowProblem], file: Path) -> None:
    table = Table(title=f"{file.name}: {len(problems)} rows cannot be used; nothing was imported")
    for column in ("Line", "Column", "Why"):
        table.add_column(column)
    for p in problems:
        table.add_row(str(p.line), p.column, p.reason)
    console.print(table)


@caseload_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The extract (docs/formats/caseload-csv.md)")],
    council: Annotated[str, typer.Option(help="The council's name, as recorded")],
    database_url: DatabaseUrl = None,
) -> None:
    """Import people and their packages, all or nothing; exits 1 listing every bad row."""
    if not file.is_file():
        console.print(f"[red]There is no file {file}.[/red]")
        raise typer.Exit(2)
    try:
        content = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        console.print(
            f"[red]{file} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8.[/red]"
        )
        raise typer.Exit(1) from None
    rows, problems = read_caseload(content)
    if problems:
        _print_problems(problems, file)
        raise typer.Exit(1)
    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            council_id = session.scalar(
                select(Organisation.id).where(
                    Organisation.kind == "council", Organisation.name == council
                )
            )
            if council_id is None:
                console.print(f"[red]No council is called '{council}'.[/red]")
                raise typer.Exit(2)
            done = import_caseload(session, actor=SYSTEM_ACTOR, at=datetime.now(LONDON),
                                   council_id=council_id, rows=rows)  # fmt: skip
    except ImportRefused as refused:
        _print_problems(refused.problems, file)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    console.print(
        f"Imported {done.packages} packages of care ({done.weekly_minutes / 60:,.2f} carer hours"
        f" a week): {done.people_added} people recorded, {done.people_known} already known."
    )
