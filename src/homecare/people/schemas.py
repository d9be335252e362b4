"""People as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nhs_number: str = Field(min_length=10, max_length=12, examples=["943 476 5919"])
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: date
    address: str = Field(min_length=3, max_length=300)
    postcode: str = Field(min_length=5, max_length=8)
    latitude: float | None = Field(default=None, ge=49.8, le=61.0, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-8.7, le=1.8, allow_inf_nan=False)
    lsoa_code: str | None = Field(default=None, pattern=r"^[EW]010\d{5}$")
    languages: list[str] = Field(default_factory=lambda: ["English"])
    ethnicity: str | None = Field(default=None, max_length=100)
    consent_by_name: str | None = Field(
        default=None,
        max_length=200,
        description="Who may consent for the person; empty when they consent for themselves",
    )
    consent_by_relationship: str | None = Field(default=None, max_length=200)
    council_id: int | None = Field(
        default=None, description="For NHS users: the council the person lives in"
    )


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    council_id: int
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    address: str
    postcode: str
    latitude: float
    longitude: float
    lsoa_code: str
    languages: list[str]
    ethnicity: str | None
    consent_by_name: str | None
    consent_by_relationship: str | None
