"""A provider sees a person only while it holds a live offer for them or provides their care.

Once its offer is declined, lapses or is withdrawn, or another provider takes the referral,
the provider keeps its own offer row (when it was made and how it ended) but loses the
person, the referral and every personal detail on the offer: each reads exactly as a record
that does not exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from homecare.brokerage.domain import OfferStatus
from homecare.brokerage.tables import LIVE_OFFER_STATUSES
from homecare.clock import FixedClock
from tests.conftest import auth
from tests.support import payloads
from tests.support.world import MONDAY_10AM, World


def _refer(client: TestClient, world: World) -> dict[str, Any]:
    headers = auth(world.tokens["social_worker"])
    person = client.post("/people", json=payloads.person(), headers=headers)
    assert person.status_code == 201, person.text
    referral = client.post(
        "/referrals", json=payloads.referral(person.json()["id"]), headers=headers
    )
    assert referral.status_code == 201, referral.text
    return referral.json()  # type: ignore[no-any-return]


def _open_offer(client: TestClient, world: World, provider: str) -> dict[str, Any]:
    offers = client.get("/offers?status=open", headers=auth(world.tokens[provider])).json()
    assert len(offers) == 1, offers
    return offers[0]  # type: ignore[no-any-return]


def _decline(client: TestClient, world: World, provider: str) -> int:
    offer = _open_offer(client, world, provider)
    response = client.post(
        f"/offers/{offer['id']}/decline",
        json={"reason": "no_capacity"},
        headers=auth(world.tokens[provider]),
    )
    assert response.status_code == 200, response.text
    return int(offer["id"])


def _accept(client: TestClient, world: World, provider: str) -> None:
    offer = _open_offer(client, world, provider)
    response = client.post(
        f"/offers/{offer['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens[provider]),
    )
    assert response.status_code == 200, response.text


def _lapse(client: TestClient, world: World, clock: FixedClock, provider: str) -> int:
    offer = _open_offer(client, world, provider)
    clock.set(MONDAY_10AM + timedelta(hours=5))
    response = client.post("/brokerage/lapse-overdue", headers=auth(world.tokens["broker"]))
    assert response.status_code == 200, response.text
    assert response.json()["lapsed"] == 1
    return int(offer["id"])


def _withdraw(client: TestClient, world: World, referral_id: int, provider: str) -> int:
    offer = _open_offer(client, world, provider)
    response = client.post(
        f"/referrals/{referral_id}/withdraw",
        json={"reason": "moved to a direct payment"},
        headers=auth(world.tokens["broker"]),
    )
    assert response.status_code == 200, response.text
    return int(offer["id"])


def _assert_provider_has_lost_the_person(
    client: TestClient, world: World, provider: str, referral: dict[str, Any], offer_id: int
) -> None:
    headers = auth(world.tokens[provider])
    person_id, referral_id = referral["person_id"], referral["id"]
    pairs = [
        (f"/people/{person_id}", "/people/987654"),
        (f"/referrals/{referral_id}", "/referrals/987654"),
    ]
    for theirs, missing in pairs:
        seen, absent = client.get(theirs, headers=headers), client.get(missing, headers=headers)
        assert seen.status_code == absent.status_code == 404, theirs
        assert seen.text.replace(str(person_id), "N").replace(str(referral_id), "N") == (
            absent.text.replace("987654", "N")
        )
    for listing in ("/people", "/referrals"):
        assert client.get(listing, headers=headers).json() == [], listing
    offer = client.get(f"/offers/{offer_id}", headers=headers)
    listed = client.get("/offers", headers=headers).json()
    assert offer.status_code == 200, offer.text
    assert [o["id"] for o in listed] == [offer_id]
    for row in (offer.json(), listed[0]):
        assert row["person_id"] is None
        assert row["visits"] == []
        assert row["status"] != "open"
    page = client.get(f"/app/offers/{offer_id}", headers=headers)
    assert payloads.person()["address"] not in page.text


def test_a_provider_that_declines_an_offer_no_longer_sees_the_person(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)
    offer_id = _decline(client, world, "Aire Homecare")

    _assert_provider_has_lost_the_person(client, world, "Aire Homecare", referral, offer_id)


def test_a_provider_whose_offer_lapses_no_longer_sees_the_person(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    referral = _refer(client, world)
    offer_id = _lapse(client, world, clock, "Aire Homecare")

    _assert_provider_has_lost_the_person(client, world, "Aire Homecare", referral, offer_id)


def test_a_provider_whose_offer_is_withdrawn_no_longer_sees_the_person(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)
    offer_id = _withdraw(client, world, referral["id"], "Aire Homecare")

    _assert_provider_has_lost_the_person(client, world, "Aire Homecare", referral, offer_id)


@pytest.mark.parametrize("loser", ["Aire Homecare", "Kirkstall Care"])
def test_providers_that_lost_the_referral_to_another_see_nothing_of_the_person(
    client: TestClient, world: World, loser: str
) -> None:
    referral = _refer(client, world)
    offers = {"Aire Homecare": _decline(client, world, "Aire Homecare")}
    offers["Kirkstall Care"] = _decline(client, world, "Kirkstall Care")
    _accept(client, world, "Bramley Care")

    _assert_provider_has_lost_the_person(client, world, loser, referral, offers[loser])


def test_the_provider_holding_the_open_offer_or_the_package_still_sees_the_person(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)
    _decline(client, world, "Aire Homecare")
    kirkstall = auth(world.tokens["Kirkstall Care"])
    while_open = client.get(f"/people/{referral['person_id']}", headers=kirkstall)
    open_offer = _open_offer(client, world, "Kirkstall Care")

    _accept(client, world, "Kirkstall Care")
    once_placed = client.get(f"/people/{referral['person_id']}", headers=kirkstall)
    referral_read = client.get(f"/referrals/{referral['id']}", headers=kirkstall)

    assert while_open.status_code == once_placed.status_code == 200
    assert open_offer["person_id"] == referral["person_id"]
    assert open_offer["visits"] != []
    assert referral_read.status_code == 200
    assert [o["provider_name"] for o in referral_read.json()["offers"]] == ["Kirkstall Care"]


def test_the_council_still_sees_the_person_on_an_offer_a_provider_declined(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)
    offer_id = _decline(client, world, "Aire Homecare")

    seen = client.get(f"/offers/{offer_id}", headers=auth(world.tokens["broker"]))

    assert seen.status_code == 200, seen.text
    assert seen.json()["person_id"] == referral["person_id"]
    assert seen.json()["visits"] != []


def test_only_open_and_accepted_offers_let_a_provider_see_the_person() -> None:
    closed = {s.value for s in OfferStatus} - set(LIVE_OFFER_STATUSES)

    assert set(LIVE_OFFER_STATUSES) == {OfferStatus.OPEN.value, OfferStatus.ACCEPTED.value}
    assert closed == {"declined", "expired", "withdrawn"}
