"""Packages as the HTTP API shows them."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from homecare.pattern import Day, TimeBand, VisitKind


class VisitOut(BaseModel):
    """One visit of a weekly pattern, as referrals, packages and changes show it."""

    model_config = ConfigDict(from_attributes=True)

    day: Day
    band: TimeBand
    minutes: int
    carers: int
    kind: VisitKind = VisitKind.CARE
    at: str | None = Field(default=None, description="A clock time set with the person")
    short_requested: bool = Field(
        default=False, description="The person asked for a visit under 30 minutes"
    )
    task: str | None = Field(
        default=None,
        validation_alias=AliasChoices("task", "required_skill", "skill"),
        description="A delegated healthcare task only a trained carer may lead",
    )

    @field_validator("at", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        return value.strftime("%H:%M") if isinstance(value, time) else value


class PackageRead(BaseModel):
    id: int
    person_id: int
    provider_id: int
    provider_name: str
    lot: int
    referral_id: int | None
    status: str
    started: bool
    weekly_hours: Decimal
    two_handed_hours: Decimal
    hourly_rate: Decimal
    weekly_cost: Decimal
    outcomes: list[str]
    starts_on: date
    ends_on: date | None
    end_reason: str | None = Field(
        default=None,
        description="Why care ended: died, residential_or_nursing, no_longer_needs_care, "
        "moved_away, direct_payment, hospital_long_stay or short_term_ended",
    )
    moved_from_package_id: int | None = Field(
        default=None, description="The package this one continues after a move of provider"
    )
    agreed_at: datetime
    visits: list[VisitOut]
