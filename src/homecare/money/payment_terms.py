"""The vocabulary of payment rules: their choices as enums, and their words for people
(pounds and pence, billing units), kept apart so the rules module stays a readable size."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Protocol

UNIT_WORDS = {1: "minutes", 15: "quarter hours", 30: "half hours", 60: "hours"}
"""The billing units a contract may use: a minute, a quarter hour, a half hour, an hour."""


class Basis(StrEnum):
    PLANNED = "planned"
    ACTUAL = "actual"
    ACTUAL_WITHIN_TOLERANCE = "actual_within_tolerance"


class Rounding(StrEnum):
    UP = "up"
    NEAREST = "nearest"
    """Half up: 7.5 minutes of a 15-minute unit goes up to 15."""
    DOWN = "down"


class SecondCarer(StrEnum):
    FIFTEEN_MINUTES = "fifteen_minutes"
    IN_FULL = "in_full"


class CommunityHours(StrEnum):
    AS_VISITS = "as_visits"
    """Paid like any visit, on call-monitoring evidence."""
    ON_PLANNED = "on_planned"
    """Paid on planned minutes once done: a phone check-in at a lunch club proves little."""
    NOT_PAID = "not_paid"
    """Paid another way (a block or a grant), so never through a payment run."""


class EnvelopeBasis(StrEnum):
    DELIVERED_WITHIN = "delivered_within"
    WHOLE_ENVELOPE = "whole_envelope"


class HasUnit(Protocol):
    @property
    def billing_unit_minutes(self) -> int: ...

    @property
    def rounding(self) -> Rounding: ...


def money(pence: int) -> str:
    """Pence in pounds for people: 1967 → £19.67; −250 → −£2.50."""
    sign = "−" if pence < 0 else ""
    return f"{sign}£{Decimal(abs(pence)) / 100:,.2f}"


def unit_words(rules: HasUnit) -> str:
    """ "by the minute", or "in quarter hours rounded up"."""
    if rules.billing_unit_minutes == 1:
        return "by the minute"
    how = {"up": "rounded up", "down": "rounded down", "nearest": "to the nearest (half up)"}
    return f"in {UNIT_WORDS[rules.billing_unit_minutes]} {how[rules.rounding.value]}"
