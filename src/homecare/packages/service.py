"""Packages begin when brokerage places a referral, or arrive with a caseload moved in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.errors import Forbidden
from homecare.market.tables import Contract
from homecare.packages.domain import PackageEvent, PackageStatus, next_status
from homecare.packages.tables import Package, PackageVisit
from homecare.pattern import PlannedVisit


def package_visit(visit: PlannedVisit) -> PackageVisit:
    """A planned visit as the package stores it: its kind, clock time and request kept."""
    return PackageVisit(
        day=visit.day.value,
        band=visit.band.value,
        minutes=visit.minutes,
        carers=visit.carers,
        required_skill=visit.skill,
        kind=visit.kind.value,
        at=visit.at_text,
        short_requested=visit.short_requested,
    )


def start_package(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    contract_id: int,
    person_id: int,
    referral_id: int,
    weekly_minutes: int,
    pattern: list[PlannedVisit],
    outcomes: list[str],
    starts_on: date,
) -> Package:
    """The package a placed referral starts, at the contract's rate, from the agreed date."""
    contract = session.get(Contract, contract_id)
    assert contract is not None, "an offer always names a contract"
    package = Package(
        council_id=contract.council_id,
        person_id=person_id,
        provider_id=contract.provider_id,
        contract_id=contract.id,
        lot_id=contract.lot_id,
        referral_id=referral_id,
        status=PackageStatus.ACTIVE.value,
        weekly_minutes=weekly_minutes,
        hourly_rate_pence=contract.hourly_rate_pence,
        outcomes=outcomes,
        starts_on=starts_on,
        agreed_at=at,
    )
    package.visits = [package_visit(v) for v in pattern]
    session.add(package)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="package.agreed",
        entity="package",
        entity_id=package.id,
        referral_id=referral_id,
        provider_id=contract.provider_id,
        weekly_minutes=package.weekly_minutes,
        starts_on=package.starts_on.isoformat(),
    )
    return package


def transfer_in_package(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    person_id: int,
    contract: Contract,
    pattern: list[PlannedVisit],
    outcomes: list[str],
    starts_on: date,
) -> Package:
    """A package that predates the platform, moved in with the provider's caseload."""
    if not actor.is_system:
        raise Forbidden("only the platform's import may move a caseload in")
    package = Package(
        council_id=contract.council_id,
        person_id=person_id,
        provider_id=contract.provider_id,
        contract_id=contract.id,
        lot_id=contract.lot_id,
        referral_id=None,
        status=PackageStatus.ACTIVE.value,
        weekly_minutes=sum(v.carer_minutes for v in pattern),
        hourly_rate_pence=contract.hourly_rate_pence,
        outcomes=outcomes,
        starts_on=starts_on,
        agreed_at=at,
    )
    package.visits = [package_visit(v) for v in pattern]
    session.add(package)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="package.transferred_in",
        entity="package",
        entity_id=package.id,
        provider_id=contract.provider_id,
        weekly_minutes=package.weekly_minutes,
    )
    return package


def move_status(package: Package, event: PackageEvent) -> None:
    """The one place a package's status changes, by the lifecycle's rules.

    The action that causes the move (an admission, a discharge, a review) audits itself.
    """
    package.status = next_status(package.status, event).value
