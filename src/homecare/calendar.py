"""Working days in England: weekends and England's bank holidays are not working days.

Brokerage targets are counted in working days (KPI 2: start date agreed within one
working day), so the arithmetic lives here once, on the `holidays` package's calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday_name(day: date) -> str | None:
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, n: int) -> date:
    if n < 0:
        raise ValueError("n must not be negative")
    for _ in range(n):
        day = next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def working_deadline(moment: datetime, working_days: int) -> datetime:
    """The moment `working_days` working days after `moment`, in UTC.

    A moment on a working day moves to the same clock time that many working days on. A
    moment outside working days (a Saturday, a bank holiday) counts from the start of the
    next working day, so a referral sent on Saturday has until the end of Monday for one
    working day, not until Monday at the same time.
    """
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    local = moment.astimezone(LONDON)
    day = local.date()
    if is_working_day(day):
        end = datetime.combine(add_working_days(day, working_days), local.time(), LONDON)
    else:
        first = next_working_day(day)
        if working_days == 0:
            end = datetime.combine(first, time(0, 0), LONDON)
        else:
            last = add_working_days(first, working_days - 1)
            end = datetime.combine(last + timedelta(days=1), time(0, 0), LONDON)
    return end.astimezone(moment.tzinfo)


def add_office_hours(start: datetime, hours: float, opens: time, closes: time) -> datetime:
    """`hours` of office time after `start`, counting only opens-closes each day.

    Home care offices take offers seven days a week (hospital discharges do not stop at
    weekends) but not through the night: an offer made at 19:30 with four hours to answer
    is due at 11:30 the next morning, not at 23:30.
    """
    if not opens < closes:
        raise ValueError("the office must open before it closes")
    remaining = timedelta(hours=hours)
    cursor = start.astimezone(LONDON)
    while True:
        day_open = datetime.combine(cursor.date(), opens, LONDON)
        day_close = datetime.combine(cursor.date(), closes, LONDON)
        if cursor < day_open:
            cursor = day_open
        if cursor >= day_close:
            cursor = datetime.combine(cursor.date() + timedelta(days=1), opens, LONDON)
            continue
        available = day_close - cursor
        if remaining <= available:
            return (cursor + remaining).astimezone(start.tzinfo)
        remaining -= available
        cursor = datetime.combine(cursor.date() + timedelta(days=1), opens, LONDON)
