"""What the HTTP API accepts and returns for the market: separate create and read models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import RecordId, WrittenDate
from homecare.market.domain import ContractRole, CqcRating, OrganisationKind


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OrganisationKind
    name: str = Field(min_length=2, max_length=200)
    ods_code: str | None = Field(default=None, max_length=16)
    la_code: str | None = Field(default=None, max_length=16)
    cqc_location_id: str | None = Field(default=None, pattern=r"^1-\d{6,11}$")
    rating_overall: CqcRating | None = None
    rating_safe: CqcRating | None = None
    rating_effective: CqcRating | None = None
    rating_caring: CqcRating | None = None
    rating_responsive: CqcRating | None = None
    rating_well_led: CqcRating | None = None
    workforce_data_set_on: WrittenDate | None = Field(
        default=None, description="When the provider last completed the Workforce Data Set"
    )


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: OrganisationKind
    name: str
    ods_code: str | None
    la_code: str | None
    cqc_location_id: str | None
    rating_overall: CqcRating | None
    rating_safe: CqcRating | None
    rating_effective: CqcRating | None
    rating_caring: CqcRating | None
    rating_responsive: CqcRating | None
    rating_well_led: CqcRating | None
    workforce_data_set_on: date | None = None


class LotCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, le=20)
    name: str = Field(min_length=2, max_length=200)
    required_skills: list[str] = Field(default_factory=list)
    commissioned_by_id: RecordId | None = Field(
        default=None,
        description="The NHS trust commissioning the lot with the council (Lot 2's "
        "delegated healthcare); left out, the council commissions it alone",
    )


class LotRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: int
    name: str
    required_skills: list[str]
    commissioned_by_id: int | None = None


class ZoneCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    city_wide: bool = False
    lsoa_codes: list[str] = Field(min_length=1)


class ZoneRead(BaseModel):
    id: int
    name: str
    city_wide: bool
    lsoa_codes: list[str]


class ContractCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_id: RecordId
    lot: int = Field(ge=1, description="The lot number, e.g. 1 or 2")
    zone_id: RecordId
    role: ContractRole
    hourly_rate: Decimal = Field(gt=0, le=200, decimal_places=2, description="Pounds per hour")
    weekly_capacity_hours: Decimal = Field(ge=0, le=100000)
    starts_on: WrittenDate
    ends_on: WrittenDate | None = None
    notice_days: int = Field(default=90, ge=0, le=366, description="Notice to end early")
    override_reason: str | None = Field(
        default=None,
        max_length=500,
        description="Why the contract goes ahead although a condition is not met",
    )


class ContractRead(BaseModel):
    id: int
    provider_id: int
    provider_name: str
    lot: int
    zone_id: int
    zone_name: str
    role: ContractRole
    hourly_rate: Decimal
    hourly_rate_pence: int
    weekly_capacity_hours: Decimal
    starts_on: date
    ends_on: date | None
    flex_up_percent: int = 20
    flex_down_percent: int = 20
    notice_days: int = 90


class RateChangeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hourly_rate: Decimal = Field(gt=0, le=200, decimal_places=2, description="Pounds per hour")
    effective_from: WrittenDate = Field(description="The first day of the new rate")
    reason: str = Field(min_length=3, max_length=500, description="e.g. the annual uplift")


class LimitsChangeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekly_capacity_hours: Decimal | None = Field(default=None, gt=0, le=100000)
    flex_up_percent: int | None = Field(default=None, ge=0, le=100)
    flex_down_percent: int | None = Field(default=None, ge=0, le=100)
    notice_days: int | None = Field(default=None, ge=0, le=366)
    effective_from: WrittenDate | None = Field(default=None, description="Today if not given")
    reason: str = Field(min_length=3, max_length=500)


class ExtensionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends_on: WrittenDate = Field(description="The new last day of the contract")
    reason: str = Field(min_length=3, max_length=500)
    override_reason: str | None = Field(default=None, max_length=500)


class TerminationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends_on: WrittenDate = Field(description="The contract's new last day")
    reason: str = Field(min_length=3, max_length=500)
    without_notice_reason: str | None = Field(
        default=None, max_length=300, description="Why it ends sooner than its notice allows"
    )


class WorkforceDataSetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    completed_on: WrittenDate


class ConditionRead(BaseModel):
    code: str
    condition: str
    met: bool
    finding: str


class ContractVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    change: str
    effective_from: date
    hourly_rate_pence: int | None
    weekly_capacity_minutes: int | None
    flex_up_percent: int | None
    flex_down_percent: int | None
    notice_days: int | None
    ends_on: date | None
    reason: str
    conditions: list[ConditionRead] | None
    override_reason: str | None
    recorded_at: datetime
    applied_on: date | None
