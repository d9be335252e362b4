"""Caseload reads: where a person's care could move to."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homecare.market.tables import Contract, Organisation
from homecare.packages.tables import Package


def move_choices(session: Session, package: Package, today: date) -> list[tuple[int, str]]:
    """(contract id, provider's name) of the other providers holding a running contract
    in the package's lot and zone, by name: where the care may move."""
    current = session.get(Contract, package.contract_id)
    assert current is not None
    rows = session.execute(
        select(Contract.id, Organisation.name)
        .join(Organisation, Organisation.id == Contract.provider_id)
        .where(
            Contract.council_id == current.council_id,
            Contract.lot_id == current.lot_id,
            Contract.zone_id == current.zone_id,
            Contract.provider_id != package.provider_id,
            or_(Contract.ends_on.is_(None), Contract.ends_on >= today),
        )
        .order_by(Organisation.name)
    )
    return [(contract_id, name) for contract_id, name in rows]
