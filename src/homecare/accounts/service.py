"""User accounts and bearer tokens.

A token is shown once when issued and only its SHA-256 is stored; a disabled account's
token is refused. Web sign-in (passwords, authenticator codes, a council's OpenID
Connect) is another way to obtain the same `Actor`; everything behind it is the same.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Role, valid_role_for
from homecare.accounts.tables import UserAccount
from homecare.errors import Conflict, InvalidInput, NotAuthenticated
from homecare.market.tables import Organisation
from homecare.people.tables import Person
from homecare.workforce.tables import CareWorker


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    organisation_id: int,
    role: Role,
    name: str,
    email: str,
    care_worker_id: int | None = None,
    person_id: int | None = None,
) -> tuple[UserAccount, str]:
    """An account and its first bearer token (returned once, never stored in clear)."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise InvalidInput(f"no organisation {organisation_id}", field="organisation")
    if role is Role.SYSTEM or not valid_role_for(role, org.kind):
        raise InvalidInput(f"a {org.kind} cannot have a {role.value} user", field="role")
    if session.scalar(select(UserAccount.id).where(UserAccount.email == email)):
        raise Conflict(f"{email} already has an account", field="email")
    if role is Role.CARE_WORKER:
        worker = session.get(CareWorker, care_worker_id) if care_worker_id else None
        if worker is None or worker.provider_id != organisation_id:
            raise InvalidInput(
                "a care worker account names one of the provider's care workers",
                field="care_worker_id",
            )
    if role is Role.PERSON:
        person = session.get(Person, person_id) if person_id else None
        if person is None or person.council_id != organisation_id:
            raise InvalidInput(
                "a person's account names a person the council supports", field="person_id"
            )
    token = secrets.token_urlsafe(32)
    user = UserAccount(
        organisation_id=organisation_id,
        role=role.value,
        name=name,
        email=email,
        care_worker_id=care_worker_id,
        person_id=person_id,
        token_sha256=_digest(token),
        created_at=at,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="user.created",
        entity="user",
        entity_id=user.id,
        role=role.value,
        organisation_id=organisation_id,
    )
    return user, token


def actor_for_user(session: Session, user: UserAccount) -> Actor:
    org = session.get(Organisation, user.organisation_id)
    assert org is not None
    return Actor(
        user_id=user.id,
        organisation_id=org.id,
        organisation_kind=org.kind,
        role=Role(user.role),
        care_worker_id=user.care_worker_id,
        person_id=user.person_id,
    )


def actor_for_token(session: Session, token: str) -> Actor:
    user = session.scalar(select(UserAccount).where(UserAccount.token_sha256 == _digest(token)))
    if user is None or user.disabled_at is not None:
        raise NotAuthenticated("the bearer token is not recognised")
    return actor_for_user(session, user)
