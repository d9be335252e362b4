"""`homecare export cld`: write the quarter's CLD return to a file and say what to fix.

The command acts as the platform for one council (the system role, scoped to that
council), so it needs no user account; it exits 3 when the file has problems, after
writing it, so a script can tell a clean return from one to finish by hand.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import schema as _schema  # noqa: F401  (every table registered)
from homecare.access import Actor, Role
from homecare.cld.build import CldExtract, build_cld, record_export
from homecare.cld.validate import CldProblem, validate
from homecare.config import get_settings
from homecare.db import make_engine, unit_of_work
from homecare.errors import DomainError, InvalidInput
from homecare.market.tables import Organisation
from homecare.terminal import console

PROBLEMS_EXIT_CODE = 3
REFUSED_EXIT_CODE = 2
SHOWN_PROBLEMS = 50
"""Beyond this the table is cut short; the API's /exports/cld/problems lists them all."""

export_app = typer.Typer(help="Returns the council sends on, e.g. the national CLD return.")


@export_app.callback()
def exports() -> None:
    """Makes `export` a group of commands, one per return."""


def council_by_code(session: Session, la_code: str | None) -> Organisation:
    """The council named by its LA code, or the only council in the store."""
    councils = list(
        session.scalars(
            select(Organisation).where(Organisation.kind == "council").order_by(Organisation.id)
        )
    )
    if la_code:
        wanted = la_code.strip().upper()
        for council in councils:
            if (council.la_code or "").upper() == wanted:
                return council
        raise InvalidInput(f"no council with LA code {wanted} in the store", field="council")
    if len(councils) == 1:
        return councils[0]
    if not councils:
        raise InvalidInput("the store holds no council", field="council")
    codes = "; ".join(f"{c.la_code or 'no LA code'} {c.name}" for c in councils)
    raise InvalidInput(
        f"the store holds {len(councils)} councils, so name one with --council: {codes}",
        field="council",
    )


def acting_for(council: Organisation) -> Actor:
    """The platform itself, working for one council."""
    return Actor(
        user_id=None, organisation_id=council.id, organisation_kind="council", role=Role.SYSTEM
    )


def _write(extract: CldExtract, folder: Path) -> Path:
    """Inside the transaction, so the audit row is kept only if the file was written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / extract.filename
    path.write_text(extract.csv_text(), encoding="utf-8", newline="")
    return path


def _print_counts(extract: CldExtract, path: Path) -> None:
    console.rule(f"CLD return {extract.quarter.label} for {extract.la_code}")
    table = Table()
    table.add_column("Event type")
    table.add_column("Rows", justify="right")
    for event_type, count in extract.counts().items():
        table.add_row(event_type, f"{count:,}")
    table.add_row("[bold]All[/bold]", f"[bold]{len(extract.rows):,}[/bold]")
    console.print(table)
    console.print(f"Written to {path}")


def _print_problems(problems: list[CldProblem]) -> None:
    if not problems:
        console.print("[green]No problems found: the return is ready to send.[/green]")
        return
    by_field = Counter(p.field for p in problems)
    summary = ", ".join(f"{field} {count}" for field, count in by_field.most_common())
    console.print(f"[red]{len(problems)} problems[/red] to put right before sending: {summary}")
    table = Table(title="Problems (row 1 is the first row below the header)")
    for column in ("Row", "Event", "Reference", "Field", "Reason"):
        table.add_column(column, justify="right" if column == "Row" else "left")
    for p in problems[:SHOWN_PROBLEMS]:
        table.add_row(str(p.row), p.event_type, p.event_reference, p.field, p.reason)
    console.print(table)
    if len(problems) > SHOWN_PROBLEMS:
        console.print(
            f"... and {len(problems) - SHOWN_PROBLEMS} more: GET /exports/cld/problems lists all."
        )


@export_app.command("cld")
def export_cld(
    quarter: Annotated[str, typer.Option(help="Calendar quarter, e.g. 2026Q3 (July-September)")],
    out: Annotated[Path, typer.Option(help="Folder to write the return into")] = Path("returns"),
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Defaults to HOMECARE_DATABASE_URL.")
    ] = None,
    council: Annotated[
        str | None,
        typer.Option(help="The council's LA code, e.g. E08000035; default the only council"),
    ] = None,
) -> None:
    """Write returns/cld-<LA code>-<quarter>.csv and list what DHSC's checks would reject."""
    engine = make_engine(database_url or get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            actor = acting_for(council_by_code(session, council))
            extract = build_cld(session, actor=actor, quarter=quarter)
            path = _write(extract, out)
            record_export(session, actor=actor, at=datetime.now(UTC), extract=extract)
    except DomainError as error:
        where = f" ({error.field})" if error.field else ""
        console.print(f"[red]Refused{where}:[/red] {error.message}")
        raise typer.Exit(code=REFUSED_EXIT_CODE) from error
    finally:
        engine.dispose()
    _print_counts(extract, path)
    problems = validate(extract.rows)
    _print_problems(problems)
    if problems:
        raise typer.Exit(code=PROBLEMS_EXIT_CODE)
