"""Who sees what through the HTTP API: providers, councils, the NHS trust, and strangers.

A record that is somebody else's must look exactly like one that does not exist (404 with
the same body), lists show only the caller's own rows, and a role that may not take an
action at all is told so (403) without anything being written.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.api.app import create_app
from homecare.config import Settings
from tests.conftest import auth
from tests.support import payloads
from tests.support.rows import row_counts
from tests.support.world import World

PROVIDERS = ("Aire Homecare", "Kirkstall Care", "Bramley Care", "Wortley Care")

# --- helpers -----------------------------------------------------------------------------


def _record_person(
    client: TestClient, world: World, token: str = "social_worker", **extra: Any
) -> dict[str, Any]:
    response = client.post(
        "/people", json=payloads.person(**extra), headers=auth(world.tokens[token])
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _refer(
    client: TestClient,
    world: World,
    token: str = "social_worker",
    nhs_number: str = payloads.VALID_NHS_NUMBERS[0],
    council_id: int | None = None,
) -> dict[str, Any]:
    extra = {"council_id": council_id} if council_id is not None else {}
    person = _record_person(client, world, token, nhs_number=nhs_number, **extra)
    response = client.post(
        "/referrals", json=payloads.referral(person["id"]), headers=auth(world.tokens[token])
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _open_offer_of(client: TestClient, world: World, provider: str) -> dict[str, Any]:
    offers = client.get("/offers?status=open", headers=auth(world.tokens[provider])).json()
    assert len(offers) == 1, offers
    return offers[0]  # type: ignore[no-any-return]


def _decline(client: TestClient, world: World, provider: str) -> dict[str, Any]:
    offer = _open_offer_of(client, world, provider)
    response = client.post(
        f"/offers/{offer['id']}/decline",
        json={"reason": "no_capacity"},
        headers=auth(world.tokens[provider]),
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _accept(client: TestClient, world: World, provider: str) -> dict[str, Any]:
    offer = _open_offer_of(client, world, provider)
    response = client.post(
        f"/offers/{offer['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens[provider]),
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _ids(client: TestClient, world: World, token: str, path: str) -> list[int]:
    response = client.get(path, headers=auth(world.tokens[token]))
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()]


def _without_ids(body: Any) -> Any:
    """The body with every number blanked, so two 404s for different ids compare equal."""
    if isinstance(body, dict):
        return {k: _without_ids(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_without_ids(v) for v in body]
    return re.sub(r"\d+", "N", body) if isinstance(body, str) else body


# --- providers ---------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["Kirkstall Care", "Bramley Care", "Wortley Care"])
def test_a_provider_reading_another_providers_offer_gets_the_same_404_as_a_missing_offer(
    client: TestClient, world: World, reader: str
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")

    theirs = client.get(f"/offers/{offer['id']}", headers=auth(world.tokens[reader]))
    missing = client.get("/offers/987654", headers=auth(world.tokens[reader]))

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == f"offer {offer['id']} not found"
    assert _without_ids(theirs.json()) == _without_ids(missing.json())
    assert theirs.headers["content-type"] == missing.headers["content-type"]


def test_a_provider_lists_only_the_offers_made_to_it(client: TestClient, world: World) -> None:
    referral = _refer(client, world)
    _decline(client, world, "Aire Homecare")
    _decline(client, world, "Kirkstall Care")
    by_broker = client.get(
        f"/referrals/{referral['id']}", headers=auth(world.tokens["broker"])
    ).json()
    offer_of = {o["provider_name"]: o["id"] for o in by_broker["offers"]}

    seen = {p: _ids(client, world, p, "/offers") for p in PROVIDERS}

    assert seen == {
        "Aire Homecare": [offer_of["Aire Homecare"]],
        "Kirkstall Care": [offer_of["Kirkstall Care"]],
        "Bramley Care": [offer_of["Bramley Care"]],
        "Wortley Care": [],
    }
    assert _ids(client, world, "broker", "/offers") == sorted(offer_of.values())


def test_a_provider_sees_a_person_only_once_their_referral_is_offered_to_it(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)
    person_id = referral["person_id"]
    kirkstall = auth(world.tokens["Kirkstall Care"])
    before_list = client.get("/people", headers=kirkstall).json()
    before_one = client.get(f"/people/{person_id}", headers=kirkstall)

    _decline(client, world, "Aire Homecare")

    after_list = client.get("/people", headers=kirkstall).json()
    after_one = client.get(f"/people/{person_id}", headers=kirkstall)
    assert before_list == []
    assert before_one.status_code == 404
    assert before_one.json()["detail"] == f"person {person_id} not found"
    assert [p["id"] for p in after_list] == [person_id]
    assert after_one.status_code == 200
    assert after_one.json()["nhs_number"] == payloads.VALID_NHS_NUMBERS[0]


@pytest.mark.parametrize("stranger", ["Bramley Care", "Wortley Care"])
def test_a_provider_never_offered_the_referral_cannot_see_the_person_or_the_referral(
    client: TestClient, world: World, stranger: str
) -> None:
    referral = _refer(client, world)
    _decline(client, world, "Aire Homecare")
    headers = auth(world.tokens[stranger])

    person = client.get(f"/people/{referral['person_id']}", headers=headers)
    one = client.get(f"/referrals/{referral['id']}", headers=headers)

    assert person.status_code == 404
    assert one.status_code == 404
    assert one.json()["detail"] == f"referral {referral['id']} not found"
    assert client.get("/people", headers=headers).json() == []
    assert client.get("/referrals", headers=headers).json() == []


def test_a_provider_cannot_read_another_providers_package(client: TestClient, world: World) -> None:
    _refer(client, world)
    _decline(client, world, "Aire Homecare")
    package = _accept(client, world, "Kirkstall Care")

    by_owner = client.get(
        f"/packages/{package['id']}", headers=auth(world.tokens["Kirkstall Care"])
    )
    by_others = {
        p: client.get(f"/packages/{package['id']}", headers=auth(world.tokens[p]))
        for p in ("Aire Homecare", "Bramley Care", "Wortley Care")
    }

    assert by_owner.status_code == 200
    assert by_owner.json()["provider_name"] == "Kirkstall Care"
    for provider, response in by_others.items():
        assert response.status_code == 404, provider
        assert response.json()["detail"] == f"package {package['id']} not found"
        assert _ids(client, world, provider, "/packages") == []
    assert _ids(client, world, "Kirkstall Care", "/packages") == [package["id"]]


# Aire, which declined, no longer reads the referral at all (tests/reliability/
# test_data_minimisation.py); Kirkstall, which took it, reads it as this test says.
@pytest.mark.parametrize("reader", ["Kirkstall Care"])
def test_a_provider_reading_a_referral_sees_only_its_own_offer_and_not_the_cascade(
    client: TestClient, world: World, reader: str
) -> None:
    referral = _refer(client, world)
    _decline(client, world, "Aire Homecare")
    _accept(client, world, "Kirkstall Care")
    headers = auth(world.tokens[reader])

    one = client.get(f"/referrals/{referral['id']}", headers=headers).json()
    listed = client.get("/referrals", headers=headers).json()

    assert [o["provider_name"] for o in one["offers"]] == [reader]
    assert one["cascade_plan"] == []
    assert [[o["provider_name"] for o in r["offers"]] for r in listed] == [[reader]]
    assert [r["cascade_plan"] for r in listed] == [[]]


def test_the_council_reading_a_referral_sees_every_offer_and_the_cascade(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)
    _decline(client, world, "Aire Homecare")
    _accept(client, world, "Kirkstall Care")

    seen = client.get(f"/referrals/{referral['id']}", headers=auth(world.tokens["broker"])).json()

    assert [(o["provider_name"], o["status"]) for o in seen["offers"]] == [
        ("Aire Homecare", "declined"),
        ("Kirkstall Care", "accepted"),
    ]
    assert [step["provider_id"] for step in seen["cascade_plan"]] == [
        world.providers[p] for p in PROVIDERS
    ]


# --- councils ----------------------------------------------------------------------------


def test_another_council_sees_none_of_leeds_people_referrals_offers_or_packages(
    client: TestClient, world: World
) -> None:
    _refer(client, world)
    _accept(client, world, "Aire Homecare")
    _refer(client, world, nhs_number=payloads.VALID_NHS_NUMBERS[1])
    assert len(_ids(client, world, "broker", "/referrals")) == 2

    seen = {
        path: client.get(path, headers=auth(world.tokens["other_council_broker"])).json()
        for path in ("/people", "/referrals", "/offers", "/packages", "/awaiting-care")
    }

    assert seen == {
        "/people": [],
        "/referrals": [],
        "/offers": [],
        "/packages": [],
        "/awaiting-care": [],
    }


def test_another_council_gets_404_on_each_of_leeds_records(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world)
    offer = referral["offers"][0]
    package = _accept(client, world, "Aire Homecare")
    bradford = auth(world.tokens["other_council_broker"])
    records = [
        ("people", "person", referral["person_id"]),
        ("referrals", "referral", referral["id"]),
        ("offers", "offer", offer["id"]),
        ("packages", "package", package["id"]),
    ]

    responses = {
        (label, ident): client.get(f"/{collection}/{ident}", headers=bradford)
        for collection, label, ident in records
    }

    for (label, ident), response in responses.items():
        assert response.status_code == 404, label
        assert response.json()["detail"] == f"{label} {ident} not found"


def test_another_council_cannot_withdraw_a_leeds_referral(
    client: TestClient, world: World, engine: Engine
) -> None:
    referral = _refer(client, world)
    before = row_counts(engine)

    response = client.post(
        f"/referrals/{referral['id']}/withdraw",
        json={"reason": "moved to a direct payment"},
        headers=auth(world.tokens["other_council_broker"]),
    )

    assert response.status_code == 404
    assert row_counts(engine) == before
    after = client.get(f"/referrals/{referral['id']}", headers=auth(world.tokens["broker"]))
    assert after.json()["status"] == "offered"


def test_another_council_referring_a_leeds_person_is_told_the_same_as_for_no_person(
    client: TestClient, world: World, engine: Engine
) -> None:
    person = _record_person(client, world)
    before = row_counts(engine)

    theirs = client.post(
        "/referrals",
        json=payloads.referral(person["id"]),
        headers=auth(world.tokens["other_council_broker"]),
    )
    missing = client.post(
        "/referrals",
        json=payloads.referral(987654),
        headers=auth(world.tokens["other_council_broker"]),
    )

    assert theirs.status_code == missing.status_code == 422
    assert theirs.json()["field"] == "person_id"
    assert _without_ids(theirs.json()) == _without_ids(missing.json())
    assert row_counts(engine) == before


# --- the NHS trust -----------------------------------------------------------------------


def test_the_nurse_sees_only_the_people_and_referrals_their_trust_made(
    client: TestClient, world: World
) -> None:
    by_council = _refer(client, world, nhs_number=payloads.VALID_NHS_NUMBERS[0])
    by_trust = _refer(
        client,
        world,
        token="nurse",
        nhs_number=payloads.VALID_NHS_NUMBERS[1],
        council_id=world.council_id,
    )
    nurse = auth(world.tokens["nurse"])

    people = client.get("/people", headers=nurse).json()
    referrals = client.get("/referrals", headers=nurse).json()
    their_person = client.get(f"/people/{by_trust['person_id']}", headers=nurse)
    council_person = client.get(f"/people/{by_council['person_id']}", headers=nurse)
    council_referral = client.get(f"/referrals/{by_council['id']}", headers=nurse)

    assert [p["id"] for p in people] == [by_trust["person_id"]]
    assert [r["id"] for r in referrals] == [by_trust["id"]]
    assert their_person.status_code == 200
    assert council_person.status_code == 404
    assert council_referral.status_code == 404
    assert client.get("/offers", headers=nurse).json() == []
    assert sorted(_ids(client, world, "broker", "/referrals")) == sorted(
        [by_council["id"], by_trust["id"]]
    )


def test_a_person_the_nurse_records_belongs_to_the_council_named_in_the_body(
    client: TestClient, world: World
) -> None:
    person = _record_person(client, world, "nurse", council_id=world.council_id)

    assert person["council_id"] == world.council_id
    assert _ids(client, world, "broker", "/people") == [person["id"]]
    assert _ids(client, world, "other_council_broker", "/people") == []


@pytest.mark.parametrize("council_id", [None, 987654], ids=["missing", "unknown"])
def test_the_nurse_must_name_a_real_council_for_the_person(
    client: TestClient, world: World, engine: Engine, council_id: int | None
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/people",
        json=payloads.person(council_id=council_id),
        headers=auth(world.tokens["nurse"]),
    )

    assert response.status_code == 422, response.text
    assert response.json()["field"] == "council_id"
    assert row_counts(engine) == before


def test_the_nurse_cannot_name_a_provider_as_the_persons_council(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/people",
        json=payloads.person(council_id=world.providers["Aire Homecare"]),
        headers=auth(world.tokens["nurse"]),
    )

    assert response.status_code == 422, response.text
    assert response.json()["field"] == "council_id"
    assert row_counts(engine) == before


# --- authentication ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "not-even-a-scheme"},
    ],
    ids=["no-header", "unknown-token", "empty-token", "basic-auth", "no-scheme"],
)
@pytest.mark.parametrize("path", ["/people", "/referrals", "/offers", "/packages"])
def test_a_request_without_a_valid_token_is_unauthenticated(
    client: TestClient, world: World, headers: dict[str, str], path: str
) -> None:
    response = client.get(path, headers=headers)

    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert isinstance(response.json()["detail"], str)


def test_a_token_is_checked_before_the_body_so_strangers_learn_nothing_from_validation(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = row_counts(engine)

    bad_body = client.post("/people", json={"nhs_number": 1})
    good_body = client.post("/people", json=payloads.person())

    assert bad_body.status_code == good_body.status_code == 401
    assert bad_body.json() == good_body.json()
    assert row_counts(engine) == before


def test_a_token_from_another_deployment_is_not_recognised(
    client: TestClient, world: World
) -> None:
    # A real token is 43 url-safe characters; this one has that shape but was never issued.
    forged = "A" * 43

    response = client.get("/people", headers=auth(forged))

    assert response.status_code == 401
    assert response.json()["detail"] == "the bearer token is not recognised"


def test_every_operation_refuses_a_request_without_a_token(
    client: TestClient, world: World, engine: Engine
) -> None:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    before = row_counts(engine)
    answers: dict[str, int] = {}

    for path, operations in spec["paths"].items():
        if path == "/health":
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            response = client.request(method.upper(), concrete, json={})
            answers[f"{method.upper()} {path}"] = response.status_code

    assert len(answers) > 20
    assert {op: code for op, code in answers.items() if code != 401} == {}
    assert row_counts(engine) == before


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["social_worker", "broker", "commissioner", "nurse"])
def test_only_a_provider_may_accept_an_offer(
    client: TestClient, world: World, engine: Engine, role: str
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens[role]),
    )

    assert response.status_code == 403, response.text
    assert "respond to offers" in response.json()["detail"]
    assert row_counts(engine) == before
    assert _open_offer_of(client, world, "Aire Homecare")["id"] == offer["id"]


def test_a_social_worker_cannot_decline_an_offer(
    client: TestClient, world: World, engine: Engine
) -> None:
    _refer(client, world)
    offer = _open_offer_of(client, world, "Aire Homecare")
    before = row_counts(engine)

    response = client.post(
        f"/offers/{offer['id']}/decline",
        json={"reason": "no_capacity"},
        headers=auth(world.tokens["social_worker"]),
    )

    assert response.status_code == 403, response.text
    assert row_counts(engine) == before


@pytest.mark.parametrize("provider", ["Aire Homecare", "Wortley Care"])
def test_a_provider_cannot_create_a_referral(
    client: TestClient, world: World, engine: Engine, provider: str
) -> None:
    _refer(client, world)
    _decline(client, world, "Aire Homecare")  # Aire has now been offered this person
    person_id = client.get("/people", headers=auth(world.tokens["broker"])).json()[0]["id"]
    before = row_counts(engine)

    response = client.post(
        "/referrals", json=payloads.referral(person_id), headers=auth(world.tokens[provider])
    )

    assert response.status_code == 403, response.text
    assert response.json()["detail"] == "the provider_manager role may not refer"
    assert row_counts(engine) == before


def test_a_provider_cannot_record_a_person(
    client: TestClient, world: World, engine: Engine
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/people", json=payloads.person(), headers=auth(world.tokens["Aire Homecare"])
    )

    assert response.status_code == 403, response.text
    assert row_counts(engine) == before


# --- the OpenAPI document ----------------------------------------------------------------


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    app = create_app(Settings(database_url="sqlite://"))
    return [
        (path, method, operation)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
    ]


def test_the_openapi_document_declares_bearer_authentication() -> None:
    app = create_app(Settings(database_url="sqlite://"))

    schemes = app.openapi()["components"]["securitySchemes"]

    assert schemes == {
        "HTTPBearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `homecare users create`",
        }
    }


def test_every_operation_but_health_declares_the_bearer_security() -> None:
    operations = _operations()

    undeclared = [
        f"{method.upper()} {path}"
        for path, method, operation in operations
        if path != "/health" and operation.get("security") != [{"HTTPBearer": []}]
    ]

    assert len(operations) > 20
    assert undeclared == []


def test_health_is_the_only_operation_without_security(client: TestClient) -> None:
    public = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations()
        if "security" not in operation
    ]
    health = client.get("/health")

    assert public == ["GET /health"]
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
