"""People receiving care, as stored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base


class Person(Base):
    """A person the council supports; consent is theirs unless someone may give it for them."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    recorded_by_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    nhs_number: Mapped[str] = mapped_column(String(10), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(8))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    lsoa_code: Mapped[str] = mapped_column(String(9), index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    ethnicity: Mapped[str | None] = mapped_column(String(100))
    consent_by_name: Mapped[str | None] = mapped_column(String(200))
    consent_by_relationship: Mapped[str | None] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(16))
    """female, male or other; empty when not recorded."""
    primary_support_reason: Mapped[str | None] = mapped_column(String(64))
    """Why the person needs support, in the national client-level data's words."""
