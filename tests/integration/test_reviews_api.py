"""Reviews, outcomes and social connections through the HTTP API, on SQLite and PostgreSQL.

The package starts on Monday 5 October 2026: the first review is due six weeks later, on
Monday 16 November, and each one after twelve weeks after the last.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.clock import FixedClock
from tests.conftest import auth
from tests.support.caseload import place_package
from tests.support.world import World

Json = dict[str, Any]
AIRE = "Aire Homecare"


def _first_review(client: TestClient, world: World, engine: Engine) -> tuple[int, int, Json]:
    placed = place_package(engine, world)
    created = client.post("/reviews/due", headers=auth(world.tokens["social_worker"]))
    assert created.status_code == 200, created.text
    assert created.json() == {"created": 1}
    reviews = client.get(
        f"/reviews?package_id={placed.package_id}", headers=auth(world.tokens[AIRE])
    ).json()
    assert len(reviews) == 1
    return placed.package_id, placed.person_id, reviews[0]


def _record(
    client: TestClient, world: World, review_id: int, token: str = AIRE, **body: Any
) -> Json:
    response = client.post(f"/reviews/{review_id}", json=body, headers=auth(world.tokens[token]))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_first_review_falls_due_six_weeks_after_the_start(
    client: TestClient, world: World, engine: Engine
) -> None:
    _, _, review = _first_review(client, world, engine)

    assert (review["kind"], review["due_on"], review["done_on"]) == ("first", "2026-11-16", None)
    again = client.post("/reviews/due", headers=auth(world.tokens["social_worker"]))
    assert again.json() == {"created": 0}
    due_soon = client.get(
        "/reviews?due_before=2026-11-17", headers=auth(world.tokens["social_worker"])
    ).json()
    assert [r["id"] for r in due_soon] == [review["id"]]
    assert (
        client.get("/reviews?due_before=2026-11-16", headers=auth(world.tokens[AIRE])).json() == []
    )


def test_a_recorded_review_sets_the_next_one_and_progress_is_tracked(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    package_id, _, first = _first_review(client, world, engine)
    clock.set(datetime(2026, 11, 16, 11, 0, tzinfo=UTC))

    recorded = _record(
        client,
        world,
        first["id"],
        ratings={"wellbeing": 3, "home": 3, "community": 3},
        notes="Settled with the new carers",
    )

    assert (recorded["done_on"], recorded["done_by_role"]) == ("2026-11-16", "provider_manager")
    assert recorded["progress"] == {"wellbeing": None, "home": None, "community": None}
    assert recorded["made_progress"] is None
    # Twelve weeks on from 16 November 2026.
    assert recorded["next_review"]["kind"] == "scheduled"
    assert recorded["next_review"]["due_on"] == "2027-02-08"

    clock.set(datetime(2027, 2, 8, 11, 0, tzinfo=UTC))
    opted_out = _record(
        client, world, recorded["next_review"]["id"], token="social_worker", opted_out=True
    )
    assert opted_out["opted_out"] is True
    assert opted_out["done_by_role"] == "social_worker"
    assert opted_out["wellbeing"] is None
    assert opted_out["progress"] == {"wellbeing": None, "home": None, "community": None}

    clock.set(datetime(2027, 5, 3, 11, 0, tzinfo=UTC))
    third = _record(
        client,
        world,
        opted_out["next_review"]["id"],
        ratings={"wellbeing": 4, "home": 3, "community": 1},
    )
    # Against the last ratings given (the first review; the opt-out is skipped).
    assert third["progress"] == {"wellbeing": 1, "home": 0, "community": -2}
    assert third["made_progress"] is True

    outcomes = client.get(
        f"/packages/{package_id}/outcomes", headers=auth(world.tokens["social_worker"])
    ).json()
    assert [(r["done_on"], r["opted_out"], r["wellbeing"]) for r in outcomes["reviews"]] == [
        ("2026-11-16", False, 3),
        ("2027-02-08", True, None),
        ("2027-05-03", False, 4),
    ]
    assert outcomes["latest"]["progress"] == {"wellbeing": 1, "home": 0, "community": -2}
    assert outcomes["next_review"]["due_on"] == "2027-07-26"


def test_a_review_cannot_be_recorded_twice(
    client: TestClient, world: World, engine: Engine
) -> None:
    _, _, review = _first_review(client, world, engine)
    _record(client, world, review["id"], opted_out=True)

    again = client.post(
        f"/reviews/{review['id']}", json={"opted_out": True}, headers=auth(world.tokens[AIRE])
    )

    assert again.status_code == 409, again.text


def test_bad_ratings_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    _, _, review = _first_review(client, world, engine)
    cases = [
        ({"ratings": {"wellbeing": 7, "home": 3, "community": 3}}, "ratings.wellbeing"),
        ({"ratings": {"wellbeing": 3, "home": 3}}, "ratings.community"),
        ({"ratings": {"wellbeing": 3, "home": 3, "community": 3}, "opted_out": True}, "ratings"),
        ({}, "ratings"),
    ]

    for body, field in cases:
        response = client.post(
            f"/reviews/{review['id']}", json=body, headers=auth(world.tokens[AIRE])
        )
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field

    still_open = client.get(
        f"/reviews?package_id={review['package_id']}&done=false",
        headers=auth(world.tokens[AIRE]),
    ).json()
    assert [r["id"] for r in still_open] == [review["id"]]


def test_only_the_provider_and_social_workers_record_reviews_on_their_own_packages(
    client: TestClient, world: World, engine: Engine
) -> None:
    _, _, review = _first_review(client, world, engine)
    body = {"ratings": {"wellbeing": 3, "home": 3, "community": 3}}

    broker = client.post(
        f"/reviews/{review['id']}", json=body, headers=auth(world.tokens["broker"])
    )
    other = client.post(
        f"/reviews/{review['id']}", json=body, headers=auth(world.tokens["Bramley Care"])
    )

    assert broker.status_code == 403
    assert other.status_code == 404
    assert client.get("/reviews", headers=auth(world.tokens["Bramley Care"])).json() == []
    assert client.get("/reviews", headers=auth(world.tokens["other_council_broker"])).json() == []


def test_social_connections_are_kept_in_the_plan_and_updated_at_each_review(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _, person_id, first = _first_review(client, world, engine)
    clock.set(datetime(2026, 11, 16, 11, 0, tzinfo=UTC))
    recorded = _record(
        client,
        world,
        first["id"],
        ratings={"wellbeing": 3, "home": 4, "community": 2},
        social_connections=[
            {"kind": "family", "name": "Daughter Susan", "how_often": "weekly"},
            {"kind": "group", "name": "Armley lunch club", "how_often": "weekly"},
        ],
    )
    connections = client.get(
        f"/people/{person_id}/social-connections", headers=auth(world.tokens["social_worker"])
    ).json()
    assert [(c["kind"], c["name"], c["how_often"]) for c in connections] == [
        ("family", "Daughter Susan", "weekly"),
        ("group", "Armley lunch club", "weekly"),
    ]

    clock.set(datetime(2027, 2, 8, 11, 0, tzinfo=UTC))
    _record(
        client,
        world,
        recorded["next_review"]["id"],
        ratings={"wellbeing": 3, "home": 4, "community": 3},
        social_connections=[
            {"kind": "family", "name": "Daughter Susan", "how_often": "weekly"},
            {"kind": "group", "name": "Armley lunch club", "how_often": "monthly"},
            {"kind": "neighbour", "name": "Mr Patel next door", "how_often": "daily"},
        ],
    )

    now = client.get(
        f"/people/{person_id}/social-connections", headers=auth(world.tokens[AIRE])
    ).json()
    assert sorted((c["name"], c["how_often"]) for c in now) == [
        ("Armley lunch club", "monthly"),
        ("Daughter Susan", "weekly"),
        ("Mr Patel next door", "daily"),
    ]
    history = client.get(
        f"/people/{person_id}/social-connections?include_ended=true",
        headers=auth(world.tokens[AIRE]),
    ).json()
    assert [(c["name"], c["ended_on"]) for c in history if c["ended_on"]] == [
        ("Armley lunch club", "2027-02-08")
    ]
    hidden = client.get(
        f"/people/{person_id}/social-connections",
        headers=auth(world.tokens["other_council_broker"]),
    )
    assert hidden.status_code == 404
