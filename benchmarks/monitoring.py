"""A Leicester-sized year of monitoring: our Polars engine against the row-by-row baseline.

    .venv/bin/python benchmarks/monitoring.py [--people 2250] [--json FILE]
        [--database-url URL] [--keep FILE] [--baseline-budget SECONDS]

Generates a year like Leicester's (001: about 2,250 people, 1,605,000 care hours, 32
providers, two lots) straight into a fresh SQLite store built by the migrations: about 3
million visits with realistic outcomes (about 1% missed, 2% cancelled by the person,
hospital suspensions), their call-monitoring check-ins and check-outs (about 6 million
events) and attendances, reviews with outcome ratings, provider-led changes, community
hours, referrals and offers, and a year of quality records. Rows go in with executemany
on the raw DBAPI connection, with the big tables' indexes rebuilt afterwards.

Then it times (a) ours: loading the snapshot and computing all 29 measures and 7 KPIs
for every provider, lot and the totals over the 13 four-week periods of 2026, and (b) the
baseline (`tests/support/monitoring_baseline/`: ORM queries per provider, period and measure)
on the same store. When the baseline would take longer than --baseline-budget seconds
it runs on a sample of providers and periods and is scaled linearly, which the output
says. The two engines' figures are compared on whatever the baseline computed. Ours is
timed three times after a warm-up run, and the median reported.

--database-url puts the year into that (empty, migrated) store instead, e.g. PostgreSQL;
--keep FILE writes the SQLite store to FILE and keeps it, or reuses FILE if it exists.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Engine, text

from homecare import schema as _schema  # noqa: F401  (every table registered)
from homecare.db import make_engine, unit_of_work
from homecare.migrate import upgrade
from homecare.monitoring.data import EVERYTHING
from homecare.monitoring.kpis import ReviewTimings
from homecare.monitoring.measures.travel import worked_days_frame
from homecare.monitoring.periods import PeriodKind, periods_of_year
from homecare.monitoring.service import compute_frames

# The row-by-row baseline is the tests' oracle and lives with them, outside the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support import monitoring_baseline as baseline

YEAR = 2026
FIRST_DAY = date.fromisocalendar(YEAR, 1, 1)
LAST_DAY = date.fromisocalendar(YEAR + 1, 1, 1) - timedelta(days=1)
"""The last day of P13: 2026 has 53 ISO weeks, so P13 runs to Sunday 3 January 2027."""
AS_OF = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
"""Noon on the Monday after P13: every period of the year is over."""
PROVIDERS = 32
TZ = "Europe/London"
STAMP = "%Y-%m-%d %H:%M:%S%.6f"
BANDS = ("morning", "lunch", "tea", "bed", "morning", "bed")
BAND_START_MINUTES = {
    "morning": 7 * 60,
    "lunch": 11 * 60 + 45,
    "tea": 15 * 60 + 45,
    "bed": 18 * 60 + 45,
}
RUN_SIZE = {"morning": 5, "lunch": 4, "tea": 4, "bed": 5}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TARGET_OURS_S = 2.0
TARGET_RATIO = 20.0


# --- writing ------------------------------------------------------------------------------


class Writer:
    """Bulk inserts through the raw DBAPI connection, one transaction per table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.url.get_backend_name() == "sqlite"

    def insert(self, table: str, frame: pl.DataFrame) -> int:
        if frame.height == 0:
            return 0
        columns = frame.columns
        mark = "?" if self.sqlite else "%s"
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join([mark] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if not self.sqlite:
                cursor.execute("SET TIME ZONE 'UTC'")  # the stamps are UTC wall times
            step = 200_000
            for offset in range(0, frame.height, step):
                chunk = frame.slice(offset, step)
                cursor.executemany(
                    sql, list(zip(*(s.to_list() for s in chunk.iter_columns()), strict=True))
                )
            raw.commit()
        finally:
            raw.close()
        return frame.height


def _indexes(engine: Engine, tables: Sequence[str]) -> list[str]:
    """The CREATE INDEX statements of the big tables, to drop and rebuild around a load."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(repr(t) for t in tables)})"
            )
        ).all()
    return [r[0] for r in rows]


# --- the year -------------------------------------------------------------------------------


@dataclass
class Year:
    rng: np.random.Generator
    people: int

    def choice(self, values: Sequence[Any], n: int, p: Sequence[float] | None = None) -> np.ndarray:
        return self.rng.choice(np.asarray(values, dtype=object), size=n, p=p)


def _stamp(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime(STAMP)


def _local_to_utc(day: pl.Expr, minutes: pl.Expr) -> pl.Expr:
    """London wall-clock time on a day to UTC; a time in the spring gap moves on an hour."""
    naive = day.cast(pl.Datetime("us")) + pl.duration(minutes=minutes)

    def zoned(moment: pl.Expr) -> pl.Expr:
        return moment.dt.replace_time_zone(TZ, ambiguous="earliest", non_existent="null")

    return pl.coalesce(zoned(naive), zoned(naive + pl.duration(hours=1))).dt.convert_time_zone(
        "UTC"
    )


def organisations(y: Year) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    orgs = pl.DataFrame(
        {
            "id": list(range(1, PROVIDERS + 3)),
            "kind": ["council", "nhs_trust"] + ["provider"] * PROVIDERS,
            "name": ["Leicester City Council", "Leicestershire Partnership NHS Trust"]
            + [f"Provider {i:02d} Home Care" for i in range(1, PROVIDERS + 1)],
            "la_code": ["E06000016", None] + [None] * PROVIDERS,
            "cqc_location_id": [None, None] + [f"1-{2000000000 + i}" for i in range(PROVIDERS)],
            "rating_overall": [
                None,
                None,
                *list(
                    y.choice(
                        ["good", "outstanding", "requires_improvement"],
                        PROVIDERS,
                        [0.75, 0.1, 0.15],
                    )
                ),
            ],
        }
    )
    lots = pl.DataFrame(
        {
            "id": [1, 2],
            "council_id": [1, 1],
            "number": [1, 2],
            "name": ["General home care", "Delegated healthcare"],
            "required_skills": ["[]", '["catheter_care"]'],
        }
    )
    zone = pl.DataFrame(
        {"id": [1], "council_id": [1], "name": ["Leicester city-wide"], "city_wide": [True]}
    )
    provider_ids = list(range(3, PROVIDERS + 3))
    contracts = pl.DataFrame(
        {
            "id": list(range(1, 2 * PROVIDERS + 1)),
            "council_id": [1] * 2 * PROVIDERS,
            "provider_id": [p for p in provider_ids for _ in (1, 2)],
            "lot_id": [1, 2] * PROVIDERS,
            "zone_id": [1] * 2 * PROVIDERS,
            "role": ["framework"] * 2 * PROVIDERS,
            "hourly_rate_pence": list(y.rng.integers(1923, 2112, 2 * PROVIDERS)),
            "weekly_capacity_minutes": [60 * 2000] * 2 * PROVIDERS,
            "starts_on": [date(2025, 1, 1)] * 2 * PROVIDERS,
            "flex_up_percent": [20] * 2 * PROVIDERS,
            "flex_down_percent": [20] * 2 * PROVIDERS,
        }
    )
    return orgs, lots, zone, contracts


def people_and_packages(y: Year) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    n = y.people
    rng = y.rng
    person = pl.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "council_id": 1,
            "recorded_by_org_id": 1,
            "nhs_number": [f"9{i:09d}" for i in range(1, n + 1)],
            "given_name": y.choice(
                ["Ada", "Bilal", "Chen", "Dorothy", "Eileen", "Farid", "Gita"], n
            ),
            "family_name": y.choice(["Patel", "Smith", "Mistry", "Jones", "Khan", "Brown"], n),
            "date_of_birth": [
                date(1930, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 365 * 60, n)
            ],
            "address": [f"{i} Narborough Road" for i in range(1, n + 1)],
            "postcode": "LE3 0BQ",
            "latitude": 52.62 + rng.normal(0, 0.02, n),
            "longitude": -1.14 + rng.normal(0, 0.03, n),
            "lsoa_code": [f"E0101{3000 + i % 190:04d}" for i in range(n)],
            "languages": '["en"]',
        }
    )
    weights = 1 / np.arange(1, PROVIDERS + 1) ** 0.6
    provider = rng.choice(np.arange(3, PROVIDERS + 3), size=n, p=weights / weights.sum())
    lot = np.where(rng.random(n) < 0.8, 1, 2)
    before = rng.random(n) < 0.75
    start_offset = np.where(before, -rng.integers(1, 540, n), rng.integers(0, 364, n))
    starts = [FIRST_DAY + timedelta(days=int(d)) for d in start_offset]
    ends_in_year = rng.random(n) < 0.2
    end_offset = np.maximum(start_offset, 0) + rng.integers(14, 365, n)
    ends = [
        FIRST_DAY + timedelta(days=int(e)) if flag and e <= 363 else None
        for flag, e in zip(ends_in_year, end_offset, strict=True)
    ]
    slots = rng.choice([2, 3, 4, 5, 6], size=n, p=[0.03, 0.10, 0.37, 0.28, 0.22])
    package = pl.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "council_id": 1,
            "person_id": np.arange(1, n + 1),
            "provider_id": provider,
            "contract_id": (provider - 3) * 2 + lot,
            "lot_id": lot,
            "status": "active",
            "hourly_rate_pence": 2031,
            "outcomes": '["Stay safe at home"]',
            "starts_on": starts,
            "ends_on": ends,
            "slots": slots,
            "in_year": ~before,
        }
    )
    slot_rows = (
        package.select("id", "slots").with_columns(slot=pl.int_ranges(0, "slots")).explode("slot")
    )
    m = slot_rows.height
    pattern = slot_rows.with_columns(
        band=pl.Series(y.choice(BANDS, m)).cast(pl.String),
        minutes=pl.Series(rng.choice([15, 30, 45, 60], size=m, p=[0.08, 0.62, 0.2, 0.1])),
        carers=pl.Series(np.where(rng.random(m) < 0.12, 2, 1)),
    )
    pattern = pattern.with_columns(band=pl.Series([BANDS[s] for s in pattern["slot"]]))
    pattern = pattern.join(pl.DataFrame({"day": WEEKDAYS}), how="cross").with_row_index("pv_id", 1)
    weekly = pattern.group_by("id").agg(weekly_minutes=(pl.col("minutes") * pl.col("carers")).sum())
    package = package.join(weekly, on="id").sort("id")
    package_visit = pattern.select(
        pl.col("pv_id").cast(pl.Int64).alias("id"),
        pl.col("id").alias("package_id"),
        "day",
        "band",
        "minutes",
        "carers",
    )
    return person, package, package_visit


def visits(
    y: Year, package: pl.DataFrame, package_visit: pl.DataFrame, stays: pl.DataFrame
) -> pl.DataFrame:
    """Every planned visit of the year with its outcome, from each package's weekly pattern."""
    first, last = pl.lit(FIRST_DAY), pl.lit(LAST_DAY)
    days = (
        package.select(
            pl.col("id").alias("package_id"),
            "person_id",
            "provider_id",
            pl.max_horizontal("starts_on", first).alias("a"),
            pl.min_horizontal(pl.col("ends_on").fill_null(last), last).alias("b"),
        )
        .filter(pl.col("a") <= pl.col("b"))
        .with_columns(date=pl.date_ranges("a", "b"))
        .explode("date")
        .with_columns(day=pl.col("date").dt.weekday().replace_strict(dict(enumerate(WEEKDAYS, 1))))
    )
    v = days.join(package_visit, on=["package_id", "day"]).sort(
        "date", "provider_id", "package_id", "id"
    )
    n = v.height
    rng = y.rng
    roll = rng.random(n)
    status = np.select(
        [roll < 0.010, roll < 0.030, roll < 0.035, roll < 0.075, roll < 0.095],
        ["missed", "cancelled_by_person", "not_at_home", "late", "short"],
        "completed",
    )
    v = v.with_columns(status=pl.Series(status), community=pl.Series(rng.random(n) < 0.03))
    in_hospital = (
        v.select("package_id", "date")
        .join(stays.select("package_id", "admitted_on", "discharged_on"), on="package_id")
        .filter(
            (pl.col("date") >= pl.col("admitted_on")) & (pl.col("date") < pl.col("discharged_on"))
        )
        .select("package_id", "date", hospital=pl.lit(True))
        .unique()
    )
    v = v.join(in_hospital, on=["package_id", "date"], how="left").with_columns(
        status=pl.when(pl.col("hospital")).then(pl.lit("hospital")).otherwise(pl.col("status"))
    )
    delivered = pl.col("status").is_in(("completed", "late", "short"))
    actual = pl.Series(
        np.maximum(5, np.round(rng.normal(1.0, 0.06, n) * v["minutes"].to_numpy())).astype(np.int64)
    )
    v = v.with_row_index("visit_id", 1).with_columns(
        delivered_minutes=pl.when(delivered)
        .then(
            pl.when(pl.col("status") == "short")
            .then((pl.col("minutes") * 0.6).round().cast(pl.Int64))
            .otherwise(actual)
        )
        .when(pl.col("status").is_in(("missed", "not_at_home")))
        .then(0)
        .otherwise(None),
        place_kind=pl.when(pl.col("community") & delivered & pl.col("band").is_in(("lunch", "tea")))
        .then(pl.lit("community"))
        .otherwise(pl.lit("home")),
    )
    return _carers_and_times(y, v)


def _carers_and_times(y: Year, v: pl.DataFrame) -> pl.DataFrame:
    """Runs: per provider, day and band, visits in order split into carers' runs."""
    rng = y.rng
    n = v.height
    pair = pl.col("carers") == 2
    run_keys = ["provider_id", "date", "band", "pair"]
    v = (
        v.with_columns(pair=pair)
        .with_columns(
            rank=pl.int_range(pl.len()).over(run_keys),
            size=pl.col("band").replace_strict(RUN_SIZE, return_dtype=pl.Int64),
        )
        .with_columns(run=pl.col("rank") // pl.col("size"))
    )
    pool = v.group_by("provider_id", "pair").agg(
        pool=((pl.col("run").max() + 1) * 1.4).ceil().cast(pl.Int64)
    )
    pool = pool.sort("provider_id", "pair").with_columns(
        width=pl.when(pl.col("pair")).then(pl.col("pool") * 2).otherwise(pl.col("pool"))
    )
    pool = pool.with_columns(offset=pl.col("width").cum_sum() - pl.col("width") + 1)
    v = v.join(pool, on=["provider_id", "pair"]).with_columns(
        team=(pl.col("run") + (pl.col("date") - pl.lit(FIRST_DAY)).dt.total_days() * 3)
        % pl.col("pool")
    )
    v = v.with_columns(
        carer_a=pl.col("offset")
        + pl.when(pl.col("pair")).then(pl.col("team") * 2).otherwise(pl.col("team")),
    ).with_columns(carer_b=pl.when(pl.col("pair")).then(pl.col("carer_a") + 1).otherwise(None))
    gap = np.where(rng.random(n) < 0.03, rng.integers(61, 100, n), rng.integers(4, 19, n))
    spent = v["delivered_minutes"].fill_null(0).to_numpy()
    v = v.with_columns(
        step=pl.Series(spent + gap), gap=pl.Series(gap), jitter=pl.Series(rng.integers(0, 15, n))
    )
    keys = ["carer_a", "date", "band"]
    v = v.sort([*keys, "rank"]).with_columns(
        offset_min=pl.col("step").cum_sum().over(keys)
        - pl.col("step")
        + pl.col("jitter").first().over(keys)
    )
    start_min = pl.col("band").replace_strict(BAND_START_MINUTES, return_dtype=pl.Int64) + pl.col(
        "offset_min"
    )
    return v.with_columns(
        check_in=_local_to_utc(pl.col("date"), start_min),
        window_start=_local_to_utc(pl.col("date"), start_min - 10),
        window_end=_local_to_utc(pl.col("date"), start_min + 50),
    ).with_columns(
        check_out=pl.col("check_in") + pl.duration(minutes=pl.col("delivered_minutes").fill_null(0))
    )


def hospital_stays(y: Year, package: pl.DataFrame) -> pl.DataFrame:
    rng = y.rng
    chosen = package.filter(pl.Series(rng.random(package.height) < 0.12))
    k = chosen.height
    start = chosen.select(
        "id",
        "person_id",
        a=pl.max_horizontal("starts_on", pl.lit(FIRST_DAY)),
        b=pl.min_horizontal(pl.col("ends_on").fill_null(pl.lit(LAST_DAY)), pl.lit(LAST_DAY)),
    ).filter(pl.col("b") > pl.col("a") + pl.duration(days=5))
    k = start.height
    span = (start["b"] - start["a"]).dt.total_days().to_numpy()
    offset = (rng.random(k) * (span - 4)).astype(np.int64)
    length = rng.integers(3, 22, k)
    return (
        start.with_columns(
            admitted_on=pl.col("a") + pl.duration(days=pl.lit(pl.Series(offset))),
        )
        .with_columns(
            discharged_on=pl.col("admitted_on") + pl.duration(days=pl.lit(pl.Series(length))),
            package_id=pl.col("id"),
        )
        .with_row_index("stay_id", 1)
    )


def reviews(y: Year, package: pl.DataFrame) -> pl.DataFrame:
    """A review chain per package: first at six weeks, then every twelve from the last."""
    rng = y.rng
    rows: list[dict[str, Any]] = []
    opted = set(package.filter(pl.Series(rng.random(package.height) < 0.07))["id"].to_list())
    for pid, person, starts, ends in package.select(
        "id", "person_id", "starts_on", "ends_on"
    ).iter_rows():
        due = starts + timedelta(weeks=6)
        if due < FIRST_DAY - timedelta(days=84):
            due = FIRST_DAY - timedelta(days=int(rng.integers(0, 84)))
        score = [int(s) for s in rng.integers(2, 5, 3)]
        kind = "first" if due == starts + timedelta(weeks=6) else "scheduled"
        while due <= LAST_DAY + timedelta(days=30) and (ends is None or due <= ends):
            roll = rng.random()
            done: date | None = due - timedelta(days=int(rng.integers(0, 10)))
            if roll > 0.88:
                done = due + timedelta(days=int(rng.integers(1, 25)))
            if roll > 0.96 and due > LAST_DAY - timedelta(days=40):
                done = None
            if done is not None and done > AS_OF.date():
                done = None
            out = pid in opted
            if done is not None and not out:
                score = [min(5, max(1, s + int(rng.choice([-1, 0, 0, 1, 1])))) for s in score]
            rows.append(
                {
                    "package_id": pid,
                    "person_id": person,
                    "kind": kind,
                    "due_on": due,
                    "done_on": done,
                    "done_by_role": "provider_manager" if done else None,
                    "wellbeing": score[0] if done and not out else None,
                    "home": score[1] if done and not out else None,
                    "community": score[2] if done and not out else None,
                    "opted_out": bool(done) and out,
                    "recorded_at": datetime.combine(done, datetime.min.time())
                    .replace(hour=14, tzinfo=UTC)
                    .strftime("%Y-%m-%d %H:%M:%S.%f")
                    if done
                    else None,
                }
            )
            if done is None:
                break
            due, kind = done + timedelta(weeks=12), "scheduled"
    return pl.DataFrame(rows).with_row_index("id", 1)


def referrals_and_offers(
    y: Year, package: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = y.rng
    placed = package.filter(pl.col("in_year")).select(
        "id", "person_id", "provider_id", "contract_id", "lot_id", "weekly_minutes", "starts_on"
    )
    k = placed.height
    lead_days = rng.integers(1, 9, k)
    hour = rng.integers(8, 18, k)
    placed = placed.with_columns(
        referred_at=_local_to_utc(
            pl.col("starts_on") - pl.duration(days=pl.lit(pl.Series(lead_days))),
            pl.lit(pl.Series(hour * 60)),
        ),
        priority=pl.Series(rng.random(k) < 0.12),
        delay=pl.Series(rng.random(k) < 0.10),
    ).with_columns(
        agreed_at=pl.col("referred_at")
        + pl.duration(hours=pl.lit(pl.Series(rng.integers(1, 40, k))))
    )
    extra = int(k * 0.05)
    unplaced = pl.DataFrame(
        {
            "person_id": rng.integers(1, y.people + 1, extra),
            "lot_id": rng.choice([1, 2], extra),
            "weekly_minutes": rng.integers(5, 20, extra) * 60,
            "starts_on": [FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(0, 360, extra)],
            "status": y.choice(
                ["exhausted", "withdrawn", "awaiting_offer"], extra, [0.5, 0.4, 0.1]
            ),
        }
    ).with_columns(
        referred_at=_local_to_utc(pl.col("starts_on") - pl.duration(days=2), pl.lit(600)),
        priority=pl.lit(False),
        delay=pl.lit(False),
    )
    refs = (
        pl.concat(
            [
                placed.select(
                    "person_id",
                    "lot_id",
                    "weekly_minutes",
                    "starts_on",
                    "referred_at",
                    "priority",
                    "delay",
                    status=pl.lit("placed"),
                    package_id=pl.col("id"),
                ),
                unplaced.select(
                    "person_id",
                    "lot_id",
                    "weekly_minutes",
                    "starts_on",
                    "referred_at",
                    "priority",
                    "delay",
                    "status",
                    package_id=pl.lit(None, pl.Int64),
                ),
            ],
            how="vertical_relaxed",
        )
        .sort("referred_at")
        .with_row_index("id", 1)
    )
    referral = refs.select(
        pl.col("id").cast(pl.Int64),
        council_id=pl.lit(1),
        referrer_org_id=pl.lit(1),
        person_id="person_id",
        source=pl.lit("social_work"),
        priority="priority",
        authorised_delay=pl.when(pl.col("delay"))
        .then(pl.lit("The person asked to start after a family visit"))
        .otherwise(None),
        lot_id="lot_id",
        zone_id=pl.lit(1),
        weekly_minutes="weekly_minutes",
        outcomes_sought=pl.lit('["Stay safe at home"]'),
        required_start="starts_on",
        referred_at=_stamp(pl.col("referred_at")),
        status="status",
        cascade_round=pl.lit(1),
        cascade_plan=pl.lit("[]"),
    )
    links = refs.filter(pl.col("package_id").is_not_null()).select(
        pl.col("id").alias("referral_id"), "package_id"
    )
    offers = (
        refs.filter(pl.col("package_id").is_not_null())
        .join(
            placed.select(
                pl.col("id").alias("package_id"), "provider_id", "contract_id", "agreed_at"
            ),
            on="package_id",
        )
        .select(
            referral_id=pl.col("id").cast(pl.Int64),
            provider_id="provider_id",
            contract_id="contract_id",
            cascade_round=pl.lit(1),
            rank=pl.lit(1),
            priority="priority",
            status=pl.lit("accepted"),
            offered_at=_stamp(pl.col("referred_at")),
            respond_by=_stamp(pl.col("referred_at") + pl.duration(hours=4)),
            responded_at=_stamp(pl.col("agreed_at")),
            agreed_start="starts_on",
        )
    )
    agreed = placed.select(pl.col("id").alias("package_id"), "agreed_at")
    return referral, offers, links.join(agreed, on="package_id")


def changes_and_community(y: Year, package: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = y.rng
    chosen = package.filter(pl.Series(rng.random(package.height) < 0.10))
    k = chosen.height
    within = rng.random(k) < 0.8
    factor = np.where(rng.random(k) < 0.55, rng.uniform(0.8, 0.95, k), rng.uniform(1.05, 1.2, k))
    status = np.where(
        within,
        y.choice(
            ["approved", "amended", "reversed", "in_trial", "submitted"],
            k,
            [0.55, 0.15, 0.1, 0.12, 0.08],
        ),
        y.choice(
            ["approved", "amended", "reversed", "awaiting_social_worker"], k, [0.5, 0.2, 0.1, 0.2]
        ),
    )
    effective = [FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(0, 330, k)]
    frame = chosen.select("id", "provider_id", "weekly_minutes", "hourly_rate_pence").with_columns(
        to=(pl.col("weekly_minutes") * pl.Series(factor) / 5).round().cast(pl.Int64) * 5,
        within=pl.Series(within),
        status=pl.Series(status),
        effective=pl.Series(effective),
        amended=(pl.col("weekly_minutes") * pl.Series(rng.uniform(0.85, 1.1, k)) / 5)
        .round()
        .cast(pl.Int64)
        * 5,
    )
    decided = pl.col("status").is_in(("approved", "amended", "reversed"))
    decided_minutes = (
        pl.when(pl.col("status") == "approved")
        .then(pl.col("to"))
        .when(pl.col("status") == "amended")
        .then(pl.col("amended"))
        .when(pl.col("status") == "reversed")
        .then(pl.col("weekly_minutes"))
        .otherwise(None)
    )
    created = _local_to_utc(pl.col("effective"), pl.lit(10 * 60))
    change = frame.select(
        package_id="id",
        provider_id="provider_id",
        council_id=pl.lit(1),
        from_weekly_minutes="weekly_minutes",
        to_weekly_minutes="to",
        hourly_rate_pence="hourly_rate_pence",
        reason=pl.lit("Needs changed after a fall and recovery"),
        within_parameters="within",
        consent_by_name=pl.lit("The person"),
        consent_by_relationship=pl.lit("self"),
        consent_method=pl.lit("in_person"),
        consent_at=_stamp(created),
        previous_pattern=pl.lit("{}"),
        status="status",
        effective_from=pl.when(pl.col("within")).then(pl.col("effective")).otherwise(None),
        submit_from=pl.when(pl.col("within"))
        .then(pl.col("effective") + pl.duration(weeks=4))
        .otherwise(None),
        decided_at=pl.when(decided).then(_stamp(created + pl.duration(days=33))).otherwise(None),
        decided_weekly_minutes=pl.when(decided).then(decided_minutes).otherwise(None),
        created_at=_stamp(created),
    )
    picked = package.filter(pl.Series(rng.random(package.height) < 0.04))
    c = picked.height
    begins = [FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(0, 320, c)]
    community = (
        picked.select(package_id="id")
        .with_columns(
            purpose=pl.lit("Introduce to the lunch club"),
            place_name=pl.lit("Braunstone lunch club"),
            latitude=pl.lit(52.62),
            longitude=pl.lit(-1.17),
            day=pl.lit("wed"),
            band=pl.lit("lunch"),
            minutes=pl.lit(120),
            starts_on=pl.Series(begins),
        )
        .with_columns(
            ends_on=pl.col("starts_on") + pl.duration(weeks=6),
            status=pl.lit("closed"),
            outcome=pl.Series(
                y.choice(
                    ["goes_independently", "goes_with_support", "did_not_continue"],
                    c,
                    [0.45, 0.35, 0.2],
                )
            ),
            created_at=_stamp(_local_to_utc(pl.col("starts_on"), pl.lit(9 * 60))),
        )
    )
    return change, community


def quality(y: Year, workers: pl.DataFrame, package: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Movements, sickness, training, surveys, case studies, complaints, incidents,
    refunds and spend."""
    rng = y.rng
    w = workers.height
    now = _stamp(pl.lit(AS_OF))
    leaving = rng.random(w) < 0.45
    leave_day = [FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(10, 360, w)]
    joining = rng.random(w) < 0.45
    join_day = [FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(0, 300, w)]
    base = workers.select(
        care_worker_id="id", provider_id="provider_id", contract_type="contract_type"
    )
    leave_day = [
        max(leave, start + timedelta(days=14)) if join else leave
        for leave, start, join in zip(leave_day, join_day, joining, strict=True)
    ]
    movements = pl.concat(
        [
            base.with_columns(
                kind=pl.lit("starter"), on=pl.Series(join_day), reason=pl.lit(None, pl.String)
            ).filter(pl.Series(joining)),
            base.with_columns(
                kind=pl.lit("leaver"), on=pl.Series(leave_day), reason=pl.lit("pay")
            ).filter(pl.Series(leaving) & (pl.Series(leave_day) <= LAST_DAY)),
        ]
    )
    movements = movements.with_columns(recorded_at=now)
    s = int(w * 1.6)
    first = [FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(0, 355, s)]
    length = rng.integers(1, 8, s)
    pick = rng.integers(0, w, s)
    sickness = pl.DataFrame(
        {
            "provider_id": workers["provider_id"].gather(pick),
            "care_worker_id": workers["id"].gather(pick),
            "first_day": first,
            "last_day": [
                f + timedelta(days=int(n) - 1) for f, n in zip(first, length, strict=True)
            ],
            "working_days": np.minimum(length, 5),
            "reason": "illness",
        }
    ).with_columns(recorded_at=now)
    t = w * 5
    pick = rng.integers(0, w, t)
    training = pl.DataFrame(
        {
            "provider_id": workers["provider_id"].gather(pick),
            "care_worker_id": workers["id"].gather(pick),
            "course": "Moving and handling",
            "category": y.choice(["mandatory", "dementia", "delegated_healthcare", "other"], t),
            "completed_on": [FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(0, 364, t)],
            "hours": rng.choice([1.0, 2.0, 3.5, 6.0, 7.5], t),
        }
    ).with_columns(recorded_at=now)
    answers = []
    for wave in (date(2026, 3, 16), date(2026, 9, 14)):
        k = int(w * 0.6)
        answers.append(
            pl.DataFrame(
                {
                    "provider_id": workers["provider_id"].gather(rng.integers(0, w, k)),
                    "answered_on": [wave + timedelta(days=int(d)) for d in rng.integers(0, 14, k)],
                    "job_satisfaction": rng.integers(1, 6, k),
                    "morale": rng.integers(1, 6, k),
                }
            )
        )
    staff_survey = pl.concat(answers).with_columns(recorded_at=now)
    p = package.height
    responders = package.filter(pl.Series(rng.random(p) < 0.55))
    r = responders.height
    respondent = y.choice(["person", "family", "unpaid_carer"], r, [0.55, 0.25, 0.2])
    yes = rng.random(r) < 0.86
    people_survey = responders.select("provider_id", "person_id").with_columns(
        respondent=pl.Series(respondent),
        answered_on=pl.Series(
            [date(2026, 10, 5) + timedelta(days=int(d)) for d in rng.integers(0, 21, r)]
        ),
        what_matters_understood=pl.when(pl.Series(respondent) != "unpaid_carer")
        .then(pl.Series(yes))
        .otherwise(None),
        supported_by_carers=pl.when(pl.Series(respondent) != "unpaid_carer")
        .then(pl.Series(rng.random(r) < 0.9))
        .otherwise(None),
        unpaid_carer_supported=pl.when(pl.Series(respondent) == "unpaid_carer")
        .then(pl.Series(rng.random(r) < 0.8))
        .otherwise(None),
        source=pl.lit("survey"),
        recorded_at=now,
    )
    provider_ids = np.arange(3, PROVIDERS + 3)

    def per_provider(per_year: float) -> tuple[np.ndarray, list[date]]:
        counts = rng.poisson(per_year, PROVIDERS)
        ids = np.repeat(provider_ids, counts)
        days = [FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(0, 364, ids.size)]
        return ids, days

    studies = []
    for kind, rate in (
        ("case_study", 10),
        ("community_development", 4),
        ("hospital_admission_avoided", 6),
        ("pressure_off_other_services", 6),
        ("service_gap", 3),
    ):
        ids, days = per_provider(rate)
        studies.append(
            pl.DataFrame(
                {
                    "provider_id": ids,
                    "kind": kind,
                    "title": f"A {kind.replace('_', ' ')}",
                    "summary": "What happened and what changed.",
                    "occurred_on": days,
                    "services_relieved": "[]",
                    "formulated_with": "[]",
                }
            )
        )
    case_study = pl.concat(studies).with_columns(recorded_at=now)
    ids, days = per_provider(24)
    complaint = pl.DataFrame(
        {
            "provider_id": ids,
            "received_on": days,
            "category": "timekeeping",
            "summary": "Carers arrived late.",
        }
    ).with_columns(recorded_at=now)
    ids, days = per_provider(12)
    incident = pl.DataFrame(
        {
            "provider_id": ids,
            "occurred_on": days,
            "category": "fall",
            "reported_to": '["council"]',
            "summary": "A fall at home.",
        }
    ).with_columns(recorded_at=now)
    ids, days = per_provider(10)
    refund = pl.DataFrame(
        {
            "provider_id": ids,
            "issued_on": days,
            "amount_pence": rng.integers(1500, 40000, ids.size),
            "reason": "missed_visits",
        }
    ).with_columns(recorded_at=now)
    months = [(date(2025, 12, 1) + timedelta(days=31 * i)).replace(day=1) for i in range(14)]
    spend_rows = []
    for pid in provider_ids:
        for a, b in itertools.pairwise(months):
            direct = int(rng.integers(150_000_00, 400_000_00))
            indirect = int(direct * rng.uniform(0.15, 0.3))
            spend_rows.append(
                (
                    int(pid),
                    a,
                    b - timedelta(days=1),
                    direct,
                    indirect,
                    int((direct + indirect) * rng.uniform(1.1, 1.25)),
                )
            )
    spend = pl.DataFrame(
        spend_rows,
        schema=[
            "provider_id",
            "period_start",
            "period_end",
            "direct_staff_pence",
            "indirect_staff_pence",
            "total_spend_pence",
        ],
        orient="row",
    ).with_columns(recorded_at=now)
    return {
        "staff_movement": movements,
        "sickness_absence": sickness,
        "training_record": training,
        "staff_survey_response": staff_survey,
        "people_survey_response": people_survey,
        "case_study": case_study,
        "complaint": complaint,
        "incident": incident,
        "refund_credit": refund,
        "staffing_spend": spend,
    }


def outage_rounds(
    y: Year, v: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, set[tuple[int, date]]]:
    """One day per provider when the phones were down: saved rounds instead of events."""
    rng = y.rng
    outage = {
        (int(p), FIRST_DAY + timedelta(days=int(rng.integers(0, 364))))
        for p in range(3, PROVIDERS + 3)
    }
    keys = pl.DataFrame(list(outage), schema=["provider_id", "date"], orient="row")
    on_day = v.join(keys, on=["provider_id", "date"]).filter(
        pl.col("status").is_in(("completed", "late", "short"))
    )
    carers = pl.concat(
        [
            on_day.select(
                "provider_id", "date", carer="carer_a", gap="gap", care="delivered_minutes"
            ),
            on_day.filter(pl.col("carer_b").is_not_null()).select(
                "provider_id", "date", carer="carer_b", gap="gap", care="delivered_minutes"
            ),
        ]
    )
    per = carers.group_by("provider_id", "date", "carer").agg(
        travel=pl.col("gap").clip(0, 60).sum().cast(pl.Float64),
        contact=pl.col("care").sum().cast(pl.Float64),
    )
    plans = keys.with_row_index("id", 1).with_columns(
        optimised_at=_stamp(_local_to_utc(pl.col("date"), pl.lit(6 * 60))),
        seed=pl.lit(1),
        seconds=pl.lit(5.0),
        measures=pl.lit("{}"),
    )
    rounds = per.join(
        plans.select(plan_id="id", provider_id="provider_id", date="date"),
        on=["provider_id", "date"],
    ).select(
        "plan_id",
        "provider_id",
        care_worker_id="carer",
        day="date",
        shift_start=_stamp(_local_to_utc(pl.col("date"), pl.lit(7 * 60))),
        shift_end=_stamp(_local_to_utc(pl.col("date"), pl.lit(21 * 60))),
        break_minutes=pl.lit(30),
        travel_mode=pl.lit("drive"),
        travel_minutes="travel",
        contact_minutes="contact",
    )
    return (
        plans.select(
            "id",
            "provider_id",
            day="date",
            optimised_at="optimised_at",
            seed="seed",
            seconds="seconds",
            measures="measures",
        ),
        rounds,
        outage,
    )


def generate(engine: Engine, people: int, seed: int = 2023) -> dict[str, int]:
    y = Year(np.random.default_rng(seed), people)
    write = Writer(engine)
    started = time.perf_counter()
    orgs, lots, zone, contracts = organisations(y)
    person, package, package_visit = people_and_packages(y)
    stays = hospital_stays(y, package)
    v = visits(y, package, package_visit, stays)
    referral, offers, links = referrals_and_offers(y, package)
    package = package.join(links, left_on="id", right_on="package_id", how="left")
    plans, rounds, outage = outage_rounds(y, v)
    workers_ids = (
        pl.concat(
            [
                v.select(pl.col("carer_a").alias("id"), "provider_id"),
                v.filter(pl.col("carer_b").is_not_null()).select(
                    pl.col("carer_b").alias("id"), "provider_id"
                ),
            ]
        )
        .unique()
        .sort("id")
    )
    workers = workers_ids.with_columns(
        name=pl.format("Care worker {}", pl.col("id")),
        contract_type=pl.Series(
            y.choice(
                ["zero_hours", "guaranteed_hours", "salaried_block"],
                workers_ids.height,
                [0.75, 0.15, 0.1],
            )
        ),
        weekly_contracted_minutes=pl.lit(0),
        shift_minutes=pl.lit(450),
        skills=pl.lit("[]"),
        languages=pl.lit('["en"]'),
        travel_mode=pl.lit("drive"),
        home_postcode=pl.lit("LE3 0BQ"),
        home_latitude=pl.lit(52.62),
        home_longitude=pl.lit(-1.14),
        shift_pattern=pl.lit("{}"),
    )
    print(f"generated the year's frames in {time.perf_counter() - started:.0f} s", flush=True)
    big = ("visit", "attendance", "call_event")
    saved = _indexes(engine, big) if write.sqlite else []
    if write.sqlite:
        with engine.begin() as conn:
            for sql in saved:
                name = (
                    sql.split("INDEX", 1)[1]
                    .split(" ON ")[0]
                    .replace("IF NOT EXISTS", "")
                    .strip()
                    .strip('"')
                )
                conn.execute(text(f'DROP INDEX "{name}"'))
    counts: dict[str, int] = {}
    counts["organisation"] = write.insert("organisation", orgs)
    write.insert("lot", lots)
    write.insert("zone", zone)
    write.insert("contract", contracts)
    write.insert("person", person)
    write.insert("referral", referral)
    write.insert(
        "package",
        package.select(
            "id",
            "council_id",
            "person_id",
            "provider_id",
            "contract_id",
            "lot_id",
            "referral_id",
            "status",
            "weekly_minutes",
            "hourly_rate_pence",
            "outcomes",
            "starts_on",
            "ends_on",
            agreed_at=_stamp(
                pl.col("agreed_at").fill_null(pl.col("starts_on").cast(pl.Datetime("us", "UTC")))
            ),
        ),
    )
    write.insert(
        "package_visit", package_visit.with_columns(required_skill=pl.lit(None, pl.String))
    )
    write.insert("offer", offers)
    write.insert("care_worker", workers)
    write.insert(
        "hospital_stay",
        stays.select(
            pl.col("stay_id").cast(pl.Int64).alias("id"),
            "package_id",
            "person_id",
            hospital=pl.lit("Leicester Royal Infirmary"),
            admitted_at=_stamp(_local_to_utc(pl.col("admitted_on"), pl.lit(9 * 60))),
            discharged_at=_stamp(_local_to_utc(pl.col("discharged_on"), pl.lit(15 * 60))),
            discharge_decision=pl.lit("resume"),
            suspended_visits=pl.lit(0),
            freed_minutes=pl.lit(0),
        ),
    )
    counts["visits"] = write.insert(
        "visit",
        v.select(
            id="visit_id",
            package_id="package_id",
            person_id="person_id",
            provider_id="provider_id",
            source=pl.lit("pattern"),
            source_id="id",
            package_visit_id="id",
            day="date",
            band="band",
            window_start=_stamp(pl.col("window_start")),
            window_end=_stamp(pl.col("window_end")),
            planned_minutes="minutes",
            carers="carers",
            place_kind="place_kind",
            place_name=pl.when(pl.col("place_kind") == "community")
            .then(pl.lit("Braunstone lunch club"))
            .otherwise(None),
            latitude=pl.lit(52.62),
            longitude=pl.lit(-1.14),
            health_tasks=pl.lit("[]"),
            status="status",
            delivered_minutes="delivered_minutes",
            arrived_late_minutes=pl.when(pl.col("status") == "late")
            .then(pl.lit(20))
            .otherwise(None),
            closed_at=pl.when(pl.col("delivered_minutes").is_not_null())
            .then(_stamp(pl.col("check_out")))
            .otherwise(None),
            banked=pl.lit(False),
        ),
    )
    delivered = v.filter(pl.col("status").is_in(("completed", "late", "short")))
    outage_keys = pl.DataFrame(list(outage), schema=["provider_id", "date"], orient="row")
    monitored = delivered.join(outage_keys, on=["provider_id", "date"], how="anti")
    stints = (
        pl.concat(
            [
                monitored.select(
                    "visit_id", "provider_id", "check_in", "check_out", carer="carer_a"
                ),
                monitored.filter(pl.col("carer_b").is_not_null()).select(
                    "visit_id", "provider_id", "check_in", "check_out", carer="carer_b"
                ),
            ]
        )
        .sort("check_in")
        .with_row_index("attendance_id", 1)
    )
    counts["attendance"] = write.insert(
        "attendance",
        stints.select(
            id="attendance_id",
            visit_id="visit_id",
            care_worker_id="carer",
            checked_in_at=_stamp(pl.col("check_in")),
            checked_out_at=_stamp(pl.col("check_out")),
            check_in_latitude=pl.lit(52.62),
            check_in_longitude=pl.lit(-1.14),
            check_in_metres_from_place=pl.lit(12.0),
        ),
    )
    # Each worker's day as the call monitoring service keeps it (delivery.worked_days).
    worked = worked_days_frame(
        stints.select(
            care_worker_id="carer",
            checked_in_at=pl.col("check_in").dt.epoch("s"),
            checked_out_at=pl.col("check_out").dt.epoch("s"),
        )
    )
    counts["worked_days"] = write.insert(
        "worked_day",
        worked.with_row_index("id", 1).select(
            "id", "care_worker_id", "day", "stints", "care_minutes", "travel_minutes"
        ),
    )
    not_home = v.filter(pl.col("status") == "not_at_home").select(
        "visit_id",
        "provider_id",
        carer="carer_a",
        at=pl.col("window_end"),
        kind=pl.lit("not_at_home"),
    )
    events = pl.concat(
        [
            stints.select(
                "visit_id", "provider_id", "carer", at="check_in", kind=pl.lit("check_in")
            ),
            stints.select(
                "visit_id", "provider_id", "carer", at="check_out", kind=pl.lit("check_out")
            ),
            not_home,
        ]
    ).with_columns(client=pl.format("{}-{}-{}", "visit_id", "carer", "kind"))
    digests = [hashlib.sha256(c.encode()).hexdigest() for c in events["client"].to_list()]
    counts["events"] = write.insert(
        "call_event",
        events.select(
            provider_id="provider_id",
            client_event_id="client",
            payload_sha256=pl.Series(digests),
            visit_id="visit_id",
            care_worker_id="carer",
            kind="kind",
            occurred_at=_stamp(pl.col("at")),
            received_at=_stamp(pl.col("at") + pl.duration(seconds=40)),
            latitude=pl.lit(52.62),
            longitude=pl.lit(-1.14),
            result=pl.lit("applied"),
        ),
    )
    write.insert("round_plan", plans)
    write.insert("care_round", rounds)
    write.insert("review", reviews(y, package))
    change, community = changes_and_community(y, package)
    write.insert("provider_change", change)
    write.insert("community_hours", community)
    for table, frame in quality(y, workers, package).items():
        write.insert(table, frame)
    with engine.begin() as conn:
        for sql in saved:
            conn.execute(text(sql))
        conn.execute(text("ANALYZE"))
    counts["care_hours"] = int(v["delivered_minutes"].fill_null(0).sum() / 60)
    counts["people"] = people
    print(
        f"wrote the store in {time.perf_counter() - started:.0f} s: "
        + ", ".join(f"{k} {n:,}" for k, n in counts.items()),
        flush=True,
    )
    return counts


# --- timing ----------------------------------------------------------------------------------


def time_ours(engine: Engine) -> tuple[float, pl.DataFrame, pl.DataFrame]:
    periods = periods_of_year(YEAR, PeriodKind.FOUR_WEEKS)
    started = time.perf_counter()
    measures, kpis = compute_frames(
        engine, scope=EVERYTHING, periods=periods, as_of=AS_OF, timings=ReviewTimings()
    )
    return time.perf_counter() - started, measures, kpis


def _sample(
    budget_s: float, per_provider: float, per_total: float, n_providers: int, n_periods: int
) -> tuple[int, int]:
    """How many periods, and providers in each, fit the budget (at least one of each)."""
    periods = max(1, min(n_periods, int(budget_s // (per_provider + per_total))))
    providers = max(1, min(n_providers, int((budget_s / periods - per_total) // per_provider)))
    return periods, providers


def _spread(items: list[Any], count: int) -> list[Any]:
    return [items[i] for i in np.linspace(0, len(items) - 1, count).round().astype(int)]


def time_baseline(
    engine: Engine, budget_s: float
) -> tuple[float, str, list[dict[str, Any]], list[dict[str, Any]]]:
    """The baseline's time for the year: measured whole, or on a sample and scaled.

    One provider's period and the all-provider total for a period are timed first; when
    the whole year would overrun the budget, evenly spread periods and providers are run
    and each part is scaled linearly by how many it stands for.
    """
    periods = periods_of_year(YEAR, PeriodKind.FOUR_WEEKS)
    with unit_of_work(engine) as session:
        providers = baseline.provider_ids(session, EVERYTHING)

        def run(chosen_periods: list[Any], chosen: list[int], total: bool) -> tuple[float, Any]:
            started = time.perf_counter()
            rows = baseline.compute(
                session,
                scope=EVERYTHING,
                periods=chosen_periods,
                providers=chosen,
                include_total=total,
                as_of=AS_OF,
                timings=ReviewTimings(),
            )
            return time.perf_counter() - started, rows

        per_provider, _ = run(periods[:1], providers[:1], False)
        per_total, _ = run(periods[:1], [], True)
        if (per_provider * len(providers) + per_total) * len(periods) <= budget_s:
            seconds, (measures, kpis) = run(periods, providers, True)
            return seconds, "measured on every provider and period", measures, kpis
        n_periods, n_providers = _sample(
            budget_s, per_provider, per_total, len(providers), len(periods)
        )
        chosen_periods = _spread(periods, n_periods)
        chosen = _spread(providers, n_providers)
        provider_s, (measures, kpis) = run(chosen_periods, chosen, False)
        total_s, (total_measures, total_kpis) = run(chosen_periods, [], True)
    period_scale = len(periods) / n_periods
    scaled = provider_s * (len(providers) / n_providers) * period_scale + total_s * period_scale
    note = (
        f"SCALED: measured on {n_providers} of {len(providers)} providers and {n_periods} of "
        f"{len(periods)} periods ({provider_s:.1f} s), plus the all-provider totals on those "
        f"periods ({total_s:.1f} s), each scaled linearly to every provider and period"
    )
    return scaled, note, measures + total_measures, kpis + total_kpis


def compare(
    ours_m: pl.DataFrame,
    ours_k: pl.DataFrame,
    base_m: list[dict[str, Any]],
    base_k: list[dict[str, Any]],
) -> tuple[int, int, list[str]]:
    """How many of the baseline's figures ours matches, and the first few that differ."""
    keyed = {
        (r["measure"], r["part"], r["period"], r["provider_id"], r["lot"]): r
        for r in ours_m.iter_rows(named=True)
    }
    kpi_keyed = {
        (r["kpi"], r["period"], r["provider_id"], r["lot"]): r for r in ours_k.iter_rows(named=True)
    }
    checked, differ = 0, []
    for row in base_m:
        mine = keyed.get(
            (row["measure"], row["part"], row["period"], row["provider_id"], row["lot"])
        )
        checked += 1
        if mine is None or not _close(mine["value"], row["value"]):
            ours = None if mine is None else mine["value"]
            differ.append(
                f"measure {row['measure']} {row['part']} {row['period']} "
                f"provider {row['provider_id']} lot {row['lot']}: "
                f"ours {ours}, baseline {row['value']}"
            )
    for row in base_k:
        mine = kpi_keyed.get((row["kpi"], row["period"], row["provider_id"], row["lot"]))
        checked += 1
        same = mine is not None and all(
            mine[k] == row[k] for k in ("eligible", "met", "missed_ids")
        )
        if not same:
            differ.append(
                f"KPI {row['kpi']} {row['period']} p{row['provider_id']} lot {row['lot']}"
            )
    return checked, len(differ), differ[:10]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def store_counts(engine: Engine) -> dict[str, int]:
    """The figures of a store generated earlier (--keep with an existing file)."""
    with engine.connect() as conn:

        def scalar(sql: str) -> int:
            return int(conn.execute(text(sql)).scalar() or 0)

        return {
            "visits": scalar("SELECT count(*) FROM visit"),
            "events": scalar("SELECT count(*) FROM call_event"),
            "care_hours": scalar("SELECT sum(delivered_minutes) FROM visit") // 60,
            "people": scalar("SELECT count(*) FROM person"),
        }


RUNS = 3


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=2250)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--keep", type=Path, help="SQLite file to write the year to and keep (reused if present)"
    )
    parser.add_argument("--baseline-budget", type=float, default=600.0)
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "year.db"
        url = args.database_url or f"sqlite:///{path}"
        reuse = args.database_url is None and args.keep is not None and args.keep.exists()
        if args.database_url is None and not reuse:
            upgrade(url)
        engine = make_engine(url)
        counts = store_counts(engine) if reuse else generate(engine, args.people)
        engine.dispose()
        engine = make_engine(url)
        time_ours(engine)  # one run to warm the page cache, as the baseline will find it
        runs = [time_ours(engine) for _ in range(RUNS)]
        ours_s = sorted(r[0] for r in runs)[RUNS // 2]
        _, measures, kpis = runs[0]
        print(
            f"ours: median {ours_s:.2f} s of {RUNS} runs "
            f"({', '.join(f'{r[0]:.2f}' for r in runs)}) for {measures.height:,} measure rows "
            f"and {kpis.height:,} KPI rows",
            flush=True,
        )
        baseline_s, note, base_m, base_k = time_baseline(engine, args.baseline_budget)
        checked, differ, examples = compare(measures, kpis, base_m, base_k)
        engine.dispose()
    ratio = baseline_s / ours_s
    print(f"baseline: {baseline_s:.1f} s ({note})")
    print(f"agreement: {checked - differ:,} of {checked:,} baseline figures match ours")
    for line in examples:
        print(f"  differs: {line}")
    print(
        f"visits {counts['visits']:,}, call-monitoring events {counts['events']:,}, "
        f"care hours {counts['care_hours']:,}"
    )
    print(f"ours {ours_s:.2f} s, baseline {baseline_s:.1f} s, ratio {ratio:.0f}x")
    print(f"target ours < {TARGET_OURS_S:g} s: {'met' if ours_s < TARGET_OURS_S else 'NOT met'}")
    print(f"target ratio >= {TARGET_RATIO:g}x: {'met' if ratio >= TARGET_RATIO else 'NOT met'}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "visits": counts["visits"],
                    "events": counts["events"],
                    "ours_s": round(ours_s, 3),
                    "baseline_s": round(baseline_s, 1),
                    "ratio": round(ratio, 1),
                    "baseline_note": note,
                    "people": args.people,
                    "care_hours": counts["care_hours"],
                    "figures_checked": checked,
                    "figures_differing": differ,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
