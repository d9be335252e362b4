"""A person's care moves to another provider: the old package ends the day before the
handover (or on it, when both carers attend that day's visits to hand over), and a new
package with the same visits, outcomes and planned end starts on the handover day with
the new provider, at its contract's rate. The new package names the one it continues, so
the person's history runs back through it; the time bank's terms and banked hours go with
it, and the reviews not yet done are the new package's to do.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, load_readable
from homecare.calendar import local_date
from homecare.caseload.ending import (
    cancel_visits_after,
    finish_if_past,
    release_round_places,
    require_may_end_care,
)
from homecare.errors import InvalidInput
from homecare.market.tables import Contract
from homecare.packages.domain import (
    ContractTerms,
    EndReason,
    MoveReason,
    PackageStatus,
    check_move,
)
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package, PackageVisit
from homecare.reviews.tables import Review
from homecare.timebank.settling import move_account


def _terms(contract: Contract) -> ContractTerms:
    return ContractTerms(
        provider_id=contract.provider_id,
        council_id=contract.council_id,
        lot_id=contract.lot_id,
        zone_id=contract.zone_id,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
    )


def move_package(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    contract_id: int,
    handover_day: date,
    reason: MoveReason,
    handover_visits: bool = False,
) -> Package:
    """Moves the person's care to the contract's provider from the handover day; returns
    the new package."""
    require_may_end_care(actor)
    old = load_readable(session, readable_packages(actor), Package, package_id, "package")
    current = session.get(Contract, old.contract_id)
    target = session.get(Contract, contract_id)
    assert current is not None
    if target is None or target.council_id != old.council_id:
        raise InvalidInput(f"no contract {contract_id}", field="contract_id")
    check_move(
        status=old.status,
        end_reason=old.end_reason,
        starts_on=old.starts_on,
        current=_terms(current),
        target=_terms(target),
        handover_day=handover_day,
        today=local_date(at),
    )
    new = _continuation(session, old, target, handover_day, at)
    last_day = handover_day if handover_visits else handover_day - timedelta(days=1)
    old.ends_on, old.end_reason, old.end_recorded_at = last_day, EndReason.MOVED.value, at
    cancelled = cancel_visits_after(session, old, last_day)
    released = release_round_places(session, old, last_day)
    carried = move_account(session, actor=actor, at=at, from_package=old.id, to_package=new)
    reviews = _move_reviews(session, old, new)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="package.moved",
        entity="package",
        entity_id=old.id,
        package_id=new.id,
        provider_id=target.provider_id,
        handover_day=handover_day.isoformat(),
        move_reason=reason.value,
        handover_visits=handover_visits,
        cancelled_visits=cancelled,
        released_places=released,
        carried=carried,
        reviews=reviews,
    )
    finish_if_past(session, old, actor=actor, at=at)
    return new


def _continuation(
    session: Session, old: Package, contract: Contract, starts_on: date, at: datetime
) -> Package:
    """The new provider's package: the same care, from the handover day."""
    new = Package(
        council_id=old.council_id,
        person_id=old.person_id,
        provider_id=contract.provider_id,
        contract_id=contract.id,
        lot_id=contract.lot_id,
        referral_id=None,
        status=PackageStatus.ACTIVE.value,
        weekly_minutes=old.weekly_minutes,
        hourly_rate_pence=contract.hourly_rate_pence,
        outcomes=list(old.outcomes),
        starts_on=starts_on,
        ends_on=old.ends_on if old.ends_on and old.ends_on >= starts_on else None,
        agreed_at=at,
        moved_from_package_id=old.id,
    )
    new.visits = [
        PackageVisit(
            day=v.day,
            band=v.band,
            minutes=v.minutes,
            carers=v.carers,
            required_skill=v.required_skill,
        )
        for v in old.visits
    ]
    session.add(new)
    session.flush()
    return new


def _move_reviews(session: Session, old: Package, new: Package) -> int:
    """Reviews not yet done are the new package's to do; those done stay in the history."""
    due = session.scalars(
        select(Review).where(Review.package_id == old.id, Review.done_on.is_(None))
    ).all()
    for review in due:
        review.package_id = new.id
    return len(due)
