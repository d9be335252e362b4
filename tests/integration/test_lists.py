"""Lists that grow: the pages and the API search, filter, sort and page through the same
repository reads, so both give the same rows; the navigation counts the actor's own work."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.people.domain import nhs_check_digit
from tests.conftest import auth
from tests.support import payloads
from tests.support.caseload import hire_care_worker, place_package
from tests.support.web_client import give_password, sign_in, title
from tests.support.world import MONDAY_10AM, World

AIRE = "aire.homecare@example.org"
KIRKSTALL = "kirkstall.care@example.org"
WORTLEY = "wortley.care@example.org"
SOCIAL_WORKER = "social_worker@example.org"
BROKER = "broker@example.org"
FAMILY_NAMES = ["Holroyd", "Smith", "Patel", "Brown", "Khan", "Wood"]
REFERRALS = 25
"""More than a page of 20: page 2 holds the last 5."""
SignedInAs = Callable[[str], TestClient]


def nhs_numbers(count: int, start: int = 0) -> list[str]:
    """Valid NHS numbers in the 999 test range, each with its modulus-11 check digit."""
    numbers: list[str] = []
    n = start
    while len(numbers) < count:
        first = f"99910{n:04d}"
        check = nhs_check_digit(first)
        if check is not None:
            numbers.append(f"{first}{check}")
        n += 1
    return numbers


@pytest.fixture
def signed_in_as(engine: Engine, clock: FixedClock) -> SignedInAs:
    settings = Settings(database_url="unused://")

    def make(email: str) -> TestClient:
        give_password(engine, email)
        browser = TestClient(
            create_app(settings, engine=engine, clock=clock), base_url="https://testserver"
        )
        assert sign_in(browser, email).status_code == 303
        return browser

    return make


@pytest.fixture
def referred(client: TestClient, world: World, clock: FixedClock) -> list[dict[str, Any]]:
    """25 referrals a minute apart, every sixth person a Holroyd; all offered to Aire
    Homecare, which declines the first five (they go on to Kirkstall Care)."""
    made = []
    for i, nhs in enumerate(nhs_numbers(REFERRALS)):
        clock.set(MONDAY_10AM + timedelta(minutes=i))
        body = payloads.person(
            nhs_number=nhs, given_name=f"Person{i:02d}", family_name=FAMILY_NAMES[i % 6]
        )
        person = client.post("/people", json=body, headers=auth(world.tokens["social_worker"]))
        assert person.status_code == 201, person.text
        referral = client.post(
            "/referrals",
            json=payloads.referral(person.json()["id"], priority=i % 7 == 0),
            headers=auth(world.tokens["social_worker"]),
        )
        assert referral.status_code == 201, referral.text
        made.append(referral.json())
    clock.set(MONDAY_10AM + timedelta(minutes=30))
    for referral in made[:5]:
        offer_id = referral["offers"][0]["id"]
        declined = client.post(
            f"/offers/{offer_id}/decline",
            json={"reason": "no_capacity"},
            headers=auth(world.tokens["Aire Homecare"]),
        )
        assert declined.status_code == 200, declined.text
    return made


def ids_on_page(html: str, prefix: str) -> list[int]:
    """The records a list page links to, in the order shown."""
    return [int(n) for n in re.findall(rf'href="{prefix}/(\d+)"', html)]


def api_ids(client: TestClient, token: str, path: str) -> list[int]:
    response = client.get(path, headers=auth(token))
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()]


def test_the_offers_page_and_the_api_give_the_same_rows_searched_filtered_sorted_and_paged(
    client: TestClient, world: World, referred: list[dict[str, Any]], signed_in_as: SignedInAs
) -> None:
    aire = signed_in_as(AIRE)
    token = world.tokens["Aire Homecare"]

    first = aire.get("/app/offers?sort=offered")
    second = aire.get("/app/offers?sort=offered&page=2")
    newest = aire.get("/app/offers?sort=-offered")
    declined = aire.get("/app/offers?status=declined")
    holroyds = aire.get("/app/offers?q=holroyd&sort=offered")

    assert ids_on_page(first.text, "/app/offers") == api_ids(
        client, token, "/offers?sort=offered&limit=20"
    )
    assert ids_on_page(second.text, "/app/offers") == api_ids(
        client, token, "/offers?sort=offered&offset=20&limit=20"
    )
    assert len(ids_on_page(second.text, "/app/offers")) == 5
    assert "Showing 21 to 25 of 25 offers" in second.text
    assert 'aria-sort="ascending"' in first.text
    assert ids_on_page(newest.text, "/app/offers") == api_ids(
        client, token, "/offers?sort=-offered&limit=20"
    )
    assert 'aria-sort="descending"' in newest.text
    assert ids_on_page(declined.text, "/app/offers") == api_ids(
        client, token, "/offers?status=declined&sort=due"
    )
    assert len(ids_on_page(declined.text, "/app/offers")) == 5
    assert ids_on_page(holroyds.text, "/app/offers") == api_ids(
        client, token, "/offers?q=holroyd&sort=offered"
    )
    # Holroyds are people 0, 6, 12, 18 and 24; the first one's offer is declined, so Aire
    # no longer sees her name and its search no longer finds her.
    assert len(ids_on_page(holroyds.text, "/app/offers")) == 4
    assert 'href="/app/offers?q=holroyd&amp;sort=offered' not in holroyds.text  # one page


def test_the_offers_api_without_parameters_keeps_its_oldest_first_list(
    client: TestClient, world: World, referred: list[dict[str, Any]]
) -> None:
    everything = client.get("/offers", headers=auth(world.tokens["Aire Homecare"]))

    ids = [o["id"] for o in everything.json()]
    assert ids == sorted(ids) and len(ids) == REFERRALS
    assert everything.headers["x-total-count"] == str(REFERRALS)


def test_the_referrals_page_and_the_api_give_the_same_rows(
    client: TestClient, world: World, referred: list[dict[str, Any]], signed_in_as: SignedInAs
) -> None:
    worker = signed_in_as(SOCIAL_WORKER)
    token = world.tokens["social_worker"]

    default = worker.get("/app/referrals")
    second = worker.get("/app/referrals?page=2")
    by_person = worker.get("/app/referrals?sort=person")
    by_person_back = worker.get("/app/referrals?sort=person&order=desc")
    offered = worker.get("/app/referrals?status=offered&sort=referred")
    smiths = worker.get("/app/referrals?q=smith&sort=referred")
    zoned = worker.get(f"/app/referrals?zone={world.zone_id}&sort=referred&page=2")

    newest_first = [r["id"] for r in reversed(referred)]
    assert ids_on_page(default.text, "/app/referrals") == newest_first[:20]
    assert ids_on_page(default.text, "/app/referrals") == api_ids(
        client, token, "/referrals?sort=-referred&limit=20"
    )
    assert ids_on_page(second.text, "/app/referrals") == newest_first[20:]
    assert ids_on_page(by_person.text, "/app/referrals") == api_ids(
        client, token, "/referrals?sort=person&limit=20"
    )
    assert ids_on_page(by_person_back.text, "/app/referrals") == api_ids(
        client, token, "/referrals?sort=-person&limit=20"
    )
    assert 'aria-sort="descending"' in by_person_back.text
    assert ids_on_page(offered.text, "/app/referrals") == api_ids(
        client, token, "/referrals?status=offered&sort=referred&limit=20"
    )
    assert ids_on_page(smiths.text, "/app/referrals") == api_ids(
        client, token, "/referrals?q=smith&sort=referred"
    )
    assert len(ids_on_page(smiths.text, "/app/referrals")) == 4  # people 1, 7, 13, 19
    assert ids_on_page(zoned.text, "/app/referrals") == api_ids(
        client, token, f"/referrals?zone={world.zone_id}&sort=referred&offset=20&limit=20"
    )


def test_a_search_that_finds_nothing_names_what_was_searched_for(
    referred: list[dict[str, Any]], signed_in_as: SignedInAs
) -> None:
    worker = signed_in_as(SOCIAL_WORKER)

    nothing = worker.get("/app/referrals?q=Ackroyd")

    assert "No referrals match ‘Ackroyd’" in nothing.text
    assert ids_on_page(nothing.text, "/app/referrals") == []


def test_a_page_past_the_end_shows_the_last_page_and_a_bad_page_number_is_explained(
    referred: list[dict[str, Any]], signed_in_as: SignedInAs
) -> None:
    worker = signed_in_as(SOCIAL_WORKER)

    past = worker.get("/app/referrals?page=99")
    bad = worker.get("/app/referrals?page=two&status=nonsense")
    long = worker.get("/app/referrals?q=" + "a" * 101)

    assert "Showing 21 to 25 of 25 referrals" in past.text
    assert title(bad).startswith("Error: ")
    assert "Page must be a whole number, like 2" in bad.text
    assert "Select a status from the list" in bad.text
    assert "Showing 1 to 20 of 25 referrals" in bad.text
    assert "Search text must be 100 characters or fewer" in long.text


def test_the_api_refuses_a_sort_it_does_not_know(client: TestClient, world: World) -> None:
    refused = client.get("/referrals?sort=shoe-size", headers=auth(world.tokens["broker"]))

    assert refused.status_code == 422


def test_the_packages_page_and_the_api_give_the_same_rows(
    client: TestClient, world: World, engine: Engine, signed_in_as: SignedInAs
) -> None:
    numbers = nhs_numbers(24)
    for i, nhs in enumerate(numbers[:22]):
        place_package(engine, world, nhs_number=nhs, lot=1 + i % 2, starts_on=MONDAY_10AM.date())
    for nhs in numbers[22:]:
        place_package(engine, world, provider="Wortley Care", nhs_number=nhs)
    aire = signed_in_as(AIRE)
    token = world.tokens["Aire Homecare"]

    default = aire.get("/app/packages")
    second = aire.get("/app/packages?page=2")
    lot_two = aire.get("/app/packages?lot=2&sort=-hours")
    holroyd = aire.get("/app/packages?q=holroyd")

    assert "Showing 1 to 20 of 22 packages" in default.text
    assert ids_on_page(default.text, "/app/packages") == api_ids(
        client, token, "/packages?sort=-starts&limit=20"
    )
    assert ids_on_page(second.text, "/app/packages") == api_ids(
        client, token, "/packages?sort=-starts&offset=20&limit=20"
    )
    assert ids_on_page(lot_two.text, "/app/packages") == api_ids(
        client, token, "/packages?lot=2&sort=-hours"
    )
    assert len(ids_on_page(lot_two.text, "/app/packages")) == 11
    assert len(ids_on_page(holroyd.text, "/app/packages")) == 20  # everyone is a Holroyd
    assert "7 hours" in default.text  # 14 half-hour visits a week
    assert "7.00 hours" not in default.text


def test_the_care_workers_page_and_the_api_give_the_same_rows(
    client: TestClient, world: World, engine: Engine, signed_in_as: SignedInAs
) -> None:
    for i in range(22):
        hire_care_worker(engine, world, name=f"Carer {chr(65 + i)}{FAMILY_NAMES[i % 6]}")
    hire_care_worker(engine, world, provider="Wortley Care", name="Walter Wortley")
    aire = signed_in_as(AIRE)
    token = world.tokens["Aire Homecare"]

    default = aire.get("/app/care-workers")
    second = aire.get("/app/care-workers?page=2")
    backwards = aire.get("/app/care-workers?sort=-name&page=2")
    on_shift = aire.get("/app/care-workers?shift=on&travel=walk&q=khan")

    assert ids_on_page(default.text, "/app/care-workers") == api_ids(
        client, token, "/care-workers?sort=name&limit=20"
    )
    assert ids_on_page(second.text, "/app/care-workers") == api_ids(
        client, token, "/care-workers?sort=name&offset=20&limit=20"
    )
    assert ids_on_page(backwards.text, "/app/care-workers") == api_ids(
        client, token, "/care-workers?sort=-name&offset=20"
    )
    assert len(ids_on_page(backwards.text, "/app/care-workers")) == 2
    assert ids_on_page(on_shift.text, "/app/care-workers") == api_ids(
        client, token, "/care-workers?shift=on&travel=walk&q=khan"
    )
    assert len(ids_on_page(on_shift.text, "/app/care-workers")) == 3  # carers 4, 10 and 16
    assert "Walter Wortley" not in default.text + second.text


def nav_item(html: str, href: str) -> str:
    """The words of the navigation link to `href`, tags removed."""
    match = re.search(
        rf'<a class="govuk-service-navigation__link" href="{href}"[^>]*>(.*?)</a>', html, re.S
    )
    assert match, f"no navigation link to {href}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def test_the_navigation_counts_only_the_work_in_the_actors_own_scope(
    referred: list[dict[str, Any]], signed_in_as: SignedInAs
) -> None:
    aire = signed_in_as(AIRE).get("/app/offers")
    kirkstall = signed_in_as(KIRKSTALL).get("/app/packages")
    wortley = signed_in_as(WORTLEY).get("/app/packages")
    broker = signed_in_as(BROKER).get("/app/referrals")
    social_worker = signed_in_as(SOCIAL_WORKER).get("/app/referrals")

    assert nav_item(aire.text, "/app/offers") == "Offers (20 waiting for an answer)"
    assert nav_item(kirkstall.text, "/app/offers") == "Offers (5 waiting for an answer)"
    assert nav_item(wortley.text, "/app/offers") == "Offers (0 waiting for an answer)"
    assert nav_item(broker.text, "/app/queue") == "Referral queue (25 with providers)"
    assert nav_item(broker.text, "/app/awaiting-care") == "Awaiting care (0 waiting)"
    assert nav_item(social_worker.text, "/app/changes") == (
        "Changes to approve (0 waiting for a decision)"
    )
    assert 'class="govuk-visually-hidden"> waiting for an answer' in aire.text


def test_the_referral_queue_page_and_the_api_give_the_same_rows(
    client: TestClient, world: World, referred: list[dict[str, Any]], signed_in_as: SignedInAs
) -> None:
    broker = signed_in_as(BROKER)
    token = world.tokens["broker"]

    def queue_ids(path: str) -> list[int]:
        response = client.get(path, headers=auth(token))
        assert response.status_code == 200, response.text
        return [row["referral_id"] for row in response.json()]

    usual = broker.get("/app/queue")
    second = broker.get("/app/queue?sort=person&page=2")
    newest = broker.get("/app/queue?sort=-referred")
    priority = broker.get("/app/queue?priority=yes")
    patels = broker.get("/app/queue?q=patel")
    awaiting = broker.get("/app/awaiting-care")

    assert ids_on_page(usual.text, "/app/referrals") == queue_ids(
        "/awaiting-care?offered=true&limit=20"
    )
    # Priority first: people 0, 7, 14 and 21, each referred before the next.
    assert ids_on_page(usual.text, "/app/referrals")[:4] == [
        referred[i]["id"] for i in (0, 7, 14, 21)
    ]
    assert ids_on_page(second.text, "/app/referrals") == queue_ids(
        "/awaiting-care?offered=true&sort=person&offset=20&limit=20"
    )
    assert ids_on_page(newest.text, "/app/referrals") == queue_ids(
        "/awaiting-care?offered=true&sort=-referred&limit=20"
    )
    assert ids_on_page(priority.text, "/app/referrals") == queue_ids(
        "/awaiting-care?offered=true&priority=true"
    )
    assert ids_on_page(patels.text, "/app/referrals") == queue_ids("/awaiting-care?q=patel")
    assert len(ids_on_page(patels.text, "/app/referrals")) == 4  # people 2, 8, 14 and 20
    assert "No one is awaiting care" in awaiting.text
    assert queue_ids("/awaiting-care") == [r["id"] for r in referred if r["priority"]] + [
        r["id"] for r in referred if not r["priority"]
    ]
