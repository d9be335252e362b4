"""Reading the frames: concurrently with connectorx from a store's file or server, or
through SQLAlchemy on a caller's own connection."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, Select
from sqlalchemy.orm import Session

from homecare.delivery.tables import Visit
from homecare.monitoring.data.snapshot import (
    PACKAGE_LINKED,
    SCHEMAS,
    VISITS_READ,
    Scope,
    Snapshot,
    Window,
    conform,
)
from homecare.monitoring.data.sql import decode_visits, statements_for


def _connectorx_url(engine: Engine) -> str | None:
    """A URL connectorx can open for this engine, or None to read through SQLAlchemy."""
    url = engine.url
    backend = url.get_backend_name()
    if backend == "sqlite":
        database = url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return f"sqlite://{Path(database).resolve()}"
    if backend == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    return None


Reader = Callable[[str, str], pl.DataFrame]


def _connectorx_reader(url: str) -> Reader:
    import connectorx as cx

    def read(name: str, sql: str) -> pl.DataFrame:
        table = cx.read_sql(url, sql, return_type="arrow")
        return _as_read(name, pl.from_arrow(table))  # type: ignore[arg-type]

    return read


def _sqlalchemy_reader(connection: Connection) -> Reader:
    def read(name: str, sql: str) -> pl.DataFrame:
        result = connection.exec_driver_sql(sql)
        names = list(_read_schema(name))
        rows = result.fetchall()
        columns = {n: [row[i] for row in rows] for i, n in enumerate(names)}
        frame = (
            pl.DataFrame(columns, strict=False) if rows else pl.DataFrame(schema=_read_schema(name))
        )
        return _as_read(name, frame)

    return read


def _read_schema(name: str) -> dict[str, Any]:
    return VISITS_READ if name == "visits" else SCHEMAS[name]


def _as_read(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    typed = conform(frame, _read_schema(name))
    return decode_visits(typed) if name == "visits" else typed


def _compiled(stmt: Select[Any], engine: Engine) -> str:
    return str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))


SLICES = 2
READERS = 4
"""Concurrent connectorx reads: more than the cores, as each read waits on its store."""


def _slices(stmt: Select[Any], window: Window) -> list[Select[Any]]:
    """The visits' statement cut into date ranges of their covering index, so that both
    cores stay busy and each range is one seek (no entry is read twice)."""
    days = (window.end - window.start).days + 1
    if days < SLICES * 7:
        return [stmt]
    cuts = [window.start + timedelta(days=days * i // SLICES) for i in range(1, SLICES)]
    bounds: list[date | None] = [None, *cuts, None]
    return [
        stmt.where(
            *([] if low is None else [Visit.day >= low]),
            *([] if high is None else [Visit.day < high]),
        )
        for low, high in pairwise(bounds)
    ]


SPLIT = "visits"
"""The one big table, read in slices."""


def _read_fast(
    engine: Engine, url: str, statements: dict[str, Select[Any]], window: Window
) -> Snapshot:
    reader = _connectorx_reader(url)
    jobs: list[tuple[str, str]] = []
    for name in sorted(statements, key=lambda n: n != SPLIT):
        pieces = _slices(statements[name], window) if name == SPLIT else [statements[name]]
        jobs.extend((name, _compiled(piece, engine)) for piece in pieces)
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        futures = [(name, pool.submit(reader, name, sql)) for name, sql in jobs]
        read: dict[str, list[pl.DataFrame]] = {}
        for name, future in futures:
            read.setdefault(name, []).append(future.result())
    return _linked({name: pl.concat(parts) for name, parts in read.items()})


def load_snapshot(
    source: Engine | Session | Connection, *, scope: Scope, window: Window
) -> Snapshot:
    """Every frame for the scope and window, read in one go (concurrently with connectorx).

    Package-linked frames keep only rows whose package is in the scope, which is how a
    council's figures leave out another council's packages at a shared provider.
    """
    statements = statements_for(scope, window)
    if isinstance(source, Engine):
        url = _connectorx_url(source)
        if url is not None:
            return _read_fast(source, url, statements, window)
        with source.connect() as connection:
            return _read_all(connection, statements)
    connection = source.connection() if isinstance(source, Session) else source
    return _read_all(connection, statements)


def _read_all(connection: Connection, statements: dict[str, Select[Any]]) -> Snapshot:
    reader = _sqlalchemy_reader(connection)
    engine = connection.engine
    return _linked({n: reader(n, _compiled(stmt, engine)) for n, stmt in statements.items()})


def _linked(frames: dict[str, pl.DataFrame]) -> Snapshot:
    packages = frames["packages"].select("package_id")
    for name in PACKAGE_LINKED:
        frames[name] = frames[name].join(packages, on="package_id", how="semi")
    return Snapshot(**frames)
