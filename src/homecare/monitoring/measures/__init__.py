"""The 29 measures of Appendix 2, computed from a snapshot with Polars expressions.

Every measure is a handful of frame operations over the whole snapshot: facts are tagged
with the periods their dates fall in (a join on the day), then aggregated for every
grouping at once (provider × lot, provider, lot, total) and laid onto the full grid of
groups so that a provider with nothing to report still gets its zero. There is no loop
over rows; the loops below are over the four groupings and the 29 measures. What each
figure counts is stated part by part in `definitions.MEASURES`; the docstrings here say
how the data gets there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import polars as pl

from homecare.monitoring.data import Snapshot
from homecare.monitoring.definitions import BY_NUMBER, MEASURES, Split, unit_of
from homecare.monitoring.measures.capacity import m05, m06, m07, m08, m09, m10, m11
from homecare.monitoring.measures.demand import m01, m02, m03, m04
from homecare.monitoring.measures.facts import Facts
from homecare.monitoring.measures.figures import KEYS, ROW_SCHEMA, Figure, groups, local_day, rollup
from homecare.monitoring.measures.lagging import (
    _provider_count,
    m15,
    m16,
    m17,
    m18,
    m19,
    m20,
    m21,
    m24,
)
from homecare.monitoring.measures.leading import _examples, m12
from homecare.monitoring.measures.travel import london_day, m14
from homecare.monitoring.measures.wider import m26
from homecare.monitoring.periods import Period

CALCULATIONS: dict[int, Callable[[Facts], list[Figure]]] = {
    1: m01,
    2: m02,
    3: m03,
    4: m04,
    5: m05,
    6: m06,
    7: m07,
    8: m08,
    9: m09,
    10: m10,
    11: m11,
    12: m12,
    13: _examples("case_study"),
    14: m14,
    15: m15,
    16: m16,
    17: m17,
    18: m18,
    19: m19,
    20: m20,
    21: m21,
    22: _provider_count("complaints", "received_on", "complaints"),
    23: _provider_count("incidents", "occurred_on", "incidents"),
    24: m24,
    25: _examples("community_development"),
    26: m26,
    27: _examples("hospital_admission_avoided"),
    28: _examples("pressure_off_other_services"),
    29: _examples("service_gap"),
}


def _grid(f: Facts, split: Split) -> pl.DataFrame:
    providers = f.snapshot.providers["provider_id"].to_list()
    lots = f.snapshot.lots["lot"].to_list()
    if split is Split.PROVIDER:
        return groups(f.periods, providers, None)
    if split is Split.LOT_1_BY_PROVIDER:
        return groups(f.periods, providers, [1] if 1 in lots else [])
    return groups(f.periods, providers, lots)


def _laid_out(number: int, fig: Figure, grid: pl.DataFrame) -> pl.DataFrame:
    rows = grid.join(fig.rows, on=list(KEYS), how="left", nulls_equal=True)
    fills = [pl.col(c).fill_null(0.0) for c in ("numerator", "denominator") if c in rows.columns]
    if fig.zero_when_empty:
        fills.append(pl.col("value").fill_null(0.0))
    return rows.with_columns(
        fills,
        measure=pl.lit(number, pl.Int64),
        part=pl.lit(fig.part),
        unit=pl.lit(unit_of(number, fig.part)),
    )


def compute_measures(
    snapshot: Snapshot,
    periods: list[Period],
    *,
    numbers: list[int] | None = None,
    as_of: datetime | None = None,
    facts: Facts | None = None,
) -> pl.DataFrame:
    """Rows for every part of every measure asked for, every period and every group.

    Columns as `ROW_SCHEMA`: provider_id null is all providers, lot null is all lots.
    """
    f = facts or Facts(snapshot, periods, as_of)
    frames = []
    for definition in MEASURES:
        if numbers is not None and definition.number not in numbers:
            continue
        grid = _grid(f, definition.split)
        for fig in CALCULATIONS[definition.number](f):
            frames.append(_laid_out(definition.number, fig, grid))
    if not frames:
        return pl.DataFrame(schema=ROW_SCHEMA)
    stacked = pl.concat(frames, how="diagonal_relaxed")
    return stacked.select(
        [
            pl.col(c).cast(t) if c in stacked.columns else pl.lit(None, t).alias(c)
            for c, t in ROW_SCHEMA.items()
        ]
    ).sort("measure", "period", "provider_id", "lot", nulls_last=True, maintain_order=True)


def defined_parts() -> list[tuple[int, str]]:
    """Every (measure, part) the definitions name: the rows a return always carries."""
    return [(m.number, p.name) for m in MEASURES for p in BY_NUMBER[m.number].parts]


__all__ = [
    "CALCULATIONS",
    "KEYS",
    "ROW_SCHEMA",
    "Facts",
    "compute_measures",
    "defined_parts",
    "groups",
    "local_day",
    "london_day",
    "rollup",
]
