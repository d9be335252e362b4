"""HTTP routes for organisations, lots, zones and contracts."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import readable_contracts
from homecare.api.context import RequestContext, authenticated
from homecare.errors import NotFound
from homecare.geo.directory import lookup
from homecare.market import service
from homecare.market.domain import ContractRole
from homecare.market.schemas import (
    ContractCreate,
    ContractRead,
    LotCreate,
    LotRead,
    OrganisationCreate,
    OrganisationRead,
    ZoneCreate,
    ZoneRead,
)
from homecare.market.tables import Contract, Lot, Organisation, Zone, ZoneLsoa
from homecare.people.domain import normalise_postcode

router = APIRouter(tags=["market"])


def _council_of(session: Session, organisation_id: int | None, kind: str | None) -> int | None:
    """The council whose lots and zones a user sees: their own, or the one they contract
    with (providers), or any (NHS trusts see every council's zones)."""
    if kind == "council":
        return organisation_id
    if kind == "provider" and organisation_id is not None:
        return session.scalar(
            select(Contract.council_id).where(Contract.provider_id == organisation_id)
        )
    return None


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
        weekly_capacity_hours=(Decimal(contract.weekly_capacity_minutes) / 60).quantize(
            Decimal("0.01")
        ),
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
    )


@router.get("/organisations", response_model=list[OrganisationRead])
def list_organisations(
    kind: str | None = None, ctx: RequestContext = Depends(authenticated)
) -> list[Organisation]:
    """The market is public: every user may see organisations and their CQC ratings."""
    with ctx.transaction() as (session, _actor):
        stmt = select(Organisation).order_by(Organisation.name)
        if kind:
            stmt = stmt.where(Organisation.kind == kind)
        return list(session.scalars(stmt))


@router.get("/organisations/{organisation_id}", response_model=OrganisationRead)
def get_organisation(
    organisation_id: int, ctx: RequestContext = Depends(authenticated)
) -> Organisation:
    with ctx.transaction() as (session, _actor):
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound(f"organisation {organisation_id} not found")
        return org


@router.post("/organisations", response_model=OrganisationRead, status_code=201)
def create_organisation(
    body: OrganisationCreate, ctx: RequestContext = Depends(authenticated)
) -> Organisation:
    with ctx.transaction() as (session, actor):
        ratings = {
            k: (getattr(body, f"rating_{k}").value if getattr(body, f"rating_{k}") else None)
            for k in service.RATING_FIELDS
        }
        return service.create_organisation(
            session,
            actor=actor,
            at=ctx.now(),
            kind=body.kind,
            name=body.name,
            ods_code=body.ods_code,
            la_code=body.la_code,
            cqc_location_id=body.cqc_location_id,
            ratings=ratings,
        )


@router.get("/lots", response_model=list[LotRead])
def list_lots(ctx: RequestContext = Depends(authenticated)) -> list[Lot]:
    with ctx.transaction() as (session, actor):
        council = _council_of(session, actor.organisation_id, actor.organisation_kind)
        stmt = select(Lot).order_by(Lot.number)
        if council is not None:
            stmt = stmt.where(Lot.council_id == council)
        return list(session.scalars(stmt))


@router.post("/lots", response_model=LotRead, status_code=201)
def create_lot(body: LotCreate, ctx: RequestContext = Depends(authenticated)) -> Lot:
    with ctx.transaction() as (session, actor):
        return service.create_lot(
            session,
            actor=actor,
            at=ctx.now(),
            number=body.number,
            name=body.name,
            required_skills=body.required_skills,
        )


@router.get("/zones", response_model=list[ZoneRead])
def list_zones(ctx: RequestContext = Depends(authenticated)) -> list[ZoneRead]:
    with ctx.transaction() as (session, actor):
        council = _council_of(session, actor.organisation_id, actor.organisation_kind)
        stmt = select(Zone).order_by(Zone.name)
        if council is not None:
            stmt = stmt.where(Zone.council_id == council)
        return [zone_read(z) for z in session.scalars(stmt)]


@router.get("/zones/resolve", response_model=ZoneRead)
def resolve_zone(
    postcode: str = Query(description="A postcode, e.g. LS12 1AU"),
    ctx: RequestContext = Depends(authenticated),
) -> ZoneRead:
    """Which zone serves a postcode: what a social worker checks before referring."""
    with ctx.transaction() as (session, actor):
        point = lookup(session, normalise_postcode(postcode))
        if point is None:
            raise NotFound(f"postcode {postcode} is not in the postcode directory")
        stmt = (
            select(Zone)
            .join(ZoneLsoa, ZoneLsoa.zone_id == Zone.id)
            .where(ZoneLsoa.lsoa_code == point.lsoa_code)
        )
        council = _council_of(session, actor.organisation_id, actor.organisation_kind)
        if council is not None:
            stmt = stmt.where(Zone.council_id == council)
        zone = session.scalars(stmt).first()
        if zone is None:
            raise NotFound(f"postcode {point.postcode} is outside every zone")
        return zone_read(zone)


@router.get("/zones/{zone_id}", response_model=ZoneRead)
def get_zone(zone_id: int, ctx: RequestContext = Depends(authenticated)) -> ZoneRead:
    with ctx.transaction() as (session, actor):
        zone = session.get(Zone, zone_id)
        council = _council_of(session, actor.organisation_id, actor.organisation_kind)
        if zone is None or (council is not None and zone.council_id != council):
            raise NotFound(f"zone {zone_id} not found")
        return zone_read(zone)


@router.post("/zones", response_model=ZoneRead, status_code=201)
def create_zone(body: ZoneCreate, ctx: RequestContext = Depends(authenticated)) -> ZoneRead:
    with ctx.transaction() as (session, actor):
        zone = service.create_zone(
            session,
            actor=actor,
            at=ctx.now(),
            name=body.name,
            lsoa_codes=body.lsoa_codes,
            city_wide=body.city_wide,
        )
        return zone_read(zone)


@router.get("/contracts", response_model=list[ContractRead])
def list_contracts(ctx: RequestContext = Depends(authenticated)) -> list[ContractRead]:
    with ctx.transaction() as (session, actor):
        stmt = readable_contracts(actor).order_by(Contract.id)
        return [contract_read(session, c) for c in session.scalars(stmt)]


@router.get("/contracts/{contract_id}", response_model=ContractRead)
def get_contract(contract_id: int, ctx: RequestContext = Depends(authenticated)) -> ContractRead:
    with ctx.transaction() as (session, actor):
        contract = session.scalars(
            readable_contracts(actor).where(Contract.id == contract_id)
        ).first()
        if contract is None:
            raise NotFound(f"contract {contract_id} not found")
        return contract_read(session, contract)


@router.post("/contracts", response_model=ContractRead, status_code=201)
def create_contract(
    body: ContractCreate, ctx: RequestContext = Depends(authenticated)
) -> ContractRead:
    with ctx.transaction() as (session, actor):
        contract = service.create_contract(
            session,
            actor=actor,
            at=ctx.now(),
            provider_id=body.provider_id,
            lot_number=body.lot,
            zone_id=body.zone_id,
            role=body.role,
            hourly_rate_pence=int(body.hourly_rate * 100),
            weekly_capacity_minutes=int(body.weekly_capacity_hours * 60),
            starts_on=body.starts_on,
            ends_on=body.ends_on,
        )
        return contract_read(session, contract)
