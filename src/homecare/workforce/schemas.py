"""Care workers as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import WrittenDate
from homecare.pattern import Day
from homecare.workforce.domain import ContractType, TravelMode


class CareWorkerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    contract_type: ContractType
    weekly_contracted_hours: float = Field(ge=0, le=60, allow_inf_nan=False)
    shift_hours: float = Field(default=7.5, gt=0, le=12, allow_inf_nan=False)
    skills: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=lambda: ["English"])
    travel_mode: TravelMode
    home_postcode: str
    home_latitude: float | None = Field(default=None, ge=49.8, le=61.0, allow_inf_nan=False)
    home_longitude: float | None = Field(default=None, ge=-8.7, le=1.8, allow_inf_nan=False)
    shift_pattern: dict[Day, tuple[time, time]] = Field(
        default_factory=dict,
        description='Working days and hours, e.g. {"mon": ["07:00", "14:30"]}',
    )


class CareWorkerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    provider_id: int
    name: str
    contract_type: ContractType
    weekly_contracted_minutes: int
    shift_minutes: int
    skills: list[str]
    languages: list[str]
    travel_mode: TravelMode
    home_postcode: str
    home_latitude: float
    home_longitude: float
    shift_pattern: dict[str, list[str]]
    hired_on: date | None = None
    left_on: date | None = Field(
        default=None, description="Their first day no longer working; none while they do"
    )


class CareWorkerLeaving(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left_on: WrittenDate = Field(
        description="Their first day no longer working, e.g. 2026-12-07: not before they "
        "were hired, at most a year ahead"
    )
    reason: str = Field(min_length=2, max_length=300, description="Why they are leaving")
