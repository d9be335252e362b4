"""Engine, sessions and the column types both stores share.

`unit_of_work` is the only place in the code base that commits: one transaction per HTTP
request or CLI command, rolled back whole on any error so nothing is half-written.

SQLite is set up for several writers at once (the server's requests, the offer lapser, a
command line): a write-ahead log (readers never wait for the writer), `synchronous=FULL` (a
committed transaction survives a power cut), and every transaction begins with
`BEGIN IMMEDIATE`, so writers queue for the busy timeout, a setting, instead of failing.
A transaction that began as a read and then writes can therefore never meet "database is
locked" (SQLITE_BUSY_SNAPSHOT), which no waiting would cure. This is SQLAlchemy's own recipe
for pysqlite: the driver's BEGIN is switched off and the engine's "begin" event says it.

Neither engine writes bound parameters into its errors (`hide_parameters`): a failed
statement about a person would otherwise carry their NHS number, name and address into
whatever log or terminal shows the error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from homecare.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back timezone-aware datetimes, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def is_sqlite_in_memory(url: str) -> bool:
    """`sqlite://`, `sqlite:///:memory:` and the like: a store that lives in the process."""
    parsed = make_url(url)
    database = parsed.database or ""
    return (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or parsed.query.get("mode") == "memory"
    )


def _sqlite_connection_setup(in_memory: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the engine's "begin" event says BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return on_connect


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, busy_timeout: float | None = None) -> Engine:
    """An engine for either store, never echoing bound parameters into its errors. SQLite
    gets foreign keys, a write-ahead log (for a file), `synchronous=FULL`, a busy timeout
    (`busy_timeout` seconds, or the setting) and `BEGIN IMMEDIATE` for every transaction."""
    if url.startswith("sqlite"):
        seconds = (
            get_settings().sqlite_busy_timeout_seconds if busy_timeout is None else busy_timeout
        )
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": seconds},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_connection_setup(is_sqlite_in_memory(url)))
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit if the block finishes, roll back everything if it raises."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
