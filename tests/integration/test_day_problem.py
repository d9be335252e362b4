"""A day's problem built from the store: who may do which part of a visit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from homecare.db import unit_of_work
from homecare.pattern import Day, PlannedVisit, TimeBand
from homecare.rounds.day import build_day
from homecare.rounds.travel import CachedTravel, GreatCircleTravel
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import World


def test_a_two_handed_delegated_task_needs_one_trained_carer_and_one_who_assists(
    engine: Engine, world: World
) -> None:
    place_package(
        engine,
        world,
        lot=2,
        pattern=[PlannedVisit(Day.MON, TimeBand.BED, 45, 2, "catheter_care")],
    )
    trained = hire_care_worker(engine, world, name="Trained Carer", skills=["catheter_care"])
    assisting = hire_care_worker(engine, world, name="Assisting Carer")
    with unit_of_work(engine) as session:
        day = build_day(
            session,
            world.providers["Aire Homecare"],
            date(2026, 10, 12),
            CachedTravel(GreatCircleTravel()),
        )
    problem = day.problem
    carer = {c.ident: k for k, c in enumerate(problem.carers)}
    lead, second = problem.visits[0].tasks
    assert problem.qualified(lead, carer[str(trained.care_worker_id)])
    assert not problem.qualified(lead, carer[str(assisting.care_worker_id)])
    assert problem.qualified(second, carer[str(assisting.care_worker_id)])
