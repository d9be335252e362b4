"""What the commissioner's pages read: who may look, and the council's market by name.

Every query starts from the `readable_*` statements in `homecare.access`, and the KPIs
come from the monitoring service with its own scoping, so a page never shows more than
the API would: a council sees only its own contracts, packages and visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homecare.access import Actor, Permission, readable_contracts, readable_packages
from homecare.calendar import local_date
from homecare.delivery.schedule import SCHEDULED_PACKAGE_STATUSES
from homecare.errors import Forbidden, NotFound
from homecare.market.tables import Contract, Lot, Organisation, Zone
from homecare.packages.tables import Package

# --- who may look --------------------------------------------------------------------------


def require_council(actor: Actor, permission: Permission) -> None:
    """Council staff with the permission; a provider or a social worker is refused (403)."""
    if not (actor.is_council and actor.may(permission)):
        raise Forbidden("only the council's commissioners may use this page")


# --- names ---------------------------------------------------------------------------------


def council_lots(session: Session, actor: Actor) -> dict[int, Lot]:
    """The council's lots by id."""
    stmt = select(Lot).where(Lot.council_id == actor.organisation_id).order_by(Lot.number)
    return {lot.id: lot for lot in session.scalars(stmt)}


def council_zones(session: Session, actor: Actor) -> list[Zone]:
    stmt = select(Zone).where(Zone.council_id == actor.organisation_id).order_by(Zone.name)
    return list(session.scalars(stmt))


def contracts_of(session: Session, actor: Actor, provider_id: int | None = None) -> list[Contract]:
    stmt = readable_contracts(actor)
    if provider_id is not None:
        stmt = stmt.where(Contract.provider_id == provider_id)
    return list(session.scalars(stmt.order_by(Contract.provider_id, Contract.id)))


def contracted_providers(session: Session, actor: Actor) -> list[Organisation]:
    """Providers holding a contract the actor may read, by name."""
    ids = readable_contracts(actor).with_only_columns(Contract.provider_id)
    stmt = select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
    return list(session.scalars(stmt))


def contracted_provider(session: Session, actor: Actor, provider_id: int) -> Organisation:
    """One provider with a contract the actor may read; any other is "not found"."""
    for provider in contracted_providers(session, actor):
        if provider.id == provider_id:
            return provider
    raise NotFound(f"provider {provider_id} not found")


@dataclass(frozen=True)
class Places:
    """Names for a contract's provider, lot and zone."""

    providers: dict[int, str]
    lots: dict[int, str]
    zones: dict[int, str]
    contracts: dict[int, Contract]

    def of(self, contract_id: int) -> tuple[str, str, str]:
        c = self.contracts[contract_id]
        return self.providers[c.provider_id], self.lots[c.lot_id], self.zones[c.zone_id]


def places(session: Session, actor: Actor) -> Places:
    lots = {i: f"Lot {lot.number}" for i, lot in council_lots(session, actor).items()}
    return Places(
        providers={p.id: p.name for p in contracted_providers(session, actor)},
        lots=lots,
        zones={z.id: z.name for z in council_zones(session, actor)},
        contracts={c.id: c for c in contracts_of(session, actor)},
    )


def active_packages(actor: Actor, today: date) -> Any:
    """Packages being delivered today: the council's committed care."""
    return readable_packages(actor).where(
        Package.status.in_(SCHEDULED_PACKAGE_STATUSES),
        Package.starts_on <= today,
        or_(Package.ends_on.is_(None), Package.ends_on >= today),
    )


# --- a provider's caseload -----------------------------------------------------------------


def provider_caseload(
    session: Session, actor: Actor, provider_id: int, today: date
) -> tuple[int, Decimal]:
    """People receiving care from the provider today and their weekly hours."""
    rows = list(
        session.scalars(active_packages(actor, today).where(Package.provider_id == provider_id))
    )
    return len({p.person_id for p in rows}), Decimal(sum(p.weekly_minutes for p in rows)) / 60


def today_in_london(now: datetime) -> date:
    return local_date(now)
