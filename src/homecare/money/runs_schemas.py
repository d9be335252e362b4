"""The shapes of payment runs, adjustments, disputes and payment rules on the API; amounts
are integer pence, every run says its "as at" (when it was drafted)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import RecordId, WrittenDate


class DraftBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_id: RecordId
    period: str = Field(max_length=16, description="a 4-week period, e.g. 2026-P12")


class DraftAllBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(max_length=16, description="a 4-week period, e.g. 2026-P12")


class RunRead(BaseModel):
    id: int
    provider_id: int
    provider: str
    period_starts_on: date
    period_ends_on: date
    status: str
    total_pence: int
    totals_by_funding: dict[str, int]
    lines: int
    exceptions: int
    as_at: datetime
    drafted_by_user_id: int | None
    checked_at: datetime | None
    approved_at: datetime | None
    approved_by_user_id: int | None


class LineRead(BaseModel):
    id: int
    package_id: int
    person: str
    iso_week: str
    visits: int
    planned_minutes: int
    actual_minutes: int
    payable_minutes: int
    care_pence: int
    hospital_days: int
    hospital_pence: int
    extras: list[dict[str, Any]]
    pence: int
    decided_by: list[str]
    dispute: dict[str, Any] | None


class ExceptionRead(BaseModel):
    visit_id: int
    package_id: int
    person: str
    day: date
    reason: str
    message: str


class RunAdjustmentRead(BaseModel):
    key: str
    package_id: int
    reason: str
    pence: int
    by: str
    approved_by: str | None


class RunDetailRead(RunRead):
    line_items: list[LineRead]
    exception_items: list[ExceptionRead]
    adjustment_items: list[RunAdjustmentRead]


class AdjustmentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_id: RecordId
    package_id: RecordId
    pence: int = Field(ge=-10_000_000, le=10_000_000, description="signed: less is negative")
    reason: str = Field(min_length=1, max_length=500)


class AdjustmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    provider_id: int
    package_id: int
    pence: int
    reason: str
    requested_at: datetime
    requested_by_user_id: int | None
    approved_at: datetime | None
    approved_by_user_id: int | None
    dispute_id: int | None


class DisputeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    upheld: bool
    resolution: str = Field(min_length=1, max_length=1000)
    pence: int = Field(default=0, ge=-10_000_000, le=10_000_000)


class DisputeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    run_id: int
    line_id: int
    provider_id: int
    reason: str
    raised_at: datetime
    status: str
    resolution: str | None
    resolved_at: datetime | None


class RulesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    effective_from: WrittenDate
    reason: str = Field(min_length=1, max_length=500)
    rules: dict[str, Any] = Field(
        description="the payment rules by name; e.g. basis, billing_unit_minutes, rounding"
    )


class RuleSetRead(BaseModel):
    contract_id: int
    effective_from: date | None
    rules: dict[str, Any]
    described: str
    reason: str


class EnhancementBody(BaseModel):
    """An enhancement or grant: pence an hour or a percentage of the rate (one of the two),
    reaching an area (LSOA codes or postcodes), a time (a clock band, weekdays 0 Monday to
    6 Sunday), bank holidays, nights, or every paid minute (a grant)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["area", "time", "bank_holiday", "night", "grant"]
    funding_source: str = Field(min_length=1, max_length=200)
    starts_on: WrittenDate
    ends_on: WrittenDate | None = None
    pence_per_hour: int = Field(default=0, ge=0, le=10_000)
    percent: Decimal = Field(default=Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    lsoas: list[str] = Field(default_factory=list, max_length=500)
    postcodes: list[str] = Field(default_factory=list, max_length=500)
    from_time: time | None = None
    to_time: time | None = None
    weekdays: list[int] = Field(default_factory=list, max_length=7)
    passed_to_staff: bool = False


class EnhancementRead(BaseModel):
    id: int
    name: str
    kind: str
    funding_source: str
    starts_on: date
    ends_on: date | None
    spec: dict[str, Any]
    described: str
