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
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import polars as pl

from homecare.calendar import LONDON
from homecare.monitoring.data import Snapshot
from homecare.monitoring.definitions import BY_NUMBER, MEASURES, Split, unit_of
from homecare.monitoring.periods import Period, weekdays_in

TZ = "Europe/London"
DELIVERED = ("completed", "late", "short")
SCHEDULED_COUNTED = (*DELIVERED, "missed")
"""Visits KPI 7 counts: closed as delivered or missed (not person-led, not suspended)."""
TRAVEL_CAP_MINUTES = 60.0
"""A gap longer than this between two visits is a break, and counts as this much travel."""
KEYS = ("period", "provider_id", "lot")
ROW_SCHEMA: dict[str, Any] = {
    "measure": pl.Int64,
    "part": pl.String,
    "period": pl.String,
    "provider_id": pl.Int64,
    "lot": pl.Int64,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "unit": pl.String,
    "cases": pl.List(pl.Struct({"case_id": pl.Int64, "value": pl.Float64})),
}


# --- periods and groups ------------------------------------------------------------------


def periods_frame(periods: list[Period], as_of: datetime | None = None) -> pl.DataFrame:
    """One row per period; `as_at` is its last day, or today while it is not over."""
    today = as_of.astimezone(LONDON).date() if as_of is not None else None
    return pl.DataFrame(
        {
            "period": [p.label for p in periods],
            "start": [p.start for p in periods],
            "end": [p.end for p in periods],
            "as_at": [min(p.end, today) if today else p.end for p in periods],
            "weekdays": [weekdays_in(p) for p in periods],
        },
        schema={
            "period": pl.String,
            "start": pl.Date,
            "end": pl.Date,
            "as_at": pl.Date,
            "weekdays": pl.Int64,
        },
    )


def day_table(periods: list[Period]) -> pl.DataFrame:
    """Every day of every period with the period's label: the join that tags a fact."""
    frame = periods_frame(periods)
    return (
        frame.with_columns(_day=pl.date_ranges("start", "end"))
        .explode("_day")
        .select("_day", "period")
    )


def tag(frame: pl.DataFrame, day_column: str, days: pl.DataFrame) -> pl.DataFrame:
    """The frame's rows once per period containing their day (none outside them)."""
    return frame.join(days, left_on=day_column, right_on="_day", how="inner")


def local_day(column: str) -> pl.Expr:
    """The London date of a stored UTC moment."""
    return pl.col(column).dt.convert_time_zone(TZ).dt.date()


def groups(periods: list[Period], providers: list[int], lots: list[int] | None) -> pl.DataFrame:
    """Every row a measure reports: each period × (each provider, all) × (each lot, all)."""
    frame = pl.DataFrame({"period": [p.label for p in periods]}, schema={"period": pl.String})
    provider = pl.DataFrame({"provider_id": [*providers, None]}, schema={"provider_id": pl.Int64})
    lot = pl.DataFrame({"lot": [*(lots or []), None]}, schema={"lot": pl.Int64})
    return frame.join(provider, how="cross").join(lot, how="cross")


Aggregate = Callable[[pl.DataFrame, list[str]], pl.DataFrame]


def rollup(frame: pl.DataFrame, by_lot: bool, aggregate: Aggregate | list[pl.Expr]) -> pl.DataFrame:
    """Aggregates for provider × lot, provider, lot and total (or provider and total).

    Facts with no provider (a referral nobody took) count only in the all-provider rows.
    """
    levels: list[list[str]] = [["period", "provider_id"], ["period"]]
    if by_lot:
        levels = [
            ["period", "provider_id", "lot"],
            ["period", "provider_id"],
            ["period", "lot"],
            ["period"],
        ]
    run: Aggregate = (
        aggregate if callable(aggregate) else (lambda df, keys: df.group_by(keys).agg(aggregate))
    )
    parts = []
    for keys in levels:
        data = frame.filter(pl.col("provider_id").is_not_null()) if "provider_id" in keys else frame
        out = run(data, keys)
        missing = [pl.lit(None, pl.Int64).alias(k) for k in KEYS if k not in keys]
        parts.append(out.with_columns(missing).select(*KEYS, pl.exclude(KEYS)))
    return pl.concat(parts, how="vertical_relaxed")


def ratio(numerator: str, denominator: str, scale: float = 1.0) -> pl.Expr:
    """numerator / denominator × scale, or null when the denominator is zero."""
    den = pl.col(denominator)
    return pl.when(den > 0).then(pl.col(numerator) * scale / den).otherwise(None)


@dataclass(frozen=True)
class Figure:
    """One part's rows before they are laid on the grid of groups."""

    part: str
    rows: pl.DataFrame
    """KEYS, value, and numerator / denominator / cases when the part has them."""
    zero_when_empty: bool = True
    """Counts and sums are 0 for a group with no facts; means and ratios are empty."""


def figure(
    part: str,
    rolled: pl.DataFrame,
    value: pl.Expr,
    numerator: pl.Expr | None = None,
    denominator: pl.Expr | None = None,
    zero_when_empty: bool = True,
) -> Figure:
    columns = [*KEYS, value.alias("value")]
    if numerator is not None:
        columns.append(numerator.cast(pl.Float64).alias("numerator"))
    if denominator is not None:
        columns.append(denominator.cast(pl.Float64).alias("denominator"))
    if "cases" in rolled.columns:
        columns.append(pl.col("cases"))
    return Figure(part, rolled.select(columns), zero_when_empty)


# --- shared facts ------------------------------------------------------------------------


class Facts:
    """The snapshot with the joins and tags several measures share, each done once."""

    def __init__(self, snapshot: Snapshot, periods: list[Period], as_of: datetime | None) -> None:
        self.snapshot = snapshot
        self.periods = list(dict.fromkeys(periods))
        self.as_of = as_of
        self.days = day_table(self.periods)
        self.frame = periods_frame(self.periods, as_of)
        self._built: dict[str, pl.DataFrame] = {}

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


# --- demand: 1-4 --------------------------------------------------------------------------


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


# --- capacity: 5-11 -------------------------------------------------------------------------


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


# --- leading: 12-13 -----------------------------------------------------------------------


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


# --- lagging, this system: 14-24 -------------------------------------------------------------


def utc_offsets(first: float, last: float) -> list[tuple[float, float, int]]:
    """London's UTC offset over a span of epoch seconds, as runs of (from, to, seconds).

    Read from the time zone database hour by hour (the UK changes on the hour, in UTC),
    so that local days come from a few vectorised comparisons instead of converting
    millions of moments one by one.
    """
    hour = int(first // 3600) - 1
    end = int(last // 3600) + 1
    runs: list[tuple[float, float, int]] = []
    while hour <= end:
        moment = datetime.fromtimestamp(hour * 3600, UTC)
        offset = int(LONDON.utcoffset(moment).total_seconds())  # type: ignore[union-attr]
        if runs and runs[-1][2] == offset:
            runs[-1] = (runs[-1][0], (hour + 1) * 3600.0, offset)
        else:
            runs.append((hour * 3600.0, (hour + 1) * 3600.0, offset))
        hour += 1
    return runs


def london_day(seconds: str, frame: pl.DataFrame) -> pl.Expr:
    """The London date of whole epoch seconds in `frame`'s column `seconds`."""
    column = pl.col(seconds)
    if frame.height == 0:
        return pl.lit(None, pl.Date)
    offset: pl.Expr = pl.lit(0)
    low, high = frame[seconds].min(), frame[seconds].max()
    for start, stop, shift in utc_offsets(float(low), float(high)):  # type: ignore[arg-type]
        if shift:
            offset = offset + pl.when((column >= start) & (column < stop)).then(shift).otherwise(0)
    return ((column + offset) // 86400).cast(pl.Int32).cast(pl.Date)


LONGEST_STINT_SECONDS = 24 * 3600
"""A stint counts at most a day: a forgotten check-out is not days of care."""
LENGTH_BITS, START_BITS, WORKER_BITS = 17, 26, 20
"""The packed sort key: stint length in seconds (to 36 h), check-in in seconds after the
snapshot's first (about two years) and the care worker's id (about a million)."""


def ordered_stints(attendance: pl.DataFrame) -> pl.DataFrame:
    """Stints by worker, then check-in, then length: worker, check-in and length columns.

    Sorting one packed integer and unpacking it is much cheaper than sorting the frame
    by three columns; a snapshot too wide for the key is sorted the plain way.
    """
    checked_in = pl.col("checked_in_at")
    length = (pl.col("checked_out_at") - checked_in).clip(0, LONGEST_STINT_SECONDS)
    stints = attendance.select("care_worker_id", "checked_in_at", length=length)
    if stints.height == 0:
        return stints
    first, last, low, top = (
        int(v)
        for v in stints.select(
            checked_in.min(),
            checked_in.max().alias("last"),
            pl.col("care_worker_id").min(),
            pl.col("care_worker_id").max().alias("top"),
        ).row(0)
    )
    packable = low >= 0 and top < 2**WORKER_BITS and last - first < 2**START_BITS
    if not packable:
        return stints.sort("care_worker_id", "checked_in_at", "length")
    shift = 2 ** (START_BITS + LENGTH_BITS)
    key = (
        pl.col("care_worker_id") * shift + (checked_in - first) * 2**LENGTH_BITS + pl.col("length")
    )
    packed = pl.DataFrame({"key": stints.select(key).to_series().sort()})
    return packed.select(
        care_worker_id=pl.col("key") // shift,
        checked_in_at=(pl.col("key") // 2**LENGTH_BITS) % 2**START_BITS + first,
        length=pl.col("key") % 2**LENGTH_BITS,
    )


def travel_days(snapshot: Snapshot) -> pl.DataFrame:
    """Per care worker and London day: travel and direct-care minutes.

    From call monitoring where the day has check-ins and check-outs: a worker's stints
    in check-in order (then length order), each gap from a check-out to the next
    check-in capped at an hour (overlaps count nothing). Otherwise from the saved round
    for that worker and day. Moments are whole seconds.
    """
    stints = ordered_stints(snapshot.attendance)
    worker, day, checked_in = pl.col("care_worker_id"), pl.col("day"), pl.col("checked_in_at")
    same_day = (worker.shift(-1) == worker) & (day.shift(-1) == day)
    gap = ((checked_in.shift(-1) - checked_in - pl.col("length")) / 60).clip(
        0.0, TRAVEL_CAP_MINUTES
    )
    monitored = (
        stints.lazy()
        .with_columns(day=london_day("checked_in_at", stints))
        .with_columns(travel=pl.when(same_day).then(gap).otherwise(0.0), care=pl.col("length") / 60)
        .group_by("care_worker_id", "day")
        .agg(pl.col("travel").sum(), pl.col("care").sum())
        .collect()
    )
    rounds = (
        snapshot.rounds.join(monitored, on=["care_worker_id", "day"], how="anti")
        .group_by("care_worker_id", "day")
        .agg(travel=pl.col("travel_minutes").sum(), care=pl.col("contact_minutes").sum())
    )
    both = pl.concat([monitored, rounds], how="vertical_relaxed")
    return both.join(snapshot.care_workers, on="care_worker_id", how="inner")


def m14(f: Facts) -> list[Figure]:
    """Travel and direct-care minutes of the provider's care workers, summed per period."""
    days = f.tagged(travel_days(f.snapshot), "day").with_columns(lot=pl.lit(None, pl.Int64))
    rolled = rollup(
        days, False, [pl.col("travel").sum().alias("travel"), pl.col("care").sum().alias("care")]
    )
    return [
        figure("travel_hours", rolled, pl.col("travel") / 60),
        figure(
            "travel_minutes_per_care_hour",
            rolled.with_columns(care_hours=pl.col("care") / 60),
            ratio("travel", "care_hours"),
            pl.col("travel"),
            pl.col("care_hours"),
            zero_when_empty=False,
        ),
    ]


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


# --- lagging, the wider system: 25-29 ------------------------------------------------------


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


# --- the grid -----------------------------------------------------------------------------


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
