"""Measure 14 counts only travel that happened: planning rounds leaves it unchanged.

Aire takes a referral (four calls a day, two of them two-handed on Monday) and has four
walking care workers; no visit of Monday 12 October 2026 has been checked in or out. A
saved round plan for that Monday has travel in it, but that is a planning figure: staff
travel for the week (measure 14) stays what call monitoring saw, none.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth
from tests.integration.test_rounds_api import DAY, EARLY, LATE, _care_worker
from tests.support import payloads
from tests.support.world import World

WEEK = "2026-W42"  # Monday 12 to Sunday 18 October 2026


def _measure_14(client: TestClient, world: World) -> list[tuple[Any, ...]]:
    response = client.get(
        "/monitoring/measures/14",
        params={"period": WEEK},
        headers=auth(world.tokens["commissioner"]),
    )
    assert response.status_code == 200, response.text
    return [
        (r["part"], r["provider_id"], r["value"], r["numerator"], r["denominator"])
        for r in response.json()["rows"]
    ]


def test_planning_a_days_rounds_leaves_measure_14_unchanged(
    client: TestClient, world: World
) -> None:
    aire = auth(world.tokens["Aire Homecare"])
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
        headers=aire,
    )
    assert accepted.status_code == 200, accepted.text
    for i in range(2):
        _care_worker(client, world, f"Early {i}", EARLY)
        _care_worker(client, world, f"Late {i}", LATE)
    before = _measure_14(client, world)

    plan = client.post("/rounds/optimise", json={"day": DAY, "time_limit": 1}, headers=aire)
    after = _measure_14(client, world)

    assert plan.status_code == 200, plan.text
    assert plan.json()["measures"]["travel_minutes"] > 0  # the plan has travel in it
    assert after == before
    travel = {(part, who): value for part, who, value, *_ in after}
    assert travel[("travel_hours", None)] == 0
