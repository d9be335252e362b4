"""The loop over periods × providers (and the total) × lots × measures and KPIs.

Rows come out with the engine's columns, for the groups asked for, so a benchmark can
time a sample of providers and periods and a test can compare every row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.market.tables import Contract, Lot, Organisation
from homecare.monitoring.data import Scope
from homecare.monitoring.definitions import KPIS, MEASURES, Split, rag, unit_of
from homecare.monitoring.kpis import ReviewTimings
from homecare.monitoring.periods import Period
from tests.support.monitoring_baseline.kpis import kpi5, kpi6, kpi7, referral_kpis
from tests.support.monitoring_baseline.measures import MEASURE_FUNCTIONS
from tests.support.monitoring_baseline.query import Query


def provider_ids(session: Session, scope: Scope) -> list[int]:
    """The providers the scope sees, in id order, so a sample of them is repeatable."""
    stmt = select(Organisation.id).where(Organisation.kind == "provider")
    if scope.provider_ids is not None:
        stmt = stmt.where(Organisation.id.in_(scope.provider_ids))
    if scope.council_id is not None:
        contracted = select(Contract.provider_id).where(Contract.council_id == scope.council_id)
        stmt = stmt.where(Organisation.id.in_(contracted))
    return sorted(session.scalars(stmt))


def lot_numbers(session: Session, scope: Scope) -> list[int]:
    """The lots the scope's contracts cover: a split by lot has a group for each."""
    stmt = select(Lot.number).join(Contract, Contract.lot_id == Lot.id)
    if scope.council_id is not None:
        stmt = stmt.where(Contract.council_id == scope.council_id)
    if scope.provider_ids is not None:
        stmt = stmt.where(Contract.provider_id.in_(scope.provider_ids))
    return sorted(set(session.scalars(stmt)))


def _lots(split: Split, lots: list[int]) -> list[int | None]:
    if split is Split.PROVIDER:
        return [None]
    if split is Split.LOT_1_BY_PROVIDER:
        return [*([1] if 1 in lots else []), None]
    return [*lots, None]


def compute(
    session: Session,
    *,
    scope: Scope,
    periods: list[Period],
    providers: list[int] | None = None,
    include_total: bool = True,
    as_of: datetime,
    timings: ReviewTimings,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Measure rows and KPI rows with the engine's columns, for the groups asked for."""
    chosen = provider_ids(session, scope) if providers is None else providers
    lots = lot_numbers(session, scope)
    names = {i: n for i, n in session.execute(select(Organisation.id, Organisation.name))}
    groups: list[int | None] = [*chosen, *([None] if include_total else [])]
    measure_rows: list[dict[str, Any]] = []
    kpi_rows: list[dict[str, Any]] = []
    for period in periods:
        for provider in groups:
            for definition in MEASURES:
                for lot in _lots(definition.split, lots):
                    q = Query(session, scope, period, provider, lot, as_of, timings)
                    for part, value, num, den, cases in MEASURE_FUNCTIONS[definition.number](q):
                        measure_rows.append(
                            {
                                "measure": definition.number,
                                "part": part,
                                "period": period.label,
                                "provider_id": provider,
                                "lot": lot,
                                "value": None if value is None else float(value),
                                "numerator": None if num is None else float(num),
                                "denominator": None if den is None else float(den),
                                "unit": unit_of(definition.number, part),
                                "cases": cases,
                            }
                        )
            for kpi in KPIS:
                for lot in _lots(kpi.split, lots):
                    q = Query(session, scope, period, provider, lot, as_of, timings)
                    if kpi.number <= 4:
                        eligible, met, missed = referral_kpis(q, names)[kpi.number]
                    else:
                        eligible, met, missed = (kpi5, kpi6, kpi7)[kpi.number - 5](q)
                    value = round(100.0 * met / eligible, 1) if eligible else None
                    colour = rag(value, kpi.target_pct)
                    kpi_rows.append(
                        {
                            "kpi": kpi.number,
                            "period": period.label,
                            "provider_id": provider,
                            "lot": lot,
                            "eligible": eligible,
                            "met": met,
                            "value_pct": value,
                            "target_pct": kpi.target_pct,
                            "rag": colour.value if colour else None,
                            "case_kind": kpi.case_kind,
                            "missed_ids": missed,
                        }
                    )
    return measure_rows, kpi_rows
