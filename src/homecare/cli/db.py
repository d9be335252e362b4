"""Backing the store up, restoring it, and the restore drill that proves a backup is whole."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import make_url, text

from homecare.backup import backup, fingerprints, restore
from homecare.cli.app import DatabaseUrl, db_app, safe_url, settings_for
from homecare.db import make_engine
from homecare.errors import DomainError
from homecare.terminal import console, refused


@db_app.command("backup")
def db_backup(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write")],
    database_url: DatabaseUrl = None,
) -> None:
    """Back the store up to one file (SQLite's online backup, or pg_dump's custom format)."""
    url = settings_for(database_url).database_url
    try:
        backup(url, out)
    except DomainError as error:
        raise refused(error) from error
    console.print(f"Backed up {safe_url(url)} to {out} ({out.stat().st_size:,} bytes).")


@db_app.command("restore")
def db_restore(
    source: Annotated[Path, typer.Option("--from", help="A file `homecare db backup` wrote")],
    database_url: DatabaseUrl = None,
    replace_store: Annotated[
        str | None,
        typer.Option(
            "--replace-store",
            help="The store's URL again, to replace a store that holds rows",
        ),
    ] = None,
) -> None:
    """Restore a backup into the store; a store holding rows must be named to be replaced."""
    url = settings_for(database_url).database_url
    try:
        restore(url, source, replace_store=replace_store)
    except DomainError as error:
        raise refused(error) from error
    console.print(f"Restored {source} into {safe_url(url)}.")


@contextmanager
def fresh_store_beside(url: str, folder: Path) -> Iterator[str]:
    """An empty store of the same kind: a new SQLite file, or a new database on the server."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{folder / 'drill.db'}"
        return
    parsed = make_url(url)
    name = f"{parsed.database}_drill"
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.engine.dispose()


def drill(url: str) -> tuple[dict[str, tuple[int, bool]], bool]:
    """Backs up, restores into a fresh store, and compares every table's fingerprint.

    Gives, per table, the rows in the store and whether the restored copy matches, and
    whether every table matched.
    """
    before_engine = make_engine(url)
    try:
        before = fingerprints(before_engine)
    finally:
        before_engine.dispose()
    with tempfile.TemporaryDirectory(prefix="homecare-drill-") as folder:
        out = Path(folder) / "backup.dump"
        backup(url, out)
        with fresh_store_beside(url, Path(folder)) as fresh:
            restore(fresh, out)
            after_engine = make_engine(fresh)
            try:
                after = fingerprints(after_engine)
            finally:
                after_engine.dispose()
    result = {name: (mark.rows, after.get(name) == mark) for name, mark in before.items()}
    return result, set(before) == set(after) and all(ok for _, ok in result.values())


@db_app.command("drill")
def db_drill(database_url: DatabaseUrl = None) -> None:
    """Back up, restore into a fresh store, and check every table's rows and checksum match."""
    url = settings_for(database_url).database_url
    try:
        result, whole = drill(url)
    except DomainError as error:
        raise refused(error) from error
    table = Table(title=f"Restore drill of {safe_url(url)}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("restored copy")
    for name, (rows, ok) in result.items():
        table.add_row(name, f"{rows:,}", "matches" if ok else "[red]differs[/red]")
    console.print(table)
    if not whole:
        console.print("[red]The restored copy differs from the store.[/red]")
        raise typer.Exit(code=1)
    console.print(f"All {len(result)} tables restored whole.")
