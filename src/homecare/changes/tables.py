"""Provider-led changes and the consent requests that lead to them, as stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class ProviderChange(Base):
    """A provider's change to a package's hours as trusted assessor (000 §11)."""

    __tablename__ = "provider_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    from_weekly_minutes: Mapped[int] = mapped_column(Integer)
    to_weekly_minutes: Mapped[int] = mapped_column(Integer)
    hourly_rate_pence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(1000))
    within_parameters: Mapped[bool] = mapped_column()
    consent_by_name: Mapped[str] = mapped_column(String(200))
    consent_by_relationship: Mapped[str] = mapped_column(String(200))
    consent_method: Mapped[str] = mapped_column(String(16))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    previous_pattern: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Each pattern visit's minutes before the change, so a reversal restores them."""
    from_pattern: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """The visits (day, band, minutes, carers) the package had when the change was proposed."""
    to_pattern: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """The visits the change proposes; empty only on changes made before changes had visits."""
    status: Mapped[str] = mapped_column(String(24), index=True)
    """in_trial, submitted, awaiting_social_worker, approved, amended, reversed."""
    effective_from: Mapped[date | None] = mapped_column(Date)
    submit_from: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_note: Mapped[str | None] = mapped_column(String(1000))
    decided_weekly_minutes: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ConsentRequest(Base):
    """A provider asking the person, or whoever consents for them, to agree a change online.

    Answered yes, it becomes a provider change with consent given online; answered no, it
    stays declined for the provider to see.
    """

    __tablename__ = "consent_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    from_weekly_minutes: Mapped[int] = mapped_column(Integer)
    to_weekly_minutes: Mapped[int] = mapped_column(Integer)
    from_pattern: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """The visits when the provider asked, so the person sees what changes."""
    to_pattern: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """The visits the provider asks to change to."""
    reason: Mapped[str] = mapped_column(String(1000))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(String(3))
    """yes or no; empty while the request is open."""
    answered_by_name: Mapped[str | None] = mapped_column(String(200))
    answered_by_relationship: Mapped[str | None] = mapped_column(String(200))
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("provider_change.id"))
