"""User accounts: who acts, for which organisation, in which role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class UserAccount(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    care_worker_id: Mapped[int | None] = mapped_column(ForeignKey("care_worker.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    """An argon2 hash for web sign-in; empty when the account signs in another way."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when the account may no longer sign in or use its token; its sessions end then."""
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    """The base32 secret of the account's authenticator app, once enrolment is confirmed."""
    oidc_issuer: Mapped[str | None] = mapped_column(String(300))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    """The council identity provider's issuer and subject this account signs in as."""

    __table_args__ = (
        UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_user_account_oidc_identity"),
    )


class WebSession(Base):
    """A signed-in browser: only the SHA-256 of its cookie is stored, never the cookie."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    signed_in_with: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    awaiting_second_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    """A password was right but the authenticator code is still to come: no pages yet."""


class SignInAttempt(Base):
    """One sign-in attempt, kept to throttle guessing per account and per address.

    Neither the email nor the address is stored in clear: only keyed digests, enough to
    count recent failures without the table becoming a list of who tried to sign in.
    """

    __tablename__ = "sign_in_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    account_digest: Mapped[str] = mapped_column(String(64))
    address_digest: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_sign_in_attempt_account_at", "account_digest", "at"),
        Index("ix_sign_in_attempt_address_at", "address_digest", "at"),
    )
