"""A nurse's referral names the delegated task of a visit (000 §12, §30): it must be one of
the lot's tasks, it travels onto the package, and only providers with staff trained for
what the referral needs are offered it; the others are left out, saying why.

In the test world Lot 2 needs catheter care. Aire Homecare (primary) and Bramley Care
get a trained care worker here; Kirkstall and Wortley have none, so they are skipped.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.clock import FixedClock
from tests.conftest import auth
from tests.integration.test_lists_forms import browser_for, summary
from tests.support import payloads
from tests.support.caseload import hire_care_worker
from tests.support.web_client import csrf_token
from tests.support.world import World

SHORT = "no care worker trained for catheter care"


def _train(engine: Engine, world: World, *providers: str) -> None:
    for index, provider in enumerate(providers):
        hire_care_worker(
            engine, world, provider=provider, name=f"Trained {index}", skills=["catheter_care"]
        )


def _person(client: TestClient, world: World, nth: int = 0) -> int:
    made = client.post(
        "/people",
        json=payloads.person(payloads.VALID_NHS_NUMBERS[nth], council_id=world.council_id),
        headers=auth(world.tokens["nurse"]),
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _lot_two(person_id: int, **extra: Any) -> dict[str, Any]:
    """The test referral in Lot 2, from the neighbourhood team, catheter care at bedtime."""
    body = payloads.referral(person_id, lot=2, source="nhs_neighbourhood_team", **extra)
    for visit in body["visits"]:
        if visit["band"] == "bed":
            visit["task"] = "catheter_care"
    return body


def test_the_task_travels_to_the_package_and_untrained_providers_are_skipped_saying_why(
    client: TestClient, world: World, engine: Engine
) -> None:
    _train(engine, world, "Aire Homecare", "Bramley Care")
    nurse, broker = auth(world.tokens["nurse"]), auth(world.tokens["broker"])
    aire = auth(world.tokens["Aire Homecare"])

    made = client.post("/referrals", json=_lot_two(_person(client, world)), headers=nurse)

    assert made.status_code == 201, made.text
    referral = made.json()
    assert {v["task"] for v in referral["visits"] if v["band"] == "bed"} == {"catheter_care"}
    assert {v["task"] for v in referral["visits"] if v["band"] != "bed"} == {None}
    read = client.get(f"/referrals/{referral['id']}", headers=broker).json()
    assert [s["provider_id"] for s in read["cascade_plan"]] == [
        world.providers["Aire Homecare"],
        world.providers["Bramley Care"],
    ]
    assert read["cascade_skipped"] == [
        {"provider_id": world.providers["Kirkstall Care"], "reason": SHORT},
        {"provider_id": world.providers["Wortley Care"], "reason": SHORT},
    ]
    history = client.get(f"/referrals/{referral['id']}/history", headers=broker).json()
    [planned] = [e for e in history if e["action"] == "referral.cascade_planned"]
    assert planned["detail"]["skipped"] == read["cascade_skipped"]
    [offer] = referral["offers"]
    accepted = client.post(
        f"/offers/{offer['id']}/accept", json={"agreed_start": "2026-10-06"}, headers=aire
    )
    assert accepted.status_code == 200, accepted.text
    tasks = {(v["day"], v["band"]): v["task"] for v in accepted.json()["visits"]}
    assert tasks[("mon", "bed")] == "catheter_care" and tasks[("mon", "tea")] is None


def test_a_task_outside_the_lot_and_a_chosen_provider_without_trained_staff_are_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    _train(engine, world, "Aire Homecare")
    nurse = auth(world.tokens["nurse"])
    stoma = payloads.referral(_person(client, world), lot=1)
    stoma["visits"][3]["task"] = "stoma_care"

    not_of_lot = client.post("/referrals", json=stoma, headers=nurse)
    untrained_choice = client.post(
        "/referrals",
        json=_lot_two(
            _person(client, world, 1), preferred_provider_id=world.providers["Wortley Care"]
        ),
        headers=nurse,
    )

    assert not_of_lot.status_code == 422, not_of_lot.text
    assert not_of_lot.json()["field"] == "visits.3.task"
    assert not_of_lot.json()["detail"] == (
        "Stoma care is not a delegated task of Lot 1 (General home care); its tasks are: none"
    )
    assert untrained_choice.status_code == 422, untrained_choice.text
    assert untrained_choice.json()["field"] == "preferred_provider_id"
    assert untrained_choice.json()["detail"] == (
        f"Wortley Care has {SHORT}, so it cannot take this referral"
    )


def test_the_nurses_form_offers_the_lots_tasks_and_the_pages_show_task_and_skipped(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _train(engine, world, "Aire Homecare")
    person_id = _person(client, world)
    browser = browser_for(engine, clock, "nurse@example.org")
    form = browser.get(f"/app/refer/people/{person_id}")
    data = {
        "csrf_token": csrf_token(form.text),
        "source": "nhs_neighbourhood_team",
        "lot": "1",
        "visit-mon-bed": "45",
        "task-mon-bed": "catheter_care",
        "required-start-day": "6",
        "required-start-month": "10",
        "required-start-year": "2026",
    }

    refused = browser.post(f"/app/refer/people/{person_id}", data=data)
    sent = browser.post(f"/app/refer/people/{person_id}", data=data | {"lot": "2"})
    as_broker = browser_for(engine, clock, "broker@example.org").get(sent.url.path)

    assert 'name="task-tue-lunch"' in form.text
    assert "Catheter care (Lot 2)" in form.text
    assert summary(refused.text) == {
        "task-mon-bed": "Catheter care is not a delegated task of Lot 1 (General home care); "
        "its tasks are: none"
    }
    assert sent.url.path.startswith("/app/referrals/"), sent.text
    assert "<strong>catheter care</strong> (delegated task)" in sent.text
    assert "Not asked in round 1" in as_broker.text
    skipped = as_broker.text.split('id="skipped"', 1)[1]
    assert "Kirkstall Care" in skipped and "No care worker trained for catheter care" in skipped
