"""Leading indicators: measures 12-13 (outcome ratings and case studies)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from homecare.monitoring.measures.facts import Facts, _count
from homecare.monitoring.measures.figures import KEYS, Figure, figure, rollup


def rated_reviews(reviews: pl.DataFrame) -> pl.DataFrame:
    """Done reviews with ratings, each with `progressed`: up in a domain since the last.

    The package's rated reviews in the reviews module's order (done date, time recorded,
    id); an opted-out review is not a rating and is skipped when looking back.
    """
    rated = reviews.filter(
        pl.col("done_on").is_not_null() & ~pl.col("opted_out") & pl.col("wellbeing").is_not_null()
    ).sort("package_id", "done_on", "recorded_at", "review_id", nulls_last=True)
    up = [
        (pl.col(d) > pl.col(d).shift(1).over("package_id")).fill_null(False)
        for d in ("wellbeing", "home", "community")
    ]
    return rated.with_columns(progressed=pl.any_horizontal(up))


def m12(f: Facts) -> list[Figure]:
    """People rated in the period, and those whose rating went up in any domain."""
    rated = f.tagged(rated_reviews(f.by_package(f.snapshot.reviews)), "done_on")
    slim = rated.group_by([*KEYS, "person_id"]).agg(pl.col("progressed").any())
    rolled = rollup(
        slim,
        True,
        [
            pl.col("person_id").filter(pl.col("progressed")).n_unique().alias("up"),
            pl.col("person_id").n_unique().alias("rated"),
        ],
    )
    return [figure("people", rolled, pl.col("up").cast(pl.Float64), pl.col("up"), pl.col("rated"))]


def _examples(kind: str) -> Callable[[Facts], list[Figure]]:
    def examples(f: Facts) -> list[Figure]:
        chosen = f.snapshot.case_studies.filter(pl.col("kind") == kind).with_columns(
            lot=pl.lit(None, pl.Int64)
        )
        return [_count(f, chosen, "occurred_on", False, "examples")]

    examples.__doc__ = f"Case studies of kind {kind!r} by the day they occurred."
    return examples
