"""The snapshot's frames and their types, whichever store and path they were read from."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import polars as pl

UTC_TIME = pl.Datetime("us", "UTC")
I64, F64, STR, BOOL, DATE = pl.Int64, pl.Float64, pl.String, pl.Boolean, pl.Date
VISIT_STATUSES = (
    "completed",
    "late",
    "short",
    "cancelled_by_person",
    "missed",
    "hospital",
    "not_at_home",
    "planned",
    "in_progress",
    "unknown",
)
"""Most frequent first: SQLite tries the CASE's branches in this order for every visit."""
STATUS = pl.Enum(VISIT_STATUSES)
COMMUNITY_BIT = 16
"""Added to a visit's status code when its place is the community (measure 6)."""
LONG_WINDOW_DAYS = 56
"""Beyond this a whole-table scan of the visits beats SQLite's walk of the day index."""


@dataclass(frozen=True)
class Scope:
    """Whose records: one council's (or every council's) and some providers (or all).

    The service resolves an actor to a scope; the snapshot holds nothing outside it.
    """

    council_id: int | None = None
    provider_ids: tuple[int, ...] | None = None
    """None: every provider; otherwise only these providers' records count."""
    all_referrals: bool = True
    """True: every referral of the council(s) counts, placed or not (KPI 1 must see the
    referrals nobody took); False: only referrals placed with the providers in scope."""


EVERYTHING = Scope()


@dataclass(frozen=True)
class Window:
    """The first and last days (London) the periods asked for cover."""

    start: date
    end: date


@dataclass(frozen=True)
class Snapshot:
    """The store's rows the measures and KPIs read, one frame per table."""

    providers: pl.DataFrame
    lots: pl.DataFrame
    packages: pl.DataFrame
    referrals: pl.DataFrame
    visits: pl.DataFrame
    missed_visits: pl.DataFrame
    worked_days: pl.DataFrame
    first_offers: pl.DataFrame
    care_workers: pl.DataFrame
    staff_movements: pl.DataFrame
    sickness: pl.DataFrame
    training: pl.DataFrame
    staff_survey: pl.DataFrame
    people_survey: pl.DataFrame
    case_studies: pl.DataFrame
    complaints: pl.DataFrame
    incidents: pl.DataFrame
    refunds: pl.DataFrame
    spend: pl.DataFrame
    reviews: pl.DataFrame
    changes: pl.DataFrame
    community_hours: pl.DataFrame
    hospital_stays: pl.DataFrame


SCHEMAS: dict[str, dict[str, Any]] = {
    "providers": {"provider_id": I64, "provider_name": STR},
    "lots": {"lot": I64},
    "packages": {
        "package_id": I64,
        "council_id": I64,
        "person_id": I64,
        "provider_id": I64,
        "lot": I64,
        "referral_id": I64,
        "weekly_minutes": I64,
        "starts_on": DATE,
        "ends_on": DATE,
        "agreed_at": UTC_TIME,
    },
    "referrals": {
        "referral_id": I64,
        "lot": I64,
        "priority": BOOL,
        "authorised_delay": STR,
        "status": STR,
        "referred_at": UTC_TIME,
        "cascade_round": I64,
    },
    "visits": {
        "package_id": I64,
        "day": DATE,
        "status": STATUS,
        "community": BOOL,
        "minutes": I64,
    },
    "missed_visits": {"visit_id": I64, "package_id": I64, "day": DATE},
    "worked_days": {
        "care_worker_id": I64,
        "day": DATE,
        "travel_minutes": F64,
        "care_minutes": F64,
    },
    "first_offers": {"referral_id": I64, "responded_at": UTC_TIME, "respond_by": UTC_TIME},
    "care_workers": {"care_worker_id": I64, "provider_id": I64},
    "staff_movements": {"provider_id": I64, "care_worker_id": I64, "kind": STR, "on": DATE},
    "sickness": {
        "provider_id": I64,
        "first_day": DATE,
        "last_day": DATE,
        "working_days": I64,
    },
    "training": {"provider_id": I64, "completed_on": DATE, "hours": F64},
    "staff_survey": {
        "provider_id": I64,
        "answered_on": DATE,
        "job_satisfaction": I64,
        "morale": I64,
    },
    "people_survey": {
        "provider_id": I64,
        "respondent": STR,
        "answered_on": DATE,
        "what_matters_understood": BOOL,
        "supported_by_carers": BOOL,
        "unpaid_carer_supported": BOOL,
    },
    "case_studies": {"provider_id": I64, "kind": STR, "occurred_on": DATE},
    "complaints": {"provider_id": I64, "received_on": DATE},
    "incidents": {"provider_id": I64, "occurred_on": DATE},
    "refunds": {"provider_id": I64, "issued_on": DATE, "amount_pence": I64},
    "spend": {
        "provider_id": I64,
        "period_start": DATE,
        "period_end": DATE,
        "direct_pence": I64,
        "indirect_pence": I64,
        "total_pence": I64,
    },
    "reviews": {
        "review_id": I64,
        "package_id": I64,
        "due_on": DATE,
        "done_on": DATE,
        "recorded_at": UTC_TIME,
        "wellbeing": I64,
        "home": I64,
        "community": I64,
        "opted_out": BOOL,
    },
    "changes": {
        "change_id": I64,
        "package_id": I64,
        "from_weekly_minutes": I64,
        "to_weekly_minutes": I64,
        "within_parameters": BOOL,
        "status": STR,
        "effective_from": DATE,
        "decided_at": UTC_TIME,
        "decided_weekly_minutes": I64,
    },
    "community_hours": {
        "community_hours_id": I64,
        "package_id": I64,
        "ends_on": DATE,
        "outcome": STR,
    },
    "hospital_stays": {
        "stay_id": I64,
        "package_id": I64,
        "admitted_at": UTC_TIME,
        "discharged_at": UTC_TIME,
    },
}
"""Every frame's columns and types, whichever path read it.

The first offers are each referral's first round (KPI 1 keeps a miss from when that
round ended with no provider taking it). Travel is only what call monitoring saw (the
worked days); a saved round plan's travel is a planning figure and is not read here.
A visit's `minutes` are its delivered minutes once delivery is recorded (measure 6), and
its planned minutes × carers while none is, as for a visit a hospital stay suspended
(measure 8); its `community` says the place was outside the home. The missed visits come
again with their ids (KPI 7 lists them), read through the status index. Attendance
moments are whole seconds since the Unix epoch (UTC), which every store hands over quickly.
"""
VISITS_READ = {"package_id": I64, "packed": I64}
"""The visits as the SQL reads them: the day, the minutes and a small code for the status
and place packed into one integer (`packed_visit`), as every column a store hands over
costs about as much as the arithmetic that folds it into another."""
CODE_SPAN = 32
DAY_SPAN = 2**17
"""Days since 1970 below 2**17 (to the year 2328); minutes sit above them, unbounded."""

PACKAGE_LINKED = (
    "visits",
    "missed_visits",
    "reviews",
    "changes",
    "community_hours",
    "hospital_stays",
)
"""Frames kept only where their package is in the snapshot (the council's, the provider's)."""


def empty_frame(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[name])


def snapshot_of(**frames: pl.DataFrame) -> Snapshot:
    """A snapshot from hand-built frames; tables not given are empty. For tests.

    Visits may carry their `visit_id`, from which the missed visits are taken; referrals
    without a `cascade_round` are in their first round.
    """
    visits = frames.get("visits")
    if visits is not None and "missed_visits" not in frames and "visit_id" in visits.columns:
        frames["missed_visits"] = visits.filter(pl.col("status") == "missed")
    referrals = frames.get("referrals")
    if referrals is not None:
        first = pl.lit(1, I64)
        if "cascade_round" in referrals.columns:
            first = pl.col("cascade_round").fill_null(first)
        frames["referrals"] = referrals.with_columns(cascade_round=first)
    built = {}
    for f in fields(Snapshot):
        given = frames.get(f.name)
        built[f.name] = empty_frame(f.name) if given is None else conform(given, SCHEMAS[f.name])
    return Snapshot(**built)


def conform(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """The frame in the snapshot's types, whatever the driver handed back.

    SQLite through SQLAlchemy gives text for dates and moments and 0/1 for booleans;
    connectorx gives naive UTC moments from SQLite and aware ones from PostgreSQL.
    """
    return frame.select(_conformed(name, frame.schema[name], t) for name, t in schema.items())


def _conformed(name: str, current: Any, target: Any) -> pl.Expr:
    column = pl.col(name)
    if target == DATE and current == STR:
        return column.str.slice(0, 10).str.to_date("%Y-%m-%d")
    if target == DATE and isinstance(current, pl.Datetime):
        return column.dt.date()
    if target == UTC_TIME and current == STR:
        return column.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC")
    if target == UTC_TIME and isinstance(current, pl.Datetime):
        if current.time_zone is None:
            return column.dt.cast_time_unit("us").dt.replace_time_zone("UTC")
        return column.dt.cast_time_unit("us").dt.convert_time_zone("UTC")
    if target == I64 and isinstance(current, pl.Datetime):
        zoned = column if current.time_zone else column.dt.replace_time_zone("UTC")
        return zoned.dt.epoch("s")
    return column.cast(target)
