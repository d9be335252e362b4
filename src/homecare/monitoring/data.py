"""A snapshot of the store's tables as Polars frames: what the monitoring engine reads.

The engine never queries row by row. It takes one snapshot of the columns the measures
need, scoped to the actor's providers and to the dates asked for, and computes everything
from it. Given an Engine on a SQLite file or PostgreSQL, the tables are read with
connectorx straight into Arrow (the fastest path, reading what is committed); given a
Session or Connection, or a store connectorx cannot open (an in-memory SQLite), the same
SQL runs through SQLAlchemy on that connection, so a caller inside a transaction sees its
own writes. Both paths give frames of exactly the same schema (`SCHEMAS`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, Integer, Select, case, func, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from homecare.brokerage.tables import Referral
from homecare.delivery.tables import Attendance, Visit
from homecare.flex.tables import CommunityHours, HospitalStay, ProviderChange
from homecare.market.tables import Contract, Lot, Organisation
from homecare.packages.tables import Package
from homecare.quality.tables import (
    CaseStudy,
    Complaint,
    Incident,
    PeopleSurveyResponse,
    RefundCredit,
    SicknessAbsence,
    StaffingSpend,
    StaffMovement,
    StaffSurveyResponse,
    TrainingRecord,
)
from homecare.reviews.tables import Review
from homecare.rounds.tables import Round
from homecare.workforce.tables import CareWorker

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


class epoch_days(FunctionElement[int]):
    """A date as whole days since 1970-01-01, cheap for every store to hand over."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_days)
def _epoch_days(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


class unindexed(FunctionElement[Any]):
    """A column SQLite must not answer from its index: over a long window a plain scan
    of the table is several times faster than walking the index row by row."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


class epoch_seconds(FunctionElement[int]):
    """A stored moment as whole seconds since the Unix epoch (fractions dropped).

    Call monitoring is read to the second: plenty for minutes of travel, and half the
    cost of carrying the microseconds out of SQLite.
    """

    type = Integer()
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_seconds(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"unixepoch({compiler.process(element.clauses, **kw)})"


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
    attendance: pl.DataFrame
    rounds: pl.DataFrame
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
    },
    "visits": {
        "package_id": I64,
        "day": DATE,
        "status": STATUS,
        "community": BOOL,
        "minutes": I64,
    },
    "missed_visits": {"visit_id": I64, "package_id": I64, "day": DATE},
    "attendance": {
        "care_worker_id": I64,
        "checked_in_at": I64,
        "checked_out_at": I64,
    },
    "rounds": {
        "care_worker_id": I64,
        "day": DATE,
        "travel_minutes": F64,
        "contact_minutes": F64,
    },
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

A visit's `minutes` are its delivered minutes once delivery is recorded (measure 6), and
its planned minutes × carers while none is, as for a visit a hospital stay suspended
(measure 8); its `community` says the place was outside the home. The missed visits come
again with their ids (KPI 7 lists them), read through the status index. Attendance
moments are whole seconds since the Unix epoch (UTC), which every store hands over quickly.
"""
VISITS_READ = {"package_id": I64, "day": I64, "code": I64, "minutes": I64}
"""The visits as the SQL reads them: the status and place folded into one small code."""

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

    Visits may carry their `visit_id`, from which the missed visits are taken.
    """
    visits = frames.get("visits")
    if visits is not None and "missed_visits" not in frames and "visit_id" in visits.columns:
        frames["missed_visits"] = visits.filter(pl.col("status") == "missed")
    built = {}
    for f in fields(Snapshot):
        given = frames.get(f.name)
        built[f.name] = empty_frame(f.name) if given is None else conform(given, SCHEMAS[f.name])
    return Snapshot(**built)


# --- the SQL for each frame ----------------------------------------------------------------


def _in_providers(column: Any, scope: Scope) -> Any:
    return true() if scope.provider_ids is None else column.in_(scope.provider_ids)


def _scoped_packages(scope: Scope) -> Select[Any]:
    stmt = select(Package.id)
    if scope.council_id is not None:
        stmt = stmt.where(Package.council_id == scope.council_id)
    if scope.provider_ids is not None:
        stmt = stmt.where(Package.provider_id.in_(scope.provider_ids))
    return stmt


def _moment(day: date) -> datetime:
    """Midnight UTC of a day: the stored moments a padded London-date range compares with."""
    return datetime.combine(day, time(0), UTC)


def _statements(scope: Scope, window: Window) -> dict[str, Select[Any]]:
    s, e = window.start, window.end
    first, after = _moment(s - timedelta(days=1)), _moment(e + timedelta(days=2))
    workers = select(CareWorker.id).where(_in_providers(CareWorker.provider_id, scope))

    def by_council(stmt: Any, column: Any) -> Any:
        return stmt if scope.council_id is None else stmt.where(column == scope.council_id)

    packages: Any = select(
        Package.id.label("package_id"),
        Package.council_id,
        Package.person_id,
        Package.provider_id,
        Lot.number.label("lot"),
        Package.referral_id,
        Package.weekly_minutes,
        Package.starts_on,
        Package.ends_on,
        Package.agreed_at,
    ).join(Lot, Lot.id == Package.lot_id)
    packages = by_council(packages, Package.council_id).where(
        _in_providers(Package.provider_id, scope)
    )
    referrals: Any = select(
        Referral.id.label("referral_id"),
        Lot.number.label("lot"),
        Referral.priority,
        Referral.authorised_delay,
        Referral.status,
        Referral.referred_at,
    ).join(Lot, Lot.id == Referral.lot_id)
    referrals = by_council(referrals, Referral.council_id)
    if not scope.all_referrals and scope.provider_ids is not None:
        placed = select(Package.referral_id).where(Package.provider_id.in_(scope.provider_ids))
        referrals = referrals.where(Referral.id.in_(placed))
    contracts = select(Contract.lot_id).where(_in_providers(Contract.provider_id, scope))
    if scope.council_id is not None:
        contracts = contracts.where(Contract.council_id == scope.council_id)
    providers = select(
        Organisation.id.label("provider_id"), Organisation.name.label("provider_name")
    ).where(Organisation.kind == "provider", _in_providers(Organisation.id, scope))
    if scope.council_id is not None:
        contracted = select(Contract.provider_id).where(Contract.council_id == scope.council_id)
        providers = providers.where(Organisation.id.in_(contracted))

    def dated(model: Any, column: Any, *cols: Any) -> Select[Any]:
        return select(*cols).where(
            _in_providers(model.provider_id, scope), column >= s, column <= e
        )

    def overlapping(model: Any, first_col: Any, last_col: Any, *cols: Any) -> Select[Any]:
        return select(*cols).where(
            _in_providers(model.provider_id, scope), first_col <= e, last_col >= s
        )

    return {
        "providers": providers,
        "lots": select(Lot.number.label("lot")).where(Lot.id.in_(contracts)).distinct(),
        "packages": packages,
        "referrals": referrals,
        "visits": _visits(scope, window),
        "missed_visits": _missed_visits(scope, window),
        "attendance": select(
            Attendance.care_worker_id,
            epoch_seconds(Attendance.checked_in_at).label("checked_in_at"),
            epoch_seconds(Attendance.checked_out_at).label("checked_out_at"),
        ).where(
            Attendance.checked_in_at.is_not(None),
            Attendance.checked_out_at.is_not(None),
            Attendance.checked_in_at >= first,
            Attendance.checked_in_at < after,
            true() if scope.provider_ids is None else Attendance.care_worker_id.in_(workers),
        ),
        "rounds": select(
            Round.care_worker_id, Round.day, Round.travel_minutes, Round.contact_minutes
        ).where(_in_providers(Round.provider_id, scope), Round.day >= s, Round.day <= e),
        "care_workers": select(CareWorker.id.label("care_worker_id"), CareWorker.provider_id).where(
            _in_providers(CareWorker.provider_id, scope)
        ),
        "staff_movements": select(
            StaffMovement.provider_id,
            StaffMovement.care_worker_id,
            StaffMovement.kind,
            StaffMovement.on,
        ).where(_in_providers(StaffMovement.provider_id, scope)),
        "sickness": overlapping(
            SicknessAbsence,
            SicknessAbsence.first_day,
            SicknessAbsence.last_day,
            SicknessAbsence.provider_id,
            SicknessAbsence.first_day,
            SicknessAbsence.last_day,
            SicknessAbsence.working_days,
        ),
        "training": dated(
            TrainingRecord,
            TrainingRecord.completed_on,
            TrainingRecord.provider_id,
            TrainingRecord.completed_on,
            TrainingRecord.hours,
        ),
        "staff_survey": dated(
            StaffSurveyResponse,
            StaffSurveyResponse.answered_on,
            StaffSurveyResponse.provider_id,
            StaffSurveyResponse.answered_on,
            StaffSurveyResponse.job_satisfaction,
            StaffSurveyResponse.morale,
        ),
        "people_survey": dated(
            PeopleSurveyResponse,
            PeopleSurveyResponse.answered_on,
            PeopleSurveyResponse.provider_id,
            PeopleSurveyResponse.respondent,
            PeopleSurveyResponse.answered_on,
            PeopleSurveyResponse.what_matters_understood,
            PeopleSurveyResponse.supported_by_carers,
            PeopleSurveyResponse.unpaid_carer_supported,
        ),
        "case_studies": dated(
            CaseStudy,
            CaseStudy.occurred_on,
            CaseStudy.provider_id,
            CaseStudy.kind,
            CaseStudy.occurred_on,
        ),
        "complaints": dated(
            Complaint, Complaint.received_on, Complaint.provider_id, Complaint.received_on
        ),
        "incidents": dated(
            Incident, Incident.occurred_on, Incident.provider_id, Incident.occurred_on
        ),
        "refunds": dated(
            RefundCredit,
            RefundCredit.issued_on,
            RefundCredit.provider_id,
            RefundCredit.issued_on,
            RefundCredit.amount_pence,
        ),
        "spend": overlapping(
            StaffingSpend,
            StaffingSpend.period_start,
            StaffingSpend.period_end,
            StaffingSpend.provider_id,
            StaffingSpend.period_start,
            StaffingSpend.period_end,
            StaffingSpend.direct_staff_pence.label("direct_pence"),
            StaffingSpend.indirect_staff_pence.label("indirect_pence"),
            StaffingSpend.total_spend_pence.label("total_pence"),
        ),
        "reviews": select(
            Review.id.label("review_id"),
            Review.package_id,
            Review.due_on,
            Review.done_on,
            Review.recorded_at,
            Review.wellbeing,
            Review.home,
            Review.community,
            Review.opted_out,
        ).where(Review.package_id.in_(_scoped_packages(scope))),
        "changes": select(
            ProviderChange.id.label("change_id"),
            ProviderChange.package_id,
            ProviderChange.from_weekly_minutes,
            ProviderChange.to_weekly_minutes,
            ProviderChange.within_parameters,
            ProviderChange.status,
            ProviderChange.effective_from,
            ProviderChange.decided_at,
            ProviderChange.decided_weekly_minutes,
        ).where(ProviderChange.package_id.in_(_scoped_packages(scope))),
        "community_hours": select(
            CommunityHours.id.label("community_hours_id"),
            CommunityHours.package_id,
            CommunityHours.ends_on,
            CommunityHours.outcome,
        ).where(
            CommunityHours.package_id.in_(_scoped_packages(scope)),
            CommunityHours.ends_on >= s,
            CommunityHours.ends_on <= e,
        ),
        "hospital_stays": select(
            HospitalStay.id.label("stay_id"),
            HospitalStay.package_id,
            HospitalStay.admitted_at,
            HospitalStay.discharged_at,
        ).where(
            HospitalStay.package_id.in_(_scoped_packages(scope)),
            HospitalStay.admitted_at < after,
            or_(HospitalStay.discharged_at.is_(None), HospitalStay.discharged_at >= first),
        ),
    }


def _visit_day(scope: Scope, window: Window) -> Any:
    """The visit's day, kept off SQLite's day index over a long window of many providers:
    there a scan of the table (or the status index, for missed visits) is much faster."""
    few_providers = scope.provider_ids is not None and len(scope.provider_ids) <= 4
    long_window = (window.end - window.start).days >= LONG_WINDOW_DAYS
    return unindexed(Visit.day) if long_window and not few_providers else Visit.day


def _missed_visits(scope: Scope, window: Window) -> Any:
    day = _visit_day(scope, window)
    return select(Visit.id.label("visit_id"), Visit.package_id, Visit.day).where(
        Visit.status == "missed",
        _in_providers(Visit.provider_id, scope),
        day >= window.start,
        day <= window.end,
    )


def _visits(scope: Scope, window: Window) -> Select[Any]:
    """The visits in the window, each as four small numbers."""
    code = case(
        {status: i for i, status in enumerate(VISIT_STATUSES)},
        value=Visit.status,
        else_=VISIT_STATUSES.index("unknown"),
    ) + case((Visit.place_kind == "community", COMMUNITY_BIT), else_=0)
    minutes = func.coalesce(Visit.delivered_minutes, Visit.planned_minutes * Visit.carers)
    day = _visit_day(scope, window)
    return select(
        Visit.package_id,
        epoch_days(Visit.day).label("day"),
        code.label("code"),
        minutes.label("minutes"),
    ).where(
        _in_providers(Visit.provider_id, scope),
        day >= window.start,
        day <= window.end,
    )


def decode_visits(frame: pl.DataFrame) -> pl.DataFrame:
    """Visits as read (`VISITS_READ`) to the snapshot's schema."""
    code = pl.col("code")
    return frame.select(
        pl.col("package_id"),
        pl.col("day").cast(pl.Int32).cast(DATE),
        (code % COMMUNITY_BIT)
        .replace_strict(list(range(len(VISIT_STATUSES))), list(VISIT_STATUSES), return_dtype=STATUS)
        .alias("status"),
        (code >= COMMUNITY_BIT).alias("community"),
        pl.col("minutes"),
    )


# --- reading -----------------------------------------------------------------------------


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


def _connectorx_url(engine: Engine) -> str | None:
    """A URL connectorx can open for this engine, or None to read through SQLAlchemy."""
    url = engine.url
    backend = url.get_backend_name()
    if backend == "sqlite":
        database = url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return f"sqlite://{Path(database).resolve()}"
    if backend == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    return None


Reader = Callable[[str, str], pl.DataFrame]


def _connectorx_reader(url: str) -> Reader:
    import connectorx as cx

    def read(name: str, sql: str) -> pl.DataFrame:
        table = cx.read_sql(url, sql, return_type="arrow")
        return _as_read(name, pl.from_arrow(table))  # type: ignore[arg-type]

    return read


def _sqlalchemy_reader(connection: Connection) -> Reader:
    def read(name: str, sql: str) -> pl.DataFrame:
        result = connection.exec_driver_sql(sql)
        names = list(_read_schema(name))
        rows = result.fetchall()
        columns = {n: [row[i] for row in rows] for i, n in enumerate(names)}
        frame = (
            pl.DataFrame(columns, strict=False) if rows else pl.DataFrame(schema=_read_schema(name))
        )
        return _as_read(name, frame)

    return read


def _read_schema(name: str) -> dict[str, Any]:
    return VISITS_READ if name == "visits" else SCHEMAS[name]


def _as_read(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    typed = conform(frame, _read_schema(name))
    return decode_visits(typed) if name == "visits" else typed


def _compiled(stmt: Select[Any], engine: Engine) -> str:
    return str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))


SPLIT = {"visits": Visit.id, "attendance": Attendance.id}
"""The big tables, read in slices of their primary key so that both cores stay busy."""
SLICES = 2
READERS = 4
"""Concurrent connectorx reads: more than the cores, as each read waits on its store."""


def _slices(engine: Engine, name: str, stmt: Select[Any]) -> list[Select[Any]]:
    """The statement cut into primary-key ranges (a seek each; no scan is repeated)."""
    key = SPLIT[name]
    with engine.connect() as connection:
        low, high = connection.execute(select(func.min(key), func.max(key))).one()
    if low is None:
        return [stmt]
    step = (high - low) // SLICES + 1
    return [stmt.where(key >= low + i * step, key < low + (i + 1) * step) for i in range(SLICES)]


def _read_fast(engine: Engine, url: str, statements: dict[str, Select[Any]]) -> Snapshot:
    reader = _connectorx_reader(url)
    jobs: list[tuple[str, str]] = []
    for name in sorted(statements, key=lambda n: n not in SPLIT):
        pieces = _slices(engine, name, statements[name]) if name in SPLIT else [statements[name]]
        jobs.extend((name, _compiled(piece, engine)) for piece in pieces)
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        futures = [(name, pool.submit(reader, name, sql)) for name, sql in jobs]
        read: dict[str, list[pl.DataFrame]] = {}
        for name, future in futures:
            read.setdefault(name, []).append(future.result())
    return _linked({name: pl.concat(parts) for name, parts in read.items()})


def load_snapshot(
    source: Engine | Session | Connection, *, scope: Scope, window: Window
) -> Snapshot:
    """Every frame for the scope and window, read in one go (concurrently with connectorx).

    Package-linked frames keep only rows whose package is in the scope, which is how a
    council's figures leave out another council's packages at a shared provider.
    """
    statements = _statements(scope, window)
    if isinstance(source, Engine):
        url = _connectorx_url(source)
        if url is not None:
            return _read_fast(source, url, statements)
        with source.connect() as connection:
            return _read_all(connection, statements)
    connection = source.connection() if isinstance(source, Session) else source
    return _read_all(connection, statements)


def _read_all(connection: Connection, statements: dict[str, Select[Any]]) -> Snapshot:
    reader = _sqlalchemy_reader(connection)
    engine = connection.engine
    return _linked({n: reader(n, _compiled(stmt, engine)) for n, stmt in statements.items()})


def _linked(frames: dict[str, pl.DataFrame]) -> Snapshot:
    packages = frames["packages"].select("package_id")
    for name in PACKAGE_LINKED:
        frames[name] = frames[name].join(packages, on="package_id", how="semi")
    return Snapshot(**frames)
