"""Capacity: measures 5-11."""

from __future__ import annotations

import polars as pl

from homecare.monitoring.measures.facts import Facts, _people
from homecare.monitoring.measures.figures import Figure, figure, local_day, rollup


def m05(f: Facts) -> list[Figure]:
    """Distinct people with at least one delivered visit."""
    return [_people(f.visits, True, "people", pl.col("delivered") > 0)]


def m06(f: Facts) -> list[Figure]:
    """Delivered minutes of community visits, in hours."""
    rolled = rollup(f.visits, True, [pl.col("community_minutes").sum().alias("minutes")])
    return [figure("hours", rolled, pl.col("minutes") / 60)]


def m07(f: Facts) -> list[Figure]:
    """Distinct people whose stay (London dates) overlaps the period."""
    stays = f.by_package(f.snapshot.hospital_stays).with_columns(
        admitted_on=local_day("admitted_at"), discharged_on=local_day("discharged_at")
    )
    return [_people(f.overlapping(stays, "admitted_on", "discharged_on"), True, "people")]


def m08(f: Facts) -> list[Figure]:
    """Planned carer-minutes of visits suspended by a stay, in hours."""
    rolled = rollup(f.visits, True, [pl.col("hospital_minutes").sum().alias("minutes")])
    return [figure("hours", rolled, pl.col("minutes") / 60)]


def m09(f: Facts) -> list[Figure]:
    """Start date minus the referral's London date, for packages starting in the period."""
    referred = f.snapshot.referrals.select("referral_id", referred_on=local_day("referred_at"))
    cases = (
        f.snapshot.packages.join(referred, on="referral_id", how="inner")
        .with_columns(days=(pl.col("starts_on") - pl.col("referred_on")).dt.total_days())
        .pipe(f.tagged, "starts_on")
    )
    rolled = rollup(
        cases,
        True,
        [
            pl.col("days").median().alias("median"),
            pl.col("days").mean().alias("mean"),
            pl.len().alias("n"),
            pl.struct(
                pl.col("referral_id").alias("case_id"),
                pl.col("days").cast(pl.Float64).alias("value"),
            )
            .sort_by("referral_id")
            .alias("cases"),
        ],
    )
    n = pl.col("n")
    return [
        figure("median_days", rolled, pl.col("median"), denominator=n, zero_when_empty=False),
        figure(
            "mean_days", rolled.drop("cases"), pl.col("mean"), denominator=n, zero_when_empty=False
        ),
    ]


def m10(f: Facts) -> list[Figure]:
    """Weekly minutes of packages active on the period's last day, in hours."""
    packages = f.snapshot.packages.join(f.frame, how="cross").filter(
        (pl.col("starts_on") <= pl.col("end"))
        & (pl.col("ends_on").is_null() | (pl.col("ends_on") >= pl.col("end")))
    )
    rolled = rollup(packages, True, [pl.col("weekly_minutes").sum().alias("minutes")])
    return [figure("hours", rolled, pl.col("minutes") / 60)]


def m11(f: Facts) -> list[Figure]:
    """Lot 1 packages with a review due in the period, and those done by the due date."""
    due = f.tagged(f.by_package(f.snapshot.reviews), "due_on").filter(pl.col("lot") == 1)
    on_time = pl.col("done_on").is_not_null() & (pl.col("done_on") <= pl.col("due_on"))
    rolled = rollup(
        due,
        True,
        [
            pl.col("package_id").filter(on_time).n_unique().alias("on_time"),
            pl.col("package_id").n_unique().alias("due"),
        ],
    )
    return [
        figure(
            "reviewed_on_time",
            rolled,
            pl.col("on_time").cast(pl.Float64),
            pl.col("on_time"),
            pl.col("due"),
        )
    ]
