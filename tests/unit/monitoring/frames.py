"""Hand-built snapshots for the monitoring unit tests: no store, just small frames."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from homecare.monitoring.data import Snapshot, conform, snapshot_of
from homecare.monitoring.kpis import ReviewTimings, compute_kpis
from homecare.monitoring.measures import compute_measures
from homecare.monitoring.measures.travel import STINTS, worked_days_frame
from homecare.monitoring.periods import Period, parse_period

P08 = parse_period("2026-P08")
"""Monday 13 July to Sunday 9 August 2026: 28 days, 20 weekdays, all in summer time."""
AFTER_P08 = datetime(2026, 8, 20, 12, 0, tzinfo=UTC)
AIRE, BRAMLEY = 10, 11


def rows(*records: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(records))


def package(
    package_id: int,
    *,
    person: int | None = None,
    provider: int = AIRE,
    lot: int = 1,
    weekly_minutes: int = 600,
    starts_on: date = date(2026, 1, 5),
    ends_on: date | None = None,
    referral: int | None = None,
    agreed_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "package_id": package_id,
        "council_id": 1,
        "person_id": person if person is not None else 100 + package_id,
        "provider_id": provider,
        "lot": lot,
        "referral_id": referral,
        "weekly_minutes": weekly_minutes,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "agreed_at": agreed_at,
    }


def snapshot(**frames: Any) -> Snapshot:
    """Two providers (Aire 10, Bramley 11) and two lots unless the test says otherwise.

    `attendance` (stints with their check-in and check-out) may stand for `worked_days`.
    """
    given = {k: rows(*v) if isinstance(v, list) else v for k, v in frames.items()}
    if "attendance" in given:
        # Stints become worked days by the rule the call monitoring service keeps them.
        given["worked_days"] = worked_days_frame(conform(given.pop("attendance"), STINTS))
    given.setdefault(
        "providers",
        pl.DataFrame({"provider_id": [AIRE, BRAMLEY], "provider_name": ["Aire", "Bramley"]}),
    )
    given.setdefault("lots", pl.DataFrame({"lot": [1, 2]}))
    return snapshot_of(**given)


def measure(
    snap: Snapshot, number: int, period: Period = P08, as_of: datetime = AFTER_P08
) -> pl.DataFrame:
    return compute_measures(snap, [period], numbers=[number], as_of=as_of)


def figure(
    frame: pl.DataFrame, part: str, provider: int | None = None, lot: int | None = None
) -> dict[str, Any]:
    """The one row for a part and group (None: all providers / all lots)."""
    found = frame.filter(
        (pl.col("part") == part)
        & pl.col("provider_id").eq_missing(provider)
        & pl.col("lot").eq_missing(lot)
    )
    assert found.height == 1, found
    return found.row(0, named=True)


def kpi(
    snap: Snapshot,
    number: int,
    provider: int | None = None,
    lot: int | None = None,
    as_of: datetime = AFTER_P08,
    period: Period = P08,
) -> dict[str, Any]:
    frame = compute_kpis(snap, [period], as_of=as_of, timings=ReviewTimings(), numbers=[number])
    found = frame.filter(pl.col("provider_id").eq_missing(provider) & pl.col("lot").eq_missing(lot))
    assert found.height == 1, found
    return found.row(0, named=True)
