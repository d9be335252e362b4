"""HTTP routes for packages of care."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from homecare.access import load_readable, readable_packages
from homecare.api.context import RequestContext, authenticated
from homecare.brokerage.repository import hours
from homecare.brokerage.schemas import VisitOut
from homecare.calendar import local_date
from homecare.market.tables import Lot, Organisation
from homecare.packages.schemas import PackageRead
from homecare.packages.tables import Package

router = APIRouter(tags=["packages"])


def package_read(session: Session, package: Package, today_is: date) -> PackageRead:
    provider = session.get(Organisation, package.provider_id)
    lot = session.get(Lot, package.lot_id)
    assert provider is not None and lot is not None
    two_handed = sum(v.minutes * v.carers for v in package.visits if v.carers > 1)
    rate = Decimal(package.hourly_rate_pence) / 100
    weekly_cost = (rate * Decimal(package.weekly_minutes) / 60).quantize(Decimal("0.01"))
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
        hourly_rate=rate,
        weekly_cost=weekly_cost,
        outcomes=package.outcomes,
        starts_on=package.starts_on,
        ends_on=package.ends_on,
        agreed_at=package.agreed_at,
        visits=[VisitOut.model_validate(v) for v in package.visits],
    )


@router.get("/packages", response_model=list[PackageRead])
def list_packages(ctx: RequestContext = Depends(authenticated)) -> list[PackageRead]:
    with ctx.transaction() as (session, actor):
        today = local_date(ctx.now())
        stmt = readable_packages(actor).order_by(Package.id)
        return [package_read(session, p, today) for p in session.scalars(stmt)]


@router.get("/packages/{package_id}", response_model=PackageRead)
def get_package(package_id: int, ctx: RequestContext = Depends(authenticated)) -> PackageRead:
    with ctx.transaction() as (session, actor):
        package = load_readable(session, readable_packages(actor), Package, package_id, "package")
        return package_read(session, package, local_date(ctx.now()))
