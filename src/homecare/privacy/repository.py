"""Reads for information governance: who looked at a person, what a user saw.

Both questions are answered from one index each on `record_access` ((person_id, at) and
(user_id, at)), so they stay quick however long the log grows. Council staff see only the
log of their own council's residents; the platform itself sees it all, including the log
of a record since purged, which is why the log keeps no foreign key to the person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import coalesce

from homecare.access import Actor, Permission, require
from homecare.access_log import RecordAccess
from homecare.accounts.tables import UserAccount
from homecare.audit import AuditEvent
from homecare.brokerage.tables import Referral
from homecare.calendar import local_date
from homecare.market.tables import Organisation
from homecare.packages.tables import Package
from homecare.people.repository import load_person, readable_people
from homecare.people.tables import Person

MOST_ROWS = 10_000
"""The most log rows one question answers: narrow the time range for more."""


def _ranged(stmt: Select[Any], since: datetime | None, until: datetime | None) -> Select[Any]:
    if since is not None:
        stmt = stmt.where(RecordAccess.at >= since)
    if until is not None:
        stmt = stmt.where(RecordAccess.at < until)
    return stmt.order_by(RecordAccess.at, RecordAccess.id).limit(MOST_ROWS)


def who_looked(
    session: Session,
    actor: Actor,
    person_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RecordAccess]:
    """Every time the person's record was shown, oldest first, in [since, until)."""
    require(actor, Permission.GOVERN_INFORMATION)
    if not actor.is_system:
        load_person(session, actor, person_id)
    stmt = select(RecordAccess).where(RecordAccess.person_id == person_id)
    return list(session.scalars(_ranged(stmt, since, until)))


def what_seen(
    session: Session,
    actor: Actor,
    user_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RecordAccess]:
    """Every record the user was shown, oldest first, in [since, until); council staff see
    only their own residents' rows."""
    require(actor, Permission.GOVERN_INFORMATION)
    stmt = select(RecordAccess).where(RecordAccess.user_id == user_id)
    if not actor.is_system:
        stmt = stmt.where(
            RecordAccess.person_id.in_(readable_people(actor).with_only_columns(Person.id))
        )
    return list(session.scalars(_ranged(stmt, since, until)))


def user_called(session: Session, email: str) -> UserAccount | None:
    """The account with this email address, whatever its case."""
    wanted = email.strip().lower()
    return session.scalars(
        select(UserAccount).where(func.lower(UserAccount.email) == wanted)
    ).first()


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Names and email addresses of the users in a log, for people to read."""
    if not ids:
        return {}
    rows = session.scalars(select(UserAccount).where(UserAccount.id.in_(ids)))
    return {u.id: f"{u.name} <{u.email}>" for u in rows}


# --- retention ---------------------------------------------------------------------------


def care_dates(session: Session) -> dict[int, tuple[list[date | None], list[date]]]:
    """Per person: their packages' end days, and the other days their care ran to (latest
    referral, the day they were recorded), for working out when their care ended."""
    found: dict[int, tuple[list[date | None], list[date]]] = {
        person_id: ([], []) for person_id in session.scalars(select(Person.id))
    }
    for person_id, ends_on in session.execute(select(Package.person_id, Package.ends_on)):
        found[person_id][0].append(ends_on)
    referred = select(Referral.person_id, func.max(Referral.referred_at)).group_by(
        Referral.person_id
    )
    recorded = (
        select(AuditEvent.entity_id, func.max(AuditEvent.at))
        .where(AuditEvent.entity == "person", AuditEvent.action == "person.recorded")
        .group_by(AuditEvent.entity_id)
    )
    for person_id, moment in [*session.execute(referred), *session.execute(recorded)]:
        if person_id in found and moment is not None:
            found[person_id][1].append(local_date(moment))
    return found


def ids_starting_before(
    session: Session, table: Table, columns: tuple[str, ...], moment: datetime
) -> list[int]:
    """Ids of the rows whose start (the first of `columns` that is set) is before `moment`."""
    named: list[ColumnElement[Any]] = [table.c[name] for name in columns]
    start = named[0] if len(named) == 1 else coalesce(*named)
    return list(session.scalars(select(table.c.id).where(start < moment).order_by(table.c.id)))


def ids_linked(session: Session, table: Table, column: str, ids: set[int]) -> set[int]:
    """Ids of the rows of `table` whose `column` points at one of `ids`."""
    found: set[int] = set()
    ordered = sorted(ids)
    for at in range(0, len(ordered), CHUNK):
        chunk = ordered[at : at + CHUNK]
        found.update(session.scalars(select(table.c.id).where(table.c[column].in_(chunk))))
    return found


CHUNK = 500
"""Ids per statement: well inside every store's limit on bound parameters."""


def rows_of(session: Session, table: Table, ids: set[int]) -> list[dict[str, Any]]:
    """The rows of `table` with these ids, every column, in id order."""
    found: list[dict[str, Any]] = []
    ordered = sorted(ids)
    for at in range(0, len(ordered), CHUNK):
        chunk = ordered[at : at + CHUNK]
        stmt = select(table).where(table.c.id.in_(chunk)).order_by(table.c.id)
        found.extend(dict(row._mapping) for row in session.execute(stmt))
    return found


def organisation_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Organisations' names by id, to say who provides the person's care."""
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {ident: name for ident, name in rows}
