"""Monitoring for an actor: who may see which rows, and the return for a period.

The scoping lives here, not in the routes, so that the API and the returns writer give
the same rows to the same person: a provider manager sees only their own provider (any
other provider's id is "not found"), council staff see every provider contracted with
their council and the totals, the platform sees everything, and any other role is
refused. `compute_return` is the one call a returns writer needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from homecare.access import Actor, Role
from homecare.as_at import AsAt, as_at_for
from homecare.calendar import local_date
from homecare.config import Settings, get_settings
from homecare.errors import Forbidden, NotFound
from homecare.market.repository import readable_contracts
from homecare.market.tables import Contract, Lot, Organisation
from homecare.monitoring.data import Scope, Window, load_snapshot
from homecare.monitoring.definitions import (
    BY_NUMBER,
    KPI_BY_NUMBER,
    KPIS,
    MEASURES,
    RAG_RULE,
    KpiDefinition,
    MeasureDefinition,
)
from homecare.monitoring.kpis import ReviewTimings, compute_kpis
from homecare.monitoring.measures import Facts, compute_measures
from homecare.monitoring.periods import (
    EXAMPLES,
    Period,
    PeriodKind,
    parse_period,
    periods_of_year,
    previous_period,
)
from homecare.monitoring.schemas import (
    CaseValue,
    DefinitionsOut,
    KpiDefinitionOut,
    KpiRow,
    KpisReport,
    MeasureDefinitionOut,
    MeasureReport,
    MeasureRow,
    MeasuresReport,
    Misses,
    MonitoringReturn,
    PartOut,
    PeriodOut,
    ProviderOut,
)

Source = Engine | Session | Connection
DECIMALS = 4
"""Figures are given to four decimal places; counts come out whole."""


# --- who sees what -----------------------------------------------------------------------


def require_monitoring(actor: Actor) -> None:
    """Council staff, provider managers and the platform; nobody else."""
    if actor.is_system or actor.is_council or actor.role is Role.PROVIDER_MANAGER:
        return
    raise Forbidden(f"the {actor.role.value} role may not see monitoring returns")


def resolve_scope(session: Session, actor: Actor, provider_id: int | None = None) -> Scope:
    """The records the actor may count, narrowed to one provider when asked.

    A provider that is not the actor's to see is "not found", exactly like a missing one.
    """
    require_monitoring(actor)
    if actor.role is Role.PROVIDER_MANAGER:
        own = actor.organisation_id
        if own is None or (provider_id is not None and provider_id != own):
            raise NotFound(f"provider {provider_id} not found")
        return Scope(provider_ids=(own,), all_referrals=False)
    if actor.is_council:
        contracted = session.scalars(
            readable_contracts(actor).with_only_columns(Contract.provider_id)
        )
        providers = tuple(sorted(set(contracted)))
        if provider_id is not None and provider_id not in providers:
            raise NotFound(f"provider {provider_id} not found")
        if provider_id is None:
            return Scope(council_id=actor.organisation_id, provider_ids=providers)
        return Scope(
            council_id=actor.organisation_id, provider_ids=(provider_id,), all_referrals=False
        )
    if provider_id is None:
        return Scope()
    kind = session.scalar(select(Organisation.kind).where(Organisation.id == provider_id))
    if kind != "provider":
        raise NotFound(f"provider {provider_id} not found")
    return Scope(provider_ids=(provider_id,), all_referrals=False)


def _check_lot(session: Session, scope: Scope, lot: int | None) -> None:
    if lot is None:
        return
    stmt = select(Lot.number).join(Contract, Contract.lot_id == Lot.id)
    if scope.council_id is not None:
        stmt = stmt.where(Contract.council_id == scope.council_id)
    if scope.provider_ids is not None:
        stmt = stmt.where(Contract.provider_id.in_(scope.provider_ids))
    if lot not in set(session.scalars(stmt)):
        raise NotFound(f"lot {lot} not found")


@contextmanager
def _session(source: Source) -> Iterator[Session]:
    if isinstance(source, Session):
        yield source
        return
    with Session(bind=source) as session:
        yield session


# --- computing -----------------------------------------------------------------------------


def timings_of(settings: Settings) -> ReviewTimings:
    return ReviewTimings(settings.first_review_weeks, settings.review_interval_weeks)


def compute_frames(
    source: Source,
    *,
    scope: Scope,
    periods: list[Period],
    as_of: datetime,
    timings: ReviewTimings,
    measures: list[int] | None = None,
    kpis: list[int] | None = None,
    as_ofs: dict[str, datetime] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Measure rows and KPI rows (the engines' frames) for a scope and some periods.

    Loads one snapshot for the periods' span and computes from it; pass an empty list
    for `measures` or `kpis` to skip them. `as_ofs` gives a period (by label) its own
    as-at, as a trend of periods each settled at its own end needs.
    """
    window = Window(min(p.start for p in periods), max(p.end for p in periods))
    snapshot = load_snapshot(source, scope=scope, window=window)
    facts = Facts(snapshot, periods, as_of, as_ofs)
    measure_rows = compute_measures(snapshot, periods, numbers=measures, as_of=as_of, facts=facts)
    kpi_rows = compute_kpis(
        snapshot, periods, as_of=as_of, timings=timings, numbers=kpis, facts=facts
    )
    return measure_rows, kpi_rows


def current_period(now: datetime) -> Period:
    """The 4-week period containing today (London), the default the API reports on."""
    today = local_date(now)
    year = today.isocalendar().year
    return next(p for p in periods_of_year(year, PeriodKind.FOUR_WEEKS) if p.contains(today))


def latest_complete(now: datetime) -> Period:
    """The last 4-week period that has ended: its figures no longer move."""
    return previous_period(current_period(now))


def return_provider(actor: Actor, provider_id: int | None) -> int | None:
    """The provider a return is for: a provider's manager only ever gets their own."""
    if actor.role is Role.PROVIDER_MANAGER and provider_id is None:
        return actor.organisation_id
    return provider_id


def _period(text: str | None, now: datetime) -> Period:
    if text is None:
        return current_period(now)
    return parse_period(text)


def _filtered(frame: pl.DataFrame, provider_id: int | None, lot: int | None) -> pl.DataFrame:
    if provider_id is not None:
        frame = frame.filter(pl.col("provider_id") == provider_id)
    if lot is not None:
        frame = frame.filter(pl.col("lot") == lot)
    return frame


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def measure_rows(frame: pl.DataFrame, names: dict[int, str]) -> list[MeasureRow]:
    rows = []
    for r in frame.iter_rows(named=True):
        cases = r["cases"]
        rows.append(
            MeasureRow(
                measure=r["measure"],
                part=r["part"],
                period=r["period"],
                provider_id=r["provider_id"],
                provider_name=names.get(r["provider_id"]) if r["provider_id"] else None,
                lot=r["lot"],
                value=_rounded(r["value"]),
                unit=r["unit"],
                numerator=_rounded(r["numerator"]),
                denominator=_rounded(r["denominator"]),
                cases=None if cases is None else [CaseValue(**c) for c in cases],
            )
        )
    return rows


def kpi_rows(frame: pl.DataFrame, names: dict[int, str]) -> list[KpiRow]:
    return [
        KpiRow(
            kpi=r["kpi"],
            name=KPI_BY_NUMBER[r["kpi"]].name,
            period=r["period"],
            provider_id=r["provider_id"],
            provider_name=names.get(r["provider_id"]) if r["provider_id"] else None,
            lot=r["lot"],
            value_pct=r["value_pct"],
            target_pct=r["target_pct"],
            rag=r["rag"],
            eligible=r["eligible"],
            met=r["met"],
            missed=Misses(kind=r["case_kind"], ids=r["missed_ids"]),
        )
        for r in frame.iter_rows(named=True)
    ]


# --- definitions --------------------------------------------------------------------------


def measure_definition_out(d: MeasureDefinition) -> MeasureDefinitionOut:
    return MeasureDefinitionOut(
        number=d.number,
        title=d.title,
        source_text=d.source_text,
        group=d.group.value,
        cadence=d.cadence.value,
        split=d.split.value,
        parts=[PartOut(name=p.name, unit=p.unit, rule=p.rule) for p in d.parts],
    )


def kpi_definition_out(d: KpiDefinition) -> KpiDefinitionOut:
    return KpiDefinitionOut(
        number=d.number,
        name=d.name,
        source_text=d.source_text,
        split=d.split.value,
        limitations=d.limitations,
        target_pct=d.target_pct,
        case_kind=d.case_kind,
        rule=d.rule,
    )


def definitions_out() -> DefinitionsOut:
    return DefinitionsOut(
        measures=[measure_definition_out(m) for m in MEASURES],
        kpis=[kpi_definition_out(k) for k in KPIS],
        rag_rule=RAG_RULE,
        periods=f"{EXAMPLES}: ISO week, 4-week period (P01-P13 of the ISO year), "
        "calendar month, calendar quarter, half year and year",
    )


def period_out(period: Period) -> PeriodOut:
    return PeriodOut(
        label=period.label,
        kind=period.kind.value,
        name=period.name,
        start=period.start,
        end=period.end,
        description=period.description,
    )


def as_at_fields(as_at: AsAt) -> dict[str, Any]:
    """The as-at as every report carries it: the moment, its basis and its words."""
    return {"as_at": as_at.moment, "as_at_basis": as_at.basis.value, "as_at_text": as_at.text}


# --- what the API and the returns writer call ------------------------------------------------


class _Prepared:
    """The checks every report shares: role, provider, lot and period, then the scope."""

    def __init__(
        self,
        source: Source,
        actor: Actor,
        period: str | None,
        provider_id: int | None,
        lot: int | None,
        now: datetime | None,
        settings: Settings | None,
        as_at_now: bool = False,
    ) -> None:
        require_monitoring(actor)
        self.now = now or datetime.now(UTC)
        self.period = _period(period, self.now)
        chosen = settings or get_settings()
        self.as_at = as_at_for(self.period, self.now, chosen.settle_hours, choose_now=as_at_now)
        with _session(source) as session:
            self.scope = resolve_scope(session, actor, provider_id)
            _check_lot(session, self.scope, lot)
        self.source = source
        self.actor = actor
        self.provider_id = provider_id
        self.lot = lot
        self.timings = timings_of(chosen)

    def frames(
        self, measures: list[int] | None, kpis: list[int] | None
    ) -> tuple[pl.DataFrame, pl.DataFrame, list[ProviderOut], dict[int, str]]:
        measure_frame, kpi_frame = compute_frames(
            self.source,
            scope=self.scope,
            periods=[self.period],
            as_of=self.as_at.moment,
            timings=self.timings,
            measures=measures,
            kpis=kpis,
        )
        own = self.provider_id
        if self.actor.role is Role.PROVIDER_MANAGER:
            own = self.actor.organisation_id
        names = self._names()
        providers = [ProviderOut(id=i, name=n) for i, n in sorted(names.items())]
        return (
            _filtered(measure_frame, own, self.lot),
            _filtered(kpi_frame, own, self.lot),
            providers,
            names,
        )

    def _names(self) -> dict[int, str]:
        stmt: Any = select(Organisation.id, Organisation.name).where(
            Organisation.kind == "provider"
        )
        if self.scope.provider_ids is not None:
            stmt = stmt.where(Organisation.id.in_(self.scope.provider_ids))
        with _session(self.source) as session:
            return {i: n for i, n in session.execute(stmt)}


def compute_return(
    session_or_engine: Source,
    *,
    actor: Actor,
    period: str,
    provider_id: int | None = None,
    lot: int | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    as_at_now: bool = False,
) -> MonitoringReturn:
    """The monitoring return for one period, scoped to what the actor may see.

    Give an Engine for speed (the snapshot is read with connectorx: committed data), or a
    Session to count inside its transaction, uncommitted writes included. Raises
    Forbidden (403) for roles without returns, NotFound (404) for a provider or lot not
    theirs, InvalidInput (422, field `period`) for a malformed period. The figures are
    as at the period's settled end (`homecare.as_at`) unless `as_at_now`. See
    `MonitoringReturn` for the shape: rows with `provider_id` / `lot` null are the
    totals over all providers / lots in scope.
    """
    prepared = _Prepared(
        session_or_engine, actor, period, provider_id, lot, now, settings, as_at_now
    )
    measures, kpis, providers, names = prepared.frames(None, None)
    council = prepared.scope.council_id
    return MonitoringReturn(
        period=period_out(prepared.period),
        **as_at_fields(prepared.as_at),
        council_id=council,
        provider_id=provider_id,
        lot=lot,
        providers=providers,
        measures=measure_rows(measures, names),
        kpis=kpi_rows(kpis, names),
        definitions=definitions_out(),
    )


def measures_report(
    source: Source,
    *,
    actor: Actor,
    period: str | None,
    provider_id: int | None = None,
    lot: int | None = None,
    number: int | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    as_at_now: bool = False,
) -> MeasuresReport | MeasureReport:
    """All measures, or one (`number`: 404 outside 1-29), for a period."""
    if number is not None and number not in BY_NUMBER:
        require_monitoring(actor)
        raise NotFound(f"measure {number} not found: the measures are numbered 1 to 29")
    prepared = _Prepared(source, actor, period, provider_id, lot, now, settings, as_at_now)
    numbers = None if number is None else [number]
    measures, _, providers, names = prepared.frames(numbers, [])
    rows = measure_rows(measures, names)
    if number is None:
        return MeasuresReport(
            period=period_out(prepared.period),
            **as_at_fields(prepared.as_at),
            providers=providers,
            rows=rows,
        )
    return MeasureReport(
        period=period_out(prepared.period),
        **as_at_fields(prepared.as_at),
        definition=measure_definition_out(BY_NUMBER[number]),
        providers=providers,
        rows=rows,
    )


def kpis_report(
    source: Source,
    *,
    actor: Actor,
    period: str | None,
    provider_id: int | None = None,
    lot: int | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    as_at_now: bool = False,
) -> KpisReport:
    prepared = _Prepared(source, actor, period, provider_id, lot, now, settings, as_at_now)
    _, kpis, providers, names = prepared.frames([], None)
    return KpisReport(
        period=period_out(prepared.period),
        **as_at_fields(prepared.as_at),
        rag_rule=RAG_RULE,
        providers=providers,
        rows=kpi_rows(kpis, names),
    )
