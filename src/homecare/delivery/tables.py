"""Visits, the carers on them, call-monitoring events, attendances and alerts, as stored."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class Visit(Base):
    """One planned visit on one date: generated from a package's pattern or community hours."""

    __tablename__ = "visit"
    __table_args__ = (
        UniqueConstraint("package_id", "source", "source_id", "day"),
        Index(
            "ix_visit_day_monitoring",
            "day",
            "provider_id",
            "package_id",
            "status",
            "place_kind",
            "delivered_minutes",
            "planned_minutes",
            "carers",
        ),
    )
    """The day index carries every column monitoring reads, so the year's visits are read
    from the index alone (a third smaller than the rows) and a window is one range."""

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    """"pattern" (a package visit slot), "community" (community hours) or "extra" (a visit
    booked with banked hours: `timebank.drawing`)."""
    source_id: Mapped[int] = mapped_column(Integer)
    package_visit_id: Mapped[int | None] = mapped_column(ForeignKey("package_visit.id"))
    day: Mapped[date] = mapped_column(Date)
    band: Mapped[str] = mapped_column(String(8))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    planned_minutes: Mapped[int] = mapped_column(Integer)
    carers: Mapped[int] = mapped_column(Integer)
    place_kind: Mapped[str] = mapped_column(String(16), default="home")
    """"home" or "community": care outside the home counts (000 Appendix 2 measure 6)."""
    place_name: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    health_tasks: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Delegated healthcare tasks (Lot 2) the visit carries."""
    status: Mapped[str] = mapped_column(String(20), index=True, default="planned")
    """planned, in_progress, completed, late, short, missed, cancelled_by_person,
    not_at_home, hospital (suspended by a stay)."""
    delivered_minutes: Mapped[int | None] = mapped_column(Integer)
    arrived_late_minutes: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    banked: Mapped[bool] = mapped_column(default=False)
    """Cancelled by the person with its hours banked for later."""


class VisitCarer(Base):
    """A care worker planned on a visit (two rows for a two-handed visit)."""

    __tablename__ = "visit_carer"
    __table_args__ = (UniqueConstraint("visit_id", "care_worker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    care_worker_id: Mapped[int] = mapped_column(ForeignKey("care_worker.id"), index=True)
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CallEvent(Base):
    """One call-monitoring event as the phone sent it; applied exactly once per client id."""

    __tablename__ = "call_event"
    __table_args__ = (UniqueConstraint("provider_id", "client_event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    client_event_id: Mapped[str] = mapped_column(String(64))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    care_worker_id: Mapped[int] = mapped_column(ForeignKey("care_worker.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """check_in, check_out, not_at_home or note."""
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(2000))
    result: Mapped[str] = mapped_column(String(16))
    """applied, or ignored with the reason in `reason` (kept so a retry answers the same)."""
    reason: Mapped[str | None] = mapped_column(String(300))


class Attendance(Base):
    """One carer's time at one visit, from their check-in and check-out."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("visit_id", "care_worker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    care_worker_id: Mapped[int] = mapped_column(ForeignKey("care_worker.id"), index=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_in_latitude: Mapped[float | None] = mapped_column(Float)
    check_in_longitude: Mapped[float | None] = mapped_column(Float)
    check_in_metres_from_place: Mapped[float | None] = mapped_column(Float)


class Alert(Base):
    """A missed or very late visit, raised to the provider."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("visit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """missed or very_late."""
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class WorkedDay(Base):
    """A care worker's London day as call monitoring saw it: time with people, and the
    travel between them (measure 14). Kept up to date as check-ins and check-outs arrive
    (`delivery.worked_days`), so monitoring reads a row per worker and day, not every stint.
    """

    __tablename__ = "worked_day"
    __table_args__ = (
        UniqueConstraint("care_worker_id", "day"),
        Index("ix_worked_day_day", "day", "care_worker_id", "travel_minutes", "care_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    care_worker_id: Mapped[int] = mapped_column(ForeignKey("care_worker.id"))
    day: Mapped[date] = mapped_column(Date)
    stints: Mapped[int] = mapped_column(Integer)
    """Check-ins with their check-outs that day."""
    care_minutes: Mapped[float] = mapped_column(Float)
    travel_minutes: Mapped[float] = mapped_column(Float)
