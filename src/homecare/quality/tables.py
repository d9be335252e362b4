"""Quality and workforce records a provider keeps for its monitoring return (000 Appendix 2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeAlias, TypeVar

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from homecare.db import Base, UTCDateTime


class StaffMovement(Base):
    """A care worker starting or leaving (measure 17, staff turnover)."""

    __tablename__ = "staff_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    care_worker_id: Mapped[int | None] = mapped_column(ForeignKey("care_worker.id"))
    kind: Mapped[str] = mapped_column(String(8))
    """starter or leaver."""
    on: Mapped[date] = mapped_column(Date, index=True)
    contract_type: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(32))
    """For leavers: pay, hours, another_sector, another_provider, retired, dismissed,
    personal, other."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SicknessAbsence(Base):
    """Working days a care worker was off sick (measure 16)."""

    __tablename__ = "sickness_absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    care_worker_id: Mapped[int] = mapped_column(ForeignKey("care_worker.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date, index=True)
    last_day: Mapped[date] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TrainingRecord(Base):
    """Training a care worker received (measure 19)."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    care_worker_id: Mapped[int] = mapped_column(ForeignKey("care_worker.id"), index=True)
    course: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    """induction, care_certificate, mandatory, delegated_healthcare, dementia, other."""
    completed_on: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffSurveyResponse(Base):
    """One anonymous answer to the half-yearly staff survey (measure 18)."""

    __tablename__ = "staff_survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    answered_on: Mapped[date] = mapped_column(Date, index=True)
    job_satisfaction: Mapped[int] = mapped_column(Integer)
    """1 (very dissatisfied) to 5 (very satisfied)."""
    morale: Mapped[int] = mapped_column(Integer)
    """1 (very low) to 5 (very high)."""
    comment: Mapped[str | None] = mapped_column(String(2000))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PeopleSurveyResponse(Base):
    """An answer to the annual survey of people, families and unpaid carers (20, 26)."""

    __tablename__ = "people_survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    respondent: Mapped[str] = mapped_column(String(16))
    """person, family or unpaid_carer."""
    answered_on: Mapped[date] = mapped_column(Date, index=True)
    what_matters_understood: Mapped[bool | None] = mapped_column()
    supported_by_carers: Mapped[bool | None] = mapped_column()
    unpaid_carer_supported: Mapped[bool | None] = mapped_column()
    """For unpaid carers: do they feel well supported by the paid carers in their role."""
    source: Mapped[str] = mapped_column(String(16), default="survey")
    """survey, or review (a conversation held at a review)."""
    comment: Mapped[str | None] = mapped_column(String(2000))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseStudy(Base):
    """A case study or example the return asks for (13, 25, 27, 28, 29)."""

    __tablename__ = "case_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(32))
    """case_study (13), community_development (25), hospital_admission_avoided (27),
    pressure_off_other_services (28), service_gap (29)."""
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(4000))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    services_relieved: Mapped[list[str]] = mapped_column(JSON, default=list)
    """For 28: ambulance, gp, district_nurse, a_and_e, social_work, other."""
    formulated_with: Mapped[list[str]] = mapped_column(JSON, default=list)
    """For 13: person, family, neighbourhood_team, carers."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Complaint(Base):
    """A complaint about the service (measure 22)."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    received_on: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(32))
    """timekeeping, missed_visit, staff_conduct, quality_of_care, communication, charges,
    other."""
    summary: Mapped[str] = mapped_column(String(2000))
    closed_on: Mapped[date | None] = mapped_column(Date)
    upheld: Mapped[bool | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Incident(Base):
    """A reportable incident (measure 23)."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(32))
    """safeguarding, medication_error, fall, injury, missed_visit_harm, other."""
    reported_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    """cqc, council, police, riddor."""
    summary: Mapped[str] = mapped_column(String(2000))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RefundCredit(Base):
    """Money given back to the council or a person (measure 24)."""

    __tablename__ = "refund_credit"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("package.id"))
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    amount_pence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))
    """missed_visits, short_visits, overcharge, goodwill, other."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffingSpend(Base):
    """A provider's spend for a period, split into staffing costs (measure 15)."""

    __tablename__ = "staffing_spend"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date, index=True)
    period_end: Mapped[date] = mapped_column(Date)
    direct_staff_pence: Mapped[int] = mapped_column(Integer)
    """Care workers' pay, on-costs and travel time."""
    indirect_staff_pence: Mapped[int] = mapped_column(Integer)
    """Coordinators, managers, trainers and office staff."""
    total_spend_pence: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


QualityRecord: TypeAlias = (
    StaffMovement
    | SicknessAbsence
    | TrainingRecord
    | StaffSurveyResponse
    | PeopleSurveyResponse
    | CaseStudy
    | Complaint
    | Incident
    | RefundCredit
    | StaffingSpend
)
"""Every table here carries the `provider_id` the records belong to."""

RecordT = TypeVar(
    "RecordT",
    StaffMovement,
    SicknessAbsence,
    TrainingRecord,
    StaffSurveyResponse,
    PeopleSurveyResponse,
    CaseStudy,
    Complaint,
    Incident,
    RefundCredit,
    StaffingSpend,
)
"""Any one kind of quality record, for the code that treats every kind alike."""
