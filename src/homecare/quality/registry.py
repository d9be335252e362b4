"""Every kind of quality record, declared once.

A kind names its table, the shapes the API takes and shows it in, the rules that check it
(`homecare.quality.rules`), its URL segment under `/quality` and how its audit events are
named. The one record action (`homecare.quality.service.record`), the reads
(`homecare.quality.repository`) and the routes are all driven by these declarations, so the
kinds cannot drift apart and a new kind is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic

from pydantic import BaseModel

from homecare.access import Permission
from homecare.quality import rules
from homecare.quality.domain import Values
from homecare.quality.schemas import (
    CaseStudyCreate,
    CaseStudyRead,
    ComplaintCreate,
    ComplaintRead,
    IncidentCreate,
    IncidentRead,
    PeopleSurveyCreate,
    PeopleSurveyRead,
    RefundCreate,
    RefundRead,
    SicknessAbsenceCreate,
    SicknessAbsenceRead,
    StaffingSpendCreate,
    StaffingSpendRead,
    StaffMovementCreate,
    StaffMovementRead,
    StaffSurveyCreate,
    StaffSurveyRead,
    TrainingCreate,
    TrainingRead,
    refund_read,
    staffing_spend_read,
)
from homecare.quality.tables import (
    CaseStudy,
    Complaint,
    Incident,
    PeopleSurveyResponse,
    RecordT,
    RefundCredit,
    SicknessAbsence,
    StaffingSpend,
    StaffMovement,
    StaffSurveyResponse,
    TrainingRecord,
)


@dataclass(frozen=True)
class Kind(Generic[RecordT]):
    """One kind of record, and everything that differs between kinds."""

    segment: str
    """Its URL segment: `/quality/<segment>` and `/quality/<segment>/{<id_name>}`."""
    table: type[RecordT]
    create: type[BaseModel]
    read: type[BaseModel]
    rules: Callable[..., Values]
    """Its `rules.check_*` function: `(store, at, **fields)` to the values to keep."""
    permission: Permission
    """What the provider's manager needs to record it."""
    audit: str
    """Audit actions are `<audit>.recorded`, or `<audit>.<value of verb_field>`."""
    audited: tuple[str, ...]
    """The values its audit event repeats, dates as ISO text."""
    span: tuple[str, str]
    """The columns of the first and last day it covers, for the period filters."""
    one: str
    many: str
    id_name: str
    """The routes' names (so their OpenAPI operations) and the path's id parameter."""
    shown: Callable[[RecordT], Any] | None = None
    """Builds the read shape when it is more than the row's columns (money in pounds)."""
    verb_field: str | None = None

    def action(self, values: Values) -> str:
        verb = values[self.verb_field] if self.verb_field is not None else "recorded"
        return f"{self.audit}.{verb}"

    def audit_detail(self, values: Values) -> dict[str, Any]:
        plain = {name: values[name] for name in self.audited}
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in plain.items()}

    def show(self, row: RecordT) -> Any:
        return self.shown(row) if self.shown is not None else row


STAFF_MOVEMENTS = Kind(
    segment="staff-movements",
    table=StaffMovement,
    create=StaffMovementCreate,
    read=StaffMovementRead,
    rules=rules.check_staff_movement,
    permission=Permission.MANAGE_WORKFORCE,
    audit="staff_movement",
    verb_field="kind",
    audited=("on", "care_worker_id", "reason"),
    span=("on", "on"),
    one="staff_movement",
    many="staff_movements",
    id_name="movement_id",
)
SICKNESS_ABSENCES = Kind(
    segment="sickness-absences",
    table=SicknessAbsence,
    create=SicknessAbsenceCreate,
    read=SicknessAbsenceRead,
    rules=rules.check_sickness_absence,
    permission=Permission.MANAGE_WORKFORCE,
    audit="sickness_absence",
    audited=("care_worker_id", "first_day", "last_day", "working_days"),
    span=("first_day", "last_day"),
    one="sickness_absence",
    many="sickness_absences",
    id_name="absence_id",
)
TRAINING = Kind(
    segment="training",
    table=TrainingRecord,
    create=TrainingCreate,
    read=TrainingRead,
    rules=rules.check_training,
    permission=Permission.MANAGE_WORKFORCE,
    audit="training",
    audited=("care_worker_id", "category", "hours"),
    span=("completed_on", "completed_on"),
    one="training",
    many="training",
    id_name="training_id",
)
STAFF_SURVEY = Kind(
    segment="staff-survey",
    table=StaffSurveyResponse,
    create=StaffSurveyCreate,
    read=StaffSurveyRead,
    rules=rules.check_staff_survey,
    permission=Permission.MANAGE_WORKFORCE,
    audit="staff_survey",
    audited=(),
    span=("answered_on", "answered_on"),
    one="staff_survey_response",
    many="staff_survey_responses",
    id_name="response_id",
)
PEOPLE_SURVEY = Kind(
    segment="people-survey",
    table=PeopleSurveyResponse,
    create=PeopleSurveyCreate,
    read=PeopleSurveyRead,
    rules=rules.check_people_survey,
    permission=Permission.MANAGE_DELIVERY,
    audit="people_survey",
    audited=("respondent", "source", "person_id"),
    span=("answered_on", "answered_on"),
    one="people_survey_response",
    many="people_survey_responses",
    id_name="response_id",
)
CASE_STUDIES = Kind(
    segment="case-studies",
    table=CaseStudy,
    create=CaseStudyCreate,
    read=CaseStudyRead,
    rules=rules.check_case_study,
    permission=Permission.MANAGE_DELIVERY,
    audit="case_study",
    audited=("kind", "person_id"),
    span=("occurred_on", "occurred_on"),
    one="case_study",
    many="case_studies",
    id_name="case_study_id",
)
COMPLAINTS = Kind(
    segment="complaints",
    table=Complaint,
    create=ComplaintCreate,
    read=ComplaintRead,
    rules=rules.check_complaint,
    permission=Permission.MANAGE_DELIVERY,
    audit="complaint",
    audited=("category", "received_on", "person_id"),
    span=("received_on", "received_on"),
    one="complaint",
    many="complaints",
    id_name="complaint_id",
)
INCIDENTS = Kind(
    segment="incidents",
    table=Incident,
    create=IncidentCreate,
    read=IncidentRead,
    rules=rules.check_incident,
    permission=Permission.MANAGE_DELIVERY,
    audit="incident",
    audited=("category", "reported_to", "person_id"),
    span=("occurred_on", "occurred_on"),
    one="incident",
    many="incidents",
    id_name="incident_id",
)
REFUNDS = Kind(
    segment="refunds",
    table=RefundCredit,
    create=RefundCreate,
    read=RefundRead,
    rules=rules.check_refund,
    permission=Permission.MANAGE_DELIVERY,
    audit="refund_credit",
    audited=("amount_pence", "reason", "package_id"),
    span=("issued_on", "issued_on"),
    one="refund",
    many="refunds",
    id_name="refund_id",
    shown=refund_read,
)
STAFFING_SPEND = Kind(
    segment="staffing-spend",
    table=StaffingSpend,
    create=StaffingSpendCreate,
    read=StaffingSpendRead,
    rules=rules.check_staffing_spend,
    permission=Permission.MANAGE_WORKFORCE,
    audit="staffing_spend",
    audited=(
        "period_start",
        "period_end",
        "direct_staff_pence",
        "indirect_staff_pence",
        "total_spend_pence",
    ),
    span=("period_start", "period_end"),
    one="staffing_spend",
    many="staffing_spend",
    id_name="spend_id",
    shown=staffing_spend_read,
)

KINDS: tuple[Kind[Any], ...] = (
    STAFF_MOVEMENTS,
    SICKNESS_ABSENCES,
    TRAINING,
    STAFF_SURVEY,
    PEOPLE_SURVEY,
    CASE_STUDIES,
    COMPLAINTS,
    INCIDENTS,
    REFUNDS,
    STAFFING_SPEND,
)
"""In the order the API lists them."""
