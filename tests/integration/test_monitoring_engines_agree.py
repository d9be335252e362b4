"""The Polars engine and the row-by-row baseline give the same figures, on both stores.

A small but complete store is written with direct ORM inserts on top of the test world:
two councils, four providers, both lots, about twenty people over July-September 2026
with referrals (placed, priority, delayed, exhausted, re-offered after no provider took
them, withdrawn), visits of every status (two-handed and in the community), call
monitoring with breaks and overlaps, a saved round for a day without it (a planning
figure, which neither counts as travel), hospital stays across midnight, reviews with ratings and
opt-outs, provider-led changes and decisions, community hours and a provider's quality
records. Then every measure and KPI is computed both ways for overlapping periods.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

import polars as pl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from homecare.brokerage.tables import Referral
from homecare.calendar import LONDON
from homecare.changes.tables import ProviderChange
from homecare.community.tables import CommunityHours
from homecare.db import unit_of_work
from homecare.delivery.tables import Attendance, Visit
from homecare.delivery.worked_days import rebuild_worked_days
from homecare.hospital.tables import HospitalStay
from homecare.market.tables import Contract, Lot, Zone
from homecare.monitoring.data import EVERYTHING, Scope
from homecare.monitoring.kpis import ReviewTimings
from homecare.monitoring.periods import Period, parse_period
from homecare.monitoring.service import compute_frames
from homecare.packages.tables import Package
from homecare.people.tables import Person
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
from homecare.reviews.tables import Review
from homecare.rounds.tables import Round, RoundPlan
from homecare.workforce.tables import CareWorker
from tests.support import monitoring_baseline as baseline
from tests.support.world import World, build_world

T = TypeVar("T")
AS_OF = datetime(2026, 8, 20, 11, 0, tzinfo=UTC)
"""Within 2026-P09, so its KPIs 5 and 6 are as at today."""
FIRST, LAST = date(2026, 7, 6), date(2026, 9, 13)
BANDS = (("morning", 7), ("lunch", 12), ("bed", 19))
STATUSES = ["completed"] * 14 + [
    "late",
    "short",
    "missed",
    "cancelled_by_person",
    "not_at_home",
    "planned",
]
PERIODS = ["2026-P08", "2026-W30", "2026-P09", "2026Q3"]
"""Overlapping on purpose: a week inside P08 and the quarter over both."""


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


class Store:
    """Writes the monitoring store; ids come back from the inserts."""

    def __init__(self, session: Session, world: World, rng: random.Random) -> None:
        self.s = session
        self.world = world
        self.rng = rng
        self.lots = {
            (lot.council_id, lot.number): lot.id for lot in session.scalars(select(Lot)).all()
        }
        self.people = 0

    def add(self, row: T) -> T:
        self.s.add(row)
        self.s.flush()
        return row

    def person(self, council_id: int) -> Person:
        self.people += 1
        return self.add(
            Person(
                council_id=council_id,
                recorded_by_org_id=council_id,
                nhs_number=f"{9400000000 + self.people}",
                given_name="Test",
                family_name=f"Person {self.people}",
                date_of_birth=date(1940, 1, 1),
                address="1 Town Street",
                postcode="LS12 1AU",
                latitude=53.8,
                longitude=-1.58,
                lsoa_code="E01011292",
                languages=[],
            )
        )

    def package(
        self,
        provider: str,
        lot: int,
        starts_on: date,
        ends_on: date | None = None,
        referral: dict[str, Any] | None = None,
        council_id: int | None = None,
        contract_id: int | None = None,
    ) -> Package:
        council = council_id or self.world.council_id
        person = self.person(council)
        referral_id = None
        agreed_at = _local(starts_on - timedelta(days=2), 10)
        if referral is not None:
            row = self.add(
                Referral(
                    council_id=council,
                    referrer_org_id=council,
                    person_id=person.id,
                    source="social_work",
                    priority=referral.get("priority", False),
                    authorised_delay=referral.get("delay"),
                    lot_id=self.lots[(council, lot)],
                    zone_id=self.world.zone_id,
                    weekly_minutes=600,
                    outcomes_sought=[],
                    required_start=starts_on,
                    referred_at=referral["at"],
                    status="placed",
                    cascade_round=1,
                    cascade_plan=[],
                )
            )
            referral_id = row.id
            agreed_at = referral.get("agreed", agreed_at)
        return self.add(
            Package(
                council_id=council,
                person_id=person.id,
                provider_id=self.world.providers[provider],
                contract_id=contract_id or self.world.contracts[f"{provider}/{lot}"],
                lot_id=self.lots[(council, lot)],
                referral_id=referral_id,
                status="active",
                weekly_minutes=self.rng.choice((420, 600, 630, 840)),
                hourly_rate_pence=2622,
                outcomes=[],
                starts_on=starts_on,
                ends_on=ends_on,
                agreed_at=agreed_at,
            )
        )

    def unplaced_referral(self, status: str, at: datetime, cascade_round: int = 1) -> None:
        person = self.person(self.world.council_id)
        self.add(
            Referral(
                council_id=self.world.council_id,
                referrer_org_id=self.world.council_id,
                person_id=person.id,
                source="hospital_discharge",
                priority=False,
                lot_id=self.lots[(self.world.council_id, 1)],
                zone_id=self.world.zone_id,
                weekly_minutes=420,
                outcomes_sought=[],
                required_start=at.date() + timedelta(days=2),
                referred_at=at,
                status=status,
                cascade_round=cascade_round,
                cascade_plan=[],
            )
        )

    def worker(self, provider_id: int, name: str) -> CareWorker:
        return self.add(
            CareWorker(
                provider_id=provider_id,
                name=name,
                contract_type="zero_hours",
                travel_mode="walk",
                home_postcode="LS12 1AU",
                home_latitude=53.8,
                home_longitude=-1.58,
            )
        )


def _visits(store: Store, package: Package, workers: list[CareWorker], skip: date | None) -> None:
    """Three visits a day; carers' check-ins and check-outs to the minute, with gaps
    from a few minutes to breaks of over an hour, and the odd overlap."""
    rng = store.rng
    day = max(package.starts_on, FIRST)
    last = min(package.ends_on or LAST, LAST)
    while day <= last:
        for slot, (band, hour) in enumerate(BANDS):
            status = rng.choice(STATUSES)
            carers = 2 if band == "bed" and rng.random() < 0.3 else 1
            planned = rng.choice((30, 45))
            delivered = {"short": planned // 2, "missed": 0, "not_at_home": 0}.get(
                status, planned - rng.choice((0, 5)) if status in ("completed", "late") else None
            )
            start = _local(day, hour, rng.choice((0, 10, 25, 40, 55)))
            community = band == "lunch" and rng.random() < 0.2
            visit = store.add(
                Visit(
                    package_id=package.id,
                    person_id=package.person_id,
                    provider_id=package.provider_id,
                    source="pattern",
                    source_id=slot,
                    day=day,
                    band=band,
                    window_start=start,
                    window_end=start + timedelta(hours=1),
                    planned_minutes=planned,
                    carers=carers,
                    place_kind="community" if community else "home",
                    latitude=53.8,
                    longitude=-1.58,
                    health_tasks=[],
                    status=status,
                    delivered_minutes=delivered,
                )
            )
            if status in ("completed", "late", "short") and day != skip:
                for worker in rng.sample(workers, carers):
                    begin = start + timedelta(minutes=rng.choice((0, 3, 70)))
                    store.add(
                        Attendance(
                            visit_id=visit.id,
                            care_worker_id=worker.id,
                            checked_in_at=begin,
                            checked_out_at=begin + timedelta(minutes=delivered or 0),
                        )
                    )
        day += timedelta(days=1)


def build_monitoring_store(engine: Engine) -> World:
    world = build_world(engine)
    populate(engine, world)
    return world


def populate(engine: Engine, world: World) -> None:
    """The monitoring records on top of an existing test world."""
    rng = random.Random(2026)
    with unit_of_work(engine) as s:
        store = Store(s, world, rng)
        aire = world.providers["Aire Homecare"]
        # Bradford contracts Aire too: its package must stay out of Leeds's figures.
        lot = store.add(Lot(council_id=world.other_council_id, number=1, name="General"))
        store.lots[(world.other_council_id, 1)] = lot.id
        zone = store.add(Zone(council_id=world.other_council_id, name="Bradford", city_wide=True))
        bradford = store.add(
            Contract(
                council_id=world.other_council_id,
                provider_id=aire,
                lot_id=lot.id,
                zone_id=zone.id,
                role="primary",
                hourly_rate_pence=2500,
                weekly_capacity_minutes=6000,
                starts_on=date(2026, 1, 1),
            )
        )
        workers = {
            name: [store.worker(pid, f"{name} carer {i}") for i in range(3)]
            for name, pid in world.providers.items()
        }
        packages: list[Package] = []
        monday = datetime(2026, 7, 13, 10, tzinfo=LONDON)
        cases = [
            ("Aire Homecare", 1, date(2026, 1, 5), None, None),
            (
                "Aire Homecare",
                1,
                date(2026, 7, 16),
                None,
                {"at": monday, "agreed": monday + timedelta(hours=20)},
            ),
            (
                "Aire Homecare",
                2,
                date(2026, 7, 17),
                None,
                {"at": monday, "agreed": monday + timedelta(hours=26)},
            ),
            ("Aire Homecare", 1, date(2026, 3, 2), date(2026, 8, 2), None),
            ("Kirkstall Care", 1, date(2026, 2, 2), None, None),
            (
                "Kirkstall Care",
                1,
                date(2026, 7, 22),
                None,
                {"at": monday + timedelta(days=7), "priority": True},
            ),
            (
                "Kirkstall Care",
                2,
                date(2026, 7, 30),
                None,
                {"at": monday + timedelta(days=7), "delay": "Family visit first"},
            ),
            ("Bramley Care", 1, date(2026, 4, 6), None, None),
            (
                "Bramley Care",
                1,
                date(2026, 8, 4),
                None,
                {"at": datetime(2026, 7, 31, 23, 30, tzinfo=UTC), "priority": True},
            ),
            ("Bramley Care", 2, date(2026, 5, 4), date(2026, 9, 1), None),
            ("Wortley Care", 1, date(2026, 6, 1), None, None),
            (
                "Wortley Care",
                1,
                date(2026, 8, 20),
                None,
                {"at": datetime(2026, 8, 14, 9, tzinfo=UTC)},
            ),
        ]
        for provider, lot_number, starts, ends, referral in cases:
            package = store.package(provider, lot_number, starts, ends, referral)
            packages.append(package)
            skip = date(2026, 7, 21) if provider == "Aire Homecare" else None
            _visits(store, package, workers[provider], skip)
        other = store.package(
            "Aire Homecare",
            1,
            date(2026, 2, 2),
            council_id=world.other_council_id,
            contract_id=bradford.id,
        )
        _visits(store, other, workers["Aire Homecare"], None)
        store.unplaced_referral("exhausted", datetime(2026, 7, 14, 9, tzinfo=UTC))
        store.unplaced_referral("withdrawn", datetime(2026, 7, 15, 9, tzinfo=UTC))
        store.unplaced_referral("offered", datetime(2026, 8, 19, 9, tzinfo=UTC))
        # Nobody to offer it to in its first round, then a broker's second round: a miss.
        store.unplaced_referral("offered", datetime(2026, 7, 16, 9, tzinfo=UTC), cascade_round=2)
        _records(store, world, packages, workers)
        # The stints went in as rows, not through call monitoring: keep their worked days.
        s.flush()
        rebuild_worked_days(s)


def _records(
    store: Store, world: World, packages: list[Package], workers: dict[str, list[CareWorker]]
) -> None:
    s, rng = store, store.rng
    aire = world.providers["Aire Homecare"]
    # A saved round for Aire's unmonitored day, and one for a day with monitoring.
    plan = s.add(
        RoundPlan(
            provider_id=aire,
            day=date(2026, 7, 21),
            optimised_at=_local(date(2026, 7, 20), 18),
            seed=1,
            seconds=1.0,
        )
    )
    for worker, travel in (
        (workers["Aire Homecare"][0], 35.5),
        (workers["Aire Homecare"][1], 20.0),
    ):
        s.add(
            Round(
                plan_id=plan.id,
                provider_id=aire,
                care_worker_id=worker.id,
                day=date(2026, 7, 21),
                shift_start=_local(date(2026, 7, 21), 7),
                shift_end=_local(date(2026, 7, 21), 14),
                travel_mode="walk",
                travel_minutes=travel,
                contact_minutes=180.0,
            )
        )
    plan = s.add(
        RoundPlan(
            provider_id=aire,
            day=date(2026, 7, 22),
            optimised_at=_local(date(2026, 7, 21), 18),
            seed=1,
            seconds=1.0,
        )
    )
    s.add(
        Round(
            plan_id=plan.id,
            provider_id=aire,
            care_worker_id=workers["Aire Homecare"][0].id,
            day=date(2026, 7, 22),
            shift_start=_local(date(2026, 7, 22), 7),
            shift_end=_local(date(2026, 7, 22), 14),
            travel_mode="walk",
            travel_minutes=500.0,
            contact_minutes=500.0,
        )
    )
    # Hospital stays: one across midnight on a period boundary, one still in hospital.
    for package, admitted, discharged in (
        (
            packages[0],
            datetime(2026, 8, 9, 22, 30, tzinfo=UTC),
            datetime(2026, 8, 14, 10, tzinfo=UTC),
        ),
        (
            packages[4],
            datetime(2026, 7, 1, 9, tzinfo=UTC),
            datetime(2026, 7, 12, 23, 30, tzinfo=UTC),
        ),
        (packages[7], datetime(2026, 8, 25, 9, tzinfo=UTC), None),
    ):
        s.add(
            HospitalStay(
                package_id=package.id,
                person_id=package.person_id,
                hospital="St James's",
                admitted_at=admitted,
                discharged_at=discharged,
            )
        )
        for visit in s.s.scalars(
            select(Visit).where(Visit.package_id == package.id, Visit.window_start >= admitted)
        ):
            if discharged is None or visit.window_start < discharged:
                visit.status = "hospital"
                visit.delivered_minutes = None
    # Reviews: a chain per package, done early, late, never, opted out, rated up and down.
    for i, package in enumerate(packages):
        due = package.starts_on + timedelta(weeks=6)
        scores = [3, 3, 3]
        while due <= date(2026, 9, 30):
            done: date | None = due - timedelta(days=rng.choice((0, 2, 5)))
            if rng.random() < 0.25:
                done = due + timedelta(days=rng.choice((3, 10)))
            if done is not None and (done > AS_OF.date() or rng.random() < 0.15):
                done = None  # not done yet, or overdue
            opted = i == 5
            if done is not None and not opted:
                scores = [min(5, max(1, x + rng.choice((-1, 0, 1)))) for x in scores]
            s.add(
                Review(
                    package_id=package.id,
                    person_id=package.person_id,
                    kind="scheduled",
                    due_on=due,
                    done_on=done,
                    wellbeing=scores[0] if done and not opted else None,
                    home=scores[1] if done and not opted else None,
                    community=scores[2] if done and not opted else None,
                    opted_out=bool(done) and opted,
                    recorded_at=_local(done, 15) if done else None,
                )
            )
            if done is None:
                break
            due = done + timedelta(weeks=12)
    # Provider-led changes and social workers' decisions.
    for package, within, status, to, decided, effective in (
        (packages[0], True, "in_trial", 660, None, date(2026, 7, 20)),
        (packages[3], True, "approved", 540, 540, date(2026, 6, 15)),
        (packages[4], False, "approved", 900, 900, None),
        (packages[7], True, "amended", 700, 630, date(2026, 6, 1)),
        (packages[10], True, "reversed", 540, 600, date(2026, 7, 1)),
        (packages[9], False, "amended", 300, 360, None),
    ):
        s.add(
            ProviderChange(
                package_id=package.id,
                provider_id=package.provider_id,
                council_id=package.council_id,
                from_weekly_minutes=600,
                to_weekly_minutes=to,
                hourly_rate_pence=2622,
                reason="Needs changed",
                within_parameters=within,
                consent_by_name="Self",
                consent_by_relationship="self",
                consent_method="in_person",
                consent_at=_local(date(2026, 6, 1), 10),
                previous_pattern={},
                status=status,
                effective_from=effective or (date(2026, 7, 28) if decided and not within else None),
                decided_at=_local(date(2026, 7, 28), 11) if decided else None,
                decided_weekly_minutes=decided,
                created_at=_local(date(2026, 6, 1), 10),
            )
        )
    for package, outcome, ends in (
        (packages[1], "goes_independently", date(2026, 8, 5)),
        (packages[7], "goes_with_support", date(2026, 8, 6)),
        (packages[10], "goes_independently", date(2026, 9, 2)),
    ):
        s.add(
            CommunityHours(
                package_id=package.id,
                purpose="Lunch club",
                place_name="Armley lunch club",
                latitude=53.8,
                longitude=-1.58,
                day="wed",
                band="lunch",
                minutes=120,
                starts_on=ends - timedelta(weeks=4),
                ends_on=ends,
                status="closed",
                outcome=outcome,
                created_at=_local(ends - timedelta(weeks=4), 9),
            )
        )
    _quality(store, world, workers)


def _quality(store: Store, world: World, workers: dict[str, list[CareWorker]]) -> None:
    s, rng = store, store.rng
    at = _local(date(2026, 9, 14), 9)
    for name, pid in world.providers.items():
        staff = workers[name]
        s.add(
            StaffMovement(
                provider_id=pid,
                care_worker_id=staff[0].id,
                kind="starter",
                on=date(2026, 7, 20),
                contract_type="zero_hours",
                recorded_at=at,
            )
        )
        s.add(
            StaffMovement(
                provider_id=pid,
                care_worker_id=staff[1].id,
                kind="leaver",
                on=date(2026, 8, rng.randint(1, 28)),
                contract_type="zero_hours",
                reason="pay",
                recorded_at=at,
            )
        )
        s.add(
            StaffMovement(
                provider_id=pid,
                care_worker_id=None,
                kind="leaver",
                on=date(2026, 7, 30),
                contract_type="zero_hours",
                reason="retired",
                recorded_at=at,
            )
        )
        for worker in staff:
            first = date(2026, 7, rng.randint(1, 31))
            s.add(
                SicknessAbsence(
                    provider_id=pid,
                    care_worker_id=worker.id,
                    first_day=first,
                    last_day=first + timedelta(days=rng.randint(0, 9)),
                    working_days=rng.randint(1, 6),
                    recorded_at=at,
                )
            )
            s.add(
                TrainingRecord(
                    provider_id=pid,
                    care_worker_id=worker.id,
                    course="Moving and handling",
                    category="mandatory",
                    completed_on=date(2026, rng.choice((7, 8, 9)), rng.randint(1, 28)),
                    hours=rng.choice((1.5, 3.0, 7.5)),
                    recorded_at=at,
                )
            )
        for day in (date(2026, 7, 14), date(2026, 8, 11), date(2026, 9, 8)):
            s.add(
                StaffSurveyResponse(
                    provider_id=pid,
                    answered_on=day,
                    job_satisfaction=rng.randint(1, 5),
                    morale=rng.randint(1, 5),
                    recorded_at=at,
                )
            )
            for respondent in ("person", "family", "unpaid_carer"):
                s.add(
                    PeopleSurveyResponse(
                        provider_id=pid,
                        respondent=respondent,
                        answered_on=day,
                        what_matters_understood=rng.choice((True, False, None))
                        if respondent != "unpaid_carer"
                        else None,
                        supported_by_carers=rng.choice((True, True, False))
                        if respondent != "unpaid_carer"
                        else None,
                        unpaid_carer_supported=rng.choice((True, False, None))
                        if respondent == "unpaid_carer"
                        else None,
                        recorded_at=at,
                    )
                )
            for kind in (
                "case_study",
                "community_development",
                "hospital_admission_avoided",
                "pressure_off_other_services",
                "service_gap",
            ):
                if rng.random() < 0.6:
                    s.add(
                        CaseStudy(
                            provider_id=pid,
                            kind=kind,
                            title="An example",
                            summary="What happened.",
                            occurred_on=day + timedelta(days=rng.randint(0, 6)),
                            recorded_at=at,
                        )
                    )
            s.add(
                Complaint(
                    provider_id=pid,
                    received_on=day + timedelta(days=rng.randint(0, 20)),
                    category="timekeeping",
                    summary="Late.",
                    recorded_at=at,
                )
            )
            s.add(
                Incident(
                    provider_id=pid,
                    occurred_on=day + timedelta(days=rng.randint(0, 20)),
                    category="fall",
                    summary="A fall.",
                    recorded_at=at,
                )
            )
            s.add(
                RefundCredit(
                    provider_id=pid,
                    issued_on=day + timedelta(days=rng.randint(0, 20)),
                    amount_pence=rng.randint(500, 9000),
                    reason="missed_visits",
                    recorded_at=at,
                )
            )
        for month in (7, 8, 9):
            first = date(2026, month, 1)
            last = date(2026, month + 1, 1) - timedelta(days=1)
            direct = rng.randint(2_000_000, 4_000_000)
            s.add(
                StaffingSpend(
                    provider_id=pid,
                    period_start=first,
                    period_end=last,
                    direct_staff_pence=direct,
                    indirect_staff_pence=direct // 5,
                    total_spend_pence=direct + direct // 3,
                    recorded_at=at,
                )
            )


# --- comparing ---------------------------------------------------------------------------


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def assert_agree(engine: Engine, scope: Scope, periods: list[Period]) -> tuple[int, int]:
    timings = ReviewTimings()
    measures, kpis = compute_frames(
        engine, scope=scope, periods=periods, as_of=AS_OF, timings=timings
    )
    with unit_of_work(engine) as session:
        base_measures, base_kpis = baseline.compute(
            session, scope=scope, periods=periods, as_of=AS_OF, timings=timings
        )
    ours = {
        (r["measure"], r["part"], r["period"], r["provider_id"], r["lot"]): r
        for r in measures.iter_rows(named=True)
    }
    theirs = {
        (r["measure"], r["part"], r["period"], r["provider_id"], r["lot"]): r for r in base_measures
    }
    assert set(ours) == set(theirs)
    for key, want in theirs.items():
        got = ours[key]
        for column in ("value", "numerator", "denominator"):
            assert _close(got[column], want[column]), (key, column, got[column], want[column])
        assert got["unit"] == want["unit"]
        assert (got["cases"] or None) == want["cases"], key
    ours_k = {
        (r["kpi"], r["period"], r["provider_id"], r["lot"]): r for r in kpis.iter_rows(named=True)
    }
    theirs_k = {(r["kpi"], r["period"], r["provider_id"], r["lot"]): r for r in base_kpis}
    assert set(ours_k) == set(theirs_k)
    for kpi_key, kpi_want in theirs_k.items():
        kpi_got = ours_k[kpi_key]
        for column in (
            "eligible",
            "met",
            "value_pct",
            "target_pct",
            "rag",
            "case_kind",
            "missed_ids",
        ):
            assert kpi_got[column] == kpi_want[column], (kpi_key, column, kpi_got[column])
    return len(theirs), len(theirs_k)


@pytest.fixture(scope="module")
def store(module_engine: Engine) -> Iterator[tuple[Engine, World]]:
    world = build_monitoring_store(module_engine)
    yield module_engine, world


def test_every_measure_and_kpi_agrees_for_every_provider_lot_and_overlapping_period(
    store: tuple[Engine, World],
) -> None:
    engine, _ = store

    measures, kpis = assert_agree(engine, EVERYTHING, [parse_period(p) for p in PERIODS])

    # 4 periods × (4 providers + all) rows; parts by lot for most measures.
    assert measures > 1500
    assert kpis == 4 * 5 * (6 * 3 + 2)


def test_a_councils_figures_agree_and_leave_out_another_councils_package_at_a_shared_provider(
    store: tuple[Engine, World],
) -> None:
    engine, world = store
    providers = tuple(sorted(world.providers.values()))
    scope = Scope(council_id=world.council_id, provider_ids=providers)

    assert_agree(engine, scope, [parse_period("2026-P08")])
    leeds, _ = compute_frames(
        engine,
        scope=scope,
        periods=[parse_period("2026-P08")],
        as_of=AS_OF,
        timings=ReviewTimings(),
    )
    everyone, _ = compute_frames(
        engine,
        scope=EVERYTHING,
        periods=[parse_period("2026-P08")],
        as_of=AS_OF,
        timings=ReviewTimings(),
    )

    def people(frame: pl.DataFrame) -> float:
        row = frame.filter(
            (pl.col("measure") == 5) & pl.col("provider_id").is_null() & pl.col("lot").is_null()
        )
        return float(row["value"][0])

    # The Bradford person supported by Aire counts for the platform, not for Leeds.
    assert people(everyone) == people(leeds) + 1


def test_one_providers_figures_agree(store: tuple[Engine, World]) -> None:
    engine, world = store
    scope = Scope(provider_ids=(world.providers["Kirkstall Care"],), all_referrals=False)

    assert_agree(engine, scope, [parse_period("2026-P08"), parse_period("2026-P09")])


def test_reading_inside_a_session_gives_the_same_frames_as_the_fast_reader(
    store: tuple[Engine, World],
) -> None:
    engine, _ = store
    periods = [parse_period(p) for p in PERIODS]
    fast = compute_frames(
        engine, scope=EVERYTHING, periods=periods, as_of=AS_OF, timings=ReviewTimings()
    )

    with unit_of_work(engine) as session:
        careful = compute_frames(
            session, scope=EVERYTHING, periods=periods, as_of=AS_OF, timings=ReviewTimings()
        )

    assert fast[0].equals(careful[0])
    assert fast[1].equals(careful[1])
