"""The arithmetic of envelopes of time and the time bank, apart from the store.

An account on an envelope has two pots. The envelope holds this period's hours (e.g. 80
hours over 4 weeks); visits delivered are drawn from it. The bank holds hours saved for
later: a person out for the day banks the hours, and draws them when more help is needed.
Every change is a list of signed `Movement`s, and a balance is only ever the sum of the
movements so far, so the ledger and the balances can never disagree.

The invariants the rules keep:
- banking never takes the envelope below 0 (only delivering more than was granted can);
- drawing never takes the bank below -overdraft (hours brought forward, repaid later);
- a period end leaves the envelope at exactly what is carried plus the next grant, and
  the bank at no more than its cap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Pot(StrEnum):
    ENVELOPE = "envelope"
    BANK = "bank"


class Kind(StrEnum):
    GRANT = "grant"
    DELIVERY = "delivery"
    BANK = "bank"
    DRAW = "draw"
    CARRY_OVER = "carry_over"
    EXPIRY = "expiry"
    WRITE_OFF = "write_off"


MAX_PERIOD_WEEKS = 13
"""A quarter: longer envelopes stop being a plan the person can hold in mind."""


class LedgerRefusal(Exception):
    """A movement that would break an invariant; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Terms:
    """An envelope's terms, checked once so every rule below may trust them."""

    period_weeks: int
    minutes_per_period: int
    carry_over_share: float
    bank_cap_minutes: int
    overdraft_minutes: int

    def __post_init__(self) -> None:
        if not 1 <= self.period_weeks <= MAX_PERIOD_WEEKS:
            raise LedgerRefusal(
                f"a period is 1 to {MAX_PERIOD_WEEKS} weeks long", field="period_weeks"
            )
        if self.minutes_per_period <= 0:
            raise LedgerRefusal("an envelope grants some minutes", field="minutes_per_period")
        if not (math.isfinite(self.carry_over_share) and 0 <= self.carry_over_share <= 1):
            raise LedgerRefusal("the carry-over share is between 0 and 1", field="carry_over_share")
        if self.bank_cap_minutes < 0:
            raise LedgerRefusal("the bank cap may not be negative", field="bank_cap_minutes")
        if self.overdraft_minutes < 0:
            raise LedgerRefusal("the overdraft may not be negative", field="overdraft_minutes")


@dataclass(frozen=True)
class Movement:
    """One signed change to one pot; `next_period` marks what belongs to the next period."""

    pot: Pot
    kind: Kind
    minutes: int
    next_period: bool = False


@dataclass(frozen=True)
class Balances:
    envelope: int = 0
    bank: int = 0

    @property
    def total(self) -> int:
        return self.envelope + self.bank

    def after(self, movements: Iterable[Movement]) -> Balances:
        envelope, bank = self.envelope, self.bank
        for m in movements:
            if m.pot is Pot.ENVELOPE:
                envelope += m.minutes
            else:
                bank += m.minutes
        return Balances(envelope, bank)


def summed(movements: Iterable[tuple[str, int]]) -> Balances:
    """Balances from (pot, minutes) pairs as the store holds them."""
    envelope = bank = 0
    for pot, minutes in movements:
        if Pot(pot) is Pot.ENVELOPE:
            envelope += minutes
        else:
            bank += minutes
    return Balances(envelope, bank)


def default_terms(
    *,
    weekly_minutes: int,
    period_weeks: int = 4,
    minutes_per_period: int | None = None,
    carry_over_share: float = 0.25,
    bank_cap_minutes: int | None = None,
    overdraft_minutes: int | None = None,
) -> Terms:
    """The package's own hours over the period, a week's hours of bank and an hour ahead."""
    return Terms(
        period_weeks=period_weeks,
        minutes_per_period=(
            weekly_minutes * period_weeks if minutes_per_period is None else minutes_per_period
        ),
        carry_over_share=carry_over_share,
        bank_cap_minutes=weekly_minutes if bank_cap_minutes is None else bank_cap_minutes,
        overdraft_minutes=60 if overdraft_minutes is None else overdraft_minutes,
    )


def period_end(start: date, terms: Terms) -> date:
    """The last day of the period that begins on `start` (4 weeks from a Monday: a Sunday)."""
    return start + timedelta(weeks=terms.period_weeks) - timedelta(days=1)


def next_period_start(start: date, terms: Terms) -> date:
    return start + timedelta(weeks=terms.period_weeks)


def is_due(start: date, terms: Terms, today: date) -> bool:
    """A period is over once its last day has passed."""
    return today > period_end(start, terms)


def _positive(minutes: int) -> None:
    if minutes <= 0:
        raise LedgerRefusal("minutes must be a positive whole number", field="minutes")


def grant(terms: Terms) -> list[Movement]:
    return [Movement(Pot.ENVELOPE, Kind.GRANT, terms.minutes_per_period)]


def deliver(minutes: int) -> list[Movement]:
    """A delivered visit comes off the envelope whatever it holds: care is never refused."""
    if minutes < 0:
        raise LedgerRefusal("delivered minutes may not be negative", field="minutes")
    return [Movement(Pot.ENVELOPE, Kind.DELIVERY, -minutes)] if minutes else []


def bank(balances: Balances, minutes: int) -> list[Movement]:
    """Saves envelope minutes for later; only minutes the envelope still holds."""
    _positive(minutes)
    if balances.envelope - minutes < 0:
        raise LedgerRefusal(
            f"the envelope holds {balances.envelope} minutes: {minutes} cannot be banked",
            field="minutes",
        )
    return [
        Movement(Pot.ENVELOPE, Kind.BANK, -minutes),
        Movement(Pot.BANK, Kind.BANK, minutes),
    ]


def draw(balances: Balances, terms: Terms, minutes: int) -> list[Movement]:
    """Uses banked minutes now, going no further below 0 than the overdraft allows."""
    _positive(minutes)
    floor = -terms.overdraft_minutes
    if balances.bank - minutes < floor:
        available = balances.bank + terms.overdraft_minutes
        raise LedgerRefusal(
            f"the bank holds {balances.bank} minutes with {terms.overdraft_minutes} minutes "
            f"of overdraft: at most {max(available, 0)} minutes can be drawn",
            field="minutes",
        )
    return [
        Movement(Pot.BANK, Kind.DRAW, -minutes),
        Movement(Pot.ENVELOPE, Kind.DRAW, minutes),
    ]


def carried_share(remainder: int, share: float) -> int:
    """floor(share × remainder), rounded first so 0.29 × 100 carries 29 and not 28."""
    return math.floor(round(share * remainder, 6))


def end_period(balances: Balances, terms: Terms) -> list[Movement]:
    """Closes a period and grants the next.

    Of what is left in the envelope, the carry-over share moves into the next period (an
    outgoing and an incoming carry_over line, so each period's lines sum to what it
    ended with) and the rest expires. An envelope below 0 (more delivered than granted)
    is written off, and the write-off stays in the ledger so the over-delivery shows. Bank
    minutes above the cap expire; a bank in overdraft stays owed.
    """
    out: list[Movement] = []
    remainder = balances.envelope
    if remainder > 0:
        carried = carried_share(remainder, terms.carry_over_share)
        if carried:
            out.append(Movement(Pot.ENVELOPE, Kind.CARRY_OVER, -carried))
            out.append(Movement(Pot.ENVELOPE, Kind.CARRY_OVER, carried, next_period=True))
        if remainder - carried:
            out.append(Movement(Pot.ENVELOPE, Kind.EXPIRY, -(remainder - carried)))
    elif remainder < 0:
        out.append(Movement(Pot.ENVELOPE, Kind.WRITE_OFF, -remainder))
    if balances.bank > terms.bank_cap_minutes:
        out.append(Movement(Pot.BANK, Kind.EXPIRY, terms.bank_cap_minutes - balances.bank))
    out.extend(Movement(m.pot, m.kind, m.minutes, next_period=True) for m in grant(terms))
    return out


def close(balances: Balances) -> list[Movement]:
    """Settles an account whose care has ended: nothing carries on and nothing is granted.

    Unused envelope minutes and banked minutes expire; an envelope or bank below 0 (more
    delivered or drawn than held) is written off, so every pot ends at 0 and the ledger
    still shows what was left and how it went.
    """
    out: list[Movement] = []
    for pot, left in ((Pot.ENVELOPE, balances.envelope), (Pot.BANK, balances.bank)):
        if left > 0:
            out.append(Movement(pot, Kind.EXPIRY, -left))
        elif left < 0:
            out.append(Movement(pot, Kind.WRITE_OFF, -left))
    return out
