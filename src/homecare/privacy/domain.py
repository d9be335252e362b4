"""Retention as data, and the pure rules of what is past it.

The periods live in `retention.toml` beside this module, where a records manager can read
and change them; these functions only do the date arithmetic, so each can be checked by
hand. A record is kept through the whole last day of its period and is past retention
from the day after.
"""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).with_name("retention.toml")
END_OF_CARE = "end_of_care"
"""The derived date a person's record runs from, rather than a column."""


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0


@dataclass(frozen=True)
class Rule:
    kind: str
    table: str
    runs_from: tuple[str, ...]
    period: Period
    basis: str


@dataclass(frozen=True)
class Retention:
    rules: tuple[Rule, ...]
    unlink: frozenset[tuple[str, str]]
    """(table, column) links that are cut, not followed, when what they point at goes."""


def _shift_months(day: date, months: int) -> date:
    """`day` moved by whole months, on the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def kept_until(start: date, period: Period) -> date:
    """The last day a record is kept: its start moved on by the period."""
    moved = _shift_months(start, period.years * 12 + period.months)
    return date.fromordinal(moved.toordinal() + period.days)


def past_retention(start: date | None, period: Period, as_at: date) -> bool:
    """True when `as_at` is after the record's last kept day; a record with no start yet
    (care still going on) is never past it."""
    return start is not None and as_at > kept_until(start, period)


def earliest_kept_start(period: Period, as_at: date) -> date:
    """Records starting before this day are past retention on `as_at` (used in queries).

    It is the smallest start whose last kept day is not before `as_at`; month ends make the
    arithmetic uneven, so it is found by stepping back from a first guess.
    """
    guess = _shift_months(as_at, -(period.years * 12 + period.months))
    guess = date.fromordinal(guess.toordinal() - period.days)
    while past_retention(guess, period, as_at):
        guess = date.fromordinal(guess.toordinal() + 1)
    while not past_retention(date.fromordinal(guess.toordinal() - 1), period, as_at):
        guess = date.fromordinal(guess.toordinal() - 1)
    return guess


def end_of_care(package_ends: Iterable[date | None], other_dates: Iterable[date]) -> date | None:
    """When a person's care ended: the latest of their packages' ends and their other dates
    (referrals, being recorded); None while any package has no end, or with no date at all."""
    ends = list(package_ends)
    if any(end is None for end in ends):
        return None
    known = [d for d in ends if d is not None] + list(other_dates)
    return max(known) if known else None


def parse_retention(data: dict[str, Any]) -> Retention:
    """Rules from the data file's contents; a rule without a period is refused."""
    rules = []
    for raw in data.get("rule", []):
        period = Period(
            years=int(raw.get("years", 0)),
            months=int(raw.get("months", 0)),
            days=int(raw.get("days", 0)),
        )
        if period == Period():
            raise ValueError(f"the retention rule for {raw['kind']} gives no period")
        rules.append(
            Rule(
                kind=str(raw["kind"]),
                table=str(raw["table"]),
                runs_from=tuple(str(c) for c in raw["runs_from"]),
                period=period,
                basis=" ".join(str(raw.get("basis", "")).split()),
            )
        )
    unlink = frozenset(tuple(str(link).split(".", 1)) for link in data.get("unlink", []))
    return Retention(rules=tuple(rules), unlink=unlink)  # type: ignore[arg-type]


def shipped_retention() -> Retention:
    """The periods the platform ships with."""
    with SHIPPED.open("rb") as file:
        return parse_retention(tomllib.load(file))
