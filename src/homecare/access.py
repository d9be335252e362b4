"""Who may do what, and the one choke point for which rows an actor may see.

Roles are data: each has a description and the permissions it grants. Every query for
records goes through a `readable_*` statement in its area's `repository.py`, built on the one
role ladder here (`scoped`), so a provider can never load another provider's rows, and a
missing record and somebody else's record look the same (404). This module knows no area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false

from homecare.errors import Forbidden, NotFound

T = TypeVar("T")


class Role(StrEnum):
    COMMISSIONER = "commissioner"
    BROKER = "broker"
    SOCIAL_WORKER = "social_worker"
    NEIGHBOURHOOD_NURSE = "neighbourhood_nurse"
    FINANCE_OFFICER = "finance_officer"
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
    GOVERN_INFORMATION = "govern_information"
    """See who read a person's record, export what is held about them (subject access)."""
    PAY_PROVIDERS = "pay_providers"
    """Draft, check and approve payment runs; resolve providers' disputes."""


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
            frozenset(
                {
                    Permission.MANAGE_MARKET,
                    Permission.VIEW_KPIS,
                    Permission.BROKER,
                    Permission.GOVERN_INFORMATION,
                }
            ),
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
            Role.FINANCE_OFFICER,
            "council",
            "Pays providers: drafts, checks and approves payment runs and resolves disputes.",
            frozenset({Permission.PAY_PROVIDERS, Permission.VIEW_KPIS}),
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

Clause = Callable[[int], ColumnElement[bool]]
"""Given the actor's organisation, care worker or person id, the rows that actor may see."""


def scoped(
    actor: Actor,
    stmt: Select[Any],
    *,
    council: Clause | None = None,
    nurse: Clause | None = None,
    provider: Clause | None = None,
    care_worker: Clause | None = None,
    person: Clause | None = None,
) -> Select[Any]:
    """The one role ladder every `readable_*` statement climbs.

    The platform itself sees every row; council staff, an NHS neighbourhood nurse, a
    provider's manager, a care worker and a person each see the rows their clause allows;
    a role with no clause sees nothing. Each area's repository says only which column ties a
    row to whom, so the ladder is written once.
    """
    if actor.is_system:
        return stmt
    clause: ColumnElement[bool] | None = None
    if actor.is_council and council is not None and actor.organisation_id is not None:
        clause = council(actor.organisation_id)
    elif actor.role is Role.NEIGHBOURHOOD_NURSE and nurse is not None:
        clause = nurse(actor.organisation_id) if actor.organisation_id is not None else None
    elif actor.role is Role.PROVIDER_MANAGER and provider is not None:
        clause = provider(actor.organisation_id) if actor.organisation_id is not None else None
    elif actor.role is Role.CARE_WORKER and care_worker is not None:
        clause = care_worker(actor.care_worker_id) if actor.care_worker_id is not None else None
    elif actor.role is Role.PERSON and person is not None:
        clause = person(actor.person_id) if actor.person_id is not None else None
    return stmt.where(clause if clause is not None else false())


def load_readable(session: Any, stmt: Select[Any], model: type[T], ident: int, label: str) -> T:
    """One row the actor may read, or NotFound: missing and forbidden look the same."""
    row = session.scalars(stmt.where(model.id == ident)).first()  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(f"{label} {ident} not found")
    return row  # type: ignore[no-any-return]
