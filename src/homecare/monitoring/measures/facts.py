"""The facts several measures share, worked out once per snapshot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property

import polars as pl

from homecare.monitoring.data import Snapshot
from homecare.monitoring.measures.figures import (
    DELIVERED,
    KEYS,
    SCHEDULED_COUNTED,
    Figure,
    day_table,
    figure,
    periods_frame,
    rollup,
    tag,
)
from homecare.monitoring.periods import Period


class Facts:
    """The snapshot with the joins and tags several measures share, each done once."""

    def __init__(
        self,
        snapshot: Snapshot,
        periods: list[Period],
        as_of: datetime | None,
        as_ofs: dict[str, datetime] | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.periods = list(dict.fromkeys(periods))
        self.as_of = as_of
        self.as_ofs = as_ofs or {}
        self.days = day_table(self.periods)
        self.frame = periods_frame(self.periods, as_of, self.as_ofs)
        self._built: dict[str, pl.DataFrame] = {}

    def as_of_for(self, period: str) -> datetime | None:
        """A period's own as-at when it was given one, else the shared one."""
        return self.as_ofs.get(period, self.as_of)

    def cached(self, key: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        """A frame built once however many KPIs or measures ask for it."""
        if key not in self._built:
            self._built[key] = build()
        return self._built[key]

    @cached_property
    def package_keys(self) -> pl.DataFrame:
        return self.snapshot.packages.select("package_id", "person_id", "provider_id", "lot")

    def by_package(self, frame: pl.DataFrame) -> pl.DataFrame:
        """A package-linked frame with its package's person, provider and lot."""
        return frame.join(self.package_keys, on="package_id", how="inner")

    def tagged(self, frame: pl.DataFrame, day_column: str) -> pl.DataFrame:
        return tag(frame, day_column, self.days)

    def overlapping(self, frame: pl.DataFrame, first: str, last: str) -> pl.DataFrame:
        """Rows once per period they overlap (first/last null: open-ended), with its dates."""
        crossed = frame.join(self.frame, how="cross")
        starts_in_time = pl.col(first).is_null() | (pl.col(first) <= pl.col("end"))
        ends_in_time = pl.col(last).is_null() | (pl.col(last) >= pl.col("start"))
        return crossed.filter(starts_in_time & ends_in_time)

    @cached_property
    def visits(self) -> pl.DataFrame:
        """Per period and package (so provider, lot and person): what its visits add up to.

        One pass over the visits serves measures 5, 6 and 8 and KPI 7. Each visit becomes
        a few numbers first, the periods join by their index rather than their label, and
        the package's person, provider and lot join the aggregated rows, not the millions
        of visits. Missed visits' ids come from their own small frame.
        """
        status = pl.col("status")
        delivered = status.is_in(DELIVERED)
        labels = self.days.select("period").unique(maintain_order=True).with_row_index("_p")
        days = self.days.join(labels, on="period").select("_day", "_p")
        per_package = (
            self.snapshot.visits.lazy()
            .select(
                "package_id",
                "day",
                delivered=delivered.cast(pl.Int64),
                community_minutes=pl.col("minutes") * (delivered & pl.col("community")),
                hospital_minutes=pl.col("minutes") * (status == "hospital"),
                scheduled=status.is_in(SCHEDULED_COUNTED).cast(pl.Int64),
            )
            .join(days.lazy(), left_on="day", right_on="_day")
            .group_by("_p", "package_id")
            .agg(pl.col("delivered", "community_minutes", "hospital_minutes", "scheduled").sum())
            .join(labels.lazy(), on="_p")
            .drop("_p")
            .collect()
        )
        missed = (
            self.tagged(self.snapshot.missed_visits, "day")
            .group_by("period", "package_id")
            .agg(missed_ids=pl.col("visit_id").sort())
        )
        totals = per_package.join(missed, on=["period", "package_id"], how="full", coalesce=True)
        return self.by_package(totals).with_columns(
            pl.col("delivered", "community_minutes", "hospital_minutes", "scheduled").fill_null(0)
        )

    @cached_property
    def headcount(self) -> pl.DataFrame:
        """Per period and provider, care workers employed on its first and last days.

        A worker counts from their (first) starter movement, or from before the records
        began without one, until the day before their (last) leaver movement.
        """
        moves = self.snapshot.staff_movements.filter(pl.col("care_worker_id").is_not_null())
        started = (
            moves.filter(pl.col("kind") == "starter")
            .group_by("care_worker_id")
            .agg(started_on=pl.col("on").min())
        )
        left = (
            moves.filter(pl.col("kind") == "leaver")
            .group_by("care_worker_id")
            .agg(left_on=pl.col("on").max())
        )
        workers = (
            self.snapshot.care_workers.join(started, on="care_worker_id", how="left")
            .join(left, on="care_worker_id", how="left")
            .join(self.frame, how="cross")
        )

        def employed(day: str) -> pl.Expr:
            since = pl.col("started_on").is_null() | (pl.col("started_on") <= pl.col(day))
            until = pl.col("left_on").is_null() | (pl.col("left_on") > pl.col(day))
            return (since & until).cast(pl.Int64)

        return workers.select(
            "period",
            "provider_id",
            pl.lit(None, pl.Int64).alias("lot"),
            employed("start").alias("at_start"),
            employed("end").alias("at_end"),
        )


def _count(facts: Facts, frame: pl.DataFrame, day: str, by_lot: bool, part: str) -> Figure:
    rolled = rollup(facts.tagged(frame, day), by_lot, [pl.len().alias("n")])
    return figure(part, rolled, pl.col("n").cast(pl.Float64))


def _sum(
    facts: Facts, frame: pl.DataFrame, day: str, by_lot: bool, part: str, value: pl.Expr
) -> Figure:
    rolled = rollup(facts.tagged(frame, day), by_lot, [value.sum().alias("total")])
    return figure(part, rolled, pl.col("total").cast(pl.Float64))


def _people(frame: pl.DataFrame, by_lot: bool, part: str, keep: pl.Expr | None = None) -> Figure:
    """Distinct people per group, from a frame already tagged with periods."""
    chosen = frame if keep is None else frame.filter(keep)
    slim = chosen.select(*KEYS, "person_id").unique()
    rolled = rollup(slim, by_lot, [pl.col("person_id").n_unique().alias("people")])
    return figure(part, rolled, pl.col("people").cast(pl.Float64))
