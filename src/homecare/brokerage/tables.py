"""Referrals, their visit patterns and the offers made to providers, as stored."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from homecare.db import Base, UTCDateTime

LIVE_OFFER_STATUSES = ("open", "accepted")
"""An offer in these states lets its provider see the person and the referral; once it is
declined, lapsed or withdrawn, the provider keeps only its own offer, without personal data."""


class Referral(Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    referrer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    referred_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    authorised_delay: Mapped[str | None] = mapped_column(String(300))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"))
    weekly_minutes: Mapped[int] = mapped_column(Integer)
    outcomes_sought: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_start: Mapped[date] = mapped_column(Date)
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str | None] = mapped_column(String(300))
    cascade_round: Mapped[int] = mapped_column(Integer, default=1)
    cascade_plan: Mapped[list[dict[str, int]]] = mapped_column(JSON, default=list)
    """The offer order decided when the round began: provider and contract ids, in rank."""
    cascade_skipped: Mapped[list[dict[str, int | str]] | None] = mapped_column(JSON)
    """Providers left out of this round's order, each with why: no staff trained for the
    skills the referral needs."""
    preferred_provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    """The provider the person chose, offered first in every round."""
    preference_reason: Mapped[str | None] = mapped_column(String(300))
    """Why the person wants that provider; required when it holds no contract here."""
    spot_contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    """The spot purchase made for a chosen provider with no contract in the lot and zone."""
    visits: Mapped[list[ReferralVisit]] = relationship(
        cascade="all, delete-orphan", order_by="ReferralVisit.id"
    )
    offers: Mapped[list[Offer]] = relationship(
        back_populates="referral",
        order_by="(Offer.cascade_round, Offer.rank)",
        cascade="all, delete-orphan",
    )


class ReferralVisit(Base):
    __tablename__ = "referral_visit"
    __table_args__ = (UniqueConstraint("referral_id", "day", "band"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    day: Mapped[str] = mapped_column(String(3))
    band: Mapped[str] = mapped_column(String(8))
    minutes: Mapped[int] = mapped_column(Integer)
    carers: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="care", server_default="care")
    """care, night_sitting or sleep_in (`pattern.VisitKind`)."""
    at: Mapped[str | None] = mapped_column(String(5))
    """A clock time set with the person, 'HH:MM' local; none for any time in the band."""
    short_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    """The person asked for a visit under 30 minutes (000 §27)."""
    task: Mapped[str | None] = mapped_column(String(32))
    """A delegated healthcare task named by the referrer, from the lot's tasks (000 §12)."""


class Offer(Base):
    """One step of the cascade: the referral put to one provider under one contract."""

    __tablename__ = "offer"
    __table_args__ = (UniqueConstraint("referral_id", "cascade_round", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    cascade_round: Mapped[int] = mapped_column(Integer, default=1)
    rank: Mapped[int] = mapped_column(Integer)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    respond_by: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decline_reason: Mapped[str | None] = mapped_column(String(32))
    decline_note: Mapped[str | None] = mapped_column(String(500))
    agreed_start: Mapped[date | None] = mapped_column(Date)
    referral: Mapped[Referral] = relationship(back_populates="offers")
