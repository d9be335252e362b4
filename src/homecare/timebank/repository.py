"""Time-bank reads for a person's own pages: the balances, and the hours delivered so far."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.errors import NotFound
from homecare.timebank.ledger import Kind
from homecare.timebank.service import Statement, balance
from homecare.timebank.tables import TimeBankEntry


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
