"""The quality records as the HTTP API takes and shows them.

The inputs only fix the shapes: the codes, ranges and rules between fields are checked by
`homecare.quality.rules`, which names the field at fault, so the API and a simulation
calling the service directly are held to the same rules. Money is shown in pence and in
pounds to two decimals.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import RecordId, WrittenDate
from homecare.quality import domain
from homecare.quality.tables import RefundCredit, StaffingSpend
from homecare.units import pounds


def _one_of(codes: tuple[str, ...]) -> str:
    return "One of: " + ", ".join(codes)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    provider_id: int
    recorded_at: datetime


# --- staff ---------------------------------------------------------------------------------


class StaffMovementCreate(_In):
    kind: str = Field(description=_one_of(domain.MOVEMENT_KINDS))
    on: WrittenDate = Field(
        description="The day the care worker started or left; not in the future"
    )
    care_worker_id: RecordId | None = Field(default=None, description="One of your care workers")
    contract_type: str | None = Field(
        default=None,
        description=_one_of(domain.CONTRACT_TYPES) + "; defaults to the care worker's",
    )
    reason: str | None = Field(
        default=None, description="Leavers only. " + _one_of(domain.LEAVER_REASONS)
    )


class StaffMovementRead(_Out):
    care_worker_id: int | None
    kind: str
    on: date
    contract_type: str
    reason: str | None


class SicknessAbsenceCreate(_In):
    care_worker_id: RecordId = Field(description="One of your care workers")
    first_day: WrittenDate
    last_day: WrittenDate = Field(description="Included; on or after first_day")
    working_days: int = Field(
        description="Days the care worker would have worked: at least 1, at most the days "
        "of the span on the weekdays they work"
    )
    reason: str | None = Field(default=None, description="Up to 100 characters")


class SicknessAbsenceRead(_Out):
    care_worker_id: int
    first_day: date
    last_day: date
    working_days: int
    reason: str | None


class TrainingCreate(_In):
    care_worker_id: RecordId = Field(description="One of your care workers")
    course: str = Field(description="Up to 200 characters")
    category: str = Field(description=_one_of(domain.TRAINING_CATEGORIES))
    completed_on: WrittenDate
    hours: float = Field(
        allow_inf_nan=False, description=f"More than 0, at most {domain.MAX_TRAINING_HOURS:g}"
    )


class TrainingRead(_Out):
    care_worker_id: int
    course: str
    category: str
    completed_on: date
    hours: float


class StaffSurveyCreate(_In):
    """One anonymous answer: no care worker is named."""

    answered_on: WrittenDate
    job_satisfaction: int = Field(description="1 (very dissatisfied) to 5 (very satisfied)")
    morale: int = Field(description="1 (very low) to 5 (very high)")
    comment: str | None = Field(default=None, description="Up to 2000 characters")


class StaffSurveyRead(_Out):
    answered_on: date
    job_satisfaction: int
    morale: int
    comment: str | None


class StaffingSpendCreate(_In):
    period_start: WrittenDate
    period_end: WrittenDate = Field(
        description="Included; after period_start and not in the future"
    )
    direct_staff_pence: int = Field(description="Care workers' pay, on-costs and travel time")
    indirect_staff_pence: int = Field(
        description="Coordinators, managers, trainers and office staff"
    )
    total_spend_pence: int = Field(description="All spend; at least direct plus indirect")


class StaffingSpendRead(BaseModel):
    id: int
    provider_id: int
    period_start: date
    period_end: date
    direct_staff_pence: int
    direct_staff_pounds: Decimal
    indirect_staff_pence: int
    indirect_staff_pounds: Decimal
    total_spend_pence: int
    total_spend_pounds: Decimal
    recorded_at: datetime


# --- people and the wider system -----------------------------------------------------------


class PeopleSurveyCreate(_In):
    respondent: str = Field(description=_one_of(domain.RESPONDENTS))
    answered_on: WrittenDate
    person_id: RecordId | None = Field(
        default=None, description="The person receiving care, one you serve"
    )
    what_matters_understood: bool | None = None
    supported_by_carers: bool | None = None
    unpaid_carer_supported: bool | None = Field(
        default=None, description="Unpaid carers only: well supported by the paid carers"
    )
    source: str = Field(
        default="survey", description=_one_of(domain.SURVEY_SOURCES) + " (a review conversation)"
    )
    comment: str | None = Field(default=None, description="Up to 2000 characters")


class PeopleSurveyRead(_Out):
    person_id: int | None
    respondent: str
    answered_on: date
    what_matters_understood: bool | None
    supported_by_carers: bool | None
    unpaid_carer_supported: bool | None
    source: str
    comment: str | None


class CaseStudyCreate(_In):
    kind: str = Field(description=_one_of(domain.CASE_STUDY_KINDS))
    title: str = Field(description="Up to 200 characters")
    summary: str = Field(description="Up to 4000 characters")
    occurred_on: WrittenDate
    person_id: RecordId | None = Field(default=None, description="A person you serve")
    services_relieved: list[str] = Field(
        default_factory=list,
        description="pressure_off_other_services only. " + _one_of(domain.SERVICES_RELIEVED),
    )
    formulated_with: list[str] = Field(
        default_factory=list, description=_one_of(domain.FORMULATED_WITH)
    )


class CaseStudyRead(_Out):
    person_id: int | None
    kind: str
    title: str
    summary: str
    occurred_on: date
    services_relieved: list[str]
    formulated_with: list[str]


# --- complaints, incidents and money -------------------------------------------------------


class ComplaintCreate(_In):
    received_on: WrittenDate
    category: str = Field(description=_one_of(domain.COMPLAINT_CATEGORIES))
    summary: str = Field(description="Up to 2000 characters")
    person_id: RecordId | None = Field(default=None, description="A person you serve")


class ComplaintClose(_In):
    closed_on: WrittenDate = Field(description="On or after the day it was received")
    upheld: bool


class ComplaintRead(_Out):
    person_id: int | None
    received_on: date
    category: str
    summary: str
    closed_on: date | None
    upheld: bool | None


class IncidentCreate(_In):
    occurred_on: WrittenDate
    category: str = Field(description=_one_of(domain.INCIDENT_CATEGORIES))
    summary: str = Field(description="Up to 2000 characters")
    reported_to: list[str] = Field(description="At least one. " + _one_of(domain.REPORTED_TO))
    person_id: RecordId | None = Field(default=None, description="A person you serve")


class IncidentRead(_Out):
    person_id: int | None
    occurred_on: date
    category: str
    reported_to: list[str]
    summary: str


class RefundCreate(_In):
    issued_on: WrittenDate
    amount_pence: int = Field(description="More than 0")
    reason: str = Field(description=_one_of(domain.REFUND_REASONS))
    package_id: RecordId | None = Field(default=None, description="One of your packages")


class RefundRead(BaseModel):
    id: int
    provider_id: int
    package_id: int | None
    issued_on: date
    amount_pence: int
    amount_pounds: Decimal
    reason: str
    recorded_at: datetime


def staffing_spend_read(spend: StaffingSpend) -> StaffingSpendRead:
    return StaffingSpendRead(
        id=spend.id,
        provider_id=spend.provider_id,
        period_start=spend.period_start,
        period_end=spend.period_end,
        direct_staff_pence=spend.direct_staff_pence,
        direct_staff_pounds=pounds(spend.direct_staff_pence),
        indirect_staff_pence=spend.indirect_staff_pence,
        indirect_staff_pounds=pounds(spend.indirect_staff_pence),
        total_spend_pence=spend.total_spend_pence,
        total_spend_pounds=pounds(spend.total_spend_pence),
        recorded_at=spend.recorded_at,
    )


def refund_read(refund: RefundCredit) -> RefundRead:
    return RefundRead(
        id=refund.id,
        provider_id=refund.provider_id,
        package_id=refund.package_id,
        issued_on=refund.issued_on,
        amount_pence=refund.amount_pence,
        amount_pounds=pounds(refund.amount_pence),
        reason=refund.reason,
        recorded_at=refund.recorded_at,
    )
