"""Web sessions: a signed-in browser, held on the server and named by a random cookie.

The cookie value is shown to the browser once and only its SHA-256 is stored, as with
bearer tokens. `start_web_session` is the single way in: password sign-in uses it today,
and a council's OpenID Connect sign-in will call it after verifying its ID token.
`actor_for_session` is the web's counterpart of `actor_for_token`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Role
from homecare.accounts.passwords import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from homecare.accounts.service import actor_for_user
from homecare.accounts.tables import UserAccount, WebSession
from homecare.errors import NotAuthenticated

SESSION_COOKIE = "homecare_session"
IDLE_TIMEOUT = timedelta(hours=8)
"""A session nobody has used for this long is over; the next request must sign in again."""
TOUCH_EVERY = timedelta(minutes=1)
"""Last use is written at most this often, so reading pages does not write on every click."""
SIGN_IN_REFUSED = "Enter a correct email address and password"
"""The same words whether the email or the password was wrong."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class StartedSession:
    """A new web session; `token` goes into the cookie and is never stored in clear."""

    token: str
    csrf_token: str
    record: WebSession


def start_web_session(
    session: Session, *, user: UserAccount, at: datetime, signed_in_with: str
) -> StartedSession:
    """Opens a session for a user whose identity has been proven by `signed_in_with`."""
    if Role(user.role) is Role.SYSTEM:
        raise NotAuthenticated("the platform's own account cannot sign in")
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    record = WebSession(
        user_id=user.id,
        token_sha256=_digest(token),
        csrf_token=csrf_token,
        signed_in_with=signed_in_with,
        created_at=at,
        last_seen_at=at,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor_for_user(session, user),
        at=at,
        action="user.signed_in",
        entity="user",
        entity_id=user.id,
        signed_in_with=signed_in_with,
        web_session_id=record.id,
    )
    return StartedSession(token=token, csrf_token=csrf_token, record=record)


def _user_by_email(session: Session, email: str) -> UserAccount | None:
    wanted = email.strip().lower()
    if not wanted:
        return None
    users = list(
        session.scalars(select(UserAccount).where(func.lower(UserAccount.email) == wanted))
    )
    exact = [u for u in users if u.email == email.strip()]
    if exact:
        return exact[0]
    return users[0] if len(users) == 1 else None


def sign_in_with_password(
    session: Session, *, email: str, password: str, at: datetime
) -> StartedSession | None:
    """A new session when the email and password match an account; otherwise None.

    A refusal for a known account is audited (and so must be committed by the caller);
    an unknown email spends the same time hashing so that timing does not tell them apart.
    """
    user = _user_by_email(session, email)
    if user is None or user.password_hash is None:
        spend_verification_time(password)
        return None
    if not verify_password(user.password_hash, password):
        audit.record(
            session,
            actor=actor_for_user(session, user),
            at=at,
            action="user.sign_in_refused",
            entity="user",
            entity_id=user.id,
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return start_web_session(session, user=user, at=at, signed_in_with="password")


def _live_session(session: Session, token: str, at: datetime) -> WebSession:
    record = session.scalar(select(WebSession).where(WebSession.token_sha256 == _digest(token)))
    if record is None or record.ended_at is not None:
        raise NotAuthenticated("sign in to continue")
    if at - record.last_seen_at > IDLE_TIMEOUT:
        raise NotAuthenticated("the session was idle too long: sign in again")
    return record


def current_web_session(session: Session, token: str, *, at: datetime) -> WebSession:
    """The live session the cookie names, marked as used now; NotAuthenticated if none."""
    record = _live_session(session, token, at)
    if at - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = at
    return record


def actor_for_session(session: Session, token: str, *, at: datetime) -> Actor:
    """Who a browser's session cookie acts for; the web's `actor_for_token`."""
    record = current_web_session(session, token, at=at)
    user = session.get(UserAccount, record.user_id)
    assert user is not None, "a session always names its user"
    return actor_for_user(session, user)


def end_web_session(session: Session, token: str, *, at: datetime) -> bool:
    """Signs out: the session ends on the server, so a copied cookie is worthless too."""
    record = session.scalar(select(WebSession).where(WebSession.token_sha256 == _digest(token)))
    if record is None or record.ended_at is not None:
        return False
    record.ended_at = at
    user = session.get(UserAccount, record.user_id)
    assert user is not None
    audit.record(
        session,
        actor=actor_for_user(session, user),
        at=at,
        action="user.signed_out",
        entity="user",
        entity_id=user.id,
        web_session_id=record.id,
    )
    return True
