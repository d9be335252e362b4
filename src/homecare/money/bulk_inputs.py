"""A council's payment-run inputs for a date window, read in bulk as Polars frames: the
same visits, carers' minutes, rates, rules and hospital days `repository.run_inputs` gives
one provider at a time, for every provider at once, so `bulk_runs` can draft them all.

The two big tables are read with connectorx when the store is a file or a server, in
slices on several threads, as integers worked out by the store (a status as its number,
minutes between two moments), which are several times cheaper to hand over than text and
timestamps. Rates and rules come from the functions the product uses, once a distinct
contract and day. A visit's place and start (LSOA, postcode, bank holiday, night) matter
only to enhancements, so they are read only when asked for.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import BigInteger, Engine, Select, case, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from homecare.calendar import bank_holiday_name
from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.tables import Attendance, Visit
from homecare.market.rates import rate_book
from homecare.money.bulk_runs import HOSPITAL_DAYS, VISITS
from homecare.money.payment_rules import PaymentRules
from homecare.money.payment_runs import Adjustment, Period
from homecare.money.repository import LOOK_BACK, rules_book
from homecare.money.tables import PaymentAdjustment
from homecare.monitoring.data.sql import unindexed
from homecare.packages.tables import Package
from homecare.people.tables import Person

LONDON = "Europe/London"
SLICES = 4
"""Slices each big table is read in, concurrently: connectorx waits on the store."""
MICROSECONDS_A_MINUTE = 60_000_000
STATUSES = tuple(s.value for s in VisitStatus)


class epoch_us(FunctionElement[int]):
    """A stored moment as whole microseconds since 1970, exact (no floating point)."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_us)
def _epoch_us(element: epoch_us, compiler: SQLCompiler, **kw: Any) -> str:
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(EPOCH FROM {moment}) * 1000000 AS BIGINT)"


@compiles(epoch_us, "sqlite")
def _epoch_us_sqlite(element: epoch_us, compiler: SQLCompiler, **kw: Any) -> str:
    """SQLite keeps "2026-03-04 07:12:33.123456": whole seconds, then the microseconds."""
    moment = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%s', {moment}) AS INTEGER) * 1000000"
        f" + CAST(substr({moment}, 21, 6) AS INTEGER))"
    )


@dataclass(frozen=True)
class BulkInputs:
    """Every provider's visits in the window (`bulk_runs.VISITS`), their hospital days
    (`bulk_runs.HOSPITAL_DAYS`), and the rule sets the visits' `rules_id` index."""

    visits: pl.DataFrame
    hospital_days: pl.DataFrame
    rules: tuple[PaymentRules, ...]


def window_for(period: Period) -> tuple[date, date]:
    """The days a run of the period reads, as `repository.run_inputs` reads them."""
    return period.ends_on - timedelta(days=27) - LOOK_BACK, period.ends_on


def _connectorx_url(engine: Engine) -> str | None:
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


def _read(engine: Engine, statements: list[Select[Any]]) -> pl.DataFrame:
    """The statements' rows as one frame: connectorx on threads, or SQLAlchemy."""
    url = _connectorx_url(engine)
    texts = [str(s.compile(engine, compile_kwargs={"literal_binds": True})) for s in statements]
    if url is None:
        frames = []
        with engine.connect() as connection:
            for text in texts:
                result = connection.exec_driver_sql(text)
                names = list(result.keys())
                rows = [list(r) for r in result.fetchall()]
                frames.append(pl.DataFrame(rows or None, schema=names, orient="row"))
        return pl.concat(frames, how="diagonal_relaxed")
    import connectorx as cx

    def one(text: str) -> pl.DataFrame:
        return pl.from_arrow(cx.read_sql(url, text, return_type="arrow"))  # type: ignore[return-value]

    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        return pl.concat(list(pool.map(one, texts)), how="diagonal_relaxed")


def _cuts(low: int, high: int) -> list[tuple[int, int]]:
    """[low, high] in SLICES ranges, each from its first up to (not including) its last."""
    span = high - low + 1
    bounds = sorted({low + span * i // SLICES for i in range(SLICES)} | {high + 1})
    return list(pairwise(bounds))


def _ends(engine: Engine, column: Any) -> tuple[Any, Any] | None:
    """The column's least and greatest values, each one seek of its index."""
    with engine.connect() as connection:
        first = connection.scalar(select(func.min(column)))
        last = connection.scalar(select(func.max(column)))
    return None if first is None or last is None else (first, last)


def _sliced(
    engine: Engine, stmt: Any, column: Any, low: Any, high: Any, key: Any
) -> list[Select[Any]]:
    """The statement for `column` from low to high, in slices. Over most of the table a
    plain scan, sliced by the table's key, beats walking the column's index row by row;
    over a small part of it, the index is sliced."""
    whole = _ends(engine, column)
    keys = _ends(engine, key)
    if whole is not None and keys is not None and (high - low) * 2 > whole[1] - whole[0]:
        plain = unindexed(column)
        stmt = stmt.where(plain >= low, plain <= high)
        return [stmt.where(key >= a, key < b) for a, b in _cuts(int(keys[0]), int(keys[1]))]
    if isinstance(low, date):
        days = _cuts(0, (high - low).days)
        return [
            stmt.where(column >= low + timedelta(days=a), column < low + timedelta(days=b))
            for a, b in days
        ]
    return [stmt.where(column >= a, column < b) for a, b in _cuts(low, high)]


def _visits(
    engine: Engine, providers: list[int], first_day: date, last_day: date, places: bool
) -> pl.DataFrame:
    """The providers' visits in the window, each as integers; whose package is the
    council's is left to the caller (a join here costs the store more than the rows)."""
    status = case({s: i for i, s in enumerate(STATUSES)}, value=Visit.status, else_=len(STATUSES))
    cancelled = (Visit.status == VisitStatus.CANCELLED_BY_PERSON.value) & Visit.closed_at.is_not(
        None
    )
    code = (
        status * 8
        + case((Visit.closed_at.is_not(None), 4), else_=0)
        + case((Visit.band == "night", 2), else_=0)
        + case((Visit.source == "community", 1), else_=0)
    )
    notice = func.coalesce(
        case((cancelled, epoch_us(Visit.window_start) - epoch_us(Visit.closed_at))), literal(0)
    )
    columns: list[Any] = [
        Visit.id.label("visit_id"), Visit.provider_id, Visit.package_id, Visit.person_id,
        Visit.day, Visit.planned_minutes, Visit.carers, code.label("code"),
        notice.label("notice_us"),
    ]  # fmt: skip
    if places:
        columns.append(Visit.window_start)
    stmt = select(*columns).where(Visit.provider_id.in_(providers))
    return _read(engine, _sliced(engine, stmt, Visit.day, first_day, last_day, Visit.id))


def _stints(engine: Engine, low: int, high: int) -> pl.DataFrame:
    """Each carer's checked-in-to-checked-out microseconds at visits numbered low to high;
    a carer with only one of the two is no evidence and left out."""
    stmt: Any = select(
        Attendance.id.label("attendance_id"),
        Attendance.visit_id,
        (epoch_us(Attendance.checked_out_at) - epoch_us(Attendance.checked_in_at)).label("us"),
    ).where(Attendance.checked_in_at.is_not(None), Attendance.checked_out_at.is_not(None))
    return _read(engine, _sliced(engine, stmt, Attendance.visit_id, low, high, Attendance.id))


def read_inputs(
    engine: Engine, council_id: int, first_day: date, last_day: date, *, places: bool = True
) -> BulkInputs:
    """The council's visits from `first_day` to `last_day` for every provider, each with its
    carers' minutes, its day's rate and rules, as `run_inputs` gives one provider's. With
    `places` False, a visit's start, LSOA and postcode are left empty and its bank holiday
    false: only enhancements read them."""
    with Session(engine) as session:
        packages = pl.DataFrame(
            session.execute(
                select(Package.id, Package.provider_id, Package.contract_id).where(
                    Package.council_id == council_id
                )
            ).all(),
            schema={"package_id": pl.Int64, "provider_id": pl.Int64, "contract_id": pl.Int64},
            orient="row",
        )
        contracts = sorted(set(packages["contract_id"]))
        book = rules_book(session, contracts)
        rates = rate_book(session, contracts)
        people = pl.DataFrame(
            session.execute(select(Person.id, Person.lsoa_code, Person.postcode)).all(),
            schema={"person_id": pl.Int64, "lsoa": pl.String, "postcode": pl.String},
            orient="row",
        )
    providers = sorted(set(packages["provider_id"]))
    raw = _visits(engine, providers, first_day, last_day, places)
    raw = raw.with_columns(pl.col("visit_id", "provider_id", "package_id").cast(pl.Int64)).join(
        packages, on=["package_id", "provider_id"], maintain_order="left"
    )
    ids = raw["visit_id"] if raw.height else pl.Series([0])
    stints = _stints(engine, int(ids.min()), int(ids.max()))  # type: ignore[arg-type]
    return _assemble(raw, stints, people if places else None, book, rates)


def _assemble(
    raw: pl.DataFrame, stints: pl.DataFrame, people: pl.DataFrame | None, book: Any, rates: Any
) -> BulkInputs:
    ints = ("visit_id", "provider_id", "package_id", "person_id", "contract_id",
            "planned_minutes", "carers", "code", "notice_us")  # fmt: skip
    raw = raw.with_columns(pl.col(ints).cast(pl.Int64), pl.col("day").cast(pl.Date))
    minutes = (
        stints.select(pl.col("attendance_id", "visit_id", "us").cast(pl.Int64))
        .sort("visit_id", "attendance_id")
        .group_by("visit_id", maintain_order=True)
        .agg(actual_minutes=(pl.col("us") + 30_000_000) // MICROSECONDS_A_MINUTE)
    )
    keyed = raw.select("contract_id", "day").unique(maintain_order=True)
    chosen: dict[PaymentRules, int] = {}
    rate_of, rules_of = [], []
    for contract_id, day in keyed.iter_rows():
        rate_of.append(rates.rate(contract_id, day))
        rules_of.append(chosen.setdefault(book.on(contract_id, day), len(chosen)))
    keyed = keyed.with_columns(
        hourly_rate_pence=pl.Series(rate_of, dtype=pl.Int64),
        rules_id=pl.Series(rules_of, dtype=pl.Int64),
    )
    code = pl.col("code")
    status = (code // 8).replace_strict(range(len(STATUSES)), STATUSES, return_dtype=pl.String)
    cancelled = (status == VisitStatus.CANCELLED_BY_PERSON.value) & (code // 4 % 2 == 1)
    visits = (
        _with_minutes(raw, minutes)
        .join(keyed, on=["contract_id", "day"], maintain_order="left")
        .with_columns(
            status=status,
            notice_minutes=pl.when(cancelled).then(
                pl.max_horizontal(0, pl.col("notice_us") // MICROSECONDS_A_MINUTE)
            ),
            night=code // 2 % 2 == 1,
            community=code % 2 == 1,
        )
    )
    visits = _with_places(visits, people)
    visits = visits.select(pl.col(name).cast(kind) for name, kind in VISITS.items())
    hospital = (
        visits.filter(pl.col("status") == VisitStatus.HOSPITAL.value)
        .select(HOSPITAL_DAYS.keys())
        .unique(["provider_id", "package_id", "day"])
        .sort("provider_id", "package_id", "day")
    )
    if not visits["visit_id"].is_sorted():
        visits = visits.sort("visit_id")
    return BulkInputs(visits, hospital, tuple(chosen))


def _with_minutes(visits: pl.DataFrame, minutes: pl.DataFrame) -> pl.DataFrame:
    """Each visit's carers' minutes (none without evidence). Both in visit order, as read,
    they are matched by a binary search rather than a hash join of millions of rows."""
    ids, keys = visits["visit_id"], minutes["visit_id"]
    if not (ids.is_sorted() and keys.is_sorted()) or keys.len() == 0:
        return visits.join(minutes, on="visit_id", how="left", maintain_order="left")
    at = keys.search_sorted(ids).clip(0, keys.len() - 1)
    return (
        visits.with_columns(
            actual_minutes=minutes["actual_minutes"].gather(at), found=keys.gather(at) == ids
        )
        .with_columns(actual_minutes=pl.when("found").then("actual_minutes"))
        .drop("found")
    )


def _with_places(visits: pl.DataFrame, people: pl.DataFrame | None) -> pl.DataFrame:
    """Each visit's start in UTC, its person's LSOA and postcode, and whether it falls on a
    bank holiday in London; or none of them (and no bank holiday)."""
    if people is None:
        return visits.with_columns(
            starts_at=pl.lit(None, pl.Datetime("us", "UTC")),
            lsoa=pl.lit(None, pl.String),
            postcode=pl.lit(None, pl.String),
            bank_holiday=pl.lit(False),
        )
    start = pl.col("window_start")
    kind = visits.schema["window_start"]
    if kind == pl.String:
        start = start.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", time_zone="UTC")
    elif isinstance(kind, pl.Datetime) and kind.time_zone is None:
        start = start.dt.cast_time_unit("us").dt.replace_time_zone("UTC")
    else:
        start = start.dt.cast_time_unit("us").dt.convert_time_zone("UTC")
    visits = visits.with_columns(starts_at=start).with_columns(
        local_day=pl.col("starts_at").dt.convert_time_zone(LONDON).dt.date()
    )
    days = visits.select("local_day").unique()
    holidays = [bank_holiday_name(d) is not None for d in days["local_day"]]
    days = days.with_columns(bank_holiday=pl.Series(holidays, dtype=pl.Boolean))
    return visits.join(days, on="local_day", maintain_order="left").join(
        people, on="person_id", how="left", maintain_order="left"
    )


def approved_adjustments(engine: Engine, council_id: int) -> dict[int, list[Adjustment]]:
    """Each provider's approved hand-made adjustments, as `runs_service` gives `draft_run`."""
    made: dict[int, list[Adjustment]] = {}
    with Session(engine) as session:
        for a in session.scalars(
            select(PaymentAdjustment)
            .where(
                PaymentAdjustment.council_id == council_id,
                PaymentAdjustment.approved_at.is_not(None),
            )
            .order_by(PaymentAdjustment.id)
        ):
            made.setdefault(a.provider_id, []).append(
                Adjustment(
                    key=f"adjustment:{a.id}",
                    package_id=a.package_id,
                    reason=a.reason,
                    pence=a.pence,
                    by=f"user {a.requested_by_user_id}",
                    approved_by=f"user {a.approved_by_user_id}",
                )
            )
    return made
