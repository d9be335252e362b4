"""Brokerage through the HTTP API, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from homecare.clock import FixedClock
from tests.conftest import auth
from tests.support import payloads
from tests.support.world import World


def _refer(client: TestClient, world: World, **extra: object) -> dict:  # type: ignore[type-arg]
    person = client.post(
        "/people", json=payloads.person(), headers=auth(world.tokens["social_worker"])
    )
    assert person.status_code == 201, person.text
    response = client.post(
        "/referrals",
        json=payloads.referral(person.json()["id"], **extra),
        headers=auth(world.tokens["social_worker"]),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_referral_resolves_to_its_zone_and_is_offered_to_the_primary_provider(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)

    assert referral["zone_name"] == "Armley"
    assert referral["status"] == "offered"
    assert referral["weekly_hours"] == "12.50"
    assert referral["two_handed_hours"] == "2.50"
    assert [o["provider_name"] for o in referral["offers"]] == ["Aire Homecare"]
    assert [s["provider_id"] for s in referral["cascade_plan"]] == [
        world.providers[n]
        for n in ("Aire Homecare", "Kirkstall Care", "Bramley Care", "Wortley Care")
    ]


def test_declines_cascade_down_the_framework_and_an_acceptance_starts_the_package(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)
    for provider in ("Aire Homecare", "Kirkstall Care"):
        offer = client.get("/offers?status=open", headers=auth(world.tokens[provider])).json()
        assert len(offer) == 1
        declined = client.post(
            f"/offers/{offer[0]['id']}/decline",
            json={"reason": "no_capacity"},
            headers=auth(world.tokens[provider]),
        )
        assert declined.status_code == 200, declined.text

    open_offers = client.get(
        "/offers?status=open", headers=auth(world.tokens["Bramley Care"])
    ).json()
    accepted = client.post(
        f"/offers/{open_offers[0]['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens["Bramley Care"]),
    )

    assert accepted.status_code == 200, accepted.text
    package = accepted.json()
    assert package["provider_name"] == "Bramley Care"
    assert package["hourly_rate"] == "25"
    assert package["weekly_cost"] == "312.50"
    after = client.get(f"/referrals/{referral['id']}", headers=auth(world.tokens["broker"])).json()
    assert after["status"] == "placed"
    assert [(o["provider_name"], o["status"]) for o in after["offers"]] == [
        ("Aire Homecare", "declined"),
        ("Kirkstall Care", "declined"),
        ("Bramley Care", "accepted"),
    ]


def test_an_offer_left_unanswered_lapses_and_moves_to_the_next_provider(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    referral = _refer(client, world)
    clock.set(clock.now() + timedelta(hours=4, minutes=1))

    lapsed = client.post("/brokerage/lapse-overdue", headers=auth(world.tokens["broker"]))

    assert lapsed.json() == {"lapsed": 1}
    after = client.get(f"/referrals/{referral['id']}", headers=auth(world.tokens["broker"])).json()
    assert [(o["provider_name"], o["status"]) for o in after["offers"]] == [
        ("Aire Homecare", "expired"),
        ("Kirkstall Care", "open"),
    ]


def test_a_priority_offer_lapses_after_one_hour(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    referral = _refer(client, world, priority=True, source="hospital_discharge")
    assert referral["priority"] is True
    assert referral["offers"][0]["priority"] is True
    clock.set(clock.now() + timedelta(minutes=61))

    client.post("/brokerage/lapse-overdue", headers=auth(world.tokens["broker"]))

    awaiting = client.get("/awaiting-care", headers=auth(world.tokens["broker"])).json()
    assert awaiting[0]["priority"] is True
    assert awaiting[0]["offered_to"] == "Kirkstall Care"
    assert awaiting[0]["waiting_hours"] == 1.0


def test_the_awaiting_list_shows_every_unplaced_referral_and_how_long_it_has_waited(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    referral = _refer(client, world)
    clock.set(clock.now() + timedelta(days=2, hours=3))

    awaiting = client.get("/awaiting-care", headers=auth(world.tokens["broker"])).json()

    assert [a["referral_id"] for a in awaiting] == [referral["id"]]
    assert awaiting[0]["waiting_hours"] == 51.0
    assert awaiting[0]["waiting_working_days"] == 2


def test_the_broker_sees_every_timestamped_step_of_a_referral(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    referral = _refer(client, world)
    offer_id = referral["offers"][0]["id"]
    clock.set(clock.now() + timedelta(minutes=20))
    client.post(
        f"/offers/{offer_id}/decline",
        json={"reason": "cannot_staff_visit_times"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    history = client.get(
        f"/referrals/{referral['id']}/history", headers=auth(world.tokens["broker"])
    ).json()

    assert [h["action"] for h in history] == [
        "referral.received",
        "referral.cascade_planned",
        "offer.made",
        "offer.declined",
        "offer.made",
    ]
    assert history[3]["at"].startswith("2026-10-05T09:20")
    assert history[3]["detail"]["reason"] == "cannot_staff_visit_times"
    assert history[3]["actor_role"] == "provider_manager"


def test_a_provider_cannot_read_a_referrals_history(client: TestClient, world: World) -> None:
    referral = _refer(client, world)
    response = client.get(
        f"/referrals/{referral['id']}/history", headers=auth(world.tokens["Aire Homecare"])
    )
    assert response.status_code == 403
