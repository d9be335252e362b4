"""The records providers keep for their monitoring return, played alongside delivery.

Rates follow the reports: care-worker turnover about 49% a year in Leeds (000 §6), so a
carer leaves (and another starts) about once in 750 days; sickness about 4% of working
days; training through the year; a half-yearly staff survey and an annual survey of
people and families held in the run's first weeks; a case study or two per provider each
period (013: at least two a quarter), and now and then a complaint, an incident, an
example of a hospital admission avoided or a service missing. Each week a provider
credits the council for the visits it missed; at the end, every provider returns its
staffing spend for the weeks played.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.calendar import LONDON
from homecare.db import unit_of_work
from homecare.delivery.tables import Visit
from homecare.packages.tables import Package
from homecare.quality import service as quality
from homecare.quality.tables import SicknessAbsence
from homecare.scenario.area import Area
from homecare.workforce.tables import CareWorker

LEAVE_PER_CARER_DAY = 0.49 / 365
SICK_PER_CARER_DAY = 0.012
TRAINING_PER_CARER_DAY = 0.02
EXAMPLE_PER_PROVIDER_DAY = 0.04
COMPLAINT_PER_PERSON_DAY = 0.0004
INCIDENT_PER_PERSON_DAY = 0.0003
STAFF_SURVEY_RESPONSE = 0.6
PEOPLE_SURVEY_RESPONSE = 0.45
HOURLY_PAY_PENCE = 1260
"""A salaried care worker's hourly pay (Real Living Wage, 2025-26)."""
ON_COSTS = 1.28
"""Employer's National Insurance, pension, holiday and travel time on top of pay."""

COURSES = (
    ("Safe moving and handling refresher", "mandatory", 3.0),
    ("Medication administration", "mandatory", 6.0),
    ("Dementia awareness", "dementia", 4.0),
    ("Catheter care (delegated by the neighbourhood team)", "delegated_healthcare", 3.5),
    ("Care Certificate standards 1-5", "care_certificate", 12.0),
    ("Safeguarding adults level 2", "mandatory", 3.0),
)
EXAMPLES = (
    (
        "case_study",
        "Back to the allotment",
        "After a stroke, support built around getting back to the allotment; now goes twice"
        " a week with a neighbour.",
    ),
    (
        "community_development",
        "Tea afternoon at the community centre",
        "Carers and a local church started a monthly tea afternoon for people they support.",
    ),
    (
        "hospital_admission_avoided",
        "Early signs of infection spotted",
        "The carer noticed confusion and a raised temperature; the GP treated a urine"
        " infection at home the same day.",
    ),
    (
        "pressure_off_other_services",
        "Fall without injury handled at home",
        "The carer helped the person up safely after a fall and stayed until family came,"
        " so no ambulance was called.",
    ),
    (
        "service_gap",
        "No evening befriending in the area",
        "Two people are lonely in the evenings; without a befriending service the care"
        " visits are their only company.",
    ),
)
LEAVER_REASONS = ("pay", "another_sector", "another_provider", "hours", "personal", "retired")
COMPLAINTS = (
    ("timekeeping", "The morning carer arrived after ten three days running."),
    ("communication", "Nobody rang to say the regular carer was off sick."),
    ("quality_of_care", "Breakfast was left on the side rather than served."),
)
INCIDENTS = (
    ("fall", ["council"], "Found on the floor at the morning visit; paramedics attended."),
    ("medication_error", ["council", "cqc"], "An evening dose given at lunchtime."),
    ("safeguarding", ["council"], "Concern raised about money going missing at home."),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


class QualityRecords:
    """One provider manager per provider keeps the records; all through the services."""

    def __init__(self, engine: Engine, area: Area, rng: random.Random) -> None:
        self.engine = engine
        self.area = area
        self.rng = rng
        self.managers: dict[int, Actor] = {
            org_id: area.actors[name] for name, org_id in area.provider_ids.items()
        }

    def day(self, day: date, *, first_week: bool) -> None:
        with unit_of_work(self.engine) as session:
            workers = session.scalars(select(CareWorker).order_by(CareWorker.id)).all()
            for worker in workers:
                self._worker_day(session, worker, day)
            for provider_id, manager in self.managers.items():
                if not self._serves_people(session, provider_id):
                    continue
                self._provider_day(session, provider_id, manager, day)
                if first_week and day.weekday() == 2:
                    self._staff_survey(session, provider_id, manager, day)
                if first_week and day.weekday() == 4:
                    self._people_survey(session, provider_id, manager, day)
                if day.weekday() == 6:
                    self._credit_missed_visits(session, provider_id, manager, day)

    def period_end(self, start: date, end: date, latest: datetime | None = None) -> None:
        """Each provider returns its staffing spend for the weeks played, the day after
        (at nine, or at `latest` when that is earlier)."""
        reported = _at(end + timedelta(days=1), 9)
        if latest is not None:
            reported = min(reported, latest)
        with unit_of_work(self.engine) as session:
            for provider_id, manager in self.managers.items():
                staff = session.scalar(
                    select(func.count()).where(CareWorker.provider_id == provider_id)
                )
                if not staff:
                    continue
                weeks = ((end - start).days + 1) / 7
                direct = round(staff * 37.5 * weeks * HOURLY_PAY_PENCE * ON_COSTS)
                indirect = round(direct * self.rng.uniform(0.14, 0.22))
                overheads = round((direct + indirect) * self.rng.uniform(0.12, 0.18))
                quality.record_staffing_spend(
                    session,
                    actor=manager,
                    at=reported,
                    period_start=start,
                    period_end=end,
                    direct_staff_pence=direct,
                    indirect_staff_pence=indirect,
                    total_spend_pence=direct + indirect + overheads,
                )

    # --- staff ------------------------------------------------------------------------

    def _worker_day(self, session: Session, worker: CareWorker, day: date) -> None:
        manager = self.managers[worker.provider_id]
        at = _at(day, 17)
        if self.rng.random() < LEAVE_PER_CARER_DAY:
            quality.record_staff_movement(
                session,
                actor=manager,
                at=at,
                kind="leaver",
                on=day,
                care_worker_id=worker.id,
                reason=self.rng.choice(LEAVER_REASONS),
            )
            quality.record_staff_movement(
                session,
                actor=manager,
                at=at,
                kind="starter",
                on=day,
                contract_type=worker.contract_type,
            )
        weekday = day.strftime("%a").lower()
        if weekday in worker.shift_pattern and self.rng.random() < SICK_PER_CARER_DAY:
            self._sickness(session, worker, manager, day)
        if self.rng.random() < TRAINING_PER_CARER_DAY:
            course, category, hours = self.rng.choice(COURSES)
            quality.record_training(
                session,
                actor=manager,
                at=at,
                care_worker_id=worker.id,
                course=course,
                category=category,
                completed_on=day,
                hours=hours,
            )

    def _sickness(self, session: Session, worker: CareWorker, manager: Actor, day: date) -> None:
        """A spell of one to five working days starting today, unless one is running."""
        running = session.scalar(
            select(func.count()).where(
                SicknessAbsence.care_worker_id == worker.id,
                SicknessAbsence.last_day >= day - timedelta(days=7),
            )
        )
        if running:
            return
        days = self.rng.choice((1, 1, 2, 3, 5))
        working = [
            day + timedelta(days=i)
            for i in range(14)
            if (day + timedelta(days=i)).strftime("%a").lower() in worker.shift_pattern
        ][:days]
        quality.record_sickness_absence(
            session,
            actor=manager,
            at=_at(day, 18),
            care_worker_id=worker.id,
            first_day=working[0],
            last_day=working[-1],
            working_days=len(working),
            reason=self.rng.choice(("Cold or flu", "Back pain", "Stomach bug", "Stress")),
        )

    def _staff_survey(self, session: Session, provider_id: int, manager: Actor, day: date) -> None:
        staff = session.scalar(select(func.count()).where(CareWorker.provider_id == provider_id))
        for _ in range(round((staff or 0) * STAFF_SURVEY_RESPONSE)):
            quality.record_staff_survey_response(
                session,
                actor=manager,
                at=_at(day, 16),
                answered_on=day,
                job_satisfaction=self._score(3.8),
                morale=self._score(3.5),
            )

    # --- people and families ----------------------------------------------------------

    def _people_survey(self, session: Session, provider_id: int, manager: Actor, day: date) -> None:
        people = session.scalars(
            select(Package.person_id).where(
                Package.provider_id == provider_id, Package.status == "active"
            )
        ).all()
        for person_id in people:
            if self.rng.random() >= PEOPLE_SURVEY_RESPONSE:
                continue
            respondent = self.rng.choice(("person", "person", "family", "unpaid_carer"))
            understood = self.rng.random() < 0.86
            quality.record_people_survey_response(
                session,
                actor=manager,
                at=_at(day, 15),
                respondent=respondent,
                answered_on=day,
                person_id=person_id,
                what_matters_understood=understood,
                supported_by_carers=self.rng.random() < 0.9,
                unpaid_carer_supported=(
                    self.rng.random() < 0.8 if respondent == "unpaid_carer" else None
                ),
            )

    def _provider_day(self, session: Session, provider_id: int, manager: Actor, day: date) -> None:
        people = self._people(session, provider_id)
        at = _at(day, 14)
        if self.rng.random() < EXAMPLE_PER_PROVIDER_DAY:
            kind, title, summary = self.rng.choice(EXAMPLES)
            quality.record_case_study(
                session,
                actor=manager,
                at=at,
                kind=kind,
                title=title,
                summary=summary,
                occurred_on=day,
                person_id=self.rng.choice(people) if people else None,
                services_relieved=(
                    ["ambulance", "a_and_e"] if kind == "pressure_off_other_services" else []
                ),
                formulated_with=(
                    ["person", "family", "neighbourhood_team", "carers"]
                    if kind == "case_study"
                    else []
                ),
            )
        for person_id in people:
            if self.rng.random() < COMPLAINT_PER_PERSON_DAY:
                category, text = self.rng.choice(COMPLAINTS)
                quality.record_complaint(
                    session,
                    actor=manager,
                    at=at,
                    received_on=day,
                    category=category,
                    summary=text,
                    person_id=person_id,
                )
            if self.rng.random() < INCIDENT_PER_PERSON_DAY:
                category, reported_to, text = self.rng.choice(INCIDENTS)
                quality.record_incident(
                    session,
                    actor=manager,
                    at=at,
                    occurred_on=day,
                    category=category,
                    summary=text,
                    reported_to=reported_to,
                    person_id=person_id,
                )

    def _credit_missed_visits(
        self, session: Session, provider_id: int, manager: Actor, day: date
    ) -> None:
        """A credit to the council for the week's missed visits, at the package's rate."""
        week = (day - timedelta(days=6), day)
        rows = session.execute(
            select(Visit.planned_minutes, Visit.carers, Package.hourly_rate_pence)
            .join(Package, Package.id == Visit.package_id)
            .where(
                Visit.provider_id == provider_id,
                Visit.status == "missed",
                Visit.day >= week[0],
                Visit.day <= week[1],
            )
        ).all()
        pence = round(sum(m * c * rate / 60 for m, c, rate in rows))
        if pence > 0:
            quality.record_refund(
                session,
                actor=manager,
                at=_at(day, 20),
                issued_on=day,
                amount_pence=pence,
                reason="missed_visits",
            )

    # --- helpers ----------------------------------------------------------------------

    def _people(self, session: Session, provider_id: int) -> list[int]:
        return list(
            session.scalars(
                select(Package.person_id)
                .where(Package.provider_id == provider_id, Package.status == "active")
                .order_by(Package.person_id)
            )
        )

    def _serves_people(self, session: Session, provider_id: int) -> bool:
        return bool(session.scalar(select(func.count()).where(Package.provider_id == provider_id)))

    def _score(self, mean: float) -> int:
        return min(5, max(1, round(self.rng.gauss(mean, 0.9))))
