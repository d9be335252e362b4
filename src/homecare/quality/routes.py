"""HTTP routes for the quality records behind the monitoring return (000 Appendix 2).

Each kind has `POST /quality/<kind>` (the provider records), `GET /quality/<kind>` (the
provider its own, the council those of providers it contracts with, filtered by `from`,
`to` and `provider_id`) and `GET /quality/<kind>/{id}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Depends, Query

from homecare.api.context import RequestContext, authenticated
from homecare.quality import service
from homecare.quality.access import RecordT
from homecare.quality.schemas import (
    CaseStudyCreate,
    CaseStudyRead,
    ComplaintClose,
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
    RefundCredit,
    SicknessAbsence,
    StaffingSpend,
    StaffMovement,
    StaffSurveyResponse,
    TrainingRecord,
)

router = APIRouter(prefix="/quality", tags=["quality"])


@dataclass(frozen=True)
class Filters:
    date_from: date | None
    date_to: date | None
    provider_id: int | None


def filters(
    date_from: date | None = Query(default=None, alias="from", description="On or after"),
    date_to: date | None = Query(default=None, alias="to", description="On or before"),
    provider_id: int | None = Query(
        default=None, description="For the council: one contracted provider's records"
    ),
) -> Filters:
    """A record is listed when any day it covers falls in the period."""
    return Filters(date_from=date_from, date_to=date_to, provider_id=provider_id)


def _list(ctx: RequestContext, model: type[RecordT], by: Filters) -> list[RecordT]:
    with ctx.transaction() as (session, actor):
        return service.list_records(
            session,
            actor=actor,
            model=model,
            date_from=by.date_from,
            date_to=by.date_to,
            provider_id=by.provider_id,
        )


def _one(ctx: RequestContext, model: type[RecordT], record_id: int) -> RecordT:
    with ctx.transaction() as (session, actor):
        return service.get_record(session, actor=actor, model=model, record_id=record_id)


# --- staff movements -----------------------------------------------------------------------


@router.post("/staff-movements", response_model=StaffMovementRead, status_code=201)
def create_staff_movement(
    body: StaffMovementCreate, ctx: RequestContext = Depends(authenticated)
) -> StaffMovement:
    with ctx.transaction() as (session, actor):
        return service.record_staff_movement(
            session, actor=actor, at=ctx.now(), **body.model_dump()
        )


@router.get("/staff-movements", response_model=list[StaffMovementRead])
def list_staff_movements(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[StaffMovement]:
    return _list(ctx, StaffMovement, by)


@router.get("/staff-movements/{movement_id}", response_model=StaffMovementRead)
def get_staff_movement(
    movement_id: int, ctx: RequestContext = Depends(authenticated)
) -> StaffMovement:
    return _one(ctx, StaffMovement, movement_id)


# --- sickness absences ---------------------------------------------------------------------


@router.post("/sickness-absences", response_model=SicknessAbsenceRead, status_code=201)
def create_sickness_absence(
    body: SicknessAbsenceCreate, ctx: RequestContext = Depends(authenticated)
) -> SicknessAbsence:
    with ctx.transaction() as (session, actor):
        return service.record_sickness_absence(
            session, actor=actor, at=ctx.now(), **body.model_dump()
        )


@router.get("/sickness-absences", response_model=list[SicknessAbsenceRead])
def list_sickness_absences(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[SicknessAbsence]:
    return _list(ctx, SicknessAbsence, by)


@router.get("/sickness-absences/{absence_id}", response_model=SicknessAbsenceRead)
def get_sickness_absence(
    absence_id: int, ctx: RequestContext = Depends(authenticated)
) -> SicknessAbsence:
    return _one(ctx, SicknessAbsence, absence_id)


# --- training ------------------------------------------------------------------------------


@router.post("/training", response_model=TrainingRead, status_code=201)
def create_training(
    body: TrainingCreate, ctx: RequestContext = Depends(authenticated)
) -> TrainingRecord:
    with ctx.transaction() as (session, actor):
        return service.record_training(session, actor=actor, at=ctx.now(), **body.model_dump())


@router.get("/training", response_model=list[TrainingRead])
def list_training(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[TrainingRecord]:
    return _list(ctx, TrainingRecord, by)


@router.get("/training/{training_id}", response_model=TrainingRead)
def get_training(training_id: int, ctx: RequestContext = Depends(authenticated)) -> TrainingRecord:
    return _one(ctx, TrainingRecord, training_id)


# --- staff survey --------------------------------------------------------------------------


@router.post("/staff-survey", response_model=StaffSurveyRead, status_code=201)
def create_staff_survey_response(
    body: StaffSurveyCreate, ctx: RequestContext = Depends(authenticated)
) -> StaffSurveyResponse:
    with ctx.transaction() as (session, actor):
        return service.record_staff_survey_response(
            session, actor=actor, at=ctx.now(), **body.model_dump()
        )


@router.get("/staff-survey", response_model=list[StaffSurveyRead])
def list_staff_survey_responses(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[StaffSurveyResponse]:
    return _list(ctx, StaffSurveyResponse, by)


@router.get("/staff-survey/{response_id}", response_model=StaffSurveyRead)
def get_staff_survey_response(
    response_id: int, ctx: RequestContext = Depends(authenticated)
) -> StaffSurveyResponse:
    return _one(ctx, StaffSurveyResponse, response_id)


# --- survey of people, families and unpaid carers ------------------------------------------


@router.post("/people-survey", response_model=PeopleSurveyRead, status_code=201)
def create_people_survey_response(
    body: PeopleSurveyCreate, ctx: RequestContext = Depends(authenticated)
) -> PeopleSurveyResponse:
    with ctx.transaction() as (session, actor):
        return service.record_people_survey_response(
            session, actor=actor, at=ctx.now(), **body.model_dump()
        )


@router.get("/people-survey", response_model=list[PeopleSurveyRead])
def list_people_survey_responses(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[PeopleSurveyResponse]:
    return _list(ctx, PeopleSurveyResponse, by)


@router.get("/people-survey/{response_id}", response_model=PeopleSurveyRead)
def get_people_survey_response(
    response_id: int, ctx: RequestContext = Depends(authenticated)
) -> PeopleSurveyResponse:
    return _one(ctx, PeopleSurveyResponse, response_id)


# --- case studies --------------------------------------------------------------------------


@router.post("/case-studies", response_model=CaseStudyRead, status_code=201)
def create_case_study(
    body: CaseStudyCreate, ctx: RequestContext = Depends(authenticated)
) -> CaseStudy:
    with ctx.transaction() as (session, actor):
        return service.record_case_study(session, actor=actor, at=ctx.now(), **body.model_dump())


@router.get("/case-studies", response_model=list[CaseStudyRead])
def list_case_studies(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[CaseStudy]:
    return _list(ctx, CaseStudy, by)


@router.get("/case-studies/{case_study_id}", response_model=CaseStudyRead)
def get_case_study(case_study_id: int, ctx: RequestContext = Depends(authenticated)) -> CaseStudy:
    return _one(ctx, CaseStudy, case_study_id)


# --- complaints ----------------------------------------------------------------------------


@router.post("/complaints", response_model=ComplaintRead, status_code=201)
def create_complaint(
    body: ComplaintCreate, ctx: RequestContext = Depends(authenticated)
) -> Complaint:
    with ctx.transaction() as (session, actor):
        return service.record_complaint(session, actor=actor, at=ctx.now(), **body.model_dump())


@router.post("/complaints/{complaint_id}/close", response_model=ComplaintRead)
def close_complaint(
    complaint_id: int, body: ComplaintClose, ctx: RequestContext = Depends(authenticated)
) -> Complaint:
    with ctx.transaction() as (session, actor):
        return service.close_complaint(
            session,
            actor=actor,
            at=ctx.now(),
            complaint_id=complaint_id,
            closed_on=body.closed_on,
            upheld=body.upheld,
        )


@router.get("/complaints", response_model=list[ComplaintRead])
def list_complaints(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[Complaint]:
    return _list(ctx, Complaint, by)


@router.get("/complaints/{complaint_id}", response_model=ComplaintRead)
def get_complaint(complaint_id: int, ctx: RequestContext = Depends(authenticated)) -> Complaint:
    return _one(ctx, Complaint, complaint_id)


# --- incidents -----------------------------------------------------------------------------


@router.post("/incidents", response_model=IncidentRead, status_code=201)
def create_incident(body: IncidentCreate, ctx: RequestContext = Depends(authenticated)) -> Incident:
    with ctx.transaction() as (session, actor):
        return service.record_incident(session, actor=actor, at=ctx.now(), **body.model_dump())


@router.get("/incidents", response_model=list[IncidentRead])
def list_incidents(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[Incident]:
    return _list(ctx, Incident, by)


@router.get("/incidents/{incident_id}", response_model=IncidentRead)
def get_incident(incident_id: int, ctx: RequestContext = Depends(authenticated)) -> Incident:
    return _one(ctx, Incident, incident_id)


# --- refunds and credits -------------------------------------------------------------------


@router.post("/refunds", response_model=RefundRead, status_code=201)
def create_refund(body: RefundCreate, ctx: RequestContext = Depends(authenticated)) -> RefundRead:
    with ctx.transaction() as (session, actor):
        return refund_read(
            service.record_refund(session, actor=actor, at=ctx.now(), **body.model_dump())
        )


@router.get("/refunds", response_model=list[RefundRead])
def list_refunds(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[RefundRead]:
    return [refund_read(r) for r in _list(ctx, RefundCredit, by)]


@router.get("/refunds/{refund_id}", response_model=RefundRead)
def get_refund(refund_id: int, ctx: RequestContext = Depends(authenticated)) -> RefundRead:
    return refund_read(_one(ctx, RefundCredit, refund_id))


# --- staffing spend ------------------------------------------------------------------------


@router.post("/staffing-spend", response_model=StaffingSpendRead, status_code=201)
def create_staffing_spend(
    body: StaffingSpendCreate, ctx: RequestContext = Depends(authenticated)
) -> StaffingSpendRead:
    with ctx.transaction() as (session, actor):
        return staffing_spend_read(
            service.record_staffing_spend(session, actor=actor, at=ctx.now(), **body.model_dump())
        )


@router.get("/staffing-spend", response_model=list[StaffingSpendRead])
def list_staffing_spend(
    by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
) -> list[StaffingSpendRead]:
    return [staffing_spend_read(s) for s in _list(ctx, StaffingSpend, by)]


@router.get("/staffing-spend/{spend_id}", response_model=StaffingSpendRead)
def get_staffing_spend(
    spend_id: int, ctx: RequestContext = Depends(authenticated)
) -> StaffingSpendRead:
    return staffing_spend_read(_one(ctx, StaffingSpend, spend_id))
