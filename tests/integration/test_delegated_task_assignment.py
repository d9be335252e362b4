"""A delegated healthcare task goes only to a pair with a trained carer (hazard H-004).

Rounds planning is checked in test_day_problem.py; this is the other way carers reach a
visit: a manager putting them on it by hand, through the API and through the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.clock import FixedClock
from homecare.pattern import Day, PlannedVisit, TimeBand
from tests.conftest import auth
from tests.integration.test_lists_forms import browser_for, summary
from tests.support.caseload import hire_care_worker, place_package
from tests.support.web_client import csrf_token
from tests.support.world import World

AIRE = "Aire Homecare"
TUESDAY = date(2026, 10, 6)
UNTRAINED = (
    "None of the carers is trained for catheter care, the visit's delegated task: "
    "a trained carer must lead it"
)


@dataclass(frozen=True)
class Setting:
    visit_id: int
    trained: int
    first: int
    second: int


def _two_handed_catheter_visit(client: TestClient, world: World, engine: Engine) -> Setting:
    """Tuesday's two-handed bed visit, catheter care; one trained carer and two not."""
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
    return Setting(visit["id"], trained.care_worker_id, first.care_worker_id, second.care_worker_id)


def test_carers_none_of_whom_is_trained_for_the_visits_task_are_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    given = _two_handed_catheter_visit(client, world, engine)
    headers = auth(world.tokens[AIRE])
    url = f"/visits/{given.visit_id}/carers"

    untrained = client.put(
        url, json={"care_worker_ids": [given.first, given.second]}, headers=headers
    )
    led = client.put(url, json={"care_worker_ids": [given.trained, given.first]}, headers=headers)

    assert untrained.status_code == 422, untrained.text
    assert untrained.json()["field"] == "care_worker_ids"
    assert "trained for catheter care" in untrained.text
    assert led.status_code == 200, led.text
    assert sorted(c["care_worker_id"] for c in led.json()["assigned_carers"]) == sorted(
        [given.trained, given.first]
    )


def test_the_managers_page_refuses_untrained_carers_and_takes_a_trained_lead(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    given = _two_handed_catheter_visit(client, world, engine)
    browser = browser_for(engine, clock, "aire.homecare@example.org")
    url = f"/app/visits/{given.visit_id}/carers"
    form = browser.get(url)
    token = csrf_token(form.text)

    refused = browser.post(
        url, data={"csrf_token": token, "care_worker_ids": [str(given.first), str(given.second)]}
    )
    placed = browser.post(
        url, data={"csrf_token": token, "care_worker_ids": [str(given.trained), str(given.first)]}
    )

    assert form.status_code == 200, form.text
    assert "catheter care: a care worker trained for it must lead the visit" in form.text
    assert "Trained for catheter care" in form.text
    assert refused.status_code == 400
    assert summary(refused.text) == {"care-workers": UNTRAINED}
    assert placed.url.path == url and "The carers are on the visit" in placed.text
    assigned = client.get(f"/visits/{given.visit_id}", headers=auth(world.tokens[AIRE]))
    assert sorted(c["care_worker_id"] for c in assigned.json()["assigned_carers"]) == sorted(
        [given.trained, given.first]
    )
