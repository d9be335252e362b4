"""Package queries: whose packages an actor may read, and a package as the API shows it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable, scoped
from homecare.brokerage.tables import Referral
from homecare.market.tables import Lot, Organisation, Zone
from homecare.packages.domain import SCHEDULED_PACKAGE_STATUSES
from homecare.packages.schemas import PackageRead, VisitOut
from homecare.packages.tables import Package
from homecare.paging import ListQuery, Slice, fetch_slice, words_match
from homecare.people.tables import Person
from homecare.units import cost_pounds, hours


def readable_packages(actor: Actor) -> Select[Any]:
    """The council's packages; those in the lots an NHS trust commissions, to its users
    (the trust keeps their case management, 000 §30); a provider's own; a person's own."""
    return scoped(
        actor,
        select(Package),
        council=lambda org: Package.council_id == org,
        nurse=lambda org: Package.lot_id.in_(select(Lot.id).where(Lot.commissioned_by_id == org)),
        provider=lambda org: Package.provider_id == org,
        person=lambda person_id: Package.person_id == person_id,
    )


def readable_package_ids(actor: Actor) -> Select[Any]:
    """The ids of the packages the actor may read, for records that hang off a package."""
    return readable_packages(actor).with_only_columns(Package.id)


def readable_by_package(actor: Actor, model: Any) -> Select[Any]:
    """Rows of a table with a `package_id`, visible exactly when their package is."""
    return select(model).where(model.package_id.in_(readable_package_ids(actor)))


def package_read(session: Session, package: Package, today_is: date) -> PackageRead:
    provider = session.get(Organisation, package.provider_id)
    lot = session.get(Lot, package.lot_id)
    assert provider is not None and lot is not None
    two_handed = sum(v.minutes * v.carers for v in package.visits if v.carers > 1)
    return PackageRead(
        id=package.id,
        person_id=package.person_id,
        provider_id=provider.id,
        provider_name=provider.name,
        lot=lot.number,
        referral_id=package.referral_id,
        status=package.status,
        started=package.starts_on <= today_is,
        weekly_hours=hours(package.weekly_minutes),
        two_handed_hours=hours(two_handed),
        hourly_rate=Decimal(package.hourly_rate_pence) / 100,
        weekly_cost=cost_pounds(package.weekly_minutes, package.hourly_rate_pence),
        outcomes=package.outcomes,
        starts_on=package.starts_on,
        ends_on=package.ends_on,
        end_reason=package.end_reason,
        moved_from_package_id=package.moved_from_package_id,
        agreed_at=package.agreed_at,
        visits=[VisitOut.model_validate(v) for v in package.visits],
    )


def load_package(session: Session, actor: Actor, package_id: int) -> Package:
    """One package the actor may read; anybody else's is "not found"."""
    return load_readable(session, readable_packages(actor), Package, package_id, "package")


def lot_numbers(session: Session, packages: list[Package]) -> dict[int, int]:
    """The number of each lot the packages are under, by the lot's id."""
    ids = {p.lot_id for p in packages}
    rows = session.execute(select(Lot.id, Lot.number).where(Lot.id.in_(ids)))
    return {lot_id: number for lot_id, number in rows}


def package_of_referral(session: Session, actor: Actor, referral_id: int) -> Package | None:
    """The package a placed referral became, if the actor may read it."""
    stmt = readable_packages(actor).where(Package.referral_id == referral_id)
    return session.scalars(stmt).first()


def current_package(session: Session, actor: Actor, package_id: int | None) -> Package | None:
    """The package asked for (404 unless readable), else the latest one being delivered,
    else the latest of any status: what a person's own pages open on."""
    if package_id is not None:
        return load_package(session, actor, package_id)
    stmt = readable_packages(actor).order_by(Package.starts_on.desc(), Package.id.desc())
    live = session.scalars(stmt.where(Package.status.in_(SCHEDULED_PACKAGE_STATUSES))).first()
    return live or session.scalars(stmt).first()


def readable_active_packages(actor: Actor, today: date) -> Select[Any]:
    """Packages being delivered on the day: the committed care the actor may read."""
    return readable_packages(actor).where(
        Package.status.in_(SCHEDULED_PACKAGE_STATUSES),
        Package.starts_on <= today,
        or_(Package.ends_on.is_(None), Package.ends_on >= today),
    )


def provider_caseload(
    session: Session, actor: Actor, provider_id: int, today: date
) -> tuple[int, Decimal]:
    """People receiving care from the provider on the day, and their weekly hours."""
    stmt = readable_active_packages(actor, today).where(Package.provider_id == provider_id)
    rows = list(session.scalars(stmt))
    return len({p.person_id for p in rows}), Decimal(sum(p.weekly_minutes for p in rows)) / 60


PACKAGE_SORTS: dict[str, list[Any]] = {
    "person": [Person.family_name, Person.given_name],
    "hours": [Package.weekly_minutes],
    "starts": [Package.starts_on],
    "status": [Package.status],
}


def package_list(session: Session, actor: Actor, query: ListQuery) -> Slice[Package]:
    """One window of the packages the actor may read, searched by the person's name, NHS
    number or postcode; a zone is the zone the package was referred in."""
    stmt = readable_packages(actor).join(Person, Person.id == Package.person_id)
    if (status := query.filters.get("status")) is not None:
        stmt = stmt.where(Package.status == status)
    if (lot := query.filters.get("lot")) is not None:
        stmt = stmt.where(Package.lot_id.in_(select(Lot.id).where(Lot.number == int(lot))))
    if (zone := query.filters.get("zone")) is not None:
        referred = select(Referral.id).where(Referral.zone_id == int(zone))
        stmt = stmt.where(Package.referral_id.in_(referred))
    match = words_match(
        query.q, Person.given_name, Person.family_name, Person.postcode, Person.nhs_number
    )
    if match is not None:
        stmt = stmt.where(match)
    return fetch_slice(session, stmt, query, sorts=PACKAGE_SORTS, default=[], tiebreak=Package.id)


def package_filter_choices(session: Session, actor: Actor) -> tuple[list[int], dict[int, str]]:
    """The lot numbers and zones the actor's packages are under: a list's filter options."""
    packages = readable_packages(actor)
    lot_ids = packages.with_only_columns(Package.lot_id).distinct()
    lots = session.scalars(
        select(Lot.number).where(Lot.id.in_(lot_ids)).distinct().order_by(Lot.number)
    )
    referral_ids = packages.with_only_columns(Package.referral_id)
    zone_ids = select(Referral.zone_id).where(Referral.id.in_(referral_ids))
    zones = session.execute(
        select(Zone.id, Zone.name).where(Zone.id.in_(zone_ids)).order_by(Zone.name)
    )
    return list(lots), {ident: name for ident, name in zones}
