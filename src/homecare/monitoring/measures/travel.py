"""Travel (measure 14): only travel that happened, from call monitoring.

A care worker's travel is the time from one visit's check-out to their next check-in the
same London day (`delivery.worked_days`). A saved round plan's travel is a planning
figure, shown as "planned travel" beside the plan, never counted here: planning rounds
leaves measure 14 as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from homecare.calendar import LONDON
from homecare.delivery.worked_days import LONGEST_STINT_SECONDS, TRAVEL_CAP_MINUTES
from homecare.monitoring.data import Snapshot
from homecare.monitoring.measures.facts import Facts
from homecare.monitoring.measures.figures import Figure, figure, ratio, rollup


def utc_offsets(first: float, last: float) -> list[tuple[float, float, int]]:
    """London's UTC offset over a span of epoch seconds, as runs of (from, to, seconds).

    Read from the time zone database hour by hour (the UK changes on the hour, in UTC),
    so that local days come from a few vectorised comparisons instead of converting
    millions of moments one by one.
    """
    hour = int(first // 3600) - 1
    end = int(last // 3600) + 1
    runs: list[tuple[float, float, int]] = []
    while hour <= end:
        moment = datetime.fromtimestamp(hour * 3600, UTC)
        offset = int(LONDON.utcoffset(moment).total_seconds())  # type: ignore[union-attr]
        if runs and runs[-1][2] == offset:
            runs[-1] = (runs[-1][0], (hour + 1) * 3600.0, offset)
        else:
            runs.append((hour * 3600.0, (hour + 1) * 3600.0, offset))
        hour += 1
    return runs


def london_day(seconds: str, frame: pl.DataFrame) -> pl.Expr:
    """The London date of whole epoch seconds in `frame`'s column `seconds`."""
    column = pl.col(seconds)
    if frame.height == 0:
        return pl.lit(None, pl.Date)
    offset: pl.Expr = pl.lit(0)
    low, high = frame[seconds].min(), frame[seconds].max()
    for start, stop, shift in utc_offsets(float(low), float(high)):  # type: ignore[arg-type]
        if shift:
            offset = offset + pl.when((column >= start) & (column < stop)).then(shift).otherwise(0)
    return ((column + offset) // 86400).cast(pl.Int32).cast(pl.Date)


LENGTH_BITS, START_BITS, WORKER_BITS = 17, 26, 20
"""The packed sort key: stint length in seconds (to 36 h), check-in in seconds after the
snapshot's first (about two years) and the care worker's id (about a million)."""


def ordered_stints(attendance: pl.DataFrame) -> pl.DataFrame:
    """Stints by worker, then check-in, then length: worker, check-in and length columns.

    Sorting one packed integer and unpacking it is much cheaper than sorting the frame
    by three columns; a snapshot too wide for the key is sorted the plain way.
    """
    checked_in = pl.col("checked_in_at")
    length = (pl.col("checked_out_at") - checked_in).clip(0, LONGEST_STINT_SECONDS)
    stints = attendance.select("care_worker_id", "checked_in_at", length=length)
    if stints.height == 0:
        return stints
    first, last, low, top = (
        int(v)
        for v in stints.select(
            checked_in.min(),
            checked_in.max().alias("last"),
            pl.col("care_worker_id").min(),
            pl.col("care_worker_id").max().alias("top"),
        ).row(0)
    )
    packable = low >= 0 and top < 2**WORKER_BITS and last - first < 2**START_BITS
    if not packable:
        return stints.sort("care_worker_id", "checked_in_at", "length")
    shift = 2 ** (START_BITS + LENGTH_BITS)
    key = (
        pl.col("care_worker_id") * shift + (checked_in - first) * 2**LENGTH_BITS + pl.col("length")
    )
    packed = pl.DataFrame({"key": stints.select(key).to_series().sort()})
    return packed.select(
        care_worker_id=pl.col("key") // shift,
        checked_in_at=(pl.col("key") // 2**LENGTH_BITS) % 2**START_BITS + first,
        length=pl.col("key") % 2**LENGTH_BITS,
    )


STINTS = {"care_worker_id": pl.Int64, "checked_in_at": pl.Int64, "checked_out_at": pl.Int64}
"""Stints as `worked_days_frame` takes them: moments in whole epoch seconds."""


def worked_days_frame(attendance: pl.DataFrame) -> pl.DataFrame:
    """Worked days from a frame of completed stints at once: worker, day, stints, care
    and travel minutes (the `worked_day` table's columns).

    The rule of `delivery.worked_days`, vectorised for building a store's days in bulk:
    a worker's stints in check-in order (then length order), each gap from a check-out
    to the next check-in that London day capped at an hour (overlaps count nothing).
    """
    stints = ordered_stints(attendance)
    worker, day, checked_in = pl.col("care_worker_id"), pl.col("day"), pl.col("checked_in_at")
    same_day = (worker.shift(-1) == worker) & (day.shift(-1) == day)
    gap = ((checked_in.shift(-1) - checked_in - pl.col("length")) / 60).clip(
        0.0, TRAVEL_CAP_MINUTES
    )
    return (
        stints.lazy()
        .with_columns(day=london_day("checked_in_at", stints))
        .with_columns(
            travel_minutes=pl.when(same_day).then(gap).otherwise(0.0),
            care_minutes=pl.col("length") / 60,
        )
        .group_by("care_worker_id", "day")
        .agg(
            pl.len().cast(pl.Int64).alias("stints"),
            pl.col("care_minutes").sum(),
            pl.col("travel_minutes").sum(),
        )
        .sort("care_worker_id", "day")
        .collect()
    )


def travel_days(snapshot: Snapshot) -> pl.DataFrame:
    """Per care worker and London day: travel and direct-care minutes that call
    monitoring saw (the worked days `delivery.worked_days` keeps)."""
    monitored = snapshot.worked_days.select(
        "care_worker_id", "day", travel="travel_minutes", care="care_minutes"
    )
    return monitored.join(snapshot.care_workers, on="care_worker_id", how="inner")


def m14(f: Facts) -> list[Figure]:
    """Travel and direct-care minutes of the provider's care workers, summed per period."""
    days = f.tagged(travel_days(f.snapshot), "day").with_columns(lot=pl.lit(None, pl.Int64))
    rolled = rollup(
        days, False, [pl.col("travel").sum().alias("travel"), pl.col("care").sum().alias("care")]
    )
    return [
        figure("travel_hours", rolled, pl.col("travel") / 60),
        figure(
            "travel_minutes_per_care_hour",
            rolled.with_columns(care_hours=pl.col("care") / 60),
            ratio("travel", "care_hours"),
            pl.col("travel"),
            pl.col("care_hours"),
            zero_when_empty=False,
        ),
    ]
