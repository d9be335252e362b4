"""Spend: committed weekly from active packages, and delivered in a period from visits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from homecare.access import Actor, readable_visits
from homecare.delivery.tables import Visit
from homecare.monitoring.periods import Period
from homecare.packages.tables import Package
from homecare.web.commissioner_data import Places, active_packages


@dataclass
class Spend:
    """Money in pence, with the hours it buys."""

    pence: Decimal = Decimal(0)
    minutes: int = 0
    people: set[int] = field(default_factory=set)

    def add(self, minutes: int, rate_pence: int, person_id: int) -> None:
        self.minutes += minutes
        self.pence += Decimal(minutes) * rate_pence / 60
        self.people.add(person_id)

    @property
    def pounds(self) -> Decimal:
        return self.pence / 100

    @property
    def hours(self) -> Decimal:
        return Decimal(self.minutes) / 60


@dataclass
class SpendTable:
    """One kind of spend split by provider, lot and zone, with the total."""

    by_provider: dict[str, Spend] = field(default_factory=lambda: defaultdict(Spend))
    by_lot: dict[str, Spend] = field(default_factory=lambda: defaultdict(Spend))
    by_zone: dict[str, Spend] = field(default_factory=lambda: defaultdict(Spend))
    total: Spend = field(default_factory=Spend)

    def add(self, where: tuple[str, str, str], minutes: int, rate: int, person: int) -> None:
        provider, lot, zone = where
        for part in (self.by_provider[provider], self.by_lot[lot], self.by_zone[zone], self.total):
            part.add(minutes, rate, person)

    def sorted(self) -> dict[str, list[tuple[str, Spend]]]:
        return {
            "provider": sorted(self.by_provider.items()),
            "lot": sorted(self.by_lot.items()),
            "zone": sorted(self.by_zone.items()),
        }


def committed_spend(session: Session, actor: Actor, where: Places, today: date) -> SpendTable:
    """Each active package's weekly hours at its contract's hourly rate."""
    table = SpendTable()
    for package in session.scalars(active_packages(actor, today)):
        contract = where.contracts.get(package.contract_id)
        if contract is None:
            continue
        table.add(
            where.of(contract.id),
            package.weekly_minutes,
            contract.hourly_rate_pence,
            package.person_id,
        )
    return table


def delivered_spend(session: Session, actor: Actor, where: Places, period: Period) -> SpendTable:
    """Carer minutes delivered on the period's visits at the contract's hourly rate."""
    stmt = (
        readable_visits(actor)
        .join(Package, Package.id == Visit.package_id)
        .where(
            Visit.day >= period.start,
            Visit.day <= period.end,
            Visit.delivered_minutes.is_not(None),
        )
        .with_only_columns(Package.contract_id, Visit.delivered_minutes, Visit.person_id)
    )
    table = SpendTable()
    for contract_id, minutes, person_id in session.execute(stmt):
        contract = where.contracts.get(contract_id)
        if contract is not None and minutes:
            table.add(where.of(contract_id), minutes, contract.hourly_rate_pence, person_id)
    return table
