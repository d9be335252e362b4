"""People as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import RecordId, WrittenDate


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class PrimarySupportReason(StrEnum):
    """The national client-level data's primary support reasons."""

    PERSONAL_CARE = "Physical Support: Personal care support"
    ACCESS_AND_MOBILITY = "Physical Support: Access & mobility only"
    VISUAL = "Sensory Support: Support for visual impairment"
    HEARING = "Sensory Support: Support for hearing impairment"
    DUAL_SENSORY = "Sensory Support: Support for dual impairment"
    MEMORY_AND_COGNITION = "Support with Memory & Cognition"
    LEARNING_DISABILITY = "Learning Disability Support"
    MENTAL_HEALTH = "Mental Health Support"
    SUBSTANCE_MISUSE = "Social Support: Substance misuse support"
    SOCIAL_ISOLATION = "Social Support: Support for Social Isolation/Other"


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nhs_number: str = Field(min_length=10, max_length=12, examples=["943 476 5919"])
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: WrittenDate
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
    gender: Gender | None = Field(default=None, description="Empty when not recorded")
    primary_support_reason: PrimarySupportReason | None = Field(
        default=None, description="Why the person needs support (client-level data codes)"
    )
    council_id: RecordId | None = Field(
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
    gender: Gender | None = None
    primary_support_reason: PrimarySupportReason | None = None
