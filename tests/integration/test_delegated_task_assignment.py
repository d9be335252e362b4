"""A delegated healthcare task goes only to a pair with a trained carer (hazard H-004).

Rounds planning is checked in test_day_problem.py; this is the other way carers reach a
visit: a manager putting them on it by hand.
"""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.pattern import Day, PlannedVisit, TimeBand
from tests.conftest import auth
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import World

AIRE = "Aire Homecare"
TUESDAY = date(2026, 10, 6)


def test_carers_none_of_whom_is_trained_for_the_visits_task_are_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(
        engine,
        world,
        lot=2,
        pattern=[PlannedVisit(Day.TUE, TimeBand.BED, 45, 2, "catheter_care")],
    )
    trained = hire_care_worker(engine, world, name="Trained Carer", skills=["catheter_care"])
    first = hire_care_worker(engine, world, name="Assisting Carer")
    second = hire_care_worker(engine, world, name="Second Assistant")
    headers = auth(world.tokens[AIRE])
    made = client.post(
        "/visits/generate",
        json={"start": TUESDAY.isoformat(), "end": TUESDAY.isoformat()},
        headers=headers,
    )
    assert made.status_code == 200, made.text
    [visit] = client.get(
        "/visits", params={"package_id": placed.package_id}, headers=headers
    ).json()
    url = f"/visits/{visit['id']}/carers"

    untrained = client.put(
        url,
        json={"care_worker_ids": [first.care_worker_id, second.care_worker_id]},
        headers=headers,
    )
    led = client.put(
        url,
        json={"care_worker_ids": [trained.care_worker_id, first.care_worker_id]},
        headers=headers,
    )

    assert untrained.status_code == 422, untrained.text
    assert untrained.json()["field"] == "care_worker_ids"
    assert "trained for catheter care" in untrained.text
    assert led.status_code == 200, led.text
    assert sorted(c["care_worker_id"] for c in led.json()["assigned_carers"]) == sorted(
        [trained.care_worker_id, first.care_worker_id]
    )
