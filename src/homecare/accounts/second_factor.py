"""Authenticator-app codes (TOTP, RFC 6238): the second factor of a password sign-in.

Codes are 6 digits over 30 seconds (pyotp's defaults, what every authenticator app
shows); one step either side is accepted for phones whose clocks drift, and each code
is good once: its use is kept as a keyed digest in `sign_in_attempt`, so a code seen
over someone's shoulder cannot be replayed. Wrong codes are throttled like passwords.

Enrolment: `homecare users totp EMAIL` sets a new secret and prints its otpauth URI; or,
when the council requires codes for staff, a staff member without one is shown a setup
key on the code page, derived from the server secret and the waiting session (so
nothing unconfirmed is stored) and kept only once a code from it is right.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.accounts.server_secret import keyed_digest
from homecare.accounts.service import actor_for_user
from homecare.accounts.sign_in import attempt_keys, record_attempt, refuse_if_locked
from homecare.accounts.tables import SignInAttempt, UserAccount, WebSession
from homecare.accounts.web_sessions import StartedSession, complete_second_factor
from homecare.errors import Forbidden, NotFound

ISSUER = "Home care"
STEPS_EITHER_SIDE = 1
CODE_REFUSED = "Enter the 6-digit code your authenticator app shows now"


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from a QR code or a link."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def setup_key(server_secret: bytes, web_session_id: int) -> str:
    """A 160-bit base32 secret for a waiting session's enrolment, the same on each load."""
    raw = hmac.new(server_secret, f"totp-setup\0{web_session_id}".encode(), hashlib.sha256)
    return base64.b32encode(raw.digest()[:20]).decode()


def enrol_totp(session: Session, *, actor: Actor, at: datetime, user_id: int) -> tuple[str, str]:
    """A new authenticator secret for the account and its otpauth URI, audited.

    Only the platform (the command line) does this: an existing secret is replaced,
    which the audit row says, and the account's sessions are not touched.
    """
    if not actor.is_system:
        raise Forbidden("only the platform may set up an authenticator for an account")
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    replaced = user.totp_secret is not None
    secret = pyotp.random_base32(length=32)
    user.totp_secret = secret
    audit.record(
        session,
        actor=actor,
        at=at,
        action="user.totp_enrolled",
        entity="user",
        entity_id=user.id,
        replaced=replaced,
        via="command line",
    )
    return secret, provisioning_uri(secret, user.email)


def _matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step whose code this is, within one step of now, else None."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for offset in range(-STEPS_EITHER_SIDE, STEPS_EITHER_SIDE + 1):
        if hmac.compare_digest(totp.generate_otp(now + offset), code):
            return now + offset
    return None


def check_code(
    session: Session,
    record: WebSession,
    *,
    code: str,
    at: datetime,
    server_secret: bytes,
    address: str,
) -> StartedSession | None:
    """Completes a waiting session when the code is right; None when not (caller commits).

    Raises TooManyAttempts (429) after five wrong codes in fifteen minutes, as passwords.
    """
    user = session.get(UserAccount, record.user_id)
    assert user is not None
    keys = attempt_keys(server_secret, account=f"user:{user.id}", address=address, purpose="code")
    refuse_if_locked(session, keys, at)
    enrolling = user.totp_secret is None
    secret = user.totp_secret or setup_key(server_secret, record.id)
    code = code.replace(" ", "").strip()
    step = _matching_step(secret, code, at)
    used = None
    if step is not None:
        used = keyed_digest(server_secret, "code-used", f"{user.id}:{step}")
        if session.scalar(select(SignInAttempt.id).where(SignInAttempt.account_digest == used)):
            step = None
    if step is None or used is None:
        record_attempt(session, keys, at=at, succeeded=False, user=user, purpose="code")
        return None
    record_attempt(session, keys, at=at, succeeded=True, user=user, purpose="code")
    session.add(
        SignInAttempt(at=at, account_digest=used, address_digest=keys.address, succeeded=True)
    )
    if enrolling:
        user.totp_secret = secret
        audit.record(
            session,
            actor=actor_for_user(session, user),
            at=at,
            action="user.totp_enrolled",
            entity="user",
            entity_id=user.id,
            replaced=False,
            via="sign-in page",
        )
    return complete_second_factor(session, record, at=at)
