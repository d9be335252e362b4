"""Time banks when care ends or moves: the account settled to nothing, or its terms and
banked hours carried to the package that continues the care."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.packages.tables import Package
from homecare.timebank import ledger
from homecare.timebank.ledger import Kind, Movement, Pot
from homecare.timebank.service import (
    _balances,
    _locked_account,
    _period_summary,
    _stored_terms,
    _write,
)
from homecare.timebank.tables import TimeBankAccount


def move_account(
    session: Session, *, actor: Actor, at: datetime, from_package: int, to_package: Package
) -> int:
    """Gives the package a move started the same envelope terms from its first day, and
    the hours banked so far (carried out of the old account, into the new); returns the
    minutes carried. The old envelope's remainder is settled when the old package ends."""
    old = _locked_account(session, from_package)
    if old is None:
        return 0
    terms = _stored_terms(old)
    new = TimeBankAccount(
        package_id=to_package.id,
        period_weeks=terms.period_weeks,
        minutes_per_period=terms.minutes_per_period,
        carry_over_share=terms.carry_over_share,
        bank_cap_minutes=terms.bank_cap_minutes,
        overdraft_minutes=terms.overdraft_minutes,
        current_period_start=to_package.starts_on,
        opened_at=at,
    )
    session.add(new)
    session.flush()
    _write(session, new, ledger.grant(terms), actor=actor, at=at)
    banked = _balances(session, old).bank
    if banked > 0:
        note = f"moved with the person's care, package {from_package} to {to_package.id}"
        _write(session, old, [Movement(Pot.BANK, Kind.CARRY_OVER, -banked)], actor=actor,
               at=at, note=note)  # fmt: skip
        _write(session, new, [Movement(Pot.BANK, Kind.CARRY_OVER, banked)], actor=actor,
               at=at, note=note)  # fmt: skip
    return max(banked, 0)


def settle_ended(session: Session, *, actor: Actor, at: datetime, package_id: int) -> int:
    """Settles the time bank of a package whose care has ended (see `ledger.close`);
    returns the minutes that expired or were written off. A package without an envelope
    has nothing to settle."""
    account = _locked_account(session, package_id)
    if account is None:
        return 0
    movements = ledger.close(_balances(session, account))
    if movements:
        _write(session, account, movements, actor=actor, at=at, note="care ended")
        audit.record(
            session,
            actor=actor,
            at=at,
            action="time_bank.settled",
            entity="package",
            entity_id=package_id,
            **_period_summary(movements),
        )
    return sum(abs(m.minutes) for m in movements)
