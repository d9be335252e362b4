"""Disabling an account: it can no longer sign in, its sessions end and its token stops.

Nothing is deleted, so the audit trail still names who did what; enabling the account
again lets it sign in afresh (no old session or cookie comes back to life). The platform
(the command line) may change any account; a commissioner their council's, a provider's
manager their provider's (`domain.may_change_account`); nobody their own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.accounts.domain import AccountChange, Holder, may_change_account
from homecare.accounts.tables import UserAccount
from homecare.accounts.web_sessions import end_sessions_of
from homecare.errors import Conflict, Forbidden, NotFound


def _account(session: Session, actor: Actor, user_id: int, verb: str) -> UserAccount:
    """The account to change, once the rule allows `actor` to `verb` it."""
    user = session.get(UserAccount, user_id)
    answer = may_change_account(
        Holder(actor.user_id, actor.organisation_id, actor.role.value),
        Holder(user.id, user.organisation_id, user.role) if user is not None else None,
    )
    if answer is AccountChange.ROLE_MAY_NOT:
        raise Forbidden(f"the {actor.role.value.replace('_', ' ')} role may not {verb} accounts")
    if answer is AccountChange.NOT_FOUND or user is None:
        raise NotFound(f"user {user_id} not found")
    if answer is AccountChange.OWN_ACCOUNT:
        raise Conflict(f"you cannot {verb} your own account", field="user_id")
    return user


def disable_user(session: Session, *, actor: Actor, at: datetime, user_id: int) -> UserAccount:
    """Stops the account signing in or using its bearer token, ending its sessions."""
    user = _account(session, actor, user_id, "disable")
    if user.disabled_at is not None:
        raise Conflict("this account is already disabled", field="user_id")
    user.disabled_at = at
    ended = end_sessions_of(session, user.id, at=at)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="user.disabled",
        entity="user",
        entity_id=user.id,
        web_sessions_ended=ended,
    )
    return user


def enable_user(session: Session, *, actor: Actor, at: datetime, user_id: int) -> UserAccount:
    """Lets a disabled account sign in again; it starts with no sessions."""
    user = _account(session, actor, user_id, "enable")
    if user.disabled_at is None:
        raise Conflict("this account is not disabled", field="user_id")
    user.disabled_at = None
    audit.record(
        session, actor=actor, at=at, action="user.enabled", entity="user", entity_id=user.id
    )
    return user
