"""CQC ratings as they change, and the alerts a downgrade raises, as stored."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class RatingChange(Base):
    """One key question's rating changing for one provider: the provider's page shows the
    history, and the trail says which file or answer of CQC's it came from."""

    __tablename__ = "rating_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    key_question: Mapped[str] = mapped_column(String(16))
    """overall, safe, effective, caring, responsive or well_led."""
    was: Mapped[str | None] = mapped_column(String(24))
    rating: Mapped[str] = mapped_column(String(24))
    published_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    """cqc-file or cqc-api."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RatingAlert(Base):
    """A provider's overall rating fell below a council's threshold: the council's
    commissioners see it until one of them marks it read."""

    __tablename__ = "rating_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    was: Mapped[str | None] = mapped_column(String(24))
    rating: Mapped[str] = mapped_column(String(24))
    threshold: Mapped[str] = mapped_column(String(24))
    published_on: Mapped[date | None] = mapped_column(Date)
    message: Mapped[str] = mapped_column(String(500))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
