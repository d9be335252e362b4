"""Demand: measures 1-4."""

from __future__ import annotations

import polars as pl

from homecare.monitoring.measures.facts import Facts, _count, _sum
from homecare.monitoring.measures.figures import KEYS, Figure, figure, local_day, rollup


def m01(f: Facts) -> list[Figure]:
    """Packages by start date and by end date."""
    packages = f.snapshot.packages
    return [
        _count(f, packages, "starts_on", True, "started"),
        _count(f, packages.filter(pl.col("ends_on").is_not_null()), "ends_on", True, "ended"),
    ]


def m02(f: Facts) -> list[Figure]:
    """Weekly minutes of packages starting and ending, in hours."""
    packages = f.snapshot.packages
    hours = pl.col("weekly_minutes") / 60
    ended = packages.filter(pl.col("ends_on").is_not_null())
    return [
        _sum(f, packages, "starts_on", True, "started_hours", hours),
        _sum(f, ended, "ends_on", True, "ended_hours", hours),
    ]


def _change_deltas(f: Facts) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Provider-led deltas by effective date; social workers' deltas by decision date.

    A change within parameters was on the package from its effective date (the
    provider's change); a decision then moves the package from the proposed minutes to
    the decided ones. A change beyond parameters never touched the package until the
    social worker decided, so the whole decided delta is theirs.
    """
    changes = f.by_package(f.snapshot.changes)
    within = pl.col("within_parameters")
    provider = changes.filter(within & pl.col("effective_from").is_not_null()).with_columns(
        delta=pl.col("to_weekly_minutes") - pl.col("from_weekly_minutes")
    )
    before = (
        pl.when(within).then(pl.col("to_weekly_minutes")).otherwise(pl.col("from_weekly_minutes"))
    )
    decided = pl.col("status").is_in(("approved", "amended", "reversed"))
    social = (
        changes.filter(decided & pl.col("decided_at").is_not_null())
        .with_columns(
            delta=pl.col("decided_weekly_minutes") - before, decided_on=local_day("decided_at")
        )
        .filter(pl.col("delta") != 0)
    )
    return f.tagged(provider, "effective_from"), f.tagged(social, "decided_on")


def m03(f: Facts) -> list[Figure]:
    """Packages whose hours provider-led changes and social workers' decisions moved."""
    provider, social = _change_deltas(f)

    def packages(frame: pl.DataFrame, up: bool, part: str) -> Figure:
        chosen = frame.filter(pl.col("delta") > 0 if up else pl.col("delta") < 0)
        rolled = rollup(chosen, True, [pl.col("package_id").n_unique().alias("n")])
        return figure(part, rolled, pl.col("n").cast(pl.Float64))

    both = pl.concat([provider.select(*KEYS, "delta"), social.select(*KEYS, "delta")])
    net = rollup(both, True, [pl.col("delta").sum().alias("delta")])
    return [
        packages(provider, True, "provider_increases"),
        packages(provider, False, "provider_decreases"),
        packages(social, True, "social_worker_increases"),
        packages(social, False, "social_worker_decreases"),
        figure("net_hours", net, pl.col("delta") / 60),
    ]


def m04(f: Facts) -> list[Figure]:
    """Distinct packages with a review due in the period."""
    due = f.tagged(f.by_package(f.snapshot.reviews), "due_on")
    rolled = rollup(due, True, [pl.col("package_id").n_unique().alias("n")])
    return [figure("due", rolled, pl.col("n").cast(pl.Float64))]
