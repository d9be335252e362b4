"""People queries, built on the statement of whom an actor may read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from homecare.access import Actor, Role, load_readable, scoped
from homecare.brokerage.tables import LIVE_OFFER_STATUSES, Offer, Referral
from homecare.errors import Forbidden
from homecare.market.tables import Lot
from homecare.packages.tables import Package
from homecare.people.tables import Person


def readable_people(actor: Actor) -> Select[Any]:
    """The council's residents; those a nurse's trust recorded or referred, or referred to
    or cared for in a lot the trust commissions; the people a provider holds a live offer for
    or a package of; a person themselves."""

    def nursed(org: int) -> Any:
        trust_lots = select(Lot.id).where(Lot.commissioned_by_id == org)
        referred = select(Referral.person_id).where(
            (Referral.referrer_org_id == org) | Referral.lot_id.in_(trust_lots)
        )
        in_care = select(Package.person_id).where(Package.lot_id.in_(trust_lots))
        return or_(
            Person.recorded_by_org_id == org,
            Person.id.in_(referred),
            Person.id.in_(in_care),
        )

    def provided(org: int) -> Any:
        packaged = select(Package.person_id).where(Package.provider_id == org)
        offered = (
            select(Referral.person_id)
            .join(Offer, Offer.referral_id == Referral.id)
            .where(Offer.provider_id == org, Offer.status.in_(LIVE_OFFER_STATUSES))
        )
        return or_(Person.id.in_(packaged), Person.id.in_(offered))

    return scoped(
        actor,
        select(Person),
        council=lambda org: Person.council_id == org,
        nurse=nursed,
        provider=provided,
        person=lambda person_id: Person.id == person_id,
    )


def load_person(session: Session, actor: Actor, person_id: int) -> Person:
    """One person the actor may read; anybody else is "not found"."""
    return load_readable(session, readable_people(actor), Person, person_id, "person")


def own_record(session: Session, actor: Actor) -> Person:
    """The signed-in person's own record: staff accounts have none."""
    if actor.role is not Role.PERSON or actor.person_id is None:
        raise Forbidden("these pages are for the person receiving care and their family")
    return load_person(session, actor, actor.person_id)


def person_or_none(session: Session, actor: Actor, person_id: int) -> Person | None:
    """The person if the actor may read them: a page then names them, or does not."""
    return session.scalars(readable_people(actor).where(Person.id == person_id)).first()


def person_names(session: Session, actor: Actor, ids: set[int]) -> dict[int, str]:
    """Names of the people the actor may read, by id."""
    if not ids:
        return {}
    rows = session.scalars(readable_people(actor).where(Person.id.in_(ids)))
    return {p.id: f"{p.given_name} {p.family_name}" for p in rows}


def search_people(session: Session, actor: Actor, query: str, limit: int) -> list[Person]:
    """People the actor may read whose name, NHS number or postcode match every word typed;
    up to `limit`, by name."""
    stmt = readable_people(actor)
    compact = query.replace(" ", "")
    if compact.isascii() and compact.isdecimal():
        stmt = stmt.where(Person.nhs_number.contains(compact, autoescape=True))
    else:
        for term in query.split()[:5]:
            stmt = stmt.where(
                or_(
                    Person.given_name.icontains(term, autoescape=True),
                    Person.family_name.icontains(term, autoescape=True),
                    Person.postcode.icontains(term, autoescape=True),
                )
            )
    stmt = stmt.order_by(Person.family_name, Person.given_name, Person.id).limit(limit)
    return list(session.scalars(stmt))


def people_of(session: Session, actor: Actor) -> list[Person]:
    """Everyone the actor may read, in the order they were recorded."""
    return list(session.scalars(readable_people(actor).order_by(Person.id)))
