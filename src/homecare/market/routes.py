"""HTTP routes for organisations, lots, zones and contracts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from homecare.errors import NotFound
from homecare.geo.postcodes import normalise_postcode
from homecare.geo.repository import lookup
from homecare.http import PathId, RequestContext, authenticated
from homecare.market import repository, service
from homecare.market.repository import contract_read, zone_read
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
from homecare.market.tables import Lot, Organisation

router = APIRouter(tags=["market"])


@router.get("/organisations", response_model=list[OrganisationRead])
def list_organisations(
    kind: str | None = None, ctx: RequestContext = Depends(authenticated)
) -> list[Organisation]:
    """The market is public: every user may see organisations and their CQC ratings."""
    with ctx.transaction() as (session, actor):
        return repository.organisations(session, actor, kind)


@router.get("/organisations/{organisation_id}", response_model=OrganisationRead)
def get_organisation(
    organisation_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> Organisation:
    with ctx.transaction() as (session, actor):
        return repository.organisation(session, actor, organisation_id)


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
            workforce_data_set_on=body.workforce_data_set_on,
        )


@router.get("/lots", response_model=list[LotRead])
def list_lots(ctx: RequestContext = Depends(authenticated)) -> list[Lot]:
    with ctx.transaction() as (session, actor):
        return repository.lots(session, actor)


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
            commissioned_by_id=body.commissioned_by_id,
        )


@router.get("/zones", response_model=list[ZoneRead])
def list_zones(ctx: RequestContext = Depends(authenticated)) -> list[ZoneRead]:
    with ctx.transaction() as (session, actor):
        return repository.zones(session, actor)


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
        zone = repository.zone_serving(session, actor, point.lsoa_code)
        if zone is None:
            raise NotFound(f"postcode {point.postcode} is outside every zone")
        return zone_read(zone)


@router.get("/zones/{zone_id}", response_model=ZoneRead)
def get_zone(zone_id: PathId, ctx: RequestContext = Depends(authenticated)) -> ZoneRead:
    with ctx.transaction() as (session, actor):
        return repository.zone(session, actor, zone_id)


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
        return repository.contracts(session, actor)


@router.get("/contracts/{contract_id}", response_model=ContractRead)
def get_contract(contract_id: PathId, ctx: RequestContext = Depends(authenticated)) -> ContractRead:
    with ctx.transaction() as (session, actor):
        return repository.contract(session, actor, contract_id)


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
            notice_days=body.notice_days,
            override_reason=body.override_reason,
        )
        return contract_read(session, contract)
