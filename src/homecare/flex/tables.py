"""Community hours, hospital stays, provider-led changes and notifications, as stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class CommunityHours(Base):
    """A temporary uplift to introduce someone to a community resource (000 §10)."""

    __tablename__ = "community_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(500))
    place_name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    day: Mapped[str] = mapped_column(String(3))
    band: Mapped[str] = mapped_column(String(8))
    minutes: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    """active, then ended (by itself on the end date), then closed once its outcome is in."""
    outcome: Mapped[str | None] = mapped_column(String(32))
    """goes_independently, goes_with_support, did_not_continue."""
    outcome_note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HospitalStay(Base):
    """An admission recorded by the provider; visits are suspended until discharge."""

    __tablename__ = "hospital_stay"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    hospital: Mapped[str] = mapped_column(String(200))
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    discharged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discharge_decision: Mapped[str | None] = mapped_column(String(16))
    """resume or review."""
    suspended_visits: Mapped[int] = mapped_column(Integer, default=0)
    freed_minutes: Mapped[int] = mapped_column(Integer, default=0)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


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


class Notification(Base):
    """A message to an organisation's team, e.g. the trusted assessors on an admission."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(300))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
