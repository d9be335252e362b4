"""CQC's ratings from the command line: a published file imported, or the held providers'
current ratings asked of CQC's API. Every unusable row is listed with its line and reason,
and nothing is written unless every row can be used."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.cli.app import DatabaseUrl, app, settings_for
from homecare.config import Settings
from homecare.db import make_engine, unit_of_work
from homecare.errors import NotFound
from homecare.market.cqc_client import CqcApiError, CqcClient, fetch_current
from homecare.market.cqc_import import Applied, apply_ratings
from homecare.market.cqc_layout import read_cqc_ratings
from homecare.market.ratings import providers_registered
from homecare.rows import RowProblem
from homecare.terminal import console

cqc_app = typer.Typer(help="CQC's ratings of the providers: published files and the API.")
app.add_typer(cqc_app, name="cqc")


def make_client(settings: Settings) -> CqcClient:
    """The API client the settings describe (tests put a local fake in its place)."""
    return CqcClient.from_settings(settings)


def _print_problems(problems: list[RowProblem], what: str) -> None:
    table = Table(title=f"{what}: {len(problems)} rows cannot be used; nothing was imported")
    for column in ("Line", "Column", "Why"):
        table.add_column(column)
    for p in problems:
        table.add_row(str(p.line), p.column, p.reason)
    console.print(table)


def _print_applied(done: Applied) -> None:
    console.print(
        f"{done.changes} ratings changed for {done.providers} providers we hold"
        f" ({done.locations} locations read, {done.not_held} not ours);"
        f" {done.alerts} alerts raised to councils."
    )


@cqc_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="Latest ratings or care directory, as CSV (docs/formats)")
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Import CQC's published ratings, all or nothing; exits 1 listing every bad row."""
    if not file.is_file():
        console.print(f"[red]There is no file {file}.[/red]")
        raise typer.Exit(2)
    try:
        content = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        console.print(f"[red]{file} is not UTF-8 text: save the sheet as CSV UTF-8.[/red]")
        raise typer.Exit(1) from None
    read = read_cqc_ratings(content)
    if read.problems:
        _print_problems(read.problems, file.name)
        raise typer.Exit(1)
    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            done = apply_ratings(session, actor=SYSTEM_ACTOR, at=datetime.now(LONDON),
                                 locations=read.locations, source="cqc-file")  # fmt: skip
    finally:
        engine.dispose()
    _print_applied(done)


@cqc_app.command("refresh")
def refresh_command(
    provider: Annotated[
        int | None, typer.Option("--provider", help="One provider's id; all held by default")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Ask CQC's API for each held provider's current ratings and apply them, all or
    nothing; exits 1 listing every location whose answer cannot be used."""
    settings = settings_for(database_url)
    try:
        client = make_client(settings)
    except CqcApiError as exc:
        console.print(f"[red]{exc}.[/red]")
        raise typer.Exit(2) from None
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(engine) as session:
            asked = [
                (p.cqc_location_id or "", p.name)
                for p in providers_registered(session, SYSTEM_ACTOR, provider)
            ]
        with client:
            found, problems = fetch_current(client, asked)
        if problems:
            _print_problems(problems, "CQC's answers")
            raise typer.Exit(1)
        with unit_of_work(engine) as session:
            done = apply_ratings(session, actor=SYSTEM_ACTOR, at=datetime.now(LONDON),
                                 locations=found, source="cqc-api")  # fmt: skip
    except NotFound as exc:
        console.print(f"[red]{exc.message}.[/red]")
        raise typer.Exit(2) from None
    except CqcApiError as exc:
        console.print(f"[red]{exc}.[/red]")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    _print_applied(done)
