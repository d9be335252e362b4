"""When the demo's story happens: four weeks of brokerage, then weeks of delivery that
end at the demo's clock, so that whoever signs in finds today's work in progress.

    brokerage: 28 days  |  delivery: Monday `weeks - 1` weeks before this one, to the clock

With `weeks` 0 there is no delivery, and the brokerage ends the day before the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from homecare.calendar import LONDON

BROKERAGE_DAYS = 28
ROUNDS_AHEAD_DAYS = 7
"""Rounds are planned for the clock's day and this many days after it."""


@dataclass(frozen=True)
class Story:
    now: datetime
    """The demo's clock: the last moment anything happens."""
    brokerage_from: date
    brokerage_to: date
    delivery_from: date | None
    """None when no delivery is played."""

    @property
    def today(self) -> date:
        return self.now.astimezone(LONDON).date()

    @property
    def brokerage_until(self) -> datetime:
        """The moment the brokerage month's stream of referrals stops."""
        return datetime.combine(self.brokerage_to + timedelta(days=1), time(0), LONDON)

    @property
    def round_days(self) -> list[date]:
        return [self.today + timedelta(days=n) for n in range(ROUNDS_AHEAD_DAYS + 1)]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def story_ending(now: datetime, weeks: int) -> Story:
    """The story whose delivery plays `weeks` calendar weeks, the last of them this one,
    up to `now`; its brokerage is the 28 days before."""
    if now.tzinfo is None:
        raise ValueError("the demo's clock must say its time zone")
    today = now.astimezone(LONDON).date()
    delivery_from = monday_of(today) - timedelta(weeks=weeks - 1) if weeks else None
    brokerage_to = (delivery_from or today) - timedelta(days=1)
    return Story(
        now=now,
        brokerage_from=brokerage_to - timedelta(days=BROKERAGE_DAYS - 1),
        brokerage_to=brokerage_to,
        delivery_from=delivery_from,
    )


def read_clock(value: str | None) -> datetime:
    """`--today` as given ("2026-12-07T13:00", a date alone meaning 13:00, or with an
    offset), in the area's time; now when not given."""
    if not value:
        return datetime.now(LONDON).replace(microsecond=0)
    text = value.strip()
    try:
        moment = (
            datetime.combine(date.fromisoformat(text), time(13))
            if len(text) == 10
            else datetime.fromisoformat(text)
        )
    except ValueError as error:
        raise ValueError(
            "write the day and time as 2026-12-07T13:00 (or a day alone, 2026-12-07)"
        ) from error
    return moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment.astimezone(LONDON)
