"""Passwords for web sign-in: argon2id hashes, never the password itself.

A new password must pass `check_password_rules`: 12 to 256 characters, and not easy to
guess (`password_rules`, against the shipped list in `password_list`). The hasher's
parameters are argon2-cffi's defaults (RFC 9106's low-memory profile); when
they change, `needs_rehash` says so and a successful sign-in stores a fresh hash.
"""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.accounts.password_list import common_passwords
from homecare.accounts.password_rules import password_problem
from homecare.accounts.tables import UserAccount
from homecare.accounts.web_sessions import end_sessions_of
from homecare.errors import Forbidden, InvalidInput, NotFound

MIN_LENGTH = 12
MAX_LENGTH = 256
"""Long passphrases are welcome; the cap only stops a megabyte 'password' being hashed."""

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; a malformed stored hash is a mismatch, not a crash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


_DUMMY_HASH = hash_password("not anybody's password, only used to spend the same time")


def spend_verification_time(password: str) -> None:
    """Verifies against a dummy hash so an unknown email takes as long as a wrong password."""
    verify_password(_DUMMY_HASH, password)


def check_password_rules(password: str, *, email: str = "", field: str = "password") -> None:
    """Refuses a password that is too short or long or easy to guess (`password_rules`)."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password has at least {MIN_LENGTH} characters", field=field)
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"a password has at most {MAX_LENGTH} characters", field=field)
    if not password.strip():
        raise InvalidInput("a password cannot be only spaces", field=field)
    problem = password_problem(password, email=email, common=common_passwords())
    if problem:
        raise InvalidInput(problem, field=field)


def set_password(
    session: Session, *, actor: Actor, at: datetime, user_id: int, password: str
) -> UserAccount:
    """Stores a new hash for the account and ends its web sessions, audited.

    The platform (the command line) may set anyone's password; a user only their own.
    """
    if not actor.is_system and actor.user_id != user_id:
        raise Forbidden("only the platform or the user themself may set a password")
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    check_password_rules(password, email=user.email)
    replaced = user.password_hash is not None
    user.password_hash = hash_password(password)
    ended = end_sessions_of(session, user.id, at=at)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="user.password_set",
        entity="user",
        entity_id=user.id,
        replaced=replaced,
        web_sessions_ended=ended,
    )
    return user
