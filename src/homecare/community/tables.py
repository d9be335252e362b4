"""Community hours as stored."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String
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
