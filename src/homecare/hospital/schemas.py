"""Hospital stays and notifications as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import WrittenMoment


class HospitalAdmission(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hospital: str = Field(min_length=2, max_length=200, examples=["St James's University Hospital"])
    admitted_at: WrittenMoment = Field(description="When the person was admitted; not future")


class HospitalDischarge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    discharged_at: WrittenMoment
    decision: Literal["resume", "review"] = Field(
        description="resume the visits now, or hold them until an after-hospital review"
    )


class HospitalStayRead(BaseModel):
    id: int
    package_id: int
    person_id: int
    hospital: str
    admitted_at: datetime
    discharged_at: datetime | None
    discharge_decision: str | None
    in_hospital: bool
    suspended_visits: int
    freed_minutes: int
    freed_hours: Decimal = Field(description="Carer hours not delivered because of the stay")
    review_id: int | None = Field(
        default=None, description="The after-hospital review, when discharge asked for one"
    )


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    team: str
    kind: str
    subject: str
    entity: str
    entity_id: int
    created_at: datetime
    read_at: datetime | None
