"""Backing a store up, restoring it, and proving a restore gives back every row.

SQLite is copied with its online backup API (a consistent copy while the app runs);
PostgreSQL with `pg_dump -Fc` and `pg_restore`. A restore refuses a store that holds any
row unless the operator names that store in so many words, as `homecare demo` does, since
restoring replaces everything in it. The drill's fingerprints (rows and a hash of every
row in primary-key order, per table) show a restore is whole, not merely that it ran.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, MetaData, func, make_url, select, text
from sqlalchemy.engine import URL

from homecare.db import make_engine
from homecare.errors import Conflict, InvalidInput

ALEMBIC = "alembic_version"


def pg_program(name: str) -> Path:
    """`pg_dump` or `pg_restore` from PATH, else the newest Debian PostgreSQL install."""
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise InvalidInput(f"{name} is not installed: install PostgreSQL's client programs")
    return Path(candidates[-1])


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise InvalidInput("give a SQLite store kept in a file", field="database_url")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as PostgreSQL's own programs take it, with the password in the environment."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise Conflict(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


# --- what a store holds ------------------------------------------------------------------


def _tables(engine: Engine) -> MetaData:
    metadata = MetaData()
    metadata.reflect(engine)
    return metadata


def rows_held(engine: Engine) -> int:
    """Rows in every table but the migrations' own: zero means nothing would be lost."""
    metadata = _tables(engine)
    with engine.connect() as conn:
        return sum(
            int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in metadata.tables.items()
            if name != ALEMBIC
        )


@dataclass(frozen=True)
class Fingerprint:
    rows: int
    sha256: str


def fingerprints(
    engine: Engine, skip: frozenset[str] = frozenset(), metadata: MetaData | None = None
) -> dict[str, Fingerprint]:
    """Per table (but those skipped), its row count and a hash of all its rows in primary-key
    order; the tables are read from the store unless `metadata` describes them."""
    metadata = metadata if metadata is not None else _tables(engine)
    found: dict[str, Fingerprint] = {}
    with engine.connect() as conn:
        for name in sorted(set(metadata.tables) - skip):
            table = metadata.tables[name]
            order = list(table.primary_key.columns) or list(table.columns)
            digest = hashlib.sha256()
            rows = 0
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                digest.update(b"\n")
                rows += 1
            found[name] = Fingerprint(rows, digest.hexdigest())
    return found


# --- backup and restore ------------------------------------------------------------------


def backup(url: str, out: Path) -> None:
    """A whole, consistent copy of the store in one file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(url):
        source = sqlite3.connect(sqlite_path(url))
        target = sqlite3.connect(out)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    dsn, env = _libpq(url)
    _run([str(pg_program("pg_dump")), "-Fc", "--no-owner", "-f", str(out), "--dbname", dsn], env)


def refuse_unless_named(url: str, replace_store: str | None) -> None:
    """A store holding rows is replaced only when the operator names exactly that store."""
    engine = make_engine(url)
    try:
        held = rows_held(engine)
    finally:
        engine.dispose()
    if held and replace_store != url:
        raise Conflict(
            f"the store holds {held} rows that a restore would replace: to replace them, "
            f"add --replace-store {url}",
            field="--replace-store",
        )


def restore(url: str, source: Path, *, replace_store: str | None = None) -> None:
    """Replaces the store's content with the backup's; refuses a store with rows unless named."""
    if not source.is_file():
        raise InvalidInput(f"no backup file at {source}", field="from")
    if _is_sqlite(url):
        path = sqlite_path(url)
        if path.exists():
            refuse_unless_named(url, replace_store)
        source_db = sqlite3.connect(source)
        target = sqlite3.connect(path)
        try:
            with target:
                source_db.backup(target)
        finally:
            target.close()
            source_db.close()
        return
    refuse_unless_named(url, replace_store)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    dsn, env = _libpq(url)
    _run(
        [
            str(pg_program("pg_restore")),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            dsn,
            str(source),
        ],
        env,
    )
