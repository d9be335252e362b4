"""A time-bank account per package on an envelope of time, and its ledger."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class TimeBankAccount(Base):
    """The envelope's terms; the row a draw locks so that balances stay consistent."""

    __tablename__ = "time_bank_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), unique=True)
    period_weeks: Mapped[int] = mapped_column(Integer)
    minutes_per_period: Mapped[int] = mapped_column(Integer)
    current_period_start: Mapped[date] = mapped_column(Date)
    carry_over_share: Mapped[float] = mapped_column(Float)
    """The share of a period's unused envelope carried into the next; the rest expires."""
    bank_cap_minutes: Mapped[int] = mapped_column(Integer)
    """Banked minutes above this expire at a period end."""
    overdraft_minutes: Mapped[int] = mapped_column(Integer)
    """How far the bank may be drawn ahead of banking (hours brought forward)."""
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TimeBankEntry(Base):
    """One signed movement of minutes; a balance is the sum of an account's entries."""

    __tablename__ = "time_bank_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("time_bank_account.id"), index=True)
    pot: Mapped[str] = mapped_column(String(8))
    """"envelope" (this period's hours) or "bank" (hours saved for later)."""
    kind: Mapped[str] = mapped_column(String(16))
    """grant, delivery, bank, draw, carry_over, expiry, write_off."""
    minutes: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), unique=True)
    """A delivery names its visit, so a visit is drawn from the envelope at most once."""
    note: Mapped[str | None] = mapped_column(String(500))


class TimeBankRequest(Base):
    """The person's (or family's) ask to turn banked hours into care: an extra visit on a
    date, or a planned visit made longer. The provider accepts (the minutes are drawn from
    the bank and the visit booked) or declines with a reason; nothing is drawn before. The
    person or family may withdraw it while it waits."""

    __tablename__ = "time_bank_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """"extra_visit" or "longer_visit"."""
    minutes: Mapped[int] = mapped_column(Integer)
    """The person's time asked for: an extra visit's length, or the minutes added."""
    day: Mapped[date] = mapped_column(Date)
    band: Mapped[str] = mapped_column(String(8))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    """The visit made longer; for an extra visit, the visit booked once accepted."""
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), index=True)
    """asked, accepted, declined or withdrawn."""
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    asked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the ask stopped waiting: the provider's answer, or the person's withdrawal."""
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    """Who accepted, declined or withdrew it."""
    decline_reason: Mapped[str | None] = mapped_column(String(300))
