"""A care worker's day from call monitoring: minutes with people and travelling between.

Measure 14 (000 Appendix 2) is the minutes travelling per hour of direct care. Working it
out from every check-in of a city-year means reading and sorting millions of stints, so
the day's figures are kept instead, one row per care worker and London day, refreshed
whenever a stint of that day is completed (`apply_events`). The rule:

- a stint runs from check-in to check-out, counted at most a day (a forgotten check-out
  is not days of care), in whole seconds;
- the day's stints are taken in check-in order (then shortest first);
- travel is each gap from a stint's end to the next check-in, at most an hour (a longer
  gap is a break, and counts as an hour); overlaps count nothing.

`monitoring.measures.travel.worked_days_frame` is the same rule over a whole frame of
stints at once, for building a store's days in bulk; the tests hold the two together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from homecare.calendar import LONDON, local_date
from homecare.delivery.tables import Attendance, WorkedDay

TRAVEL_CAP_MINUTES = 60.0
"""A gap longer than this between two visits is a break, and counts as this much travel."""
LONGEST_STINT_SECONDS = 24 * 3600
"""A stint counts at most a day."""


@dataclass(frozen=True)
class DayTotals:
    stints: int
    care_minutes: float
    travel_minutes: float


def whole_seconds(moment: datetime) -> int:
    """Epoch seconds with the fraction dropped, as monitoring reads every moment."""
    return int(moment.replace(microsecond=0).timestamp())


def day_totals(stints: Iterable[tuple[int, int]]) -> DayTotals:
    """The figures of one worker's day from its stints as (check-in, check-out) seconds."""
    ordered = sorted(
        (start, min(max(end - start, 0), LONGEST_STINT_SECONDS)) for start, end in stints
    )
    travel = 0.0
    for (start, length), (following, _) in pairwise(ordered):
        travel += min(max((following - start - length) / 60, 0.0), TRAVEL_CAP_MINUTES)
    care = sum(length for _, length in ordered) / 60
    return DayTotals(len(ordered), care, travel)


def london_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC moments a London day starts and ends (23 or 25 hours at the clock changes)."""
    start = datetime.combine(day, time(0), LONDON).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), LONDON).astimezone(UTC)
    return start, end


def _stints_of(session: Session, care_worker_id: int, day: date) -> list[tuple[int, int]]:
    start, end = london_bounds(day)
    rows = session.execute(
        select(Attendance.checked_in_at, Attendance.checked_out_at).where(
            Attendance.care_worker_id == care_worker_id,
            Attendance.checked_in_at >= start,
            Attendance.checked_in_at < end,
            Attendance.checked_out_at.is_not(None),
        )
    )
    return [(whole_seconds(i), whole_seconds(o)) for i, o in rows if i and o]


def refresh_worked_days(session: Session, keys: Iterable[tuple[int, date]]) -> None:
    """Works these (care worker, London day) figures out again from their stints."""
    for care_worker_id, day in sorted(set(keys)):
        totals = day_totals(_stints_of(session, care_worker_id, day))
        row = session.scalars(
            select(WorkedDay).where(
                WorkedDay.care_worker_id == care_worker_id, WorkedDay.day == day
            )
        ).one_or_none()
        if totals.stints == 0:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = WorkedDay(care_worker_id=care_worker_id, day=day)
            session.add(row)
        row.stints = totals.stints
        row.care_minutes = totals.care_minutes
        row.travel_minutes = totals.travel_minutes


def rebuild_worked_days(connection: Connection | Session) -> int:
    """Every worker's days from all completed stints; for a store that has none kept yet."""
    rows = connection.execute(
        select(
            Attendance.care_worker_id, Attendance.checked_in_at, Attendance.checked_out_at
        ).where(Attendance.checked_in_at.is_not(None), Attendance.checked_out_at.is_not(None))
    )
    days: dict[tuple[int, date], list[tuple[int, int]]] = defaultdict(list)
    for worker, checked_in, checked_out in rows:
        if checked_in is None or checked_out is None:
            continue
        days[(worker, local_date(checked_in))].append(
            (whole_seconds(checked_in), whole_seconds(checked_out))
        )
    records: list[dict[str, Any]] = []
    for (worker, day), stints in sorted(days.items()):
        totals = day_totals(stints)
        records.append(
            {
                "care_worker_id": worker,
                "day": day,
                "stints": totals.stints,
                "care_minutes": totals.care_minutes,
                "travel_minutes": totals.travel_minutes,
            }
        )
    connection.execute(delete(WorkedDay))
    if records:
        connection.execute(insert(WorkedDay), records)
    return len(records)
