"""Signing in with a password, throttled per account and per client address.

Each try is kept as a `SignInAttempt` holding only keyed digests (HMAC with the server
secret) of the lower-cased email and of the address, so the table counts failures
without listing who tried. The rules are in `throttle`; here they meet the store. An
unknown email is counted and throttled exactly like a known one, so refusals tell
nobody which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts import throttle
from homecare.accounts.passwords import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from homecare.accounts.server_secret import keyed_digest
from homecare.accounts.service import actor_for_user
from homecare.accounts.tables import SignInAttempt, UserAccount
from homecare.accounts.web_sessions import StartedSession, start_web_session
from homecare.errors import TooManyAttempts

SIGN_IN_REFUSED = "Enter a correct email address and password"
"""The same words whether the email or the password was wrong."""
STAFF_WITHOUT_SECOND_FACTOR = frozenset({Role.PERSON})
"""Roles that may sign in with a password alone: people and families using the service.

Everyone who works in it (council, NHS and provider staff, care workers included, who
see people's addresses and care on their phones) is staff, for whom the council may
require an authenticator app (`require_totp_for_staff`).
"""


@dataclass(frozen=True)
class AttemptKeys:
    """Keyed digests naming whose guesses are counted: an account and a client address."""

    account: str
    address: str


def attempt_keys(secret: bytes, *, account: str, address: str, purpose: str) -> AttemptKeys:
    """`purpose` keeps password and authenticator-code failures in separate counts."""
    return AttemptKeys(
        account=keyed_digest(secret, f"{purpose}-account", account.strip().lower()),
        address=keyed_digest(secret, "address", address),
    )


def _times(session: Session, *conditions: object) -> list[datetime]:
    stmt = select(SignInAttempt.at).where(*conditions)  # type: ignore[arg-type]
    return list(session.scalars(stmt))


def locked_until(session: Session, keys: AttemptKeys, at: datetime) -> datetime | None:
    """When these keys may try again, or None when they may try now."""
    last_success = session.scalar(
        select(func.max(SignInAttempt.at)).where(
            SignInAttempt.account_digest == keys.account, SignInAttempt.succeeded.is_(True)
        )
    )
    since = at - throttle.LOOKBACK
    if last_success is not None and last_success > since:
        since = last_success
    account = throttle.account_locked_until(
        _times(
            session,
            SignInAttempt.account_digest == keys.account,
            SignInAttempt.succeeded.is_(False),
            SignInAttempt.at > since,
        ),
        at,
    )
    address = throttle.address_locked_until(
        _times(
            session,
            SignInAttempt.address_digest == keys.address,
            SignInAttempt.succeeded.is_(False),
            SignInAttempt.at > at - throttle.WINDOW,
        ),
        at,
    )
    times = [t for t in (account, address) if t is not None]
    return max(times) if times else None


def refuse_if_locked(session: Session, keys: AttemptKeys, at: datetime) -> None:
    """Raises TooManyAttempts (429) while the account or the address is locked out."""
    until = locked_until(session, keys, at)
    if until is None:
        return
    minutes = throttle.minutes_to_wait(until, at)
    raise TooManyAttempts(
        f"too many failed attempts: this account is locked for now. Try again in "
        f"{minutes} minute{'s' if minutes != 1 else ''}",
        retry_after=throttle.seconds_to_wait(until, at),
    )


def record_attempt(
    session: Session,
    keys: AttemptKeys,
    *,
    at: datetime,
    succeeded: bool,
    user: UserAccount | None,
    purpose: str,
) -> None:
    """Keeps one try; a failure that locks the account or address is audited."""
    session.add(
        SignInAttempt(
            at=at, account_digest=keys.account, address_digest=keys.address, succeeded=succeeded
        )
    )
    session.flush()
    if succeeded:
        return
    until = locked_until(session, keys, at)
    if until is None:
        return
    audit.record(
        session,
        actor=actor_for_user(session, user) if user is not None else SYSTEM_ACTOR,
        at=at,
        action="user.locked_out",
        entity="user",
        entity_id=user.id if user is not None else 0,
        purpose=purpose,
        until=until.isoformat(),
        account_digest=keys.account,
        address_digest=keys.address,
    )


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


def needs_second_factor(user: UserAccount, *, required_for_staff: bool) -> bool:
    """Enrolled users always enter a code; staff must enrol when the council requires it."""
    if user.totp_secret is not None:
        return True
    return required_for_staff and Role(user.role) not in STAFF_WITHOUT_SECOND_FACTOR


def sign_in_with_password(
    session: Session,
    *,
    email: str,
    password: str,
    at: datetime,
    secret: bytes,
    address: str,
    totp_required_for_staff: bool = False,
) -> StartedSession | None:
    """A new session when the email and password match a live account; otherwise None.

    Raises TooManyAttempts while locked out, before the password is even looked at. A
    refusal is counted and, for a known account, audited (the caller commits either);
    an unknown email spends the same time hashing so that timing does not tell them apart.
    A disabled account is refused with the same words as a wrong password.
    """
    keys = attempt_keys(secret, account=email, address=address, purpose="password")
    refuse_if_locked(session, keys, at)
    user = _user_by_email(session, email)
    if user is None or user.password_hash is None:
        spend_verification_time(password)
        record_attempt(session, keys, at=at, succeeded=False, user=None, purpose="password")
        return None
    right = verify_password(user.password_hash, password)
    if not right or user.disabled_at is not None:
        record_attempt(session, keys, at=at, succeeded=False, user=user, purpose="password")
        audit.record(
            session,
            actor=actor_for_user(session, user),
            at=at,
            action="user.sign_in_refused",
            entity="user",
            entity_id=user.id,
            disabled=user.disabled_at is not None,
        )
        return None
    record_attempt(session, keys, at=at, succeeded=True, user=user, purpose="password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return start_web_session(
        session,
        user=user,
        at=at,
        signed_in_with="password",
        awaiting_second_factor=needs_second_factor(
            user, required_for_staff=totp_required_for_staff
        ),
    )
