"""Care workers, as stored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base


class CareWorker(Base):
    __tablename__ = "care_worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    contract_type: Mapped[str] = mapped_column(String(24))
    weekly_contracted_minutes: Mapped[int] = mapped_column(Integer, default=0)
    shift_minutes: Mapped[int] = mapped_column(Integer, default=450)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    travel_mode: Mapped[str] = mapped_column(String(8))
    home_postcode: Mapped[str] = mapped_column(String(8))
    home_latitude: Mapped[float] = mapped_column(Float)
    home_longitude: Mapped[float] = mapped_column(Float)
    shift_pattern: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    """Working days and hours, e.g. {"mon": ["07:00", "14:30"], ...}; a day not named
    is a day off."""
    hired_on: Mapped[date | None] = mapped_column(Date)
    """The day they were added; none for staff recorded before the platform kept it."""
    left_on: Mapped[date | None] = mapped_column(Date)
    """Their first day no longer working for the provider; none while they still do."""
    leaving_reason: Mapped[str | None] = mapped_column(String(300))
