"""The 4-week periods the pages offer: the latest complete one by default."""

from __future__ import annotations

from datetime import datetime

from homecare.monitoring.periods import (
    PERIODS_PER_YEAR,
    Period,
    PeriodKind,
    four_week_period,
    periods_of_year,
)
from homecare.monitoring.service import current_period

PERIOD_CHOICES = 13


def previous_period(period: Period) -> Period:
    """The 4-week period before, across the turn of the ISO year."""
    year, number = int(period.label[:4]), int(period.label[-2:])
    if number == 1:
        return four_week_period(year - 1, PERIODS_PER_YEAR)
    return four_week_period(year, number - 1)


def latest_complete(now: datetime) -> Period:
    """The last 4-week period that has ended: its figures no longer move."""
    return previous_period(current_period(now))


def four_weeks_ending(period: Period) -> Period:
    """The 4-week period itself, or the one holding the last day of a week or quarter."""
    if period.kind is PeriodKind.FOUR_WEEKS:
        return period
    year = period.end.isocalendar().year
    return next(p for p in periods_of_year(year, PeriodKind.FOUR_WEEKS) if p.contains(period.end))


def periods_before(last: Period, count: int) -> list[Period]:
    """`count` 4-week periods ending with the one that holds `last`'s end, oldest first."""
    periods = [four_weeks_ending(last)]
    while len(periods) < count:
        periods.append(previous_period(periods[-1]))
    return list(reversed(periods))


def period_choices(now: datetime, shown: Period) -> list[tuple[str, str]]:
    """(label, text) for the period select: the one in progress, then complete ones.

    A period asked for by its address (an older one, or a quarter) is offered too, so
    the select always says which period the page shows.
    """
    running = current_period(now)
    choices = [(running.label, f"{running.label} (in progress)")]
    for period in reversed(periods_before(latest_complete(now), PERIOD_CHOICES)):
        choices.append((period.label, period.label))
    if shown.label not in {label for label, _ in choices}:
        choices.append((shown.label, shown.label))
    return choices
