"""Each kind of quality record's rules (000 Appendix 2, measures 13-29), without a store.

One `check_*` function a kind: its checks in the order a refusal is reported, each naming
the field at fault, returning the values to keep. They are built from the shared checks in
`homecare.quality.domain` and, like them, are pure: what only the store knows is asked
through `domain.Store`, so the API, a simulation and a unit test run the same rules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime

from homecare.errors import Conflict, InvalidInput
from homecare.quality.domain import (
    CASE_STUDY_KINDS,
    COMPLAINT_CATEGORIES,
    CONTRACT_TYPES,
    FORMULATED_WITH,
    INCIDENT_CATEGORIES,
    LEAVER_REASONS,
    MAX_TRAINING_HOURS,
    MOVEMENT_KINDS,
    REFUND_REASONS,
    REPORTED_TO,
    RESPONDENTS,
    SERVICES_RELIEVED,
    SURVEY_SOURCES,
    TRAINING_CATEGORIES,
    Store,
    Values,
    check_code,
    check_codes,
    check_pence,
    check_score,
    days_in_span,
    not_future,
    optional_text,
    own_care_worker,
    own_package,
    own_person,
    required_text,
    working_weekdays,
)

# --- staff (measures 15-19) ----------------------------------------------------------------


def check_staff_movement(
    store: Store,
    at: datetime,
    *,
    kind: str,
    on: date,
    care_worker_id: int | None = None,
    contract_type: str | None = None,
    reason: str | None = None,
) -> Values:
    """A care worker starting or leaving (17): the contract type defaults to the named care
    worker's, and only leavers say why."""
    check_code(kind, MOVEMENT_KINDS, "kind")
    not_future(on, at, "on")
    if kind == "leaver" and reason is None:
        raise InvalidInput("say why the care worker left", field="reason")
    if kind == "starter" and reason is not None:
        raise InvalidInput("a reason is given only for leavers", field="reason")
    if reason is not None:
        check_code(reason, LEAVER_REASONS, "reason")
    worker = own_care_worker(store, care_worker_id) if care_worker_id is not None else None
    if contract_type is None and worker is not None:
        contract_type = worker.contract_type
    if contract_type is None:
        raise InvalidInput("give the contract type, or name the care worker", field="contract_type")
    check_code(contract_type, CONTRACT_TYPES, "contract_type")
    return {
        "care_worker_id": care_worker_id,
        "kind": kind,
        "on": on,
        "contract_type": contract_type,
        "reason": reason,
    }


def check_sickness_absence(
    store: Store,
    at: datetime,
    *,
    care_worker_id: int,
    first_day: date,
    last_day: date,
    working_days: int,
    reason: str | None = None,
) -> Values:
    """Working days off sick (16): at least one, no more than the span has on the weekdays
    the care worker works, and a care worker's absences never overlap."""
    worker = own_care_worker(store, care_worker_id)
    not_future(first_day, at, "first_day")
    if last_day < first_day:
        raise InvalidInput("the last day cannot come before the first", field="last_day")
    possible = days_in_span(first_day, last_day, working_weekdays(worker.shift_days))
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
    text = optional_text(reason, "reason", 100)
    clash = store.absence_overlapping(worker.id, first_day, last_day)
    if clash is not None:
        raise Conflict(
            f"overlaps absence {clash.id} ({clash.first.isoformat()} to {clash.last.isoformat()})",
            field="first_day",
        )
    return {
        "care_worker_id": worker.id,
        "first_day": first_day,
        "last_day": last_day,
        "working_days": working_days,
        "reason": text,
    }


def check_training(
    store: Store,
    at: datetime,
    *,
    care_worker_id: int,
    course: str,
    category: str,
    completed_on: date,
    hours: float,
) -> Values:
    """A course a care worker completed (19), recorded as each is done."""
    worker = own_care_worker(store, care_worker_id)
    name = required_text(course, "course", 200)
    check_code(category, TRAINING_CATEGORIES, "category")
    not_future(completed_on, at, "completed_on")
    if not math.isfinite(hours) or hours <= 0 or hours > MAX_TRAINING_HOURS:
        raise InvalidInput(
            f"give the hours as more than 0 and at most {MAX_TRAINING_HOURS:g}", field="hours"
        )
    return {
        "care_worker_id": worker.id,
        "course": name,
        "category": category,
        "completed_on": completed_on,
        "hours": hours,
    }


def check_staff_survey(
    store: Store,
    at: datetime,
    *,
    answered_on: date,
    job_satisfaction: int,
    morale: int,
    comment: str | None = None,
) -> Values:
    """One anonymous answer to the half-yearly staff survey (18): no name is kept."""
    not_future(answered_on, at, "answered_on")
    check_score(job_satisfaction, "job_satisfaction")
    check_score(morale, "morale")
    return {
        "answered_on": answered_on,
        "job_satisfaction": job_satisfaction,
        "morale": morale,
        "comment": optional_text(comment, "comment", 2000),
    }


def check_staffing_spend(
    store: Store,
    at: datetime,
    *,
    period_start: date,
    period_end: date,
    direct_staff_pence: int,
    indirect_staff_pence: int,
    total_spend_pence: int,
) -> Values:
    """Spend for a period, both days included (15): reported once the period is over, and
    a provider's periods never overlap."""
    if period_end <= period_start:
        raise InvalidInput("the period must end after it starts", field="period_end")
    not_future(period_end, at, "period_end")
    direct = check_pence(direct_staff_pence, "direct_staff_pence", positive=False)
    indirect = check_pence(indirect_staff_pence, "indirect_staff_pence", positive=False)
    total = check_pence(total_spend_pence, "total_spend_pence", positive=False)
    if direct + indirect > total:
        raise InvalidInput(
            "direct and indirect staffing costs together cannot exceed the total spend",
            field="total_spend_pence",
        )
    clash = store.spend_overlapping(period_start, period_end)
    if clash is not None:
        raise Conflict(
            f"overlaps the spend already recorded for {clash.first.isoformat()} to "
            f"{clash.last.isoformat()} ({clash.id})",
            field="period_start",
        )
    return {
        "period_start": period_start,
        "period_end": period_end,
        "direct_staff_pence": direct,
        "indirect_staff_pence": indirect,
        "total_spend_pence": total,
    }


# --- people and the wider system (measures 13, 20, 25-29) ---------------------------------


def check_people_survey(
    store: Store,
    at: datetime,
    *,
    respondent: str,
    answered_on: date,
    person_id: int | None = None,
    what_matters_understood: bool | None = None,
    supported_by_carers: bool | None = None,
    unpaid_carer_supported: bool | None = None,
    source: str = "survey",
    comment: str | None = None,
) -> Values:
    """An answer from a person, family or unpaid carer (20, 26), from the annual survey or a
    review; only unpaid carers are asked whether they feel supported in their role."""
    check_code(respondent, RESPONDENTS, "respondent")
    check_code(source, SURVEY_SOURCES, "source")
    not_future(answered_on, at, "answered_on")
    own_person(store, person_id)
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
    return {
        "person_id": person_id,
        "respondent": respondent,
        "answered_on": answered_on,
        "what_matters_understood": what_matters_understood,
        "supported_by_carers": supported_by_carers,
        "unpaid_carer_supported": unpaid_carer_supported,
        "source": source,
        "comment": optional_text(comment, "comment", 2000),
    }


def check_case_study(
    store: Store,
    at: datetime,
    *,
    kind: str,
    title: str,
    summary: str,
    occurred_on: date,
    person_id: int | None = None,
    services_relieved: Sequence[str] = (),
    formulated_with: Sequence[str] = (),
) -> Values:
    """A case study or example (13, 25, 27-29); only an example of pressure taken off other
    services (28) says, and must say, which services it relieved."""
    check_code(kind, CASE_STUDY_KINDS, "kind")
    heading = required_text(title, "title", 200)
    text = required_text(summary, "summary", 4000)
    not_future(occurred_on, at, "occurred_on")
    own_person(store, person_id)
    relieved = check_codes(services_relieved, SERVICES_RELIEVED, "services_relieved")
    if kind == "pressure_off_other_services" and not relieved:
        raise InvalidInput("say which services it relieved", field="services_relieved")
    if kind != "pressure_off_other_services" and relieved:
        raise InvalidInput(
            "services relieved are given only for pressure_off_other_services",
            field="services_relieved",
        )
    return {
        "person_id": person_id,
        "kind": kind,
        "title": heading,
        "summary": text,
        "occurred_on": occurred_on,
        "services_relieved": relieved,
        "formulated_with": check_codes(formulated_with, FORMULATED_WITH, "formulated_with"),
    }


# --- complaints, incidents and money (measures 22-24) -------------------------------------


def check_complaint(
    store: Store,
    at: datetime,
    *,
    received_on: date,
    category: str,
    summary: str,
    person_id: int | None = None,
) -> Values:
    """A complaint about the service (22), open until it is closed."""
    not_future(received_on, at, "received_on")
    check_code(category, COMPLAINT_CATEGORIES, "category")
    text = required_text(summary, "summary", 2000)
    own_person(store, person_id)
    return {
        "person_id": person_id,
        "received_on": received_on,
        "category": category,
        "summary": text,
    }


def check_closing(
    *, complaint_id: int, received_on: date, closed_on: date | None, closing_on: date, at: datetime
) -> None:
    """A complaint closes once, on a day that has come, not before it was received."""
    if closed_on is not None:
        raise Conflict(
            f"complaint {complaint_id} was closed on {closed_on.isoformat()}", field="closed_on"
        )
    not_future(closing_on, at, "closed_on")
    if closing_on < received_on:
        raise InvalidInput(
            f"it was received on {received_on.isoformat()}; it cannot close before",
            field="closed_on",
        )


def check_incident(
    store: Store,
    at: datetime,
    *,
    occurred_on: date,
    category: str,
    summary: str,
    reported_to: Sequence[str],
    person_id: int | None = None,
) -> Values:
    """A reportable incident (23): reportable means reported to someone."""
    not_future(occurred_on, at, "occurred_on")
    check_code(category, INCIDENT_CATEGORIES, "category")
    text = required_text(summary, "summary", 2000)
    bodies = check_codes(reported_to, REPORTED_TO, "reported_to")
    if not bodies:
        raise InvalidInput(
            f"say whom it was reported to: {', '.join(REPORTED_TO)}", field="reported_to"
        )
    own_person(store, person_id)
    return {
        "person_id": person_id,
        "occurred_on": occurred_on,
        "category": category,
        "reported_to": bodies,
        "summary": text,
    }


def check_refund(
    store: Store,
    at: datetime,
    *,
    issued_on: date,
    amount_pence: int,
    reason: str,
    package_id: int | None = None,
) -> Values:
    """Money given back to the council or a person (24), for a package or not."""
    not_future(issued_on, at, "issued_on")
    amount = check_pence(amount_pence, "amount_pence", positive=True)
    check_code(reason, REFUND_REASONS, "reason")
    own_package(store, package_id)
    return {
        "package_id": package_id,
        "issued_on": issued_on,
        "amount_pence": amount,
        "reason": reason,
    }
