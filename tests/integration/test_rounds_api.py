"""Rounds in the product: optimised from the store, saved, and shown to the right people."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import create_user
from homecare.db import unit_of_work
from tests.conftest import auth
from tests.support import payloads
from tests.support.world import MONDAY_10AM, World

DAY = "2026-10-12"  # the Monday after the package starts
EARLY = {"mon": ["07:00", "14:30"]}
LATE = {"mon": ["14:30", "22:00"]}


def _care_worker(
    client: TestClient,
    world: World,
    name: str,
    shift: dict[str, list[str]],
    postcode: str = "LS12 1AZ",
) -> dict[str, Any]:
    response = client.post(
        "/care-workers",
        headers=auth(world.tokens["Aire Homecare"]),
        json={
            "name": name,
            "contract_type": "salaried_block",
            "weekly_contracted_hours": 37.5,
            "skills": ["personal_care", "medication"],
            "travel_mode": "walk",
            "home_postcode": postcode,
            "shift_pattern": shift,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def planned(client: TestClient, world: World, engine: Engine) -> dict[str, Any]:
    person = client.post(
        "/people", json=payloads.person(), headers=auth(world.tokens["social_worker"])
    ).json()
    referral = client.post(
        "/referrals",
        json=payloads.referral(person["id"]),
        headers=auth(world.tokens["social_worker"]),
    ).json()
    accepted = client.post(
        f"/offers/{referral['offers'][0]['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert accepted.status_code == 200, accepted.text
    workers = [_care_worker(client, world, f"Early {i}", EARLY) for i in range(2)]
    workers += [_care_worker(client, world, f"Late {i}", LATE) for i in range(2)]
    with unit_of_work(engine) as session:
        _, token = create_user(
            session,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=world.providers["Aire Homecare"],
            role=Role.CARE_WORKER,
            name="Early 0",
            email="early0@aire.example",
            care_worker_id=workers[0]["id"],
        )
    plan = client.post(
        "/rounds/optimise",
        json={"day": DAY, "time_limit": 1},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert plan.status_code == 200, plan.text
    return {"plan": plan.json(), "workers": workers, "care_worker_token": token}


def test_a_provider_optimises_a_day_and_every_visit_is_placed(planned: dict[str, Any]) -> None:
    measures = planned["plan"]["measures"]
    # Monday: morning (two-handed), lunch, tea and bed (two-handed) for one person.
    assert measures["visits"] == 4
    assert measures["two_handed_visits"] == 2
    assert measures["unassigned_visits"] == 0
    assert measures["unsynchronised_double_ups"] == 0
    assert planned["plan"]["unassigned"] == []


def test_two_handed_visits_have_two_carers_starting_together(
    client: TestClient, world: World, planned: dict[str, Any]
) -> None:
    rounds = client.get(f"/rounds?day={DAY}", headers=auth(world.tokens["Aire Homecare"])).json()
    stops = [(r["care_worker_id"], s) for r in rounds for s in r["stops"]]
    doubled = [(k, s) for k, s in stops if s["carers"] == 2]
    assert len(doubled) == 4
    by_start: dict[str, list[int]] = {}
    for k, s in doubled:
        by_start.setdefault(s["planned_start"], []).append(k)
        assert s["partner_care_worker_id"] not in (None, k)
        assert s["window_start"] <= s["planned_start"] <= s["window_end"]
    assert all(len(set(carers)) == 2 for carers in by_start.values())


def test_rounds_come_as_geojson_lines_and_points(
    client: TestClient, world: World, planned: dict[str, Any]
) -> None:
    geo = client.get(
        f"/rounds/geojson?day={DAY}", headers=auth(world.tokens["Aire Homecare"])
    ).json()
    kinds = [f["geometry"]["type"] for f in geo["features"]]
    assert geo["type"] == "FeatureCollection"
    assert kinds.count("Point") == 6  # two single visits, two double-ups x two carers
    lon, lat = geo["features"][1]["geometry"]["coordinates"]
    assert -1.7 < lon < -1.5 and 53.7 < lat < 53.9


def test_a_care_worker_sees_only_their_own_round(
    client: TestClient, world: World, planned: dict[str, Any]
) -> None:
    mine = client.get(f"/rounds?day={DAY}", headers=auth(planned["care_worker_token"])).json()
    assert {r["care_worker_id"] for r in mine} <= {planned["workers"][0]["id"]}
    every = client.get(f"/rounds?day={DAY}", headers=auth(world.tokens["Aire Homecare"])).json()
    others = [r for r in every if r["care_worker_id"] != planned["workers"][0]["id"]]
    assert others
    response = client.get(f"/rounds/{others[0]['id']}", headers=auth(planned["care_worker_token"]))
    assert response.status_code == 404


def test_another_provider_sees_none_of_the_rounds(
    client: TestClient, world: World, planned: dict[str, Any]
) -> None:
    theirs = client.get(f"/rounds?day={DAY}", headers=auth(world.tokens["Kirkstall Care"]))
    assert theirs.json() == []
    every = client.get(f"/rounds?day={DAY}", headers=auth(world.tokens["Aire Homecare"])).json()
    response = client.get(f"/rounds/{every[0]['id']}", headers=auth(world.tokens["Kirkstall Care"]))
    assert response.status_code == 404
    assert response.json()["detail"] == f"round {every[0]['id']} not found"


def test_re_optimising_replaces_the_days_plan(
    client: TestClient, world: World, planned: dict[str, Any]
) -> None:
    again = client.post(
        "/rounds/optimise",
        json={"day": DAY, "time_limit": 1},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert again.status_code == 200
    rounds = client.get(f"/rounds?day={DAY}", headers=auth(world.tokens["Aire Homecare"])).json()
    assert sum(len(r["stops"]) for r in rounds) == 6  # not twelve: the old plan is gone
    plan = client.get(f"/round-plans/{DAY}", headers=auth(world.tokens["Aire Homecare"])).json()
    assert plan["id"] == again.json()["id"]


def test_only_a_providers_manager_may_plan_rounds(client: TestClient, world: World) -> None:
    response = client.post(
        "/rounds/optimise", json={"day": DAY}, headers=auth(world.tokens["social_worker"])
    )
    assert response.status_code in (403, 422)


def test_a_shift_that_ends_before_it_starts_is_refused(client: TestClient, world: World) -> None:
    response = client.post(
        "/care-workers",
        headers=auth(world.tokens["Aire Homecare"]),
        json={
            "name": "Backwards",
            "contract_type": "zero_hours",
            "weekly_contracted_hours": 0,
            "travel_mode": "cycle",
            "home_postcode": "LS12 1AZ",
            "shift_pattern": {"tue": ["14:00", "09:00"]},
        },
    )
    assert response.status_code == 422
    assert response.json()["field"] == "shift_pattern.tue"
