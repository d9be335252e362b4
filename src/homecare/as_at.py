"""When a period's figures are true: the one rule every reader of a return uses.

A period's figures are taken as at its end plus a settle time (`HOMECARE_SETTLE_HOURS`,
counted from the midnight after the period's last day, London): by then the last night's
check-outs, offline batches and offer answers are in, and the figures stop moving, so a
page, a CSV, a workbook and the API read on different days give the same figures. A
period not yet over (or not yet settled) is as at now, and says so. Figures as at now
for a finished period are a choice the reader makes, never the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from homecare.calendar import LONDON


class AsAtBasis(StrEnum):
    SETTLED = "settled"
    """The period's end plus the settle time: the default, and the figures keep."""
    IN_PROGRESS = "in_progress"
    """The period is not over yet: its figures as at now, and they will still move."""
    SETTLING = "settling"
    """The period is over but its settle time is not: as at now, and may still move."""
    NOW = "now"
    """The reader asked for the figures as at now."""


@dataclass(frozen=True)
class AsAt:
    moment: datetime
    basis: AsAtBasis

    @property
    def text(self) -> str:
        """The as-at in words, as the page, the workbook and the CLI say it."""
        return f"Figures as at {moment_text(self.moment)}{_SUFFIX[self.basis]}"


_SUFFIX = {
    AsAtBasis.SETTLED: "",
    AsAtBasis.IN_PROGRESS: " (the period is in progress: figures will change)",
    AsAtBasis.SETTLING: " (the period has just ended: figures may still change)",
    AsAtBasis.NOW: " (now, as asked)",
}


def moment_text(moment: datetime) -> str:
    """'06:00 on Monday 30 November 2026', in London time."""
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


class HasLastDay(Protocol):
    """A period of days: a monitoring period, or any span with its last day as `end`."""

    @property
    def end(self) -> date: ...


@dataclass(frozen=True)
class Days:
    """Any span of days, first to last, for the as-at rule."""

    start: date
    end: date


def settled_at(period: HasLastDay, settle_hours: float) -> datetime:
    """The period's end (midnight after its last day, London) plus the settle time, UTC."""
    end = datetime.combine(period.end + timedelta(days=1), time(0), LONDON)
    return (end + timedelta(hours=settle_hours)).astimezone(UTC)


def as_at_for(
    period: HasLastDay, now: datetime, settle_hours: float, *, choose_now: bool = False
) -> AsAt:
    """The as-at a period's figures are computed for: settled, capped at now."""
    if choose_now:
        return AsAt(now.astimezone(UTC), AsAtBasis.NOW)
    settled = settled_at(period, settle_hours)
    if settled <= now:
        return AsAt(settled, AsAtBasis.SETTLED)
    ended = datetime.combine(period.end + timedelta(days=1), time(0), LONDON)
    basis = AsAtBasis.SETTLING if ended <= now else AsAtBasis.IN_PROGRESS
    return AsAt(now.astimezone(UTC), basis)
