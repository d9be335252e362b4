"""Who may do what, and the one choke point for which rows an actor may see.

Roles are data: each has a description and the permissions it grants. Every query for
records goes through a `readable_*` statement here, so a provider can never load another
provider's rows, and a missing record and somebody else's record look the same (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, false, or_, select

from homecare.errors import Forbidden

T = TypeVar("T")


class Role(StrEnum):
    COMMISSIONER = "commissioner"
    BROKER = "broker"
    SOCIAL_WORKER = "social_worker"
    NEIGHBOURHOOD_NURSE = "neighbourhood_nurse"
    PROVIDER_MANAGER = "provider_manager"
    CARE_WORKER = "care_worker"
    PERSON = "person"
    SYSTEM = "system"


class Permission(StrEnum):
    MANAGE_MARKET = "manage_market"
    """Create organisations, lots, zones and contracts."""
    RECORD_PEOPLE = "record_people"
    REFER = "refer"
    BROKER = "broker"
    """Run the cascade, withdraw referrals, work the awaiting-care list."""
    RESPOND_TO_OFFERS = "respond_to_offers"
    MANAGE_WORKFORCE = "manage_workforce"
    VIEW_KPIS = "view_kpis"
    RECORD_VISITS = "record_visits"
    """Check in and out of one's own visits (call monitoring)."""
    MANAGE_DELIVERY = "manage_delivery"
    """Schedule visits, record hospital stays, community hours, reviews and changes."""
    DECIDE_CHANGES = "decide_changes"
    """Approve, amend or reverse provider-led changes; do reviews as social worker."""
    USE_TIME_BANK = "use_time_bank"
    """Bank hours and draw them, for oneself or for the person one supports."""


@dataclass(frozen=True)
class RoleDefinition:
    role: Role
    organisation_kind: str | None
    description: str
    permissions: frozenset[Permission]


ROLES: dict[Role, RoleDefinition] = {
    d.role: d
    for d in (
        RoleDefinition(
            Role.COMMISSIONER,
            "council",
            "Sets up lots, zones, contracts and rates; watches KPIs, money and the market.",
            frozenset({Permission.MANAGE_MARKET, Permission.VIEW_KPIS, Permission.BROKER}),
        ),
        RoleDefinition(
            Role.BROKER,
            "council",
            "Places referrals with providers and works the awaiting-care list.",
            frozenset(
                {
                    Permission.BROKER,
                    Permission.VIEW_KPIS,
                    Permission.RECORD_PEOPLE,
                    Permission.REFER,
                }
            ),
        ),
        RoleDefinition(
            Role.SOCIAL_WORKER,
            "council",
            "Refers people and approves provider-led changes.",
            frozenset({Permission.RECORD_PEOPLE, Permission.REFER, Permission.DECIDE_CHANGES}),
        ),
        RoleDefinition(
            Role.NEIGHBOURHOOD_NURSE,
            "nhs_trust",
            "Refers delegated healthcare activities (Lot 2) from the NHS neighbourhood team.",
            frozenset({Permission.RECORD_PEOPLE, Permission.REFER}),
        ),
        RoleDefinition(
            Role.PROVIDER_MANAGER,
            "provider",
            "Accepts or declines offers, employs care workers, plans rounds.",
            frozenset(
                {
                    Permission.RESPOND_TO_OFFERS,
                    Permission.MANAGE_WORKFORCE,
                    Permission.MANAGE_DELIVERY,
                    Permission.USE_TIME_BANK,
                }
            ),
        ),
        RoleDefinition(
            Role.CARE_WORKER,
            "provider",
            "Sees their own round and records their visits.",
            frozenset({Permission.RECORD_VISITS}),
        ),
        RoleDefinition(
            Role.PERSON,
            None,
            "A person receiving care, or family acting for them: sees their own plan.",
            frozenset({Permission.USE_TIME_BANK}),
        ),
        RoleDefinition(
            Role.SYSTEM,
            None,
            "The platform itself: scenario generation, timed cascade steps, imports.",
            frozenset(Permission),
        ),
    )
}


@dataclass(frozen=True)
class Actor:
    """The user behind an action, as every service function receives it."""

    user_id: int | None
    organisation_id: int | None
    organisation_kind: str | None
    role: Role
    care_worker_id: int | None = None
    person_id: int | None = None

    @property
    def is_council(self) -> bool:
        """Council staff; a person's own account sits under the council but is not staff."""
        return self.organisation_kind == "council" and self.role is not Role.PERSON

    @property
    def is_provider(self) -> bool:
        return self.organisation_kind == "provider"

    @property
    def is_system(self) -> bool:
        return self.role is Role.SYSTEM

    def may(self, permission: Permission) -> bool:
        return permission in ROLES[self.role].permissions


SYSTEM_ACTOR = Actor(user_id=None, organisation_id=None, organisation_kind=None, role=Role.SYSTEM)


def require(actor: Actor, permission: Permission) -> None:
    if not actor.may(permission):
        raise Forbidden(f"the {actor.role.value} role may not {permission.value.replace('_', ' ')}")


def valid_role_for(role: Role, organisation_kind: str) -> bool:
    expected = ROLES[role].organisation_kind
    return expected is None or expected == organisation_kind


# --- the tenancy choke point -------------------------------------------------------------


def readable_people(actor: Actor) -> Select[Any]:
    from homecare.brokerage.tables import Offer, Referral
    from homecare.packages.tables import Package
    from homecare.people.tables import Person

    stmt = select(Person)
    if actor.is_system:
        return stmt
    if actor.is_council:
        return stmt.where(Person.council_id == actor.organisation_id)
    if actor.role is Role.NEIGHBOURHOOD_NURSE:
        referred = select(Referral.person_id).where(
            Referral.referrer_org_id == actor.organisation_id
        )
        return stmt.where(
            or_(Person.recorded_by_org_id == actor.organisation_id, Person.id.in_(referred))
        )
    if actor.role is Role.PROVIDER_MANAGER:
        packaged = select(Package.person_id).where(Package.provider_id == actor.organisation_id)
        offered = (
            select(Referral.person_id)
            .join(Offer, Offer.referral_id == Referral.id)
            .where(Offer.provider_id == actor.organisation_id)
        )
        return stmt.where(or_(Person.id.in_(packaged), Person.id.in_(offered)))
    if actor.role is Role.PERSON and actor.person_id is not None:
        return stmt.where(Person.id == actor.person_id)
    return stmt.where(false())


def readable_referrals(actor: Actor) -> Select[Any]:
    from homecare.brokerage.tables import Offer, Referral

    stmt = select(Referral)
    if actor.is_system:
        return stmt
    if actor.is_council:
        return stmt.where(Referral.council_id == actor.organisation_id)
    if actor.role is Role.NEIGHBOURHOOD_NURSE:
        return stmt.where(Referral.referrer_org_id == actor.organisation_id)
    if actor.role is Role.PROVIDER_MANAGER:
        offered = select(Offer.referral_id).where(Offer.provider_id == actor.organisation_id)
        return stmt.where(Referral.id.in_(offered))
    if actor.role is Role.PERSON and actor.person_id is not None:
        return stmt.where(Referral.person_id == actor.person_id)
    return stmt.where(false())


def readable_offers(actor: Actor) -> Select[Any]:
    from homecare.brokerage.tables import Offer, Referral

    stmt = select(Offer)
    if actor.is_system:
        return stmt
    if actor.is_council:
        return stmt.join(Referral, Offer.referral_id == Referral.id).where(
            Referral.council_id == actor.organisation_id
        )
    if actor.role is Role.PROVIDER_MANAGER:
        return stmt.where(Offer.provider_id == actor.organisation_id)
    return stmt.where(false())


def readable_packages(actor: Actor) -> Select[Any]:
    from homecare.packages.tables import Package

    stmt = select(Package)
    if actor.is_system:
        return stmt
    if actor.is_council:
        return stmt.where(Package.council_id == actor.organisation_id)
    if actor.role is Role.PROVIDER_MANAGER:
        return stmt.where(Package.provider_id == actor.organisation_id)
    if actor.role is Role.PERSON and actor.person_id is not None:
        return stmt.where(Package.person_id == actor.person_id)
    return stmt.where(false())


def readable_contracts(actor: Actor) -> Select[Any]:
    from homecare.market.tables import Contract

    stmt = select(Contract)
    if actor.is_system:
        return stmt
    if actor.is_council:
        return stmt.where(Contract.council_id == actor.organisation_id)
    if actor.role is Role.PROVIDER_MANAGER:
        return stmt.where(Contract.provider_id == actor.organisation_id)
    return stmt.where(false())


def readable_care_workers(actor: Actor) -> Select[Any]:
    from homecare.workforce.tables import CareWorker

    stmt = select(CareWorker)
    if actor.is_system:
        return stmt
    if actor.role is Role.PROVIDER_MANAGER:
        return stmt.where(CareWorker.provider_id == actor.organisation_id)
    if actor.role is Role.CARE_WORKER and actor.care_worker_id is not None:
        return stmt.where(CareWorker.id == actor.care_worker_id)
    return stmt.where(false())


def readable_rounds(actor: Actor) -> Select[Any]:
    """A provider's managers see its rounds; a care worker sees only their own."""
    from homecare.rounds.tables import Round

    stmt = select(Round)
    if actor.is_system:
        return stmt
    if actor.role is Role.PROVIDER_MANAGER:
        return stmt.where(Round.provider_id == actor.organisation_id)
    if actor.role is Role.CARE_WORKER and actor.care_worker_id is not None:
        return stmt.where(Round.care_worker_id == actor.care_worker_id)
    return stmt.where(false())


def readable_visits(actor: Actor) -> Select[Any]:
    """Visits: the council's, the provider's, a carer's own, a person's own."""
    from homecare.delivery.tables import Visit, VisitCarer
    from homecare.packages.tables import Package

    stmt = select(Visit)
    if actor.is_system:
        return stmt
    if actor.is_council:
        mine = select(Package.id).where(Package.council_id == actor.organisation_id)
        return stmt.where(Visit.package_id.in_(mine))
    if actor.role is Role.PROVIDER_MANAGER:
        return stmt.where(Visit.provider_id == actor.organisation_id)
    if actor.role is Role.CARE_WORKER and actor.care_worker_id is not None:
        planned = select(VisitCarer.visit_id).where(
            VisitCarer.care_worker_id == actor.care_worker_id
        )
        return stmt.where(Visit.id.in_(planned))
    if actor.role is Role.PERSON and actor.person_id is not None:
        return stmt.where(Visit.person_id == actor.person_id)
    return stmt.where(false())


def readable_package_ids(actor: Actor) -> Select[Any]:
    """The ids of the packages the actor may read, for records that hang off a package."""
    from homecare.packages.tables import Package

    return readable_packages(actor).with_only_columns(Package.id)


def readable_by_package(actor: Actor, model: Any) -> Select[Any]:
    """Rows of a table with a `package_id`, visible exactly when their package is."""
    return select(model).where(model.package_id.in_(readable_package_ids(actor)))


def readable_alerts(actor: Actor) -> Select[Any]:
    from homecare.delivery.tables import Alert

    stmt = select(Alert)
    if actor.is_system:
        return stmt
    if actor.role is Role.PROVIDER_MANAGER:
        return stmt.where(Alert.provider_id == actor.organisation_id)
    return stmt.where(false())


def readable_notifications(actor: Actor) -> Select[Any]:
    from homecare.flex.tables import Notification

    stmt = select(Notification)
    if actor.is_system:
        return stmt
    if actor.organisation_id is None or actor.role is Role.PERSON:
        return stmt.where(false())
    return stmt.where(Notification.organisation_id == actor.organisation_id)


def load_readable(session: Any, stmt: Select[Any], model: type[T], ident: int, label: str) -> T:
    """One row the actor may read, or NotFound: missing and forbidden look the same."""
    from homecare.errors import NotFound

    row = session.scalars(stmt.where(model.id == ident)).first()  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(f"{label} {ident} not found")
    return row  # type: ignore[no-any-return]
