"""Optimised rounds as stored: one plan per provider and day, a round per care worker."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.db import Base, UTCDateTime


class RoundPlan(Base):
    """A provider's rounds for one day, as last optimised, with the day's measures."""

    __tablename__ = "round_plan"
    __table_args__ = (UniqueConstraint("provider_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    optimised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seed: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    measures: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    search_id: Mapped[int | None] = mapped_column(Integer)
    """The re-optimisation that saved this plan, which undo can take back; none when the
    plan was saved otherwise."""
    rounds: Mapped[list[Round]] = relationship(
        cascade="all, delete-orphan", order_by="Round.id", back_populates="plan"
    )
    unassigned: Mapped[list[UnassignedVisit]] = relationship(
        cascade="all, delete-orphan", order_by="UnassignedVisit.id"
    )


class Round(Base):
    __tablename__ = "care_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("round_plan.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    care_worker_id: Mapped[int] = mapped_column(ForeignKey("care_worker.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    shift_start: Mapped[datetime] = mapped_column(UTCDateTime)
    shift_end: Mapped[datetime] = mapped_column(UTCDateTime)
    break_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    travel_mode: Mapped[str] = mapped_column(String(8))
    travel_minutes: Mapped[float] = mapped_column(Float)
    contact_minutes: Mapped[float] = mapped_column(Float)
    plan: Mapped[RoundPlan] = relationship(back_populates="rounds")
    stops: Mapped[list[RoundStop]] = relationship(
        cascade="all, delete-orphan", order_by="RoundStop.sequence"
    )


class RoundStop(Base):
    """One visit in a round, in order, with its planned start and the leg to reach it."""

    __tablename__ = "round_stop"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("care_round.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    package_visit_id: Mapped[int] = mapped_column(ForeignKey("package_visit.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer)
    travel_minutes: Mapped[float] = mapped_column(Float)
    carers: Mapped[int] = mapped_column(Integer)
    partner_care_worker_id: Mapped[int | None] = mapped_column(ForeignKey("care_worker.id"))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)


class UnassignedVisit(Base):
    __tablename__ = "round_unassigned"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("round_plan.id"), index=True)
    package_visit_id: Mapped[int] = mapped_column(ForeignKey("package_visit.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    reason: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class RoundSearch(Base):
    """One asked-for re-optimisation of a day, run as a job: where it stands, the plan's
    figures before and after, and the plan it replaced, so the manager can go back to it."""

    __tablename__ = "round_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(12))
    """waiting, searching, done, failed or undone."""
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(String(300), default="")
    plan_id: Mapped[int | None] = mapped_column(Integer)
    """The plan the search saved; undo is allowed only while it is still the day's plan."""
    before: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    previous: Mapped[dict[str, object] | None] = mapped_column(JSON)
    """The replaced plan written out whole (rounds, stops, unplaced visits), or none."""
