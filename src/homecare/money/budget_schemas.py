"""Budgets, the contingency and direct payments over HTTP. Money is whole pence in and out,
as the rest of the money API; amounts are checked by the service, which refuses them in
pounds, naming the field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import RecordId, WrittenDate


class BudgetLineBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lot_number: int | None = Field(
        default=None, description="The lot, e.g. 1; none for the direct payments line"
    )
    stream: str = Field(description="council, nhs or grant")
    pence: int = Field(description="e.g. 449935200 for £4,499,352.00")


class BudgetBody(BaseModel):
    """The whole budget for the year: its lines replace the ones held."""

    model_config = ConfigDict(extra="forbid")

    lines: list[BudgetLineBody] = Field(max_length=60)
    contingency_pence: int = Field(default=0, description="e.g. 35700000 for £357,000")


class DrawdownBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_pence: int = Field(description="e.g. 5000000 for £50,000")
    reason: str = Field(description="The decision to draw on the contingency, and why")
    drawn_on: WrittenDate | None = Field(default=None, description="Today when not given")


class BudgetLineRead(BaseModel):
    lot_id: int | None
    lot: str
    stream: str
    pence: int


class DrawdownRead(BaseModel):
    id: int
    pence: int
    reason: str
    drawn_on: date
    by: str
    recorded_at: datetime


class ContingencyRead(BaseModel):
    pence: int
    drawn_pence: int
    left_pence: int
    drawdowns: list[DrawdownRead]


class BudgetRead(BaseModel):
    year: int
    label: str
    council_id: int
    budget_pence: int
    lines: list[BudgetLineRead]
    contingency: ContingencyRead


class PositionRow(BaseModel):
    lot_id: int | None
    lot: str
    budget_pence: int
    actual_pence: int
    committed_pence: int
    direct_payments_pence: int
    forecast_pence: int


class MonthRead(BaseModel):
    month: str
    budget_to_date_pence: int
    actual_to_date_pence: int | None
    forecast_to_date_pence: int
    provider_changes: int
    provider_change_weekly_pence: int
    provider_change_to_year_end_pence: int


class PositionRead(BaseModel):
    year: int
    label: str
    as_at: date
    budget_pence: int
    actual_pence: int
    committed_pence: int
    direct_payments_pence: int
    forecast_pence: int
    available_pence: int
    over_pence: int
    budget_set: bool
    alert: str | None
    """Set when the forecast passes the budget with the contingency drawn; none while no
    budget is set for the year."""
    paid_through: date | None
    by_lot: list[PositionRow]
    by_stream: dict[str, int]
    direct_payments_by_stream: dict[str, int]
    contingency: ContingencyRead
    months: list[MonthRead]


class DirectPaymentBody(BaseModel):
    """A weekly amount, or weekly hours at an hourly rate."""

    model_config = ConfigDict(extra="forbid")

    weekly_pence: int | None = Field(default=None, description="e.g. 20000 for £200 a week")
    weekly_hours: Decimal | None = Field(default=None, description="e.g. 7.5")
    hourly_rate_pence: int | None = Field(default=None, description="e.g. 1650 for £16.50")
    starts_on: WrittenDate
    ends_on: WrittenDate | None = None
    stream: str = Field(default="council", description="council, nhs or grant")
    package_id: RecordId | None = Field(
        default=None, description="The package that ended because the person took this instead"
    )


class DirectPaymentEndBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends_on: WrittenDate
    reason: str | None = Field(default=None, max_length=300)


class DirectPaymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    council_id: int
    person_id: int
    package_id: int | None
    stream: str
    weekly_pence: int
    weekly_minutes: int | None
    hourly_rate_pence: int | None
    starts_on: date
    ends_on: date | None
    end_reason: str | None
