"""The 7 KPIs of Appendix 2 for every period and group, with the cases behind each miss.

KPIs 1-4 are the brokerage KPIs: each referral's outcome comes from the very rules in
`homecare.brokerage.kpi_rules.RULES` (calendar-aware, evaluated once per referral, which is
the only per-row Python here: a year has a few thousand referrals), so these figures
always agree with `/kpis/brokerage`; the counting by period and group is Polars. KPIs 5-7
are frames end to end. A KPI is counted per case (referral or visit) or per person
(KPIs 5 and 6), and every miss lists its referral, package or visit ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from homecare.brokerage.kpi_rules import RULES, ReferralFacts, exhausted_at
from homecare.monitoring.data import Snapshot
from homecare.monitoring.definitions import KPI_BY_NUMBER, KPIS, Split, rag
from homecare.monitoring.measures import KEYS, Facts, groups, local_day, rollup
from homecare.monitoring.periods import Period

KPI_ROW_SCHEMA: dict[str, Any] = {
    "kpi": pl.Int64,
    "period": pl.String,
    "provider_id": pl.Int64,
    "lot": pl.Int64,
    "eligible": pl.Int64,
    "met": pl.Int64,
    "value_pct": pl.Float64,
    "target_pct": pl.Float64,
    "rag": pl.String,
    "case_kind": pl.String,
    "missed_ids": pl.List(pl.Int64),
}


@dataclass(frozen=True)
class ReviewTimings:
    """When reviews fall due (`homecare.config.Settings`): KPIs 5 and 6 depend on it."""

    first_review_weeks: int = 6
    review_interval_weeks: int = 12


# --- per case ----------------------------------------------------------------------------


def _by_case(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """`outcome` True met, False missed, null not counted (out of scope or pending)."""
    outcome = pl.col("outcome")
    return frame.group_by(keys).agg(
        eligible=outcome.is_not_null().sum(),
        met=outcome.fill_null(False).sum(),
        missed_ids=pl.col("case_id").filter(~outcome).unique().sort(),
    )


def _by_person(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """A person is met when every case of theirs in the group is `ok`."""
    person_ok = pl.col("ok").all().over([*keys, "person_id"])
    return (
        frame.with_columns(person_ok=person_ok)
        .group_by(keys)
        .agg(
            eligible=pl.col("person_id").n_unique(),
            met=pl.col("person_id").filter(pl.col("person_ok")).n_unique(),
            missed_ids=pl.col("case_id").filter(~pl.col("ok")).unique().sort(),
        )
    )


def _first_round_answers(f: Facts) -> dict[int, list[datetime]]:
    """Each referral's first-round offers: when each was answered, or lapsed."""
    answered = f.snapshot.first_offers.select(
        "referral_id", at=pl.coalesce("responded_at", "respond_by")
    )
    grouped = answered.group_by("referral_id").agg(pl.col("at"))
    return dict(zip(grouped["referral_id"], grouped["at"].to_list(), strict=True))


def referral_outcomes(f: Facts, as_of: datetime) -> pl.DataFrame:
    """Referrals received in the periods with the brokerage rules' outcome for KPIs 1-4,
    each as at its period's own as-at."""
    names = f.snapshot.providers
    placed = f.snapshot.packages.select(
        "referral_id", "agreed_at", "starts_on", "provider_id"
    ).join(names, on="provider_id", how="left")
    referrals = f.tagged(
        f.snapshot.referrals.with_columns(referred_on=local_day("referred_at"))
        .join(placed, on="referral_id", how="left")
        .sort("referral_id"),
        "referred_on",
    )
    answers = _first_round_answers(f)
    facts = [
        ReferralFacts(
            referral_id=r["referral_id"],
            referred_at=r["referred_at"],
            priority=r["priority"],
            authorised_delay=bool(r["authorised_delay"]),
            lot=f"Lot {r['lot']}",
            status=r["status"],
            agreed_at=r["agreed_at"],
            start_on=r["starts_on"],
            provider=r["provider_name"],
            exhausted_at=exhausted_at(
                r["referred_at"],
                r["status"],
                r["cascade_round"],
                answers.get(r["referral_id"], []),
            ),
        )
        for r in referrals.iter_rows(named=True)
    ]
    moments = [f.as_of_for(p) or as_of for p in referrals["period"]]
    outcomes = [
        pl.Series(
            f"kpi_{n}",
            [rule(fact, at) for fact, at in zip(facts, moments, strict=True)],
            dtype=pl.Boolean,
        )
        for n, rule in RULES.items()
    ]
    return referrals.with_columns(outcomes)


def _referral_kpi(number: int) -> Callable[[Facts, datetime, ReviewTimings], pl.DataFrame]:
    def kpi(f: Facts, as_of: datetime, _timings: ReviewTimings) -> pl.DataFrame:
        outcomes = f.cached("referral_outcomes", lambda: referral_outcomes(f, as_of))
        cases = outcomes.select(
            *KEYS, case_id=pl.col("referral_id"), outcome=pl.col(f"kpi_{number}")
        )
        return rollup(cases, True, _by_case)

    return kpi


def _active_on_as_at(f: Facts, packages: pl.DataFrame) -> pl.DataFrame:
    """Packages active on each period's as-at day, once per period."""
    as_at = pl.col("as_at")
    return packages.join(f.frame, how="cross").filter(
        (pl.col("starts_on") <= as_at)
        & (pl.col("ends_on").is_null() | (pl.col("ends_on") >= as_at))
    )


def kpi5(f: Facts, _as_of: datetime, _timings: ReviewTimings) -> pl.DataFrame:
    """People whose active packages have no review overdue on the as-at day."""
    as_at = pl.col("as_at")
    overdue = (
        f.snapshot.reviews.join(f.frame, how="cross")
        .filter(
            (pl.col("due_on") < as_at) & (pl.col("done_on").is_null() | (pl.col("done_on") > as_at))
        )
        .select("period", "package_id")
        .unique()
        .with_columns(overdue=pl.lit(True))
    )
    cases = (
        _active_on_as_at(f, f.snapshot.packages)
        .join(overdue, on=["period", "package_id"], how="left")
        .select(*KEYS, "person_id", case_id="package_id", ok=pl.col("overdue").is_null())
    )
    return rollup(cases, True, _by_person)


def kpi6(f: Facts, _as_of: datetime, timings: ReviewTimings) -> pl.DataFrame:
    """Lot 1 people past their first review's due day, not opted out: rated recently?"""
    as_at = pl.col("as_at")
    first_due = pl.col("starts_on") + pl.duration(weeks=timings.first_review_weeks)
    lot_1 = _active_on_as_at(f, f.snapshot.packages.filter(pl.col("lot") == 1)).filter(
        first_due < as_at
    )
    done = (
        f.snapshot.reviews.filter(pl.col("done_on").is_not_null())
        .join(f.frame, how="cross")
        .filter(pl.col("done_on") <= as_at)
    )
    order = ["done_on", "recorded_at", "review_id"]
    latest = done.group_by("period", "package_id").agg(
        opted_out=pl.col("opted_out").sort_by(order, nulls_last=True).last()
    )
    since = as_at - pl.duration(weeks=timings.review_interval_weeks)
    rated = (
        done.filter(
            ~pl.col("opted_out") & pl.col("wellbeing").is_not_null() & (pl.col("done_on") >= since)
        )
        .select("period", "package_id")
        .unique()
        .with_columns(rated=pl.lit(True))
    )
    cases = (
        lot_1.join(latest, on=["period", "package_id"], how="left")
        .filter(~pl.col("opted_out").fill_null(False))
        .join(rated, on=["period", "package_id"], how="left")
        .select(*KEYS, "person_id", case_id="package_id", ok=pl.col("rated").is_not_null())
    )
    return rollup(cases, True, _by_person)


def kpi7(f: Facts, _as_of: datetime, _timings: ReviewTimings) -> pl.DataFrame:
    """Closed visits delivered or missed; met when delivered (from the shared visit pass)."""

    def aggregate(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        return frame.group_by(keys).agg(
            eligible=pl.col("scheduled").sum(),
            met=pl.col("delivered").sum(),
            missed_ids=pl.col("missed_ids")
            .list.explode(keep_nulls=False, empty_as_null=True)
            .drop_nulls()
            .sort(),
        )

    return rollup(f.visits, True, aggregate)


CALCULATIONS: dict[int, Callable[[Facts, datetime, ReviewTimings], pl.DataFrame]] = {
    1: _referral_kpi(1),
    2: _referral_kpi(2),
    3: _referral_kpi(3),
    4: _referral_kpi(4),
    5: kpi5,
    6: kpi6,
    7: kpi7,
}


def _grid(f: Facts, split: Split) -> pl.DataFrame:
    providers = f.snapshot.providers["provider_id"].to_list()
    lots = f.snapshot.lots["lot"].to_list()
    if split is Split.LOT_1_BY_PROVIDER:
        lots = [1] if 1 in lots else []
    return groups(f.periods, providers, lots)


def _with_values(number: int, rows: pl.DataFrame) -> pl.DataFrame:
    """Value, target and RAG, worked out as the brokerage KPIs round them (1 dp)."""
    definition = KPI_BY_NUMBER[number]
    values = [
        None if eligible == 0 else round(100.0 * met / eligible, 1)
        for met, eligible in zip(rows["met"], rows["eligible"], strict=True)
    ]
    colours = [rag(v, definition.target_pct) for v in values]
    return rows.with_columns(
        kpi=pl.lit(number, pl.Int64),
        value_pct=pl.Series(values, dtype=pl.Float64),
        target_pct=pl.lit(definition.target_pct),
        rag=pl.Series([c.value if c else None for c in colours], dtype=pl.String),
        case_kind=pl.lit(definition.case_kind),
    )


def compute_kpis(
    snapshot: Snapshot,
    periods: list[Period],
    *,
    as_of: datetime,
    timings: ReviewTimings | None = None,
    numbers: list[int] | None = None,
    facts: Facts | None = None,
) -> pl.DataFrame:
    """Rows per KPI, period and group (provider_id / lot null: all), as `KPI_ROW_SCHEMA`."""
    f = facts or Facts(snapshot, periods, as_of)
    chosen = timings or ReviewTimings()
    frames = []
    for definition in KPIS:
        if numbers is not None and definition.number not in numbers:
            continue
        rows = CALCULATIONS[definition.number](f, as_of, chosen)
        laid = _grid(f, definition.split).join(rows, on=list(KEYS), how="left", nulls_equal=True)
        filled = laid.with_columns(
            pl.col("eligible", "met").fill_null(0).cast(pl.Int64),
            pl.col("missed_ids").fill_null(pl.lit([], pl.List(pl.Int64))),
        )
        frames.append(_with_values(definition.number, filled))
    if not frames:
        return pl.DataFrame(schema=KPI_ROW_SCHEMA)
    return (
        pl.concat(frames, how="diagonal_relaxed")
        .select([pl.col(c).cast(t) for c, t in KPI_ROW_SCHEMA.items()])
        .sort("kpi", "period", "provider_id", "lot", nulls_last=True, maintain_order=True)
    )
