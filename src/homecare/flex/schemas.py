"""Hospital stays, provider-led changes and notifications as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from homecare.brokerage.schemas import VisitOut


class HospitalAdmission(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hospital: str = Field(min_length=2, max_length=200, examples=["St James's University Hospital"])
    admitted_at: AwareDatetime = Field(description="When the person was admitted; not future")


class HospitalDischarge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    discharged_at: AwareDatetime
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


class ChangeCreate(BaseModel):
    """A change as trusted assessor; the consent fields are checked against the person."""

    model_config = ConfigDict(extra="forbid")

    to_weekly_minutes: int = Field(description="Carer-minutes a week after the change")
    reason: str = Field(min_length=3, max_length=1000)
    consent_by_name: str | None = Field(
        default=None,
        max_length=200,
        description="The person, or the one named on their record to consent for them",
    )
    consent_by_relationship: str | None = Field(
        default=None, max_length=200, description="'self' when the person consents"
    )
    consent_method: Literal["in_person", "phone", "written"] | None = None
    consent_at: AwareDatetime | None = None


class ChangeDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "amend", "reverse"]
    weekly_minutes: int | None = Field(
        default=None, description="The carer-minutes a week an amendment sets"
    )
    note: str | None = Field(default=None, max_length=1000)


class ImpactFigures(BaseModel):
    """One change's weekly deltas; 'decided' is empty until the social worker decides."""

    weekly_hours_proposed: Decimal
    weekly_pounds_proposed: Decimal
    weekly_hours_decided: Decimal | None
    weekly_pounds_decided: Decimal | None
    weekly_hours_in_effect: Decimal
    weekly_pounds_in_effect: Decimal


class ChangeRead(BaseModel):
    id: int
    package_id: int
    person_id: int
    provider_id: int
    provider_name: str
    council_id: int
    status: str
    within_parameters: bool
    reason: str
    from_weekly_minutes: int
    to_weekly_minutes: int
    from_weekly_hours: Decimal
    to_weekly_hours: Decimal
    hourly_rate: Decimal
    package_weekly_minutes: int
    package_visits: list[VisitOut]
    previous_pattern: dict[str, int]
    consent_by_name: str
    consent_by_relationship: str
    consent_method: str
    consent_at: datetime
    effective_from: date | None
    submit_from: date | None
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_note: str | None
    decided_weekly_minutes: int | None
    created_at: datetime
    impact: ImpactFigures


class ImpactTotal(BaseModel):
    changes: int
    weekly_hours_proposed: Decimal
    weekly_pounds_proposed: Decimal
    weekly_hours_in_effect: Decimal
    weekly_pounds_in_effect: Decimal


class ProviderImpact(ImpactTotal):
    provider_id: int
    provider_name: str


class ImpactReport(BaseModel):
    """Changes proposed from `start` to `end` (London dates), net weekly hours and pounds."""

    start: date
    end: date
    total: ImpactTotal
    by_provider: list[ProviderImpact]
    by_decision: dict[str, ImpactTotal] = Field(
        description="approve, amend, reverse and pending (not yet decided)"
    )
