"""Community hours as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from homecare.community.domain import MAX_MINUTES, MIN_MINUTES, Outcome
from homecare.community.tables import CommunityHours
from homecare.http import WrittenDate
from homecare.pattern import Day, TimeBand
from homecare.units import hours


class CommunityHoursCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(
        min_length=3, max_length=500, examples=["Go to the Armley lunch club on her own"]
    )
    place_name: str = Field(min_length=2, max_length=200, examples=["Armley Lunch Club"])
    postcode: str | None = Field(
        default=None,
        min_length=5,
        max_length=8,
        description="The place's postcode; or give latitude and longitude",
    )
    latitude: float | None = Field(default=None, ge=49.8, le=61.0, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-8.7, le=1.8, allow_inf_nan=False)
    day: Day
    band: TimeBand
    minutes: int = Field(ge=MIN_MINUTES, le=MAX_MINUTES, strict=True)
    starts_on: WrittenDate
    ends_on: WrittenDate = Field(description="The last day; after starts_on and within 12 weeks")


class CommunityOutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    note: str = Field(min_length=3, max_length=1000)


class CommunityHoursRead(BaseModel):
    id: int
    package_id: int
    purpose: str
    place_name: str
    latitude: float
    longitude: float
    day: str
    band: str
    minutes: int
    hours: Decimal
    starts_on: date
    ends_on: date
    status: str
    outcome: str | None
    outcome_note: str | None
    created_at: datetime

    @classmethod
    def of(cls, uplift: CommunityHours) -> CommunityHoursRead:
        return cls(
            id=uplift.id,
            package_id=uplift.package_id,
            purpose=uplift.purpose,
            place_name=uplift.place_name,
            latitude=uplift.latitude,
            longitude=uplift.longitude,
            day=uplift.day,
            band=uplift.band,
            minutes=uplift.minutes,
            hours=hours(uplift.minutes),
            starts_on=uplift.starts_on,
            ends_on=uplift.ends_on,
            status=uplift.status,
            outcome=uplift.outcome,
            outcome_note=uplift.outcome_note,
            created_at=uplift.created_at,
        )


class CommunityEndedRead(BaseModel):
    ended: int
