"""Time-bank reads for a person's own pages: the balances, and the hours delivered so far."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable
from homecare.errors import NotFound
from homecare.packages.repository import readable_by_package
from homecare.timebank.care_rules import AskStatus
from homecare.timebank.ledger import Kind
from homecare.timebank.service import Statement, balance
from homecare.timebank.tables import TimeBankEntry, TimeBankRequest


@dataclass(frozen=True)
class Balance:
    statement: Statement
    delivered_minutes: int


def balance_of(session: Session, actor: Actor, package_id: int) -> Balance | None:
    """The envelope's balances and the minutes delivered this period, or None for a package
    on fixed weekly hours."""
    try:
        statement = balance(session, actor=actor, package_id=package_id)
    except NotFound:
        return None
    account_id = statement.entries[0].account_id if statement.entries else None
    delivered = session.scalar(
        select(func.coalesce(func.sum(TimeBankEntry.minutes), 0)).where(
            TimeBankEntry.account_id == account_id,
            TimeBankEntry.kind == Kind.DELIVERY.value,
            TimeBankEntry.period_start == statement.period_start,
        )
    )
    return Balance(statement, -int(delivered or 0))


def readable_time_bank_requests(actor: Actor) -> Select[Any]:
    """Asks to use banked hours, seen by whoever may see their package."""
    return readable_by_package(actor, TimeBankRequest)


def load_time_bank_request(
    session: Session, actor: Actor, request_id: int, *, lock: bool = False
) -> TimeBankRequest:
    """One ask the actor may read (locked for an answer); anybody else's is "not found"."""
    stmt = readable_time_bank_requests(actor)
    if lock:
        # Re-read under the lock, so a second answer waiting on it sees the first one's.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return load_readable(session, stmt, TimeBankRequest, request_id, "request")


def time_bank_requests(
    session: Session,
    actor: Actor,
    *,
    package_id: int | None = None,
    waiting: bool = False,
    answered: bool = False,
    limit: int | None = None,
) -> list[TimeBankRequest]:
    """A package's asks, latest first; or (`waiting`) every ask still to answer, oldest
    first, as the provider works through them (a withdrawn ask no longer waits); or
    (`answered`) those accepted, declined or withdrawn, the latest answer first."""
    stmt = readable_time_bank_requests(actor)
    if package_id is not None:
        stmt = stmt.where(TimeBankRequest.package_id == package_id)
    if waiting:
        stmt = stmt.where(TimeBankRequest.status == AskStatus.ASKED.value).order_by(
            TimeBankRequest.asked_at, TimeBankRequest.id
        )
    elif answered:
        stmt = stmt.where(TimeBankRequest.status != AskStatus.ASKED.value).order_by(
            TimeBankRequest.answered_at.desc(), TimeBankRequest.id.desc()
        )
    else:
        stmt = stmt.order_by(TimeBankRequest.asked_at.desc(), TimeBankRequest.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
