"""Periods, groups and figures: how every measure tags facts with periods and rolls
them up to provider × lot, provider, lot and total."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from homecare.calendar import LONDON
from homecare.monitoring.periods import Period, weekdays_in

TZ = "Europe/London"
DELIVERED = ("completed", "late", "short")
SCHEDULED_COUNTED = (*DELIVERED, "missed")
"""Visits KPI 7 counts: closed as delivered or missed (not person-led, not suspended)."""
KEYS = ("period", "provider_id", "lot")
ROW_SCHEMA: dict[str, Any] = {
    "measure": pl.Int64,
    "part": pl.String,
    "period": pl.String,
    "provider_id": pl.Int64,
    "lot": pl.Int64,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "unit": pl.String,
    "cases": pl.List(pl.Struct({"case_id": pl.Int64, "value": pl.Float64})),
}


def periods_frame(
    periods: list[Period],
    as_of: datetime | None = None,
    as_ofs: dict[str, datetime] | None = None,
) -> pl.DataFrame:
    """One row per period; `as_at` is its last day, or the as-at's day while it is not
    over (a period's own as-at from `as_ofs`, else `as_of`)."""

    def as_at_day(p: Period) -> date:
        moment = (as_ofs or {}).get(p.label, as_of)
        return p.end if moment is None else min(p.end, moment.astimezone(LONDON).date())

    return pl.DataFrame(
        {
            "period": [p.label for p in periods],
            "start": [p.start for p in periods],
            "end": [p.end for p in periods],
            "as_at": [as_at_day(p) for p in periods],
            "weekdays": [weekdays_in(p) for p in periods],
        },
        schema={
            "period": pl.String,
            "start": pl.Date,
            "end": pl.Date,
            "as_at": pl.Date,
            "weekdays": pl.Int64,
        },
    )


def day_table(periods: list[Period]) -> pl.DataFrame:
    """Every day of every period with the period's label: the join that tags a fact."""
    frame = periods_frame(periods)
    return (
        frame.with_columns(_day=pl.date_ranges("start", "end"))
        .explode("_day")
        .select("_day", "period")
    )


def tag(frame: pl.DataFrame, day_column: str, days: pl.DataFrame) -> pl.DataFrame:
    """The frame's rows once per period containing their day (none outside them)."""
    return frame.join(days, left_on=day_column, right_on="_day", how="inner")


def local_day(column: str) -> pl.Expr:
    """The London date of a stored UTC moment."""
    return pl.col(column).dt.convert_time_zone(TZ).dt.date()


def groups(periods: list[Period], providers: list[int], lots: list[int] | None) -> pl.DataFrame:
    """Every row a measure reports: each period × (each provider, all) × (each lot, all)."""
    frame = pl.DataFrame({"period": [p.label for p in periods]}, schema={"period": pl.String})
    provider = pl.DataFrame({"provider_id": [*providers, None]}, schema={"provider_id": pl.Int64})
    lot = pl.DataFrame({"lot": [*(lots or []), None]}, schema={"lot": pl.Int64})
    return frame.join(provider, how="cross").join(lot, how="cross")


Aggregate = Callable[[pl.DataFrame, list[str]], pl.DataFrame]


def rollup(frame: pl.DataFrame, by_lot: bool, aggregate: Aggregate | list[pl.Expr]) -> pl.DataFrame:
    """Aggregates for provider × lot, provider, lot and total (or provider and total).

    Facts with no provider (a referral nobody took) count only in the all-provider rows.
    """
    levels: list[list[str]] = [["period", "provider_id"], ["period"]]
    if by_lot:
        levels = [
            ["period", "provider_id", "lot"],
            ["period", "provider_id"],
            ["period", "lot"],
            ["period"],
        ]
    run: Aggregate = (
        aggregate if callable(aggregate) else (lambda df, keys: df.group_by(keys).agg(aggregate))
    )
    parts = []
    for keys in levels:
        data = frame.filter(pl.col("provider_id").is_not_null()) if "provider_id" in keys else frame
        out = run(data, keys)
        missing = [pl.lit(None, pl.Int64).alias(k) for k in KEYS if k not in keys]
        parts.append(out.with_columns(missing).select(*KEYS, pl.exclude(KEYS)))
    return pl.concat(parts, how="vertical_relaxed")


def ratio(numerator: str, denominator: str, scale: float = 1.0) -> pl.Expr:
    """numerator / denominator × scale, or null when the denominator is zero."""
    den = pl.col(denominator)
    return pl.when(den > 0).then(pl.col(numerator) * scale / den).otherwise(None)


@dataclass(frozen=True)
class Figure:
    """One part's rows before they are laid on the grid of groups."""

    part: str
    rows: pl.DataFrame
    """KEYS, value, and numerator / denominator / cases when the part has them."""
    zero_when_empty: bool = True
    """Counts and sums are 0 for a group with no facts; means and ratios are empty."""


def figure(
    part: str,
    rolled: pl.DataFrame,
    value: pl.Expr,
    numerator: pl.Expr | None = None,
    denominator: pl.Expr | None = None,
    zero_when_empty: bool = True,
) -> Figure:
    columns = [*KEYS, value.alias("value")]
    if numerator is not None:
        columns.append(numerator.cast(pl.Float64).alias("numerator"))
    if denominator is not None:
        columns.append(denominator.cast(pl.Float64).alias("denominator"))
    if "cases" in rolled.columns:
        columns.append(pl.col("cases"))
    return Figure(part, rolled.select(columns), zero_when_empty)
