"""Organisations, lots, zones and contracts as stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.db import Base, UTCDateTime


class Organisation(Base):
    """A council, an NHS trust or a provider; every record belongs to one."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    ods_code: Mapped[str | None] = mapped_column(String(16))
    la_code: Mapped[str | None] = mapped_column(String(16))
    cqc_location_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    rating_overall: Mapped[str | None] = mapped_column(String(24))
    rating_safe: Mapped[str | None] = mapped_column(String(24))
    rating_effective: Mapped[str | None] = mapped_column(String(24))
    rating_caring: Mapped[str | None] = mapped_column(String(24))
    rating_responsive: Mapped[str | None] = mapped_column(String(24))
    rating_well_led: Mapped[str | None] = mapped_column(String(24))
    phone: Mapped[str | None] = mapped_column(String(20))
    """The office number a care worker calls from a visit, e.g. when no one answers."""
    rating_threshold: Mapped[str | None] = mapped_column(String(24))
    """A council's lowest acceptable overall CQC rating (`market.domain.CqcRating`); none
    means `DEFAULT_RATING_THRESHOLD`."""
    workforce_data_set_on: Mapped[date | None] = mapped_column(Date)
    """When a provider last completed the Adult Social Care Workforce Data Set (001 4.8d)."""


class Lot(Base):
    """A division of the council's contract: Lot 1 general, Lot 2 delegated healthcare."""

    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("council_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    commissioned_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    """The NHS trust that commissions the lot with the council and keeps its case
    management (000 §12, §30); none for a lot the council commissions alone."""


class Zone(Base):
    """A neighbourhood built from LSOAs, or the single zone of a city run without zoning."""

    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    city_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    lsoas: Mapped[list[ZoneLsoa]] = relationship(
        back_populates="zone", cascade="all, delete-orphan", order_by="ZoneLsoa.lsoa_code"
    )


class ZoneLsoa(Base):
    """One LSOA belongs to at most one zone of a council."""

    __tablename__ = "zone_lsoa"
    __table_args__ = (UniqueConstraint("council_id", "lsoa_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    lsoa_code: Mapped[str] = mapped_column(String(9))
    zone: Mapped[Zone] = relationship(back_populates="lsoas")


class Contract(Base):
    """A provider's place in a lot and zone: primary, or on the framework behind it."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"))
    role: Mapped[str] = mapped_column(String(16))
    hourly_rate_pence: Mapped[int] = mapped_column(Integer)
    weekly_capacity_minutes: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    flex_up_percent: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    """How far a provider may raise a package's hours as trusted assessor (000 §11)."""
    flex_down_percent: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    notice_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    """Notice either side gives to end the contract early."""


class ContractVersion(Base):
    """One change to a contract, effective from a day: only the fields it sets are filled.

    The contract row holds the terms in force today; these rows are its history and the
    changes still to come (`applied_on` none until their day)."""

    __tablename__ = "contract_version"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(24))
    effective_from: Mapped[date] = mapped_column(Date)
    hourly_rate_pence: Mapped[int | None] = mapped_column(Integer)
    weekly_capacity_minutes: Mapped[int | None] = mapped_column(Integer)
    flex_up_percent: Mapped[int | None] = mapped_column(Integer)
    flex_down_percent: Mapped[int | None] = mapped_column(Integer)
    notice_days: Mapped[int | None] = mapped_column(Integer)
    ends_on: Mapped[date | None] = mapped_column(Date)
    sets_ends_on: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(500))
    conditions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    """The contract conditions as checked when the contract was made or extended."""
    override_reason: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    applied_on: Mapped[date | None] = mapped_column(Date)
