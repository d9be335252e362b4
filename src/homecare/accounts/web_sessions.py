"""Web sessions: a signed-in browser, held on the server and named by a random cookie.

The cookie value is shown to the browser once and only its SHA-256 is stored, as with
bearer tokens. `start_web_session` is the single way in: password sign-in
(`accounts.sign_in`) and a council's OpenID Connect sign-in call it once identity is
proven. A session ends when its user signs out, changes password or is disabled, after
8 hours unused and 12 hours (a setting) after signing in.
`actor_for_session` is the web's counterpart of `actor_for_token`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Role
from homecare.accounts.service import actor_for_user
from homecare.accounts.tables import UserAccount, WebSession
from homecare.errors import NotAuthenticated

SESSION_COOKIE = "__Host-homecare_session"
"""`__Host-`: the browser keeps it only if Secure, for Path=/ and this host alone."""
IDLE_TIMEOUT = timedelta(hours=8)
"""A session nobody has used for this long is over; the next request must sign in again."""
ABSOLUTE_TIMEOUT = timedelta(hours=12)
"""However busy, a session ends this long after signing in (`session_absolute_hours`)."""
TOUCH_EVERY = timedelta(minutes=1)
"""Last use is written at most this often, so reading pages does not write on every click."""


class SecondFactorRequired(NotAuthenticated):
    """The password was right, but the session waits for the authenticator code."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class StartedSession:
    """A new web session; `token` goes into the cookie and is never stored in clear."""

    token: str
    csrf_token: str
    record: WebSession


def start_web_session(
    session: Session,
    *,
    user: UserAccount,
    at: datetime,
    signed_in_with: str,
    awaiting_second_factor: bool = False,
    second_factor_by_identity_provider: bool = False,
) -> StartedSession:
    """Opens a session for a user whose identity has been proven by `signed_in_with`.

    With `awaiting_second_factor`, the session reaches only the authenticator code page.
    The audit row keeps whether a single sign-on's identity provider asked for a second
    factor (never so for a password).
    """
    if Role(user.role) is Role.SYSTEM:
        raise NotAuthenticated("the platform's own account cannot sign in")
    if user.disabled_at is not None:
        raise NotAuthenticated("this account is disabled")
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    record = WebSession(
        user_id=user.id,
        token_sha256=_digest(token),
        csrf_token=csrf_token,
        signed_in_with=signed_in_with,
        created_at=at,
        last_seen_at=at,
        awaiting_second_factor=awaiting_second_factor,
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
        awaiting_second_factor=awaiting_second_factor,
        second_factor_by_identity_provider=second_factor_by_identity_provider,
    )
    return StartedSession(token=token, csrf_token=csrf_token, record=record)


def _live_session(
    session: Session, token: str, at: datetime, absolute: timedelta = ABSOLUTE_TIMEOUT
) -> WebSession:
    record = session.scalar(select(WebSession).where(WebSession.token_sha256 == _digest(token)))
    if record is None or record.ended_at is not None:
        raise NotAuthenticated("sign in to continue")
    if at - record.last_seen_at > IDLE_TIMEOUT:
        raise NotAuthenticated("the session was idle too long: sign in again")
    if at - record.created_at > absolute:
        raise NotAuthenticated("the session has lasted its longest: sign in again")
    user = session.get(UserAccount, record.user_id)
    if user is None or user.disabled_at is not None:
        raise NotAuthenticated("this account is disabled")
    return record


def current_web_session(
    session: Session,
    token: str,
    *,
    at: datetime,
    absolute: timedelta = ABSOLUTE_TIMEOUT,
    second_factor_done: bool = True,
) -> WebSession:
    """The live session the cookie names, marked as used now; NotAuthenticated if none.

    A session still waiting for its authenticator code counts only when
    `second_factor_done` is False, i.e. for the code page itself.
    """
    record = _live_session(session, token, at, absolute)
    if second_factor_done and record.awaiting_second_factor:
        raise SecondFactorRequired("enter the code from your authenticator app")
    if at - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = at
    return record


def actor_for_session(
    session: Session, token: str, *, at: datetime, absolute: timedelta = ABSOLUTE_TIMEOUT
) -> Actor:
    """Who a browser's session cookie acts for; the web's `actor_for_token`."""
    record = current_web_session(session, token, at=at, absolute=absolute)
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


def end_sessions_of(session: Session, user_id: int, *, at: datetime) -> int:
    """Ends every live session of a user (new password, account disabled); how many."""
    live = list(
        session.scalars(
            select(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        )
    )
    for record in live:
        record.ended_at = at
    session.flush()
    return len(live)


def complete_second_factor(session: Session, record: WebSession, *, at: datetime) -> StartedSession:
    """The code was right: the session may reach pages, under a new cookie and CSRF token.

    Changing the cookie at the moment of proof means a cookie planted or seen before the
    code was entered is worth nothing afterwards; the change is audited.
    """
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    record.token_sha256 = _digest(token)
    record.csrf_token = csrf_token
    record.awaiting_second_factor = False
    record.last_seen_at = at
    user = session.get(UserAccount, record.user_id)
    assert user is not None
    session.flush()
    audit.record(
        session,
        actor=actor_for_user(session, user),
        at=at,
        action="user.second_factor_passed",
        entity="user",
        entity_id=user.id,
        web_session_id=record.id,
        session_cookie_replaced=True,
    )
    return StartedSession(token=token, csrf_token=csrf_token, record=record)
