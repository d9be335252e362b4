"""Market queries: which contracts, lots and zones an actor may read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable, scoped
from homecare.market.domain import ContractRole
from homecare.market.schemas import ContractRead, ZoneRead
from homecare.market.tables import Contract, Lot, Organisation, Zone, ZoneLsoa
from homecare.packages.domain import SCHEDULED_PACKAGE_STATUSES
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.units import hours
from homecare.workforce.tables import CareWorker


def readable_contracts(actor: Actor) -> Select[Any]:
    """The council's contracts; a provider's own; an NHS trust's users, those of the lots
    their trust commissions."""
    return scoped(
        actor,
        select(Contract),
        council=lambda org: Contract.council_id == org,
        nurse=lambda org: Contract.lot_id.in_(select(Lot.id).where(Lot.commissioned_by_id == org)),
        provider=lambda org: Contract.provider_id == org,
    )


def _councils_contracting(provider_id: int) -> Select[Any]:
    return select(Contract.council_id).where(Contract.provider_id == provider_id)


def _councils_of_carer(care_worker_id: int) -> Select[Any]:
    return (
        select(Contract.council_id)
        .join(CareWorker, CareWorker.provider_id == Contract.provider_id)
        .where(CareWorker.id == care_worker_id)
    )


def _council_of_person(person_id: int) -> Select[Any]:
    return select(Person.council_id).where(Person.id == person_id)


def _by_council(column: Any, stmt: Select[Any], actor: Actor) -> Select[Any]:
    """Lots and zones: a council's own; every council a provider (or its carers) contracts
    with; a person's own council; NHS neighbourhood teams see every council's."""
    return scoped(
        actor,
        stmt,
        council=lambda org: column == org,
        nurse=lambda _org: true(),
        provider=lambda org: column.in_(_councils_contracting(org)),
        care_worker=lambda worker_id: column.in_(_councils_of_carer(worker_id)),
        person=lambda person_id: column.in_(_council_of_person(person_id)),
    )


def readable_lots(actor: Actor) -> Select[Any]:
    return _by_council(Lot.council_id, select(Lot), actor)


def readable_zones(actor: Actor) -> Select[Any]:
    return _by_council(Zone.council_id, select(Zone), actor)


def readable_organisations(actor: Actor) -> Select[Any]:
    """The market is public: every user may see organisations and their CQC ratings."""
    del actor
    return select(Organisation)


def zone_read(zone: Zone) -> ZoneRead:
    return ZoneRead(
        id=zone.id,
        name=zone.name,
        city_wide=zone.city_wide,
        lsoa_codes=[z.lsoa_code for z in zone.lsoas],
    )


def contract_read(session: Session, contract: Contract) -> ContractRead:
    provider = session.get(Organisation, contract.provider_id)
    lot = session.get(Lot, contract.lot_id)
    zone = session.get(Zone, contract.zone_id)
    assert provider is not None and lot is not None and zone is not None
    return ContractRead(
        id=contract.id,
        provider_id=provider.id,
        provider_name=provider.name,
        lot=lot.number,
        zone_id=zone.id,
        zone_name=zone.name,
        role=ContractRole(contract.role),
        hourly_rate=Decimal(contract.hourly_rate_pence) / 100,
        hourly_rate_pence=contract.hourly_rate_pence,
        weekly_capacity_hours=hours(contract.weekly_capacity_minutes),
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        flex_up_percent=contract.flex_up_percent,
        flex_down_percent=contract.flex_down_percent,
        notice_days=contract.notice_days,
    )


def organisations(session: Session, actor: Actor, kind: str | None) -> list[Organisation]:
    stmt = readable_organisations(actor).order_by(Organisation.name)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    return list(session.scalars(stmt))


def organisation(session: Session, actor: Actor, organisation_id: int) -> Organisation:
    return load_readable(
        session, readable_organisations(actor), Organisation, organisation_id, "organisation"
    )


def lots(session: Session, actor: Actor) -> list[Lot]:
    return list(session.scalars(readable_lots(actor).order_by(Lot.number, Lot.council_id)))


def zones(session: Session, actor: Actor) -> list[ZoneRead]:
    stmt = readable_zones(actor).order_by(Zone.name, Zone.id)
    return [zone_read(z) for z in session.scalars(stmt)]


def zone(session: Session, actor: Actor, zone_id: int) -> ZoneRead:
    return zone_read(load_readable(session, readable_zones(actor), Zone, zone_id, "zone"))


def zone_serving(session: Session, actor: Actor, lsoa_code: str) -> Zone | None:
    """The zone, among those the actor may read, that covers an LSOA."""
    stmt = (
        readable_zones(actor)
        .join(ZoneLsoa, ZoneLsoa.zone_id == Zone.id)
        .where(ZoneLsoa.lsoa_code == lsoa_code)
        .order_by(Zone.id)
    )
    return session.scalars(stmt).first()


def contracts(session: Session, actor: Actor) -> list[ContractRead]:
    stmt = readable_contracts(actor).order_by(Contract.id)
    return [contract_read(session, c) for c in session.scalars(stmt)]


def readable_contract(session: Session, actor: Actor, contract_id: int) -> Contract:
    return load_readable(session, readable_contracts(actor), Contract, contract_id, "contract")


def contract(session: Session, actor: Actor, contract_id: int) -> ContractRead:
    return contract_read(session, readable_contract(session, actor, contract_id))


# --- the market by name, for the commissioner's pages ---------------------------------------


def contracts_of(session: Session, actor: Actor, provider_id: int | None = None) -> list[Contract]:
    """The contracts the actor may read, or one provider's of them, provider by provider."""
    stmt = readable_contracts(actor)
    if provider_id is not None:
        stmt = stmt.where(Contract.provider_id == provider_id)
    return list(session.scalars(stmt.order_by(Contract.provider_id, Contract.id)))


def _contracted(actor: Actor) -> Select[Any]:
    held = readable_contracts(actor).with_only_columns(Contract.provider_id)
    return readable_organisations(actor).where(Organisation.id.in_(held))


def contracted_providers(session: Session, actor: Actor) -> list[Organisation]:
    """Providers holding a contract the actor may read, by name."""
    return list(session.scalars(_contracted(actor).order_by(Organisation.name)))


def contracted_provider(session: Session, actor: Actor, provider_id: int) -> Organisation:
    """One provider with a contract the actor may read; any other is "not found"."""
    return load_readable(session, _contracted(actor), Organisation, provider_id, "provider")


def council_lots(session: Session, actor: Actor, council_id: int) -> list[Lot]:
    """One council's lots among those the actor may read: the lots a referral may name."""
    stmt = readable_lots(actor).where(Lot.council_id == council_id).order_by(Lot.number)
    return list(session.scalars(stmt))


def commissioned_lots(session: Session, actor: Actor) -> list[Lot]:
    """The lots an NHS trust's user's trust commissions with a council; none for others."""
    stmt = scoped(actor, select(Lot), nurse=lambda org: Lot.commissioned_by_id == org)
    return list(session.scalars(stmt.order_by(Lot.number, Lot.council_id)))


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
    """The contracts the actor may read, with the names of what each one covers."""
    return Places(
        providers={p.id: p.name for p in contracted_providers(session, actor)},
        lots={lot.id: f"Lot {lot.number}" for lot in lots(session, actor)},
        zones={z.id: z.name for z in session.scalars(readable_zones(actor))},
        contracts={c.id: c for c in contracts_of(session, actor)},
    )


def organisation_called(session: Session, actor: Actor, id_or_name: str) -> Organisation | None:
    """An organisation by its id or its exact name, as an operator types it."""
    stmt = readable_organisations(actor)
    if id_or_name.isascii() and id_or_name.isdecimal() and len(id_or_name) < 19:
        return session.scalars(stmt.where(Organisation.id == int(id_or_name))).first()
    return session.scalars(stmt.where(Organisation.name == id_or_name)).first()


def providers_named(
    session: Session, actor: Actor, names: list[str] | None = None
) -> list[tuple[int, str]]:
    """Providers' ids and names in id order: all of them, or those with the names given."""
    stmt = readable_organisations(actor).where(Organisation.kind == "provider")
    if names:
        stmt = stmt.where(Organisation.name.in_(names))
    return [(p.id, p.name) for p in session.scalars(stmt.order_by(Organisation.id))]


def live_under(session: Session, contract_id: int) -> tuple[int, int]:
    """How many live packages a contract holds and their weekly carer minutes."""
    count, minutes = session.execute(
        select(func.count(Package.id), func.coalesce(func.sum(Package.weekly_minutes), 0)).where(
            Package.contract_id == contract_id,
            Package.status.in_(SCHEDULED_PACKAGE_STATUSES),
        )
    ).one()
    return int(count), int(minutes)
