"""Lagging indicators of the wider system: measures 25-29."""

from __future__ import annotations

import polars as pl

from homecare.monitoring.measures.facts import Facts
from homecare.monitoring.measures.figures import Figure, figure, ratio, rollup


def m26(f: Facts) -> list[Figure]:
    """Unpaid carers' answers (survey or review): well supported, of those who answered."""
    answers = (
        f.tagged(f.snapshot.people_survey, "answered_on")
        .filter(
            (pl.col("respondent") == "unpaid_carer")
            & pl.col("unpaid_carer_supported").is_not_null()
        )
        .with_columns(lot=pl.lit(None, pl.Int64))
    )
    rolled = rollup(
        answers,
        False,
        [pl.col("unpaid_carer_supported").sum().alias("yes"), pl.len().alias("answered")],
    )
    return [
        figure(
            "well_supported",
            rolled,
            pl.col("yes").cast(pl.Float64),
            pl.col("yes"),
            pl.col("answered"),
        ),
        figure(
            "well_supported_pct",
            rolled,
            ratio("yes", "answered", 100),
            pl.col("yes"),
            pl.col("answered"),
            False,
        ),
    ]
