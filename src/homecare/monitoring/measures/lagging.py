"""Lagging indicators of this system: measures 15-24."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from homecare.monitoring.measures.facts import Facts, _count, _people
from homecare.monitoring.measures.figures import KEYS, Figure, figure, local_day, ratio, rollup


def m15(f: Facts) -> list[Figure]:
    """Spend records pro rata by the days they share with the period."""
    spend = f.overlapping(f.snapshot.spend, "period_start", "period_end")
    shared = (
        pl.min_horizontal("end", "period_end") - pl.max_horizontal("start", "period_start")
    ).dt.total_days() + 1
    length = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    share = shared / length
    weighted = spend.with_columns(
        lot=pl.lit(None, pl.Int64),
        direct=pl.col("direct_pence") * share,
        indirect=pl.col("indirect_pence") * share,
        total=pl.col("total_pence") * share,
    )
    rolled = rollup(weighted, False, [pl.col(c).sum() for c in ("direct", "indirect", "total")])
    return [
        figure(
            "direct_pct",
            rolled,
            ratio("direct", "total", 100),
            pl.col("direct"),
            pl.col("total"),
            False,
        ),
        figure(
            "indirect_pct",
            rolled,
            ratio("indirect", "total", 100),
            pl.col("indirect"),
            pl.col("total"),
            False,
        ),
    ]


def _with_headcount(f: Facts, frame: pl.DataFrame) -> pl.DataFrame:
    """Stacks a provider-level frame on the headcount rows, so one rollup sums both."""
    return pl.concat([frame, f.headcount], how="diagonal_relaxed").with_columns(
        pl.col("at_start", "at_end").fill_null(0)
    )


def _average_headcount() -> pl.Expr:
    return ((pl.col("at_start").sum() + pl.col("at_end").sum()) / 2).alias("headcount")


def m16(f: Facts) -> list[Figure]:
    """Absence working days pro rata by calendar days inside the period."""
    absences = f.overlapping(f.snapshot.sickness, "first_day", "last_day")
    shared = (
        pl.min_horizontal("end", "last_day") - pl.max_horizontal("start", "first_day")
    ).dt.total_days() + 1
    length = (pl.col("last_day") - pl.col("first_day")).dt.total_days() + 1
    days = absences.select(
        "period",
        "provider_id",
        lot=pl.lit(None, pl.Int64),
        days=pl.col("working_days") * shared / length,
    )
    weekdays = f.frame.select("period", "weekdays")
    stacked = _with_headcount(f, days).join(weekdays, on="period", how="left")
    rolled = rollup(
        stacked,
        False,
        [
            pl.col("days").sum(),
            _average_headcount(),
            pl.col("weekdays").first(),
        ],
    ).with_columns(working_days=pl.col("headcount") * pl.col("weekdays"))
    return [
        figure("sickness_days", rolled, pl.col("days")),
        figure(
            "sickness_pct",
            rolled,
            ratio("days", "working_days", 100),
            pl.col("days"),
            pl.col("working_days"),
            False,
        ),
    ]


def m17(f: Facts) -> list[Figure]:
    """Leaver movements in the period over the average headcount."""
    leavers = f.tagged(f.snapshot.staff_movements.filter(pl.col("kind") == "leaver"), "on")
    counted = leavers.select("period", "provider_id", lot=pl.lit(None, pl.Int64), leaver=pl.lit(1))
    rolled = rollup(
        _with_headcount(f, counted), False, [pl.col("leaver").sum(), _average_headcount()]
    )
    return [
        figure("leavers", rolled, pl.col("leaver").cast(pl.Float64)),
        figure(
            "turnover_pct",
            rolled,
            ratio("leaver", "headcount", 100),
            pl.col("leaver"),
            pl.col("headcount"),
            False,
        ),
    ]


def m18(f: Facts) -> list[Figure]:
    """Mean scores of the staff survey answers in the period."""
    answers = f.tagged(f.snapshot.staff_survey, "answered_on").with_columns(
        lot=pl.lit(None, pl.Int64)
    )
    rolled = rollup(
        answers, False, [pl.col("job_satisfaction", "morale").mean(), pl.len().alias("answers")]
    )
    n = pl.col("answers")
    return [
        figure(
            "job_satisfaction",
            rolled,
            pl.col("job_satisfaction"),
            denominator=n,
            zero_when_empty=False,
        ),
        figure("morale", rolled, pl.col("morale"), denominator=n, zero_when_empty=False),
    ]


def m19(f: Facts) -> list[Figure]:
    """Training hours in the period, and per head of the average headcount."""
    hours = f.tagged(f.snapshot.training, "completed_on").select(
        "period", "provider_id", lot=pl.lit(None, pl.Int64), hours=pl.col("hours")
    )
    rolled = rollup(_with_headcount(f, hours), False, [pl.col("hours").sum(), _average_headcount()])
    return [
        figure("training_hours", rolled, pl.col("hours")),
        figure(
            "training_hours_per_staff",
            rolled,
            ratio("hours", "headcount"),
            pl.col("hours"),
            pl.col("headcount"),
            False,
        ),
    ]


def m20(f: Facts) -> list[Figure]:
    """People's and families' answers to both questions; yes to both over answered."""
    answered = (
        pl.col("what_matters_understood").is_not_null()
        & pl.col("supported_by_carers").is_not_null()
    )
    answers = (
        f.tagged(f.snapshot.people_survey, "answered_on")
        .filter(pl.col("respondent").is_in(("person", "family")) & answered)
        .with_columns(lot=pl.lit(None, pl.Int64))
    )
    both = pl.col("what_matters_understood") & pl.col("supported_by_carers")
    rolled = rollup(answers, False, [both.sum().alias("yes"), pl.len().alias("answered")])
    return [
        figure(
            "understood_and_supported_pct",
            rolled,
            ratio("yes", "answered", 100),
            pl.col("yes"),
            pl.col("answered"),
            False,
        )
    ]


def m21(f: Facts) -> list[Figure]:
    """People with a decided decrease, or community hours ending in independence."""
    decreased = (
        f.by_package(f.snapshot.changes)
        .filter(
            pl.col("status").is_in(("approved", "amended"))
            & pl.col("decided_at").is_not_null()
            & (pl.col("decided_weekly_minutes") < pl.col("from_weekly_minutes"))
        )
        .with_columns(on=local_day("decided_at"))
    )
    independent = (
        f.by_package(f.snapshot.community_hours)
        .filter(pl.col("outcome") == "goes_independently")
        .rename({"ends_on": "on"})
    )
    both = pl.concat(
        [
            decreased.select(*KEYS[1:], "person_id", "on"),
            independent.select(*KEYS[1:], "person_id", "on"),
        ]
    )
    return [_people(f.tagged(both, "on"), True, "people")]


def _provider_count(table: str, day: str, part: str) -> Callable[[Facts], list[Figure]]:
    def count(f: Facts) -> list[Figure]:
        frame = getattr(f.snapshot, table).with_columns(lot=pl.lit(None, pl.Int64))
        return [_count(f, frame, day, False, part)]

    count.__doc__ = f"Rows of {table} by {day}."
    return count


def m24(f: Facts) -> list[Figure]:
    """Refunds and credits issued in the period, pence to pounds."""
    frame = f.snapshot.refunds.with_columns(lot=pl.lit(None, pl.Int64))
    rolled = rollup(f.tagged(frame, "issued_on"), False, [pl.col("amount_pence").sum()])
    return [figure("value", rolled, pl.col("amount_pence") / 100)]
