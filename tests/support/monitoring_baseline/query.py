"""The baseline's question for one group, and the ORM filters every measure starts from.

One `Query` per period, provider (or the total) and lot: the scope's and the group's
filters are applied here once, so each measure reads like its counting rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from homecare.calendar import local_date
from homecare.delivery.tables import Visit
from homecare.market.tables import Lot
from homecare.monitoring.data import Scope
from homecare.monitoring.kpis import ReviewTimings
from homecare.monitoring.periods import Period
from homecare.packages.tables import Package
from homecare.quality.tables import StaffMovement
from homecare.workforce.tables import CareWorker

DELIVERED = ("completed", "late", "short")
Value = tuple[str, float | None, float | None, float | None, list[dict[str, float]] | None]
"""part, value, numerator, denominator, cases."""


@dataclass
class Query:
    """One group's question: the store, the scope, a period, a provider (or all), a lot."""

    session: Session
    scope: Scope
    period: Period
    provider: int | None
    lot: int | None
    as_of: datetime
    timings: ReviewTimings

    # --- filters ---------------------------------------------------------------------

    def packages(self) -> list[Package]:
        stmt = select(Package)
        if self.scope.council_id is not None:
            stmt = stmt.where(Package.council_id == self.scope.council_id)
        if self.scope.provider_ids is not None:
            stmt = stmt.where(Package.provider_id.in_(self.scope.provider_ids))
        if self.provider is not None:
            stmt = stmt.where(Package.provider_id == self.provider)
        if self.lot is not None:
            stmt = stmt.where(Package.lot_id.in_(select(Lot.id).where(Lot.number == self.lot)))
        return list(self.session.scalars(stmt))

    def package_map(self) -> dict[int, Package]:
        return {p.id: p for p in self.packages()}

    def providers_of(self, stmt: Select[Any], column: Any) -> Select[Any]:
        if self.scope.provider_ids is not None:
            stmt = stmt.where(column.in_(self.scope.provider_ids))
        if self.provider is not None:
            stmt = stmt.where(column == self.provider)
        return stmt

    def inside(self, day: date | None) -> bool:
        return day is not None and self.period.start <= day <= self.period.end

    def visits(self, statuses: Iterable[str]) -> list[tuple[Visit, Package]]:
        packages = self.package_map()
        stmt = select(Visit).where(
            Visit.day >= self.period.start,
            Visit.day <= self.period.end,
            Visit.status.in_(list(statuses)),
        )
        if self.scope.provider_ids is not None:
            stmt = stmt.where(Visit.provider_id.in_(self.scope.provider_ids))
        if self.provider is not None:
            stmt = stmt.where(Visit.provider_id == self.provider)
        return [
            (v, packages[v.package_id])
            for v in self.session.scalars(stmt)
            if v.package_id in packages
        ]

    def dated(self, model: Any, column: Any) -> list[Any]:
        stmt = select(model).where(column >= self.period.start, column <= self.period.end)
        return list(self.session.scalars(self.providers_of(stmt, model.provider_id)))

    def as_at(self) -> date:
        return min(self.period.end, local_date(self.as_of))

    # --- staff ---------------------------------------------------------------------------

    def average_headcount(self) -> float:
        workers = list(
            self.session.scalars(self.providers_of(select(CareWorker), CareWorker.provider_id))
        )
        moves = list(
            self.session.scalars(
                self.providers_of(select(StaffMovement), StaffMovement.provider_id).where(
                    StaffMovement.care_worker_id.is_not(None)
                )
            )
        )
        started: dict[int, date] = {}
        left: dict[int, date] = {}
        for m in moves:
            assert m.care_worker_id is not None
            if m.kind == "starter":
                started[m.care_worker_id] = min(m.on, started.get(m.care_worker_id, m.on))
            elif m.kind == "leaver":
                left[m.care_worker_id] = max(m.on, left.get(m.care_worker_id, m.on))

        def employed(worker: int, day: date) -> bool:
            since = worker not in started or started[worker] <= day
            until = worker not in left or left[worker] > day
            return since and until

        at_start = sum(1 for w in workers if employed(w.id, self.period.start))
        at_end = sum(1 for w in workers if employed(w.id, self.period.end))
        return (at_start + at_end) / 2


def ratio(numerator: float, denominator: float, scale: float = 1.0) -> float | None:
    """A share, or None for no denominator, as the engine leaves it blank."""
    return numerator * scale / denominator if denominator > 0 else None


def overlap(first: date, last: date, period: Period) -> int:
    """Days of first..last inside the period, to prorate records that straddle it."""
    return max(0, (min(last, period.end) - max(first, period.start)).days + 1)


def lot_number(session: Session, lot_id: int) -> int:
    """The lot's number (1 or 2), which the rules name rather than its id."""
    lot = session.get(Lot, lot_id)
    assert lot is not None
    return lot.number
