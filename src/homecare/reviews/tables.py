"""Reviews, the outcome ratings given at them, and the social connections in a plan."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class Review(Base):
    """A review due on a package; done by the provider or a social worker."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """first, scheduled, or after_hospital."""
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_role: Mapped[str | None] = mapped_column(String(32))
    done_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    wellbeing: Mapped[int | None] = mapped_column(Integer)
    """"My Well-being and Independence", 1-5."""
    home: Mapped[int | None] = mapped_column(Integer)
    """"My Home", 1-5."""
    community: Mapped[int | None] = mapped_column(Integer)
    """"My Community", 1-5."""
    opted_out: Mapped[bool] = mapped_column(default=False)
    outcomes_achieved: Mapped[str | None] = mapped_column(String(16))
    """The reviewer's judgement of the plan's outcomes: fully, partially or not met."""
    notes: Mapped[str | None] = mapped_column(String(2000))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rated_by: Mapped[str | None] = mapped_column(String(200))
    """Who gave the ratings on the person's own page before the review, when they did."""
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SocialConnection(Base):
    """Someone or something in a person's life the plan helps them stay connected to."""

    __tablename__ = "social_connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """family, friend, neighbour, group, faith, other."""
    name: Mapped[str] = mapped_column(String(200))
    how_often: Mapped[str] = mapped_column(String(16))
    """daily, weekly, monthly, rarely."""
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_on: Mapped[date | None] = mapped_column(Date)
