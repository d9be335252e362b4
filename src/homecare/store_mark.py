"""The mark a command leaves on a store it made, so that nothing empties a store by mistake.

A store made by `homecare demo` (or a test) carries one row here. A command that would
empty a store looks for the mark first and refuses an unmarked store unless the operator
names that store in so many words.

`refuse_to_empty` is that check: a store that is missing, empty or marked may be emptied;
any other is refused with what it holds, counted table by table through SQLAlchemy's
inspection of the store itself (this module is core and knows no area), unless
`--replace-store` names it. Nothing is touched either way: the check only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, String, func, inspect, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError
from sqlalchemy.orm import Mapped, Session, mapped_column

from homecare.db import Base, UTCDateTime, is_sqlite_in_memory, make_engine
from homecare.errors import InvalidInput


class StoreMark(Base):
    __tablename__ = "store_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    made_by: Mapped[str] = mapped_column(String(64))
    """The command that made the store, e.g. 'homecare demo'."""
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)


MAIN_TABLES = {
    "organisation": ("organisation", "organisations"),
    "person": ("person", "people"),
    "referral": ("referral", "referrals"),
    "package": ("package", "packages"),
    "care_worker": ("care worker", "care workers"),
    "visit": ("visit", "visits"),
    "call_event": ("call event", "call events"),
    "user_account": ("user account", "user accounts"),
    "audit_event": ("audit row", "audit rows"),
    "record_access": ("record access row", "record access rows"),
}
"""The tables a refusal names first, by their names in the store, as people call them."""

NOT_DATA = {"alembic_version", "store_mark"}
"""Tables whose rows say how the store was made, not what it holds."""


def mark_store(session: Session, *, made_by: str, at: datetime) -> None:
    """Leaves the mark on a store the command has just made."""
    session.add(StoreMark(made_by=made_by, made_at=at))


@dataclass(frozen=True)
class Holding:
    """What a store holds: rows by table (tables with none left out), and its mark."""

    rows: dict[str, int]
    made_by: str | None

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def described(self) -> str:
        """'1,210 people, 231,533 audit rows and 88 rows in 9 other tables'."""
        named = [
            f"{self.rows[name]:,} {one if self.rows[name] == 1 else many}"
            for name, (one, many) in MAIN_TABLES.items()
            if name in self.rows
        ]
        others = {n: c for n, c in self.rows.items() if n not in MAIN_TABLES}
        if others:
            tables = "table" if len(others) == 1 else "tables"
            rows = "row" if sum(others.values()) == 1 else "rows"
            named.append(f"{sum(others.values()):,} {rows} in {len(others)} other {tables}")
        return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def shown(url: str) -> str:
    """A store's URL as it may be printed: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or is_sqlite_in_memory(url.render_as_string(False)):
        return None
    return Path(url.database or "")


def names_store(named: str, url: str) -> bool:
    """Whether `named` is the same store as `url`: the same URL (its password may be left
    out), or for SQLite the same file, given as a URL or a path."""
    target = make_url(url)
    target_file = _sqlite_file(target)
    if target_file is not None:
        given = Path(named)
        if named.startswith("sqlite:"):
            given_file = _sqlite_file(make_url(named))
            if given_file is None:
                return False
            given = given_file
        return given.expanduser().resolve() == target_file.expanduser().resolve()
    try:
        candidate = make_url(named)
    except ArgumentError:
        return False
    return _without_password(candidate) == _without_password(target)


def _without_password(url: URL) -> tuple[object, ...]:
    return (url.drivername, url.username, url.host, url.port, url.database, dict(url.query))


def holding(engine: Engine) -> Holding:
    """Counts the rows of every table in the store and reads its mark."""
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as conn:
        rows = {
            name: int(conn.scalar(select(func.count()).select_from(table(name))) or 0)
            for name in names
        }
        made_by = (
            conn.scalar(select(StoreMark.made_by).order_by(StoreMark.id.desc()).limit(1))
            if "store_mark" in names
            else None
        )
    return Holding(
        rows={n: c for n, c in sorted(rows.items()) if c and n not in NOT_DATA}, made_by=made_by
    )


def refuse_to_empty(url: str, *, replace_store: str | None, command: str) -> None:
    """Refuses (InvalidInput on `replace_store`) to let `command` empty the store at `url`
    when it holds rows and carries no mark, unless `replace_store` names that very store.

    A missing or in-memory store, an empty one (migrated, nothing in it) and a marked one
    may be emptied. Only reads: the store is as it was whatever the answer.
    """
    where = shown(url)
    if replace_store is not None:
        if names_store(replace_store, url):
            return
        raise InvalidInput(
            f"--replace-store names {shown(replace_store)}, but {command} is pointed at the "
            f"store at {where}; nothing was changed",
            field="--replace-store",
        )
    parsed = make_url(url)
    sqlite_file = _sqlite_file(parsed)
    if parsed.get_backend_name() == "sqlite" and (sqlite_file is None or not sqlite_file.exists()):
        return
    engine = make_engine(url)
    try:
        held = holding(engine)
    except DatabaseError as error:
        if sqlite_file is None:
            raise
        raise InvalidInput(
            f"{where} is not a store {command} can read ({type(error.orig).__name__}), so it "
            f"would be deleted unread; nothing was changed. To delete it, run again with "
            f"--replace-store {where}",
            field="--replace-store",
        ) from error
    finally:
        engine.dispose()
    if held.made_by is not None or held.total == 0:
        return
    raise InvalidInput(
        f"the store at {where} holds data and no command's mark that it made the store: "
        f"{command} would empty it, deleting {held.described()}. Nothing was changed. If "
        f"this store may go, run again with --replace-store {where}",
        field="--replace-store",
    )
