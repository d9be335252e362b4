"""Weeks of delivery after brokerage, played day by day through the platform's services.

Each simulated day: period ends, community hours and reviews falling due; the day's
visits generated from the packages; people cancelling (and banking) a few visits and
drawing banked hours; admissions and discharges; the day's carers put on the visits by
the provider's planner (the person's regular carers first); every carer's phone sending
its check-ins and check-outs (some batches twice, as offline phones do); the night's
sweep closing the visits; providers adjusting packages with consent, submitting them
after four weeks and social workers deciding; reviews with outcome ratings. The noise
is drawn from a seeded generator, so the same seed plays the same weeks.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR, Actor, Role
from homecare.calendar import LONDON
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.delivery import monitoring, schedule
from homecare.delivery.schemas import CallEventIn
from homecare.delivery.tables import Visit, VisitCarer
from homecare.flex import changes, community, hospital
from homecare.flex.tables import CommunityHours, HospitalStay, ProviderChange
from homecare.geo.directory import SHIPPED, read_csv
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.reviews import service as reviews
from homecare.reviews.tables import Review
from homecare.scenario.build import Area, plan_people, plan_referrals
from homecare.scenario.quality import QualityRecords
from homecare.scenario.simulate import MonthSimulation
from homecare.timebank import service as timebank
from homecare.timebank.tables import TimeBankAccount, TimeBankEntry
from homecare.workforce.tables import CareWorker

ENVELOPE_SHARE = 0.3
"""Share of packages put on an envelope of time when delivery starts (001 Appendix A)."""
CANCEL_PER_VISIT = 0.02
BANK_WHEN_CANCELLING = 0.6
DRAW_PER_ENVELOPE_DAY = 0.02
ADMISSION_PER_PERSON_DAY = 0.0006
"""About 1.7% of people admitted in four weeks."""
CHANGE_PER_PACKAGE_DAY = 0.0015
FIRST_DAY_CHANGES = 0.05
OUTSIDE_PARAMETERS_SHARE = 0.15
COMMUNITY_SHARE = 0.03
MISSED = 0.006
NOT_AT_HOME = 0.008
LATE = 0.035
SHORT = 0.02
RESEND_BATCH = 0.03
OFFLINE_PHONE = 0.05
COMMUNITY_PLACES = (
    ("Armley Library reading group", "Meet others who enjoy books, then go on their own"),
    ("Bramley Baths older people's swim", "Regain confidence in the water"),
    ("St Bartholomew's lunch club", "A weekly hot lunch with neighbours"),
    ("Armley Park walking group", "Walk with others to build strength and stamina"),
    ("Community café craft morning", "Rebuild a social circle after bereavement"),
)
CONNECTIONS = (
    ("family", "Daughter", "weekly"),
    ("family", "Son", "monthly"),
    ("friend", "Friend from church", "weekly"),
    ("neighbour", "Next-door neighbour", "daily"),
    ("group", "Lunch club", "weekly"),
    ("faith", "Mosque", "weekly"),
)


@dataclass
class DeliveryLog:
    """What happened, counted as it happened (the summary reads the store itself)."""

    days: int = 0
    events_sent: int = 0
    batches_resent: int = 0
    admissions: int = 0
    discharges: int = 0
    community_hours: int = 0
    reviews_recorded: int = 0
    extra: dict[str, int] = field(default_factory=Counter)


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), LONDON)


class DeliverySimulation:
    def __init__(
        self,
        engine: Engine,
        area: Area,
        *,
        seed: int,
        settings: Settings,
        start: date,
        weeks: int,
    ) -> None:
        self.engine = engine
        self.area = area
        self.rng = random.Random(seed + 7)
        self.settings = settings
        self.start = start
        self.end = start + timedelta(days=7 * weeks - 1)
        self.log = DeliveryLog()
        self.regulars: dict[int, Counter[int]] = defaultdict(Counter)
        self.latent: dict[int, float] = {}
        self.providers_by_id = {v: k for k, v in area.provider_ids.items()}
        self.records = QualityRecords(engine, area, random.Random(seed + 11))
        self.brokerage = self._referrals_arriving(seed)

    # --- the run ----------------------------------------------------------------------

    def run(self, on_day: Callable[[date], None] | None = None) -> DeliveryLog:
        self._bring_review_history()
        self._open_envelopes()
        self._start_community_hours()
        day = self.start
        while day <= self.end:
            self._play_day(day)
            self.log.days += 1
            if on_day:
                on_day(day)
            day += timedelta(days=1)
        self._morning_after(self.end + timedelta(days=1))
        self.records.period_end(self.start, self.end)
        return self.log

    def _play_day(self, day: date) -> None:
        self._housekeeping(day)
        with unit_of_work(self.engine) as session:
            schedule.generate_visits(
                session, actor=SYSTEM_ACTOR, at=_at(day, 5), start=day, end=day
            )
        self._people_choose(day)
        self._admissions_and_discharges(day)
        self._plan_carers(day)
        self._phones_send(day)
        with unit_of_work(self.engine) as session:
            monitoring.close_visits(
                session,
                actor=SYSTEM_ACTOR,
                at=_at(day + timedelta(days=1), 0, 30),
                settings=self.settings,
            )
        self._provider_changes(day)
        self._social_workers_decide(day)
        self._reviews(day)
        self.records.day(day, first_week=day < self.start + timedelta(days=7))
        self.brokerage.advance(_at(day + timedelta(days=1), 0))

    def _housekeeping(self, day: date) -> None:
        at = _at(day, 4)
        with unit_of_work(self.engine) as session:
            timebank.end_due_periods(session, actor=SYSTEM_ACTOR, at=at)
            community.end_due_community_hours(session, actor=SYSTEM_ACTOR, at=at)
            reviews.ensure_reviews_due(session, actor=SYSTEM_ACTOR, at=at, settings=self.settings)
        self._community_outcomes(day)

    # --- set-up -----------------------------------------------------------------------

    def _referrals_arriving(self, seed: int) -> MonthSimulation:
        """New people keep being referred while care is delivered: brokerage runs on,
        at the area's monthly rate, and the packages it places join the schedule."""
        rng = random.Random(seed + 13)
        points = read_csv(SHIPPED[self.area.profile.postcodes])
        days = (self.end - self.start).days + 1
        profile = replace(
            self.area.profile,
            referrals_per_month=round(self.area.profile.referrals_per_month * days / 30.44),
        )
        people = plan_people(rng, profile, points, self.start)
        plans = plan_referrals(rng, profile, people, self.start, self.end)
        return MonthSimulation(
            self.engine,
            replace(self.area, referrals=plans),
            seed=seed + 13,
            settings=self.settings,
            until=_at(self.end + timedelta(days=1), 0),
        )

    def _active_packages(self, session: Session) -> list[Package]:
        return list(
            session.scalars(
                select(Package)
                .where(Package.council_id == self.area.council_id, Package.status == "active")
                .order_by(Package.id)
            )
        )

    def _manager(self, provider_id: int) -> Actor:
        return self.area.actors[self.providers_by_id[provider_id]]

    def _person_actor(self, person_id: int) -> Actor:
        """The person, or the family member acting for them, through their own account."""
        return Actor(
            user_id=None,
            organisation_id=self.area.council_id,
            organisation_kind="council",
            role=Role.PERSON,
            person_id=person_id,
        )

    def _bring_review_history(self) -> None:
        """A caseload moved in from the council's old system brings its last review, so
        reviews fall due through the interval rather than all at once."""
        interval = 7 * self.settings.review_interval_weeks
        first = timedelta(weeks=self.settings.first_review_weeks)
        with unit_of_work(self.engine) as session:
            reviewed = set(session.scalars(select(Review.package_id)))
            for package in self._active_packages(session):
                if package.id in reviewed or package.starts_on + first > self.start:
                    continue
                done = self.start - timedelta(days=self.rng.randint(1, interval - 1))
                score = self.latent.setdefault(package.person_id, self.rng.uniform(2.2, 3.8))
                session.add(
                    Review(
                        package_id=package.id,
                        person_id=package.person_id,
                        kind="scheduled",
                        due_on=done,
                        done_on=done,
                        done_by_role="social_worker",
                        wellbeing=round(score),
                        home=round(score),
                        community=round(score),
                        outcomes_achieved="partially",
                        notes="Brought across from the council's previous case system",
                        recorded_at=_at(done, 12),
                    )
                )

    def _open_envelopes(self) -> None:
        """Some packages move to an envelope of time as delivery begins."""
        at = _at(self.start, 3)
        with unit_of_work(self.engine) as session:
            for package in self._active_packages(session):
                if self.rng.random() < ENVELOPE_SHARE:
                    timebank.open_envelope(
                        session,
                        actor=self._manager(package.provider_id),
                        at=at,
                        package_id=package.id,
                        starts_on=max(self.start, package.starts_on),
                    )

    def _start_community_hours(self) -> None:
        """A few people are introduced to a community resource over four to six weeks."""
        at = _at(self.start, 3)
        with unit_of_work(self.engine) as session:
            for package in self._active_packages(session):
                if self.rng.random() >= COMMUNITY_SHARE:
                    continue
                person = session.get(Person, package.person_id)
                assert person is not None
                place, purpose = self.rng.choice(COMMUNITY_PLACES)
                community.start_community_hours(
                    session,
                    actor=self._manager(package.provider_id),
                    at=at,
                    package_id=package.id,
                    purpose=purpose,
                    place_name=place,
                    latitude=person.latitude + self.rng.uniform(-0.004, 0.004),
                    longitude=person.longitude + self.rng.uniform(-0.006, 0.006),
                    day=self.rng.choice(("mon", "tue", "wed", "thu", "fri")),
                    band="lunch",
                    minutes=self.rng.choice((90, 120)),
                    starts_on=max(self.start, package.starts_on),
                    ends_on=max(self.start, package.starts_on)
                    + timedelta(weeks=self.rng.choice((4, 5, 6))),
                )
                self.log.community_hours += 1

    def _community_outcomes(self, day: date) -> None:
        with unit_of_work(self.engine) as session:
            ended = session.scalars(
                select(CommunityHours).where(CommunityHours.status == "ended")
            ).all()
            for uplift in ended:
                package = session.get(Package, uplift.package_id)
                assert package is not None
                draw = self.rng.random()
                outcome = (
                    "goes_independently"
                    if draw < 0.5
                    else "goes_with_support"
                    if draw < 0.8
                    else "did_not_continue"
                )
                community.record_community_outcome(
                    session,
                    actor=self._manager(package.provider_id),
                    at=_at(day, 9),
                    community_hours_id=uplift.id,
                    outcome=outcome,
                    note="Recorded at the end of the introduction",
                )

    # --- people -----------------------------------------------------------------------

    def _people_choose(self, day: date) -> None:
        """The evening before: a few visits cancelled (hours banked), banked hours drawn."""
        at = _at(day - timedelta(days=1), 19)
        with unit_of_work(self.engine) as session:
            on_envelope = set(session.scalars(select(TimeBankAccount.package_id)))
            planned = session.scalars(
                select(Visit).where(Visit.day == day, Visit.status == "planned").order_by(Visit.id)
            ).all()
            for visit in planned:
                if self.rng.random() >= CANCEL_PER_VISIT:
                    continue
                bank = (
                    visit.package_id in on_envelope
                    and visit.place_kind == "home"
                    and self.rng.random() < BANK_WHEN_CANCELLING
                    and self._envelope_left(session, visit.package_id) >= visit.planned_minutes
                )
                monitoring.cancel_visit(
                    session,
                    actor=self._person_actor(visit.person_id),
                    at=at,
                    visit_id=visit.id,
                    bank=bank,
                )
            for package_id in sorted(on_envelope):
                if self.rng.random() >= DRAW_PER_ENVELOPE_DAY:
                    continue
                package = session.get(Package, package_id)
                assert package is not None
                state = timebank.balance(session, actor=SYSTEM_ACTOR, package_id=package_id)
                minutes = self.rng.choice((30, 60, 60, 90))
                if state.bank_minutes + state.overdraft_minutes < minutes:
                    continue
                timebank.draw(
                    session,
                    actor=self._person_actor(package.person_id),
                    at=at,
                    package_id=package_id,
                    minutes=minutes,
                    note=self.rng.choice(
                        (
                            "A longer visit for a trip to the shops",
                            "Extra help after a bad night",
                            "Company on a hospital appointment",
                        )
                    ),
                )

    @staticmethod
    def _envelope_left(session: Session, package_id: int) -> int:
        state = timebank.balance(session, actor=SYSTEM_ACTOR, package_id=package_id)
        return state.envelope_minutes

    def _admissions_and_discharges(self, day: date) -> None:
        with unit_of_work(self.engine) as session:
            open_stays = session.scalars(
                select(HospitalStay).where(HospitalStay.discharged_at.is_(None))
            ).all()
            for stay in open_stays:
                length = (day - stay.admitted_at.astimezone(LONDON).date()).days
                if length < 3 or self.rng.random() > 0.25:
                    continue
                package = session.get(Package, stay.package_id)
                assert package is not None
                at = _at(day, 14)
                hospital.discharge(
                    session,
                    actor=self._manager(package.provider_id),
                    at=at,
                    stay_id=stay.id,
                    discharged_at=at,
                    decision="resume" if self.rng.random() < 0.75 else "review",
                )
                self.log.discharges += 1
            for package in self._active_packages(session):
                if self.rng.random() >= ADMISSION_PER_PERSON_DAY:
                    continue
                at = _at(day, self.rng.choice((6, 9, 11, 15)))
                hospital.admit(
                    session,
                    actor=self._manager(package.provider_id),
                    at=at,
                    package_id=package.id,
                    hospital=self.rng.choice(
                        ("Leeds General Infirmary", "St James's University Hospital")
                    ),
                    admitted_at=at,
                )
                self.log.admissions += 1

    # --- carers and their phones ------------------------------------------------------

    def _plan_carers(self, day: date) -> None:
        """The provider's planner: regular carers first, then the least busy on shift."""
        weekday = day.strftime("%a").lower()
        with unit_of_work(self.engine) as session:
            visits = session.scalars(
                select(Visit)
                .where(Visit.day == day, Visit.status == "planned")
                .order_by(Visit.window_start, Visit.id)
            ).all()
            workers = session.scalars(select(CareWorker).order_by(CareWorker.id)).all()
            by_provider: dict[int, list[CareWorker]] = defaultdict(list)
            for worker in workers:
                if weekday in worker.shift_pattern:
                    by_provider[worker.provider_id].append(worker)
            load: Counter[int] = Counter()
            for visit in visits:
                chosen = self._choose(visit, by_provider[visit.provider_id], load)
                for worker in chosen:
                    load[worker.id] += visit.planned_minutes
                    self.regulars[visit.person_id][worker.id] += 1
                    session.add(
                        VisitCarer(
                            visit_id=visit.id,
                            care_worker_id=worker.id,
                            planned_start=visit.window_start,
                        )
                    )

    def _choose(
        self, visit: Visit, on_shift: list[CareWorker], load: Counter[int]
    ) -> list[CareWorker]:
        local_start = visit.window_start.astimezone(LONDON).time()
        local_end = visit.window_end.astimezone(LONDON).time()
        weekday = visit.day.strftime("%a").lower()

        def covers(worker: CareWorker) -> bool:
            start, end = worker.shift_pattern[weekday]
            return start <= local_start.strftime("%H:%M") and end >= local_end.strftime("%H:%M")

        regular = self.regulars[visit.person_id]

        def rank(pool: list[CareWorker]) -> list[CareWorker]:
            best = [w for w in pool if covers(w)] or pool
            return sorted(best, key=lambda w: (-min(regular[w.id], 5), load[w.id], w.id))

        # One trained carer leads a delegated healthcare task; a second one assists.
        trained = rank([w for w in on_shift if set(visit.health_tasks) <= set(w.skills)])
        if not trained:
            return []
        lead = trained[0]
        others = rank([w for w in on_shift if w.id != lead.id])
        return [lead, *others[: visit.carers - 1]]

    def _phones_send(self, day: date) -> None:
        """Phones sync every hour with what happened in it; an offline phone (one in
        twenty) holds the whole day until late evening, and a few send a batch twice."""
        events_of: dict[int, list[CallEventIn]] = defaultdict(list)
        providers: dict[int, int] = {}
        with unit_of_work(self.engine) as session:
            rows = session.execute(
                select(Visit, VisitCarer.care_worker_id)
                .join(VisitCarer, VisitCarer.visit_id == Visit.id)
                .where(Visit.day == day, Visit.status == "planned")
                .order_by(Visit.id, VisitCarer.care_worker_id)
            ).all()
            by_visit: dict[int, tuple[Visit, list[int]]] = {}
            for visit, worker_id in rows:
                by_visit.setdefault(visit.id, (visit, []))[1].append(worker_id)
                providers[worker_id] = visit.provider_id
            for visit, worker_ids in by_visit.values():
                for worker_id, event in self._visit_events(visit, worker_ids):
                    events_of[worker_id].append(event)
        syncs: dict[datetime, dict[int, list[CallEventIn]]] = defaultdict(dict)
        late_evening = _at(day, 23, 55)
        for worker_id, events in sorted(events_of.items()):
            if self.rng.random() < OFFLINE_PHONE:
                syncs[late_evening][worker_id] = events
                continue
            for event in events:
                hour = event.occurred_at.replace(minute=0, second=0, microsecond=0)
                sync = min(hour + timedelta(hours=1, minutes=1), late_evening)
                syncs[sync].setdefault(worker_id, []).append(event)
        for at in sorted(syncs):
            with unit_of_work(self.engine) as session:
                for worker_id, batch in syncs[at].items():
                    sends = 2 if self.rng.random() < RESEND_BATCH else 1
                    self.log.batches_resent += sends - 1
                    for _ in range(sends):
                        monitoring.apply_events(
                            session,
                            actor=self._carer(worker_id, providers[worker_id]),
                            at=at,
                            events=batch,
                            settings=self.settings,
                        )
                        self.log.events_sent += len(batch)

    @staticmethod
    def _carer(worker_id: int, provider_id: int) -> Actor:
        return Actor(
            user_id=None,
            organisation_id=provider_id,
            organisation_kind="provider",
            role=Role.CARE_WORKER,
            care_worker_id=worker_id,
        )

    def _visit_events(self, visit: Visit, worker_ids: list[int]) -> list[tuple[int, CallEventIn]]:
        draw = self.rng.random()
        if draw < MISSED:
            return []
        span = (visit.window_end - visit.window_start).total_seconds() / 60
        if draw < MISSED + NOT_AT_HOME:
            arrive = visit.window_start + timedelta(minutes=self.rng.uniform(0, span))
            worker = worker_ids[0]
            return [(worker, self._event(visit, worker, "not_at_home", arrive))]
        if draw < MISSED + NOT_AT_HOME + LATE:
            arrive = visit.window_end + timedelta(minutes=self.rng.uniform(20, 80))
        else:
            arrive = visit.window_start + timedelta(minutes=self.rng.uniform(0, span * 0.9))
        stay = visit.planned_minutes * (
            self.rng.uniform(0.4, 0.65) if self.rng.random() < SHORT else self.rng.gauss(1.0, 0.06)
        )
        events = []
        for worker in worker_ids:
            start = arrive + timedelta(minutes=self.rng.uniform(-3, 3))
            end = start + timedelta(minutes=max(5.0, stay + self.rng.uniform(-2, 2)))
            events.append((worker, self._event(visit, worker, "check_in", start)))
            events.append((worker, self._event(visit, worker, "check_out", end)))
        return events

    def _event(self, visit: Visit, worker: int, kind: str, at: datetime) -> CallEventIn:
        return CallEventIn(
            client_event_id=f"v{visit.id}-c{worker}-{kind}",
            visit_id=visit.id,
            kind=kind,
            occurred_at=at,
            latitude=visit.latitude + self.rng.uniform(-0.0003, 0.0003),
            longitude=visit.longitude + self.rng.uniform(-0.0004, 0.0004),
        )

    # --- provider-led changes and social workers --------------------------------------

    def _provider_changes(self, day: date) -> None:
        """Providers adjust a few packages a week; more on the first day, as they settle the
        caseload they took on into the new model."""
        at = _at(day, 11)
        chance = FIRST_DAY_CHANGES if day == self.start else CHANGE_PER_PACKAGE_DAY
        with unit_of_work(self.engine) as session:
            busy = set(
                session.scalars(
                    select(ProviderChange.package_id).where(
                        ProviderChange.status.in_(
                            ("in_trial", "submitted", "awaiting_social_worker")
                        )
                    )
                )
            )
            for package in self._active_packages(session):
                if package.id in busy or self.rng.random() >= chance:
                    continue
                person = session.get(Person, package.person_id)
                assert person is not None
                outside = self.rng.random() < OUTSIDE_PARAMETERS_SHARE
                share = self.rng.choice((0.3, 0.35)) if outside else self.rng.uniform(0.05, 0.18)
                direction = -1 if self.rng.random() < 0.55 else 1
                minutes = round(package.weekly_minutes * (1 + direction * share) / 15) * 15
                if minutes == package.weekly_minutes or minutes < 60:
                    continue
                if person.consent_by_name:
                    consenter = (person.consent_by_name, person.consent_by_relationship or "")
                else:
                    consenter = (f"{person.given_name} {person.family_name}", "self")
                changes.propose_change(
                    session,
                    actor=self._manager(package.provider_id),
                    at=at,
                    package_id=package.id,
                    to_weekly_minutes=minutes,
                    reason=(
                        "Needs less help with mornings since regaining confidence"
                        if direction < 0
                        else "Needs more time at bedtime since a fall"
                    ),
                    consent_by_name=consenter[0],
                    consent_by_relationship=consenter[1],
                    consent_method=self.rng.choice(("in_person", "in_person", "phone")),
                    consent_at=at - timedelta(hours=2),
                    settings=self.settings,
                )

    def _social_workers_decide(self, day: date, share: float = 0.4) -> None:
        """Providers submit after the trial; social workers decide within a few days."""
        at = _at(day, 15)
        social_worker = self.area.actors["social_worker"]
        with unit_of_work(self.engine) as session:
            due = session.scalars(
                select(ProviderChange).where(
                    ProviderChange.status == "in_trial", ProviderChange.submit_from <= day
                )
            ).all()
            for change in due:
                changes.submit_change(
                    session, actor=self._manager(change.provider_id), at=at, change_id=change.id
                )
            waiting = session.scalars(
                select(ProviderChange).where(
                    ProviderChange.status.in_(("submitted", "awaiting_social_worker"))
                )
            ).all()
            for change in waiting:
                if self.rng.random() > share:
                    continue
                draw = self.rng.random()
                decision = "approve" if draw < 0.8 else "amend" if draw < 0.9 else "reverse"
                amended = None
                if decision == "amend":
                    amended = (
                        round((change.from_weekly_minutes + change.to_weekly_minutes) / 30) * 15
                    )
                changes.decide_change(
                    session,
                    actor=social_worker,
                    at=at,
                    change_id=change.id,
                    decision=decision,
                    weekly_minutes=amended,
                    note="Discussed with the provider and the family",
                )

    def _morning_after(self, day: date) -> None:
        """The day after the last: changes whose four weeks are up are submitted and decided."""
        self._social_workers_decide(day, share=1.0)

    # --- reviews ----------------------------------------------------------------------

    def _reviews(self, day: date) -> None:
        at = _at(day, 13)
        with unit_of_work(self.engine) as session:
            due = session.scalars(
                select(Review)
                .where(Review.done_on.is_(None), Review.due_on <= day)
                .order_by(Review.id)
            ).all()
            for review in due:
                if self.rng.random() > 0.85:
                    continue
                package = session.get(Package, review.package_id)
                assert package is not None
                self._record_review(session, review, package, at)

    def _record_review(
        self, session: Session, review: Review, package: Package, at: datetime
    ) -> None:
        base = self.latent.setdefault(package.person_id, self.rng.uniform(2.2, 3.8))
        base = min(5.0, max(1.0, base + self.rng.gauss(0.25, 0.4)))
        self.latent[package.person_id] = base
        opted_out = self.rng.random() < 0.05

        def score() -> int:
            return min(5, max(1, round(base + self.rng.gauss(0, 0.5))))

        ratings = (
            None if opted_out else {"wellbeing": score(), "home": score(), "community": score()}
        )
        connections = []
        if review.kind == "first":
            for kind, name, how_often in self.rng.sample(CONNECTIONS, self.rng.randint(1, 3)):
                connections.append({"kind": kind, "name": name, "how_often": how_often})
        reviews.record_review(
            session,
            actor=self._manager(package.provider_id),
            at=at,
            review_id=review.id,
            ratings=ratings,
            opted_out=opted_out,
            outcomes_achieved=(
                self.rng.choice(("fully", "partially", "partially", "not")) if opted_out else None
            ),
            notes="Reviewed with the person at home",
            social_connections=connections,
            settings=self.settings,
        )
        self.log.reviews_recorded += 1


def delivery_summary(
    session: Session, *, start: date, end: date, council_id: int
) -> dict[str, Any]:
    """The weeks in figures, read from the store: visits, time bank, changes, reviews."""
    mine = select(Package.id).where(Package.council_id == council_id)
    in_period = (Visit.day >= start, Visit.day <= end, Visit.package_id.in_(mine))
    statuses = dict(
        session.execute(
            select(Visit.status, func.count()).where(*in_period).group_by(Visit.status)
        ).all()
    )
    planned = sum(statuses.values())
    entries = select(TimeBankEntry).where(
        TimeBankEntry.at >= _at(start, 0), TimeBankEntry.at < _at(end + timedelta(days=1), 0)
    )
    banked = drawn = 0
    for entry in session.scalars(entries):
        if entry.pot == "bank" and entry.kind == "bank":
            banked += entry.minutes
        if entry.pot == "bank" and entry.kind == "draw":
            drawn -= entry.minutes
    change_rows = session.scalars(
        select(ProviderChange).where(ProviderChange.council_id == council_id)
    ).all()
    review_rows = session.scalars(
        select(Review).where(
            Review.due_on >= start, Review.due_on <= end, Review.package_id.in_(mine)
        )
    ).all()
    done_rows = session.scalars(
        select(Review).where(
            Review.done_on >= start, Review.done_on <= end, Review.package_id.in_(mine)
        )
    ).all()
    return {
        "visits": {
            "planned": planned,
            "completed": statuses.get("completed", 0),
            "late": statuses.get("late", 0),
            "short": statuses.get("short", 0),
            "missed": statuses.get("missed", 0),
            "not_at_home": statuses.get("not_at_home", 0),
            "cancelled_by_person": statuses.get("cancelled_by_person", 0),
            "suspended_in_hospital": statuses.get("hospital", 0),
            "in_community": session.scalar(
                select(func.count()).where(*in_period, Visit.place_kind == "community")
            )
            or 0,
        },
        "time_bank": {
            "packages_on_envelopes": session.scalar(
                select(func.count()).select_from(TimeBankAccount)
            )
            or 0,
            "hours_banked": round(banked / 60, 1),
            "hours_drawn": round(drawn / 60, 1),
        },
        "changes": {
            "provider_led": len(change_rows),
            "approved": sum(c.status == "approved" for c in change_rows),
            "amended": sum(c.status == "amended" for c in change_rows),
            "reversed": sum(c.status == "reversed" for c in change_rows),
            "awaiting_decision": sum(
                c.status in ("submitted", "awaiting_social_worker") for c in change_rows
            ),
            "in_trial": sum(c.status == "in_trial" for c in change_rows),
        },
        "reviews": {
            "due": len(review_rows),
            "done": sum(r.done_on is not None for r in review_rows),
            "done_on_time": sum(
                r.done_on is not None and r.done_on <= r.due_on for r in review_rows
            ),
        },
        "outcomes": {
            "rated": sum(r.wellbeing is not None for r in done_rows),
            "opted_out": sum(r.opted_out for r in done_rows),
        },
        "hospital": {
            "admissions": session.scalar(
                select(func.count())
                .select_from(HospitalStay)
                .where(HospitalStay.package_id.in_(mine))
            )
            or 0,
        },
    }


def run_delivery(
    engine: Engine,
    area: Area,
    *,
    seed: int,
    settings: Settings,
    start: date,
    weeks: int,
    on_day: Callable[[date], None] | None = None,
) -> DeliveryLog:
    return DeliverySimulation(
        engine, area, seed=seed, settings=settings, start=start, weeks=weeks
    ).run(on_day)
