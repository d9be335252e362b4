"""Paying providers, as stored: each contract's payment rules by date, the council's
enhancements and grants, payment runs with their lines, exceptions, adjustments and what
each settled, hand-made adjustments waiting for a run, and providers' disputes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class PaymentRuleSet(Base):
    """A contract's payment rules from a day on: a new set is a new row, never an edit, so
    a visit is always paid by the rules of its own day."""

    __tablename__ = "payment_rule_set"
    __table_args__ = (UniqueConstraint("contract_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class PaymentEnhancement(Base):
    """An addition to the rate (an area, a winter, bank holidays, nights) or a grant passed
    to staff, with its fund and its dates; `spec` holds what it reaches."""

    __tablename__ = "payment_enhancement"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    funding_source: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class PaymentRun(Base):
    """What one provider is paid for one 4-week period: drafted, checked, approved, and then
    never changed. `fingerprint` is a hash of its contents, so a re-draft on the same data
    is seen to be the same run."""

    __tablename__ = "payment_run"
    __table_args__ = (UniqueConstraint("provider_id", "period_starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    period_starts_on: Mapped[date] = mapped_column(Date)
    period_ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)
    """draft, checked or approved."""
    fingerprint: Mapped[str] = mapped_column(String(64))
    total_pence: Mapped[int] = mapped_column(BigInteger)
    totals: Mapped[dict[str, int]] = mapped_column(JSON)
    """Pence by funding source: the contract rate, each enhancement's fund, adjustments."""
    line_count: Mapped[int] = mapped_column(Integer)
    exception_count: Mapped[int] = mapped_column(Integer)
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    drafted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class PaymentRunLine(Base):
    """One package's ISO week in a run."""

    __tablename__ = "payment_run_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_run.id"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
    iso_week: Mapped[str] = mapped_column(String(8))
    visit_ids: Mapped[list[int]] = mapped_column(JSON)
    planned_minutes: Mapped[int] = mapped_column(Integer)
    actual_minutes: Mapped[int] = mapped_column(Integer)
    payable_minutes: Mapped[int] = mapped_column(Integer)
    care_pence: Mapped[int] = mapped_column(Integer)
    hospital_days: Mapped[int] = mapped_column(Integer)
    hospital_pence: Mapped[int] = mapped_column(Integer)
    extras: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    decided_by: Mapped[list[str]] = mapped_column(JSON)
    pence: Mapped[int] = mapped_column(Integer)


class PaymentRunException(Base):
    """A visit held back from a run until someone looks at it."""

    __tablename__ = "payment_run_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_run.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"))
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(24))
    message: Mapped[str] = mapped_column(String(300))


class PaymentRunAdjustment(Base):
    """An adjustment as a run paid it: a correction the rules worked out, or a hand-made
    one a second person approved."""

    __tablename__ = "payment_run_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_run.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"))
    reason: Mapped[str] = mapped_column(String(600))
    pence: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200))


class PaymentSettlement(Base):
    """What a run made a key's paid total (a visit, a hospital day, an adjustment): read
    back from approved runs, it is how the next draft knows what was paid already."""

    __tablename__ = "payment_settlement"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_run.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    pence: Mapped[int] = mapped_column(Integer)


class PaymentAdjustment(Base):
    """Money outside the rules asked for by one person and approved by another; the next
    run drafted for the provider after approval pays it."""

    __tablename__ = "payment_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"))
    reason: Mapped[str] = mapped_column(String(500))
    pence: Mapped[int] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("payment_dispute.id"))


class PaymentDispute(Base):
    """A provider's challenge to a line of an approved run, and the council's answer."""

    __tablename__ = "payment_dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_run.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("payment_run_line.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reason: Mapped[str] = mapped_column(String(1000))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    raised_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    """open, upheld or rejected."""
    resolution: Mapped[str | None] = mapped_column(String(1000))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
