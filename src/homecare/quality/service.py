"""Recording the provider's quality and workforce records (000 Appendix 2, measures 13-29).

A provider's manager records these about their own service only: every care worker,
person or package a record names must be one of theirs, and a refusal never says whose
it is instead. The system actor (scenario generation, imports) records for the provider
it names, under the same checks. Council staff read the records of the providers they
contract with (see `homecare.quality.access`) and never write them.

Every check lives here, not in the HTTP schemas, so a simulation calling these functions
is held to the same rules as the API; each refusal names the field at fault.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import (
    Actor,
    Permission,
    Role,
    load_readable,
    readable_care_workers,
    readable_packages,
    readable_people,
    require,
)
from homecare.brokerage.domain import Day
from homecare.calendar import local_date
from homecare.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecare.market.tables import Organisation
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.quality.access import QualityRecord, RecordT, readable_quality
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
from homecare.workforce.domain import ContractType
from homecare.workforce.tables import CareWorker

# --- the codes each record takes (the tables' docstrings list them too) -------------------

MOVEMENT_KINDS = ("starter", "leaver")
LEAVER_REASONS = (
    "pay",
    "hours",
    "another_sector",
    "another_provider",
    "retired",
    "dismissed",
    "personal",
    "other",
)
CONTRACT_TYPES = tuple(c.value for c in ContractType)
TRAINING_CATEGORIES = (
    "induction",
    "care_certificate",
    "mandatory",
    "delegated_healthcare",
    "dementia",
    "other",
)
RESPONDENTS = ("person", "family", "unpaid_carer")
SURVEY_SOURCES = ("survey", "review")
CASE_STUDY_KINDS = (
    "case_study",
    "community_development",
    "hospital_admission_avoided",
    "pressure_off_other_services",
    "service_gap",
)
SERVICES_RELIEVED = ("ambulance", "gp", "district_nurse", "a_and_e", "social_work", "other")
FORMULATED_WITH = ("person", "family", "neighbourhood_team", "carers")
COMPLAINT_CATEGORIES = (
    "timekeeping",
    "missed_visit",
    "staff_conduct",
    "quality_of_care",
    "communication",
    "charges",
    "other",
)
INCIDENT_CATEGORIES = (
    "safeguarding",
    "medication_error",
    "fall",
    "injury",
    "missed_visit_harm",
    "other",
)
REPORTED_TO = ("cqc", "council", "police", "riddor")
REFUND_REASONS = ("missed_visits", "short_visits", "overcharge", "goodwill", "other")

SCORE_RANGE = (1, 5)
"""Staff survey answers: 1 (very dissatisfied, very low) to 5 (very satisfied, very high)."""
MAX_TRAINING_HOURS = 200.0
"""One course; more than this is a typing slip (a qualification is several records)."""
MONDAY_TO_FRIDAY = frozenset(range(5))
"""Weekday numbers as `date.weekday()` gives them."""
MAX_ID = 2**63 - 1
"""Larger ids cannot be in the store (and SQLite cannot even be asked about them)."""
MAX_PENCE = 2_000_000_000
"""The store keeps pence in a 32-bit integer column: about £20 million at most."""


# --- small checks --------------------------------------------------------------------------


def _code(value: str, allowed: Sequence[str], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(
            f"'{value}' is not a known code; use one of: {', '.join(allowed)}", field=field
        )
    return value


def _codes(values: Sequence[str], allowed: Sequence[str], field: str) -> list[str]:
    seen: list[str] = []
    for index, value in enumerate(values):
        _code(value, allowed, f"{field}.{index}")
        if value in seen:
            raise InvalidInput(f"'{value}' is listed twice", field=f"{field}.{index}")
        seen.append(value)
    return seen


def _text(value: str | None, field: str, limit: int, *, required: bool) -> str | None:
    """Trimmed text; blank counts as missing, so a required field cannot be spaces."""
    text = value.strip() if value is not None else ""
    if not text:
        if required:
            raise InvalidInput(f"give {field.replace('_', ' ')}", field=field)
        return None
    if len(text) > limit:
        raise InvalidInput(f"keep {field.replace('_', ' ')} to {limit} characters", field=field)
    return text


def _required_text(value: str, field: str, limit: int) -> str:
    text = _text(value, field, limit, required=True)
    assert text is not None
    return text


def _not_future(day: date, at: datetime, field: str) -> None:
    """These records say what has happened; the day is London's, as the provider sees it."""
    if day > local_date(at):
        raise InvalidInput(f"{day.isoformat()} is in the future", field=field)


def _pence(value: int, field: str, *, positive: bool) -> int:
    if positive and value <= 0:
        raise InvalidInput("give an amount above zero, in pence", field=field)
    if value < 0:
        raise InvalidInput("an amount cannot be negative", field=field)
    if value > MAX_PENCE:
        raise InvalidInput(f"an amount cannot exceed {MAX_PENCE} pence", field=field)
    return value


def days_in_span(first: date, last: date, weekdays: frozenset[int]) -> int:
    """Days from `first` to `last`, both included, falling on the given weekdays (Monday 0)."""
    if last < first:
        return 0
    whole_weeks, rest = divmod((last - first).days + 1, 7)
    tail = (first + timedelta(days=whole_weeks * 7 + offset) for offset in range(rest))
    return whole_weeks * len(weekdays) + sum(1 for day in tail if day.weekday() in weekdays)


def working_weekdays(worker: CareWorker) -> frozenset[int]:
    """The weekdays a care worker works: their shift pattern's, else Monday to Friday.

    Home care runs seven days a week, so a carer on weekend shifts can be off sick on a
    Saturday; one without a pattern is taken to work weekdays.
    """
    order = [day.value for day in Day]
    named = frozenset(order.index(day) for day in worker.shift_pattern if day in order)
    return named or MONDAY_TO_FRIDAY


# --- whose records -------------------------------------------------------------------------


def _provider_for(
    session: Session, actor: Actor, permission: Permission, provider_id: int | None
) -> tuple[int, Actor]:
    """The provider the record is for, and the actor whose view decides what is theirs.

    A provider's manager records for their own provider; the system for the one it names,
    seen as that provider's manager would see it.
    """
    require(actor, permission)
    if actor.is_provider and actor.organisation_id is not None:
        if provider_id is not None and provider_id != actor.organisation_id:
            raise InvalidInput("record only for your own provider", field="provider_id")
        return actor.organisation_id, actor
    if not actor.is_system:
        raise Forbidden(f"the {actor.role.value} role may not keep a provider's records")
    if provider_id is None:
        raise InvalidInput("say which provider the record is for", field="provider_id")
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != "provider":
        raise InvalidInput(f"provider {provider_id} not found", field="provider_id")
    scope = Actor(
        user_id=None,
        organisation_id=provider_id,
        organisation_kind="provider",
        role=Role.PROVIDER_MANAGER,
    )
    return provider_id, scope


def _mine(
    session: Session, stmt: Select[Any], model: Any, ident: int, what: str, field: str
) -> Any:
    """The row if the provider may name it; otherwise a refusal that reveals nothing."""
    in_range = 1 <= ident <= MAX_ID
    row = session.scalars(stmt.where(model.id == ident)).first() if in_range else None
    if row is None:
        raise InvalidInput(f"{what} {ident} is not one of yours", field=field)
    return row


def _care_worker(session: Session, scope: Actor, care_worker_id: int) -> CareWorker:
    worker: CareWorker = _mine(
        session,
        readable_care_workers(scope),
        CareWorker,
        care_worker_id,
        "care worker",
        "care_worker_id",
    )
    return worker


def _check_person(session: Session, scope: Actor, person_id: int | None) -> None:
    if person_id is not None:
        _mine(session, readable_people(scope), Person, person_id, "person", "person_id")


def _check_package(session: Session, scope: Actor, package_id: int | None) -> None:
    if package_id is not None:
        _mine(session, readable_packages(scope), Package, package_id, "package", "package_id")


def _saved(
    session: Session, row: QualityRecord, *, actor: Actor, at: datetime, action: str, **detail: Any
) -> None:
    """Adds the row and its audit event to the caller's transaction."""
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action=action,
        entity=row.__tablename__,
        entity_id=row.id,
        provider_id=row.provider_id,
        **detail,
    )


# --- staff (measures 15-19) ----------------------------------------------------------------


def record_staff_movement(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    kind: str,
    on: date,
    care_worker_id: int | None = None,
    contract_type: str | None = None,
    reason: str | None = None,
    provider_id: int | None = None,
) -> StaffMovement:
    """A care worker starting or leaving, for staff turnover (measure 17).

    The contract type defaults to the named care worker's; leavers say why they left.
    """
    provider, scope = _provider_for(session, actor, Permission.MANAGE_WORKFORCE, provider_id)
    _code(kind, MOVEMENT_KINDS, "kind")
    _not_future(on, at, "on")
    if kind == "leaver" and reason is None:
        raise InvalidInput("say why the care worker left", field="reason")
    if kind == "starter" and reason is not None:
        raise InvalidInput("a reason is given only for leavers", field="reason")
    if reason is not None:
        _code(reason, LEAVER_REASONS, "reason")
    worker = _care_worker(session, scope, care_worker_id) if care_worker_id is not None else None
    if contract_type is None and worker is not None:
        contract_type = worker.contract_type
    if contract_type is None:
        raise InvalidInput("give the contract type, or name the care worker", field="contract_type")
    _code(contract_type, CONTRACT_TYPES, "contract_type")
    movement = StaffMovement(
        provider_id=provider,
        care_worker_id=care_worker_id,
        kind=kind,
        on=on,
        contract_type=contract_type,
        reason=reason,
        recorded_at=at,
    )
    _saved(
        session,
        movement,
        actor=actor,
        at=at,
        action=f"staff_movement.{kind}",
        on=on.isoformat(),
        care_worker_id=care_worker_id,
        reason=reason,
    )
    return movement


def _lock_care_worker(session: Session, worker: CareWorker) -> None:
    """Serialises absences of one care worker, so two overlapping ones cannot both pass."""
    session.refresh(worker, with_for_update=True)


def record_sickness_absence(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    care_worker_id: int,
    first_day: date,
    last_day: date,
    working_days: int,
    reason: str | None = None,
    provider_id: int | None = None,
) -> SicknessAbsence:
    """Working days a care worker was off sick (measure 16); absences never overlap.

    `working_days` counts the days the care worker would have worked: at least one, and
    no more than the days of the span on the weekdays they work (see `working_weekdays`).
    """
    provider, scope = _provider_for(session, actor, Permission.MANAGE_WORKFORCE, provider_id)
    worker = _care_worker(session, scope, care_worker_id)
    _not_future(first_day, at, "first_day")
    if last_day < first_day:
        raise InvalidInput("the last day cannot come before the first", field="last_day")
    possible = days_in_span(first_day, last_day, working_weekdays(worker))
    if possible == 0:
        raise InvalidInput(
            f"care worker {worker.id} does not work any day from {first_day.isoformat()} to "
            f"{last_day.isoformat()}",
            field="last_day",
        )
    if not 1 <= working_days <= possible:
        raise InvalidInput(
            f"give between 1 and {possible} working days for this span", field="working_days"
        )
    text = _text(reason, "reason", 100, required=False)
    _lock_care_worker(session, worker)
    clash = session.scalars(
        select(SicknessAbsence).where(
            SicknessAbsence.care_worker_id == worker.id,
            SicknessAbsence.first_day <= last_day,
            SicknessAbsence.last_day >= first_day,
        )
    ).first()
    if clash is not None:
        raise Conflict(
            f"overlaps absence {clash.id} ({clash.first_day.isoformat()} to "
            f"{clash.last_day.isoformat()})",
            field="first_day",
        )
    absence = SicknessAbsence(
        provider_id=provider,
        care_worker_id=worker.id,
        first_day=first_day,
        last_day=last_day,
        working_days=working_days,
        reason=text,
        recorded_at=at,
    )
    _saved(
        session,
        absence,
        actor=actor,
        at=at,
        action="sickness_absence.recorded",
        care_worker_id=worker.id,
        first_day=first_day.isoformat(),
        last_day=last_day.isoformat(),
        working_days=working_days,
    )
    return absence


def record_training(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    care_worker_id: int,
    course: str,
    category: str,
    completed_on: date,
    hours: float,
    provider_id: int | None = None,
) -> TrainingRecord:
    """Training a care worker received (measure 19), recorded as each course is done."""
    provider, scope = _provider_for(session, actor, Permission.MANAGE_WORKFORCE, provider_id)
    worker = _care_worker(session, scope, care_worker_id)
    name = _required_text(course, "course", 200)
    _code(category, TRAINING_CATEGORIES, "category")
    _not_future(completed_on, at, "completed_on")
    if not math.isfinite(hours) or hours <= 0 or hours > MAX_TRAINING_HOURS:
        raise InvalidInput(
            f"give the hours as more than 0 and at most {MAX_TRAINING_HOURS:g}", field="hours"
        )
    training = TrainingRecord(
        provider_id=provider,
        care_worker_id=worker.id,
        course=name,
        category=category,
        completed_on=completed_on,
        hours=hours,
        recorded_at=at,
    )
    _saved(
        session,
        training,
        actor=actor,
        at=at,
        action="training.recorded",
        care_worker_id=worker.id,
        category=category,
        hours=hours,
    )
    return training


def _score(value: int, field: str) -> int:
    low, high = SCORE_RANGE
    if not low <= value <= high:
        raise InvalidInput(f"answer from {low} to {high}", field=field)
    return value


def record_staff_survey_response(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    answered_on: date,
    job_satisfaction: int,
    morale: int,
    comment: str | None = None,
    provider_id: int | None = None,
) -> StaffSurveyResponse:
    """One anonymous answer to the half-yearly staff survey (measure 18): no name is kept."""
    provider, _ = _provider_for(session, actor, Permission.MANAGE_WORKFORCE, provider_id)
    _not_future(answered_on, at, "answered_on")
    _score(job_satisfaction, "job_satisfaction")
    _score(morale, "morale")
    response = StaffSurveyResponse(
        provider_id=provider,
        answered_on=answered_on,
        job_satisfaction=job_satisfaction,
        morale=morale,
        comment=_text(comment, "comment", 2000, required=False),
        recorded_at=at,
    )
    _saved(session, response, actor=actor, at=at, action="staff_survey.recorded")
    return response


def _lock_provider(session: Session, provider_id: int) -> None:
    """Serialises a provider's spend returns, so two overlapping periods cannot both pass."""
    session.get(Organisation, provider_id, with_for_update=True)


def record_staffing_spend(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    period_start: date,
    period_end: date,
    direct_staff_pence: int,
    indirect_staff_pence: int,
    total_spend_pence: int,
    provider_id: int | None = None,
) -> StaffingSpend:
    """The provider's spend for a period, both days included, and its staffing share (15).

    Spend is reported once the period is over, and a provider's periods never overlap.
    """
    provider, _ = _provider_for(session, actor, Permission.MANAGE_WORKFORCE, provider_id)
    if period_end <= period_start:
        raise InvalidInput("the period must end after it starts", field="period_end")
    _not_future(period_end, at, "period_end")
    direct = _pence(direct_staff_pence, "direct_staff_pence", positive=False)
    indirect = _pence(indirect_staff_pence, "indirect_staff_pence", positive=False)
    total = _pence(total_spend_pence, "total_spend_pence", positive=False)
    if direct + indirect > total:
        raise InvalidInput(
            "direct and indirect staffing costs together cannot exceed the total spend",
            field="total_spend_pence",
        )
    _lock_provider(session, provider)
    clash = session.scalars(
        select(StaffingSpend).where(
            StaffingSpend.provider_id == provider,
            StaffingSpend.period_start <= period_end,
            StaffingSpend.period_end >= period_start,
        )
    ).first()
    if clash is not None:
        raise Conflict(
            f"overlaps the spend already recorded for {clash.period_start.isoformat()} to "
            f"{clash.period_end.isoformat()} ({clash.id})",
            field="period_start",
        )
    spend = StaffingSpend(
        provider_id=provider,
        period_start=period_start,
        period_end=period_end,
        direct_staff_pence=direct,
        indirect_staff_pence=indirect,
        total_spend_pence=total,
        recorded_at=at,
    )
    _saved(
        session,
        spend,
        actor=actor,
        at=at,
        action="staffing_spend.recorded",
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
        direct_staff_pence=direct,
        indirect_staff_pence=indirect,
        total_spend_pence=total,
    )
    return spend


# --- people and the wider system (measures 13, 20, 25-29) ---------------------------------


def record_people_survey_response(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    respondent: str,
    answered_on: date,
    person_id: int | None = None,
    what_matters_understood: bool | None = None,
    supported_by_carers: bool | None = None,
    unpaid_carer_supported: bool | None = None,
    source: str = "survey",
    comment: str | None = None,
    provider_id: int | None = None,
) -> PeopleSurveyResponse:
    """An answer from a person, their family or an unpaid carer (measures 20 and 26).

    It comes from the annual survey or from a conversation held at a review; only unpaid
    carers are asked whether they feel supported in their role.
    """
    provider, scope = _provider_for(session, actor, Permission.MANAGE_DELIVERY, provider_id)
    _code(respondent, RESPONDENTS, "respondent")
    _code(source, SURVEY_SOURCES, "source")
    _not_future(answered_on, at, "answered_on")
    _check_person(session, scope, person_id)
    if unpaid_carer_supported is not None and respondent != "unpaid_carer":
        raise InvalidInput(
            "only unpaid carers answer whether they feel supported in their role",
            field="unpaid_carer_supported",
        )
    answers = (what_matters_understood, supported_by_carers, unpaid_carer_supported)
    if all(answer is None for answer in answers):
        raise InvalidInput(
            "give at least one answer: what_matters_understood, supported_by_carers or "
            "unpaid_carer_supported",
            field="what_matters_understood",
        )
    response = PeopleSurveyResponse(
        provider_id=provider,
        person_id=person_id,
        respondent=respondent,
        answered_on=answered_on,
        what_matters_understood=what_matters_understood,
        supported_by_carers=supported_by_carers,
        unpaid_carer_supported=unpaid_carer_supported,
        source=source,
        comment=_text(comment, "comment", 2000, required=False),
        recorded_at=at,
    )
    _saved(
        session,
        response,
        actor=actor,
        at=at,
        action="people_survey.recorded",
        respondent=respondent,
        source=source,
        person_id=person_id,
    )
    return response


def record_case_study(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    kind: str,
    title: str,
    summary: str,
    occurred_on: date,
    person_id: int | None = None,
    services_relieved: Sequence[str] = (),
    formulated_with: Sequence[str] = (),
    provider_id: int | None = None,
) -> CaseStudy:
    """A case study or example for the return (measures 13, 25, 27, 28 and 29).

    An example of pressure taken off other services (28) says which services it relieved;
    no other kind may.
    """
    provider, scope = _provider_for(session, actor, Permission.MANAGE_DELIVERY, provider_id)
    _code(kind, CASE_STUDY_KINDS, "kind")
    heading = _required_text(title, "title", 200)
    text = _required_text(summary, "summary", 4000)
    _not_future(occurred_on, at, "occurred_on")
    _check_person(session, scope, person_id)
    relieved = _codes(services_relieved, SERVICES_RELIEVED, "services_relieved")
    if kind == "pressure_off_other_services" and not relieved:
        raise InvalidInput("say which services it relieved", field="services_relieved")
    if kind != "pressure_off_other_services" and relieved:
        raise InvalidInput(
            "services relieved are given only for pressure_off_other_services",
            field="services_relieved",
        )
    with_whom = _codes(formulated_with, FORMULATED_WITH, "formulated_with")
    study = CaseStudy(
        provider_id=provider,
        person_id=person_id,
        kind=kind,
        title=heading,
        summary=text,
        occurred_on=occurred_on,
        services_relieved=relieved,
        formulated_with=with_whom,
        recorded_at=at,
    )
    _saved(
        session,
        study,
        actor=actor,
        at=at,
        action="case_study.recorded",
        kind=kind,
        person_id=person_id,
    )
    return study


# --- complaints, incidents and money (measures 22-24) -------------------------------------


def record_complaint(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    received_on: date,
    category: str,
    summary: str,
    person_id: int | None = None,
    provider_id: int | None = None,
) -> Complaint:
    """A complaint about the service (measure 22), open until `close_complaint`."""
    provider, scope = _provider_for(session, actor, Permission.MANAGE_DELIVERY, provider_id)
    _not_future(received_on, at, "received_on")
    _code(category, COMPLAINT_CATEGORIES, "category")
    text = _required_text(summary, "summary", 2000)
    _check_person(session, scope, person_id)
    complaint = Complaint(
        provider_id=provider,
        person_id=person_id,
        received_on=received_on,
        category=category,
        summary=text,
        recorded_at=at,
    )
    _saved(
        session,
        complaint,
        actor=actor,
        at=at,
        action="complaint.recorded",
        category=category,
        received_on=received_on.isoformat(),
        person_id=person_id,
    )
    return complaint


def close_complaint(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    complaint_id: int,
    closed_on: date,
    upheld: bool,
) -> Complaint:
    """Closes an open complaint with its finding; a closed one stays closed."""
    require(actor, Permission.MANAGE_DELIVERY)
    complaint = load_readable(
        session, readable_quality(actor, Complaint), Complaint, complaint_id, "complaint"
    )
    if complaint.closed_on is not None:
        raise Conflict(
            f"complaint {complaint.id} was closed on {complaint.closed_on.isoformat()}",
            field="closed_on",
        )
    _not_future(closed_on, at, "closed_on")
    if closed_on < complaint.received_on:
        raise InvalidInput(
            f"it was received on {complaint.received_on.isoformat()}; it cannot close before",
            field="closed_on",
        )
    complaint.closed_on = closed_on
    complaint.upheld = upheld
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="complaint.closed",
        entity="complaint",
        entity_id=complaint.id,
        provider_id=complaint.provider_id,
        closed_on=closed_on.isoformat(),
        upheld=upheld,
    )
    return complaint


def record_incident(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    occurred_on: date,
    category: str,
    summary: str,
    reported_to: Sequence[str],
    person_id: int | None = None,
    provider_id: int | None = None,
) -> Incident:
    """A reportable incident (measure 23): reportable means reported to someone."""
    provider, scope = _provider_for(session, actor, Permission.MANAGE_DELIVERY, provider_id)
    _not_future(occurred_on, at, "occurred_on")
    _code(category, INCIDENT_CATEGORIES, "category")
    text = _required_text(summary, "summary", 2000)
    bodies = _codes(reported_to, REPORTED_TO, "reported_to")
    if not bodies:
        raise InvalidInput(
            f"say whom it was reported to: {', '.join(REPORTED_TO)}", field="reported_to"
        )
    _check_person(session, scope, person_id)
    incident = Incident(
        provider_id=provider,
        person_id=person_id,
        occurred_on=occurred_on,
        category=category,
        reported_to=bodies,
        summary=text,
        recorded_at=at,
    )
    _saved(
        session,
        incident,
        actor=actor,
        at=at,
        action="incident.recorded",
        category=category,
        reported_to=bodies,
        person_id=person_id,
    )
    return incident


def record_refund(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    issued_on: date,
    amount_pence: int,
    reason: str,
    package_id: int | None = None,
    provider_id: int | None = None,
) -> RefundCredit:
    """Money given back to the council or a person (measure 24), for a package or not."""
    provider, scope = _provider_for(session, actor, Permission.MANAGE_DELIVERY, provider_id)
    _not_future(issued_on, at, "issued_on")
    amount = _pence(amount_pence, "amount_pence", positive=True)
    _code(reason, REFUND_REASONS, "reason")
    _check_package(session, scope, package_id)
    refund = RefundCredit(
        provider_id=provider,
        package_id=package_id,
        issued_on=issued_on,
        amount_pence=amount,
        reason=reason,
        recorded_at=at,
    )
    _saved(
        session,
        refund,
        actor=actor,
        at=at,
        action="refund_credit.recorded",
        amount_pence=amount,
        reason=reason,
        package_id=package_id,
    )
    return refund


# --- reading -------------------------------------------------------------------------------


def _span(model: type[QualityRecord]) -> tuple[Any, Any]:
    """The first and last day a record covers, for the period filters."""
    if model is SicknessAbsence:
        return SicknessAbsence.first_day, SicknessAbsence.last_day
    if model is StaffingSpend:
        return StaffingSpend.period_start, StaffingSpend.period_end
    day = {
        StaffMovement: StaffMovement.on,
        TrainingRecord: TrainingRecord.completed_on,
        StaffSurveyResponse: StaffSurveyResponse.answered_on,
        PeopleSurveyResponse: PeopleSurveyResponse.answered_on,
        CaseStudy: CaseStudy.occurred_on,
        Complaint: Complaint.received_on,
        Incident: Incident.occurred_on,
        RefundCredit: RefundCredit.issued_on,
    }[model]
    return day, day


def list_records(
    session: Session,
    *,
    actor: Actor,
    model: type[RecordT],
    date_from: date | None = None,
    date_to: date | None = None,
    provider_id: int | None = None,
) -> list[RecordT]:
    """The records of one kind the actor may read, oldest first.

    A record is in the period when any day it covers is (an absence or a spend period
    that straddles `date_from` counts).
    """
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput("the period must not end before it starts", field="from")
    first, last = _span(model)
    stmt = readable_quality(actor, model)
    conditions = []
    if date_from is not None:
        conditions.append(last >= date_from)
    if date_to is not None:
        conditions.append(first <= date_to)
    if provider_id is not None:
        conditions.append(model.provider_id == provider_id)
    if conditions:
        stmt = stmt.where(and_(*conditions))
    return list(session.scalars(stmt.order_by(first, model.id)))


def get_record(session: Session, *, actor: Actor, model: type[RecordT], record_id: int) -> RecordT:
    """One record the actor may read; another provider's looks missing (404)."""
    label = model.__tablename__.replace("_", " ")
    if not 1 <= record_id <= MAX_ID:
        raise NotFound(f"{label} {record_id} not found")
    return load_readable(session, readable_quality(actor, model), model, record_id, label)
