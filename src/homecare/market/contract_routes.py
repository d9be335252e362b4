"""HTTP routes for changing a contract: its rate from a day, its limits, an extension, an
early end, and the versions that record each."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from homecare.calendar import local_date
from homecare.http import PathId, RequestContext, authenticated
from homecare.market import contracts
from homecare.market.repository import contract_read, readable_contract
from homecare.market.schemas import (
    ConditionRead,
    ContractRead,
    ContractVersionRead,
    ExtensionCreate,
    LimitsChangeCreate,
    OrganisationRead,
    RateChangeCreate,
    TerminationCreate,
    WorkforceDataSetCreate,
)
from homecare.market.tables import ContractVersion, Organisation
from homecare.units import minutes_of_hours, pence_of_pounds

router = APIRouter(tags=["market"])


@router.get("/contracts/{contract_id}/versions", response_model=list[ContractVersionRead])
def list_versions(
    contract_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> list[ContractVersion]:
    """Every version of a contract, the first (as made) first, changes to come included."""
    with ctx.transaction() as (session, actor):
        contract = readable_contract(session, actor, contract_id)
        return contracts.versions_of(session, contract.id)


@router.get("/contracts/{contract_id}/conditions", response_model=list[ConditionRead])
def contract_conditions(
    contract_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> list[ConditionRead]:
    """The contract conditions (001 4.8) as the provider meets them today."""
    with ctx.transaction() as (session, actor):
        contract = readable_contract(session, actor, contract_id)
        provider = session.get(Organisation, contract.provider_id)
        assert provider is not None
        results = contracts.checked_conditions(
            session, council_id=contract.council_id, provider=provider, today=local_date(ctx.now())
        )
        return [ConditionRead(**r) for r in contracts.conditions_record(results)]


@router.post(
    "/contracts/{contract_id}/rate-changes", response_model=ContractVersionRead, status_code=201
)
def change_rate(
    contract_id: PathId, body: RateChangeCreate, ctx: RequestContext = Depends(authenticated)
) -> ContractVersion:
    """A new hourly rate from a day not yet past; live packages take it on that day."""
    with ctx.transaction() as (session, actor):
        return contracts.change_rate(
            session,
            actor=actor,
            at=ctx.now(),
            contract_id=contract_id,
            hourly_rate_pence=pence_of_pounds(body.hourly_rate),
            effective_from=body.effective_from,
            reason=body.reason,
        )


@router.post(
    "/contracts/{contract_id}/limit-changes", response_model=ContractVersionRead, status_code=201
)
def change_limits(
    contract_id: PathId, body: LimitsChangeCreate, ctx: RequestContext = Depends(authenticated)
) -> ContractVersion:
    """New weekly capacity, trusted-assessor limits or notice, from a day (by default
    today, or the contract's first day if later)."""
    with ctx.transaction() as (session, actor):
        capacity = body.weekly_capacity_hours
        return contracts.change_limits(
            session,
            actor=actor,
            at=ctx.now(),
            contract_id=contract_id,
            effective_from=body.effective_from,
            reason=body.reason,
            weekly_capacity_minutes=None if capacity is None else minutes_of_hours(capacity),
            flex_up_percent=body.flex_up_percent,
            flex_down_percent=body.flex_down_percent,
            notice_days=body.notice_days,
        )


@router.post("/contracts/{contract_id}/extension", response_model=ContractRead, status_code=201)
def extend_contract(
    contract_id: PathId, body: ExtensionCreate, ctx: RequestContext = Depends(authenticated)
) -> ContractRead:
    with ctx.transaction() as (session, actor):
        version = contracts.extend_contract(
            session,
            actor=actor,
            at=ctx.now(),
            contract_id=contract_id,
            ends_on=body.ends_on,
            reason=body.reason,
            override_reason=body.override_reason,
        )
        return contract_read(session, readable_contract(session, actor, version.contract_id))


@router.post("/contracts/{contract_id}/termination", response_model=ContractRead, status_code=201)
def terminate_contract(
    contract_id: PathId, body: TerminationCreate, ctx: RequestContext = Depends(authenticated)
) -> ContractRead:
    with ctx.transaction() as (session, actor):
        version = contracts.terminate_contract(
            session,
            actor=actor,
            at=ctx.now(),
            contract_id=contract_id,
            ends_on=body.ends_on,
            reason=body.reason,
            without_notice_reason=body.without_notice_reason,
        )
        return contract_read(session, readable_contract(session, actor, version.contract_id))


@router.post(
    "/organisations/{organisation_id}/workforce-data-set",
    response_model=OrganisationRead,
    status_code=201,
)
def record_workforce_data_set(
    organisation_id: PathId,
    body: WorkforceDataSetCreate,
    ctx: RequestContext = Depends(authenticated),
) -> Organisation:
    """A provider's latest completion of the Adult Social Care Workforce Data Set."""
    with ctx.transaction() as (session, actor):
        return contracts.record_workforce_data_set(
            session,
            actor=actor,
            at=ctx.now(),
            provider_id=organisation_id,
            completed_on=body.completed_on,
        )
