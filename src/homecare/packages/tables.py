"""Packages of care, as stored."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.db import Base, UTCDateTime


class Package(Base):
    """The care one person is commissioned to receive from one provider."""

    __tablename__ = "package"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    weekly_minutes: Mapped[int] = mapped_column(Integer)
    hourly_rate_pence: Mapped[int] = mapped_column(Integer)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    """The last day of care: planned for short-term care, or recorded when care ends."""
    end_reason: Mapped[str | None] = mapped_column(String(32))
    """Why care ended (`packages.domain.EndReason`); none while no end is recorded."""
    end_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moved_from_package_id: Mapped[int | None] = mapped_column(ForeignKey("package.id"))
    """The package this one continues when the person's care moved provider: the
    person's history runs back through it."""
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visits: Mapped[list[PackageVisit]] = relationship(
        cascade="all, delete-orphan", order_by="PackageVisit.id"
    )


class PackageVisit(Base):
    __tablename__ = "package_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    day: Mapped[str] = mapped_column(String(3))
    band: Mapped[str] = mapped_column(String(8))
    minutes: Mapped[int] = mapped_column(Integer)
    carers: Mapped[int] = mapped_column(Integer)
    required_skill: Mapped[str | None] = mapped_column(String(32))
    """A delegated healthcare task (Lot 2) only a trained carer may do."""
    kind: Mapped[str] = mapped_column(String(16), default="care", server_default="care")
    """care, night_sitting or sleep_in (`pattern.VisitKind`)."""
    at: Mapped[str | None] = mapped_column(String(5))
    """A clock time set with the person, 'HH:MM' local; none for any time in the band."""
    short_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    """The person asked for a visit under 30 minutes (000 §27)."""
