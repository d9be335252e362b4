"""The bulk reader gives every provider the same visits, rates, rules and hospital days as
`repository.run_inputs` gives one provider at a time.

Aire Homecare's and Kirkstall Care's packages have visits generated for the week from
Monday 5 October 2026; their outcomes are varied by hand: completed with one or two carers'
check-ins and check-outs (one carer's check-out missing), cancelled by the person with the
notice recorded, in hospital, missed.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.db import unit_of_work
from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.schedule import generate_visits
from homecare.delivery.tables import Attendance, Visit
from homecare.money.bulk_inputs import read_inputs, window_for
from homecare.money.payment_rules import PaymentRules, VisitToPay
from homecare.money.payment_runs import HospitalDay, Period
from homecare.money.repository import run_inputs
from homecare.money.rules_data import rules_record
from homecare.money.tables import PaymentRuleSet
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import MONDAY_10AM, World

PROVIDERS = ("Aire Homecare", "Kirkstall Care")
PERIOD = Period(date(2026, 10, 5), date(2026, 11, 1))


def _week(engine: Engine, world: World) -> None:
    for provider, nhs_number in zip(PROVIDERS, ("9990000018", "9990000026"), strict=True):
        place_package(engine, world, provider=provider, nhs_number=nhs_number)
    workers = [
        hire_care_worker(engine, world, provider=p, name=f"Carer {i}").care_worker_id
        for i, p in enumerate((*PROVIDERS, *PROVIDERS))
    ]
    with unit_of_work(engine) as s:
        s.add(
            PaymentRuleSet(
                contract_id=world.contracts["Aire Homecare/1"],
                effective_from=date(2026, 10, 8),
                rules=rules_record(PaymentRules.leicester_framework()),
                reason="Leicester's rules from Thursday",
                recorded_at=MONDAY_10AM,
            )
        )
        for provider in PROVIDERS:
            generate_visits(
                s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=date(2026, 10, 5),
                end=date(2026, 10, 11), provider_id=world.providers[provider],
            )  # fmt: skip
        for index, visit in enumerate(s.scalars(select(Visit).order_by(Visit.id))):
            _outcome(s, visit, index, workers)


def _outcome(s: Any, visit: Visit, index: int, workers: list[int]) -> None:
    start = visit.window_start + timedelta(minutes=7, seconds=index * 13, microseconds=index)
    kind = index % 6
    if kind == 3:
        visit.status = VisitStatus.CANCELLED_BY_PERSON.value
        visit.closed_at = visit.window_start - timedelta(hours=5, minutes=index, seconds=31)
        return
    if kind == 4:
        visit.status = VisitStatus.HOSPITAL.value
        return
    if kind == 5:
        visit.status = VisitStatus.MISSED.value
        return
    visit.status = VisitStatus.COMPLETED.value
    first = workers[index % 2]
    s.add(Attendance(visit_id=visit.id, care_worker_id=first, checked_in_at=start,
                     checked_out_at=start + timedelta(minutes=20 + index, seconds=29)))  # fmt: skip
    second = workers[2 + index % 2]
    if kind == 1:
        s.add(Attendance(visit_id=visit.id, care_worker_id=second, checked_in_at=start,
                         checked_out_at=start + timedelta(minutes=15)))  # fmt: skip
    if kind == 2:
        s.add(Attendance(visit_id=visit.id, care_worker_id=second, checked_in_at=start,
                         checked_out_at=None))  # fmt: skip


def test_the_bulk_reader_gives_every_provider_what_run_inputs_gives_it(
    engine: Engine, world: World
) -> None:
    _week(engine, world)
    first_day, last_day = window_for(PERIOD)

    bulk = read_inputs(engine, world.council_id, first_day, last_day)

    assert bulk.visits.height > 20
    for provider in PROVIDERS:
        provider_id = world.providers[provider]
        with unit_of_work(engine) as s:
            one = run_inputs(s, world.council_id, provider_id, last_day)
        rows = bulk.visits.filter(provider_id=provider_id).sort("visit_id")
        assert [_visit(r) for r in rows.iter_rows(named=True)] == one.visits
        assert [bulk.rules[r["rules_id"]] for r in rows.iter_rows(named=True)] == [
            one.rules.for_package(v.package_id, v.day) for v in one.visits
        ]
        stays = bulk.hospital_days.filter(provider_id=provider_id)
        assert [HospitalDay(r["package_id"], r["day"]) for r in stays.iter_rows(named=True)] == (
            one.hospital_days
        )
    assert {r.basis.value for r in bulk.rules} == {"actual", "actual_within_tolerance"}


def _visit(row: dict[str, Any]) -> VisitToPay:
    actual = row["actual_minutes"]
    return VisitToPay(
        visit_id=row["visit_id"],
        package_id=row["package_id"],
        day=row["day"],
        starts_at=row["starts_at"].astimezone(UTC),
        planned_minutes=row["planned_minutes"],
        carers=row["carers"],
        status=VisitStatus(row["status"]),
        hourly_rate_pence=row["hourly_rate_pence"],
        actual_minutes=None if actual is None else tuple(actual),
        notice_minutes=row["notice_minutes"],
        bank_holiday=row["bank_holiday"],
        night=row["night"],
        lsoa=row["lsoa"],
        postcode=row["postcode"],
        community=row["community"],
    )


def test_the_window_is_the_one_a_run_reads() -> None:
    # 27 days before the period's last day is its first, 5 October; 8 weeks before, 10 August.
    assert window_for(PERIOD) == (date(2026, 8, 10), date(2026, 11, 1))


def test_without_places_a_visit_keeps_all_but_its_start_and_place(
    engine: Engine, world: World
) -> None:
    _week(engine, world)
    first_day, last_day = window_for(PERIOD)

    full = read_inputs(engine, world.council_id, first_day, last_day)
    bare = read_inputs(engine, world.council_id, first_day, last_day, places=False)

    kept = [c for c in full.visits.columns if c not in ("starts_at", "lsoa", "postcode")]
    assert bare.visits.select(kept).equals(
        full.visits.select(kept).with_columns(bank_holiday=False)
    )
    assert bare.visits["starts_at"].null_count() == bare.visits.height
    assert bare.hospital_days.equals(full.hospital_days)
