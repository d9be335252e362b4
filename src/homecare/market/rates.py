"""Rates over time: the rate of many contracts on many days from their versions, and the
annual uplift that raises every contract of a council from a day, each as its own version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.errors import Conflict, InvalidInput
from homecare.market.contract_terms import Terms, Version, terms_on
from homecare.market.contracts import as_version, change_rate, rate_in_force
from homecare.market.tables import Contract, ContractVersion


@dataclass
class RateBook:
    """The hourly rate of many contracts on many days, from their versions loaded once:
    what values past visits at the rate of their day, never at today's."""

    made: dict[int, ContractVersion]
    later: dict[int, list[Version]]
    contracts: dict[int, tuple[date, int]]
    """Each contract's start and rate as stored: the first terms of one with no versions."""
    _seen: dict[tuple[int, date], int] = field(default_factory=dict)

    def rate(self, contract_id: int, day: date) -> int:
        key = (contract_id, day)
        if key not in self._seen:
            starts_on, stored_rate = self.contracts[contract_id]
            made = self.made.get(contract_id)
            first = Terms(
                hourly_rate_pence=made.hourly_rate_pence or stored_rate if made else stored_rate,
                weekly_capacity_minutes=0,
                flex_up_percent=0,
                flex_down_percent=0,
                notice_days=0,
                starts_on=starts_on,
                ends_on=made.ends_on if made else None,
            )
            self._seen[key] = terms_on(first, self.later[contract_id], day).hourly_rate_pence
        return self._seen[key]


def rate_book(session: Session, contract_ids: Iterable[int]) -> RateBook:
    wanted = sorted(set(contract_ids))
    made: dict[int, ContractVersion] = {}
    later: dict[int, list[Version]] = defaultdict(list)
    for row in session.scalars(
        select(ContractVersion)
        .where(ContractVersion.contract_id.in_(wanted))
        .order_by(ContractVersion.contract_id, ContractVersion.number)
    ):
        if row.number == 1:
            made[row.contract_id] = row
        else:
            later[row.contract_id].append(as_version(row))
    stored = {
        cid: (starts_on, rate)
        for cid, starts_on, rate in session.execute(
            select(Contract.id, Contract.starts_on, Contract.hourly_rate_pence).where(
                Contract.id.in_(wanted)
            )
        )
    }
    return RateBook(made=made, later=later, contracts=stored)


# --- the annual uplift ----------------------------------------------------------------


@dataclass(frozen=True)
class Uplifted:
    contract_id: int
    provider_id: int
    lot_id: int
    from_pence: int
    to_pence: int


def uplifted_rate(rate_pence: int, percent: Decimal) -> int:
    """A rate raised by a percentage, to the nearest penny, halves up: £26.22 + 3.5% is
    2622 × 1.035 = 2713.77 → £27.14."""
    raised = Decimal(rate_pence) * (1 + percent / 100)
    return int(raised.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def uplift_council(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    council_id: int,
    percent: Decimal,
    effective_from: date,
    reason: str,
    lot_id: int | None = None,
) -> list[Uplifted]:
    """The annual uplift (001: 'uplifted annually in line with inflation'): every contract
    of the council running on the day, each from its own rate in force then, one rate
    change each, all in the caller's one transaction."""
    if not Decimal(-50) < percent <= Decimal(50):
        raise InvalidInput("an uplift is a percentage between -50 and 50", field="percent")
    stmt = select(Contract).where(
        Contract.council_id == council_id,
        Contract.starts_on <= effective_from,
        (Contract.ends_on.is_(None)) | (Contract.ends_on >= effective_from),
    )
    if lot_id is not None:
        stmt = stmt.where(Contract.lot_id == lot_id)
    done = []
    for contract in session.scalars(stmt.order_by(Contract.id)):
        before = rate_in_force(session, contract, effective_from)
        after = uplifted_rate(before, percent)
        change_rate(
            session,
            actor=actor,
            at=at,
            contract_id=contract.id,
            hourly_rate_pence=after,
            effective_from=effective_from,
            reason=reason,
        )
        done.append(Uplifted(contract.id, contract.provider_id, contract.lot_id, before, after))
    if not done:
        raise Conflict("no contract of the council runs on that day", field="effective_from")
    return done
