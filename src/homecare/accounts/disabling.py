"""Disabling an account: it can no longer sign in, its sessions end and its token stops.

Nothing is deleted, so the audit trail still names who did what; enabling the account
again lets it sign in afresh (no old session or cookie comes back to life).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.accounts.tables import UserAccount
from homecare.accounts.web_sessions import end_sessions_of
from homecare.errors import Conflict, Forbidden, NotFound


def _account(session: Session, actor: Actor, user_id: int) -> UserAccount:
    if not actor.is_system:
        raise Forbidden("only the platform may disable or enable an account")
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def disable_user(session: Session, *, actor: Actor, at: datetime, user_id: int) -> UserAccount:
    """Stops the account signing in or using its bearer token, ending its sessions."""
    user = _account(session, actor, user_id)
    if user.disabled_at is not None:
        raise Conflict(f"{user.email} is already disabled", field="email")
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
    user = _account(session, actor, user_id)
    if user.disabled_at is None:
        raise Conflict(f"{user.email} is not disabled", field="email")
    user.disabled_at = None
    audit.record(
        session, actor=actor, at=at, action="user.enabled", entity="user", entity_id=user.id
    )
    return user
