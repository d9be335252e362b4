"""A council's budget for a financial year, its contingency and what was drawn from it, and
the direct payments people take instead of commissioned care, as stored.

Amounts are BigInteger pence: a year's budget passes the 32-bit limit (£21.4m) in a city
the size of Leicester, whose direct payments alone come to some £24m (001)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class Budget(Base):
    """One council's financial year (named by its starting year) and its contingency."""

    __tablename__ = "budget"
    __table_args__ = (UniqueConstraint("council_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    contingency_pence: Mapped[int] = mapped_column(BigInteger)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    set_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class BudgetLine(Base):
    """The money one funding stream puts into one lot, or into direct payments (no lot)."""

    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    stream: Mapped[str] = mapped_column(String(16))
    """council, nhs or grant (`money.budgets.Stream`)."""
    pence: Mapped[int] = mapped_column(BigInteger)


class ContingencyDrawdown(Base):
    """A decision to spend part of the contingency: never edited, never removed."""

    __tablename__ = "contingency_drawdown"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id"), index=True)
    pence: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500))
    drawn_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_name: Mapped[str] = mapped_column(String(200))


class DirectPayment(Base):
    """Money paid to a person to arrange their own care, weekly, from a day until ended."""

    __tablename__ = "direct_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("package.id"))
    """The package that ended because the person took a direct payment instead, if any."""
    stream: Mapped[str] = mapped_column(String(16))
    weekly_pence: Mapped[int] = mapped_column(BigInteger)
    weekly_minutes: Mapped[int | None] = mapped_column(Integer)
    hourly_rate_pence: Mapped[int | None] = mapped_column(Integer)
    """Set when the amount was worked out from hours at a rate."""
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
