"""Bad input through the HTTP API: the right status, the field at fault, and nothing written.

Domain refusals answer `{"detail": message, "field": name}`; what pydantic refuses answers
FastAPI's standard 422 whose `detail[*].loc` names the field. Every test also counts the
rows of the store before and after, so a refusal that half-wrote something would show.

Rules that need nothing from the store are worked case by case in the unit tests
(tests/unit/test_people_input.py, tests/unit/test_brokerage_input.py); here one case of
each refusal proves how the API answers it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.clock import FixedClock
from tests.conftest import auth
from tests.support import payloads
from tests.support.rows import row_counts
from tests.support.world import World

# --- helpers -----------------------------------------------------------------------------


def _record_person(
    client: TestClient, world: World, token: str = "social_worker", **extra: Any
) -> dict[str, Any]:
    response = client.post(
        "/people", json=payloads.person(**extra), headers=auth(world.tokens[token])
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _refer(client: TestClient, world: World, **extra: Any) -> dict[str, Any]:
    person = _record_person(client, world)
    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], **extra),
        headers=auth(world.tokens["social_worker"]),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _open_offer_of(client: TestClient, world: World, provider: str) -> dict[str, Any]:
    offers = client.get("/offers?status=open", headers=auth(world.tokens[provider])).json()
    assert len(offers) == 1, offers
    return offers[0]  # type: ignore[no-any-return]


def _offer(client: TestClient, world: World, offer_id: int) -> dict[str, Any]:
    response = client.get(f"/offers/{offer_id}", headers=auth(world.tokens["broker"]))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _assert_refused(response: httpx.Response, status: int, field: str) -> None:
    """A domain refusal: the status, a message, and the field at fault."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["field"] == field, body
    assert isinstance(body["detail"], str) and body["detail"]


def _assert_schema_refused(response: httpx.Response, field: str) -> None:
    """A validation refusal: 422 in the one refusal shape, naming the field at fault."""
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields, fields


# --- people ------------------------------------------------------------------------------


def test_an_nhs_number_with_a_wrong_check_digit_is_refused_and_nothing_is_recorded(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/people",
        json=payloads.person(nhs_number="9990000019"),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "nhs_number")
    assert "check digit" in response.json()["detail"]
    assert row_counts(engine) == before
    assert client.get("/people", headers=auth(world.tokens["social_worker"])).json() == []


def test_an_nhs_number_of_the_wrong_length_fails_schema_validation_on_that_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/people",
        json=payloads.person(nhs_number="999000001"),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_schema_refused(response, "nhs_number")
    assert row_counts(engine) == before


def test_a_second_person_with_the_same_nhs_number_written_with_spaces_is_a_conflict(
    client: TestClient, world: World, engine: Engine
) -> None:
    first = _record_person(client, world, nhs_number="9990000018")
    before = row_counts(engine)

    response = client.post(
        "/people",
        json=payloads.person(nhs_number="999 000 0018", given_name="Another"),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 409, "nhs_number")
    assert row_counts(engine) == before
    people = client.get("/people", headers=auth(world.tokens["social_worker"])).json()
    assert [p["id"] for p in people] == [first["id"]]


@pytest.mark.parametrize(
    "date_of_birth",
    ["2026-10-06", "2030-01-01", "2008-10-06", "2020-05-01"],
    ids=["tomorrow", "years-ahead", "eighteen-tomorrow", "a-child"],
)
def test_a_date_of_birth_in_the_future_or_under_eighteen_is_refused(
    client: TestClient, world: World, engine: Engine, date_of_birth: str
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/people",
        json=payloads.person(date_of_birth=date_of_birth),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "date_of_birth")
    assert row_counts(engine) == before


def test_a_person_whose_eighteenth_birthday_is_today_is_recorded(
    client: TestClient, world: World
) -> None:
    response = client.post(
        "/people",
        json=payloads.person(date_of_birth="2008-10-05"),
        headers=auth(world.tokens["social_worker"]),
    )

    assert response.status_code == 201, response.text


# --- referrals ---------------------------------------------------------------------------


def test_a_person_outside_every_zone_is_recorded_but_their_referral_is_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    person = client.post(
        "/people",
        json=payloads.person(postcode=payloads.OUTSIDE_EVERY_ZONE_POSTCODE),
        headers=auth(world.tokens["social_worker"]),
    )
    assert person.status_code == 201, person.text
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(person.json()["id"]),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "person_id")
    assert "outside every zone" in response.json()["detail"]
    assert row_counts(engine) == before
    assert client.get("/referrals", headers=auth(world.tokens["broker"])).json() == []


def test_weekly_hours_of_zero_are_refused_and_nothing_is_written(
    client: TestClient, world: World, engine: Engine
) -> None:
    person = _record_person(client, world)
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], weekly_hours=0),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "weekly_hours")
    assert row_counts(engine) == before


def test_weekly_hours_that_do_not_match_the_visit_pattern_are_refused_naming_its_hours(
    client: TestClient, world: World, engine: Engine
) -> None:
    person = _record_person(client, world)
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], weekly_hours=12.0),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "weekly_hours")
    assert "12.5" in response.json()["detail"]
    assert row_counts(engine) == before


def test_weekly_hours_within_a_quarter_hour_of_the_pattern_are_recorded_as_the_patterns(
    client: TestClient, world: World
) -> None:
    person = _record_person(client, world)

    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], weekly_hours=12.25),
        headers=auth(world.tokens["social_worker"]),
    )

    assert response.status_code == 201, response.text
    assert response.json()["weekly_hours"] == "12.50"


def _names_field(response: httpx.Response, field: str) -> bool:
    """A domain or a validation refusal names the field among the inputs at fault."""
    return any(error["field"] == field for error in response.json()["errors"])


def test_weekly_hours_that_are_not_a_number_are_refused_and_not_a_server_error(
    client: TestClient, world: World, engine: Engine
) -> None:
    person = _record_person(client, world)
    body = json.dumps(payloads.referral(person["id"], weekly_hours=12.5))
    body = body.replace('"weekly_hours": 12.5', '"weekly_hours": NaN')
    assert "NaN" in body
    server = TestClient(client.app, raise_server_exceptions=False)
    before = row_counts(engine)

    response = server.post(
        "/referrals",
        content=body,
        headers={**auth(world.tokens["social_worker"]), "Content-Type": "application/json"},
    )

    assert response.status_code == 422, response.text
    assert _names_field(response, "weekly_hours"), response.text
    assert row_counts(engine) == before


def test_a_coordinate_that_is_not_a_number_is_refused_and_not_a_server_error(
    client: TestClient, world: World, engine: Engine
) -> None:
    body = json.dumps(payloads.person(latitude=0.5))
    body = body.replace('"latitude": 0.5', '"latitude": NaN')
    assert "NaN" in body
    server = TestClient(client.app, raise_server_exceptions=False)
    before = row_counts(engine)

    response = server.post(
        "/people",
        content=body,
        headers={**auth(world.tokens["social_worker"]), "Content-Type": "application/json"},
    )

    assert response.status_code == 422, response.text
    assert _names_field(response, "latitude"), response.text
    assert row_counts(engine) == before


def test_a_two_handed_flag_on_a_visit_that_is_not_in_the_pattern_is_refused_naming_the_flag(
    client: TestClient, world: World, engine: Engine
) -> None:
    person = _record_person(client, world)
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(
            person["id"], two_handed=["mon-morning", "sat-bed"], weekly_hours=None
        ),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "two_handed.1")
    assert row_counts(engine) == before


@pytest.mark.parametrize("required_start", ["2026-10-04", "2026-09-01", "2025-10-05"])
def test_a_required_start_before_the_referral_date_is_refused(
    client: TestClient, world: World, engine: Engine, required_start: str
) -> None:
    person = _record_person(client, world)
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], required_start=required_start),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "required_start")
    assert row_counts(engine) == before


def test_a_required_start_of_today_is_accepted(client: TestClient, world: World) -> None:
    person = _record_person(client, world)

    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], required_start="2026-10-05"),
        headers=auth(world.tokens["social_worker"]),
    )

    assert response.status_code == 201, response.text


def test_the_referral_date_is_the_london_date_not_the_utc_date(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    person = _record_person(client, world)
    # 23:30 UTC on Sunday 4 October is 00:30 BST on Monday 5 October in London.
    clock.set(datetime(2026, 10, 4, 23, 30, tzinfo=UTC))
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], required_start="2026-10-04"),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "required_start")
    assert row_counts(engine) == before


@pytest.mark.parametrize("lot", [3, 20])
def test_a_referral_to_a_lot_the_council_does_not_have_is_refused(
    client: TestClient, world: World, engine: Engine, lot: int
) -> None:
    person = _record_person(client, world)
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], lot=lot),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "lot")
    assert row_counts(engine) == before


def test_a_lot_number_below_one_fails_schema_validation_on_the_lot(
    client: TestClient, world: World, engine: Engine
) -> None:
    person = _record_person(client, world)
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(person["id"], lot=0),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_schema_refused(response, "lot")
    assert row_counts(engine) == before


def test_a_referral_for_a_person_that_does_not_exist_is_refused_on_person_id(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/referrals",
        json=payloads.referral(9999),
        headers=auth(world.tokens["social_worker"]),
    )

    _assert_refused(response, 422, "person_id")
    assert row_counts(engine) == before


# --- contracts ---------------------------------------------------------------------------


def _contract_body(world: World, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "provider_id": world.providers["Wortley Care"],
        "lot": 1,
        "zone_id": world.empty_zone_id,
        "role": "framework",
        "hourly_rate": "24.00",
        "weekly_capacity_hours": "100",
        "starts_on": "2026-11-01",
    }
    body.update(extra)
    return body


def test_a_contract_naming_an_unknown_zone_is_refused_on_zone_id(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/contracts",
        json=_contract_body(world, zone_id=999),
        headers=auth(world.tokens["commissioner"]),
    )

    _assert_refused(response, 422, "zone_id")
    assert row_counts(engine) == before


def test_the_same_contract_naming_a_real_zone_is_accepted(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/contracts", json=_contract_body(world), headers=auth(world.tokens["commissioner"])
    )

    assert response.status_code == 201, response.text
    assert response.json()["zone_id"] == world.empty_zone_id
    assert row_counts(engine)["contract"] == before["contract"] + 1


# --- offers ------------------------------------------------------------------------------


@pytest.mark.parametrize("agreed_start", ["2026-10-04", "2026-09-30"])
def test_an_acceptance_with_an_agreed_start_before_the_referral_is_refused(
    client: TestClient, world: World, engine: Engine, agreed_start: str
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/accept",
        json={"agreed_start": agreed_start},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    _assert_refused(response, 422, "agreed_start")
    assert row_counts(engine) == before
    assert _offer(client, world, offer["id"])["status"] == "open"


def test_an_acceptance_with_an_agreed_start_already_past_is_refused(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    referral = _refer(client, world)
    for provider in ("Aire Homecare", "Kirkstall Care", "Bramley Care", "Wortley Care"):
        offer = _open_offer_of(client, world, provider)
        declined = client.post(
            f"/offers/{offer['id']}/decline",
            json={"reason": "no_capacity"},
            headers=auth(world.tokens[provider]),
        )
        assert declined.status_code == 200, declined.text
    clock.set(clock.now() + timedelta(days=1))  # Tuesday: the broker tries a second round
    again = client.post(
        f"/referrals/{referral['id']}/recascade", headers=auth(world.tokens["broker"])
    )
    assert again.status_code == 200, again.text
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/accept",
        json={"agreed_start": "2026-10-05"},  # the referral date, but yesterday by now
        headers=auth(world.tokens["Aire Homecare"]),
    )

    _assert_refused(response, 422, "agreed_start")
    assert "past" in response.json()["detail"]
    assert row_counts(engine) == before
    assert _offer(client, world, offer["id"])["status"] == "open"


@pytest.mark.parametrize("intruder", ["Kirkstall Care", "Wortley Care"])
def test_a_provider_cannot_accept_an_offer_made_to_another_provider(
    client: TestClient, world: World, engine: Engine, intruder: str
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens[intruder]),
    )

    assert response.status_code == 404, response.text
    assert response.json()["detail"] == f"offer {offer['id']} not found"
    assert row_counts(engine) == before
    after = _offer(client, world, offer["id"])
    assert (after["status"], after["provider_id"]) == ("open", world.providers["Aire Homecare"])


def test_a_provider_cannot_decline_an_offer_made_to_another_provider(
    client: TestClient, world: World, engine: Engine
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/decline",
        json={"reason": "no_capacity"},
        headers=auth(world.tokens["Kirkstall Care"]),
    )

    assert response.status_code == 404, response.text
    assert row_counts(engine) == before
    assert _offer(client, world, offer["id"])["status"] == "open"


@pytest.mark.parametrize(
    ("action", "body"),
    [("accept", {"agreed_start": "2026-10-06"}), ("decline", {"reason": "no_capacity"})],
)
def test_an_offer_already_declined_cannot_be_answered_again(
    client: TestClient, world: World, engine: Engine, action: str, body: dict[str, str]
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    declined = client.post(
        f"/offers/{offer['id']}/decline",
        json={"reason": "skills_not_available"},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert declined.status_code == 200, declined.text
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/{action}", json=body, headers=auth(world.tokens["Aire Homecare"])
    )

    _assert_refused(response, 409, "offer_id")
    assert row_counts(engine) == before
    after = _offer(client, world, offer["id"])
    assert (after["status"], after["decline_reason"]) == ("declined", "skills_not_available")


@pytest.mark.parametrize(
    ("action", "body"),
    [("accept", {"agreed_start": "2026-10-07"}), ("decline", {"reason": "no_capacity"})],
)
def test_an_offer_already_accepted_cannot_be_answered_again(
    client: TestClient, world: World, engine: Engine, action: str, body: dict[str, str]
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    accepted = client.post(
        f"/offers/{offer['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert accepted.status_code == 200, accepted.text
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/{action}", json=body, headers=auth(world.tokens["Aire Homecare"])
    )

    _assert_refused(response, 409, "offer_id")
    assert row_counts(engine) == before
    after = _offer(client, world, offer["id"])
    assert (after["status"], after["agreed_start"]) == ("accepted", "2026-10-06")


@pytest.mark.parametrize(
    ("action", "body"),
    [("accept", {"agreed_start": "2026-10-06"}), ("decline", {"reason": "no_capacity"})],
)
def test_an_offer_on_a_withdrawn_referral_cannot_be_answered(
    client: TestClient, world: World, engine: Engine, action: str, body: dict[str, str]
) -> None:
    referral = _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    withdrawn = client.post(
        f"/referrals/{referral['id']}/withdraw",
        json={"reason": "the family chose a direct payment"},
        headers=auth(world.tokens["broker"]),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/{action}", json=body, headers=auth(world.tokens["Aire Homecare"])
    )

    _assert_refused(response, 409, "offer_id")
    assert row_counts(engine) == before
    assert _offer(client, world, offer["id"])["status"] == "withdrawn"


@pytest.mark.parametrize(
    ("action", "body"),
    [("accept", {"agreed_start": "2026-10-06"}), ("decline", {"reason": "no_capacity"})],
)
def test_an_offer_that_lapsed_cannot_be_answered(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    action: str,
    body: dict[str, str],
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    clock.set(clock.now() + timedelta(hours=4, minutes=1))
    lapsed = client.post("/brokerage/lapse-overdue", headers=auth(world.tokens["broker"]))
    assert lapsed.json() == {"lapsed": 1}
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/{action}", json=body, headers=auth(world.tokens["Aire Homecare"])
    )

    _assert_refused(response, 409, "offer_id")
    assert row_counts(engine) == before
    assert _offer(client, world, offer["id"])["status"] == "expired"


@pytest.mark.parametrize(
    ("action", "body"),
    [("accept", {"agreed_start": "2026-10-06"}), ("decline", {"reason": "no_capacity"})],
)
def test_an_offer_past_its_deadline_cannot_be_answered_before_the_lapse_runs(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    action: str,
    body: dict[str, str],
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    clock.set(clock.now() + timedelta(hours=4, seconds=1))
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/{action}", json=body, headers=auth(world.tokens["Aire Homecare"])
    )

    _assert_refused(response, 409, "offer_id")
    assert row_counts(engine) == before
    assert _offer(client, world, offer["id"])["status"] == "open"


def test_a_decline_with_an_unknown_reason_code_fails_validation_on_the_reason(
    client: TestClient, world: World, engine: Engine
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/decline",
        json={"reason": "too_busy"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    _assert_schema_refused(response, "reason")
    assert row_counts(engine) == before
    assert _offer(client, world, offer["id"])["status"] == "open"


@pytest.mark.parametrize(
    "body",
    [{"reason": "other"}, {"reason": "other", "note": None}, {"reason": "other", "note": ""}],
    ids=["no-note", "null-note", "empty-note"],
)
def test_a_decline_for_another_reason_without_a_note_is_refused_on_the_note(
    client: TestClient, world: World, engine: Engine, body: dict[str, str | None]
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/decline", json=body, headers=auth(world.tokens["Aire Homecare"])
    )

    _assert_refused(response, 422, "note")
    assert row_counts(engine) == before
    assert _offer(client, world, offer["id"])["status"] == "open"


@pytest.mark.parametrize("blank", ["   ", "\t\n"], ids=["spaces", "tab-and-newline"])
def test_a_decline_for_another_reason_with_a_blank_note_is_refused_on_the_note(
    client: TestClient, world: World, engine: Engine, blank: str
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/decline",
        json={"reason": "other", "note": blank},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    _assert_refused(response, 422, "note")
    assert row_counts(engine) == before


def test_a_decline_for_another_reason_with_a_note_is_recorded_with_the_note(
    client: TestClient, world: World
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")

    response = client.post(
        f"/offers/{offer['id']}/decline",
        json={"reason": "other", "note": "Our only driver is off sick"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert response.status_code == 200, response.text
    assert (response.json()["decline_reason"], response.json()["decline_note"]) == (
        "other",
        "Our only driver is off sick",
    )
