"""The published document tells the truth about refusals, and the API answers as it says.

A client generated from /openapi.json must be right about every refusal: each operation
declares the statuses it may refuse with, all with the one `Problem` schema, and every
refusal the API answers (domain, validation, framework) has that shape.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from fastapi.testclient import TestClient

from homecare import errors
from homecare.problems import REFUSALS
from tests.conftest import auth
from tests.support import payloads
from tests.support.world import World

PROBLEM = {"$ref": "#/components/schemas/Problem"}
WRITES = {"post", "put", "patch", "delete"}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def _declares_problem(operation: dict[str, Any], status: int) -> bool:
    answer = operation["responses"].get(str(status))
    return bool(answer) and answer["content"]["application/json"]["schema"] == PROBLEM


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_every_operation_but_health_needs_a_bearer_token_and_says_so(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {**schemes["HTTPBearer"], "type": "http", "scheme": "bearer"}
    for path, method, operation in _operations(document):
        expected = [] if path == "/health" else [{"HTTPBearer": []}]
        assert operation.get("security", []) == expected, (method, path)


def test_every_authenticated_operation_declares_401_403_and_404_with_the_problem_schema(
    document: dict[str, Any],
) -> None:
    for path, method, operation in _operations(document):
        if path == "/health":
            continue
        for status in (401, 403, 404):
            assert _declares_problem(operation, status), (method, path, status)
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]


def test_every_write_declares_409_and_every_operation_with_input_declares_422(
    document: dict[str, Any],
) -> None:
    for path, method, operation in _operations(document):
        if method in WRITES:
            assert _declares_problem(operation, 409), (method, path)
        if method in WRITES or operation.get("parameters") or "requestBody" in operation:
            assert _declares_problem(operation, 422), (method, path)


def test_every_refusal_the_document_declares_has_a_meaning(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        for status in operation["responses"]:
            assert status.startswith("2") or int(status) in REFUSALS, (method, path, status)


def test_every_operation_declares_its_success(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        successes = [s for s in operation["responses"] if s.startswith("2")]
        assert successes, (method, path)


def test_fastapis_own_validation_error_is_no_longer_published(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert schemas["Problem"]["required"] == ["detail", "field", "errors"]


def test_every_domain_error_status_is_one_the_problem_schema_is_declared_for() -> None:
    kinds = [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.DomainError) and cls is not errors.DomainError
    ]
    assert len(kinds) >= 5
    for kind in kinds:
        assert kind.status in REFUSALS, kind.__name__


def _is_problem(body: dict[str, Any]) -> None:
    assert set(body) == {"detail", "field", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["errors"] and all(set(e) == {"field", "message"} for e in body["errors"])


def test_a_missing_token_is_a_401_problem_with_the_bearer_challenge(client: TestClient) -> None:
    response = client.get("/zones")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    _is_problem(response.json())


def test_a_record_not_found_is_a_404_problem(client: TestClient, world: World) -> None:
    response = client.get("/zones/999999", headers=auth(world.tokens["broker"]))
    assert response.status_code == 404
    _is_problem(response.json())
    assert response.json()["detail"] == "zone 999999 not found"


def test_a_malformed_path_id_is_a_422_problem_naming_it_in_plain_words(
    client: TestClient, world: World
) -> None:
    response = client.get("/zones/not-a-number", headers=auth(world.tokens["broker"]))
    assert response.status_code == 422
    body = response.json()
    _is_problem(body)
    assert body["field"] == "zone_id"
    assert body["detail"] == "zone_id must be a whole number"


def test_a_missing_and_a_malformed_body_field_are_told_in_plain_words_first_one_first(
    client: TestClient, world: World
) -> None:
    person = payloads.person(date_of_birth="the twelfth of April")
    del person["given_name"]

    response = client.post("/people", json=person, headers=auth(world.tokens["social_worker"]))

    assert response.status_code == 422
    body = response.json()
    _is_problem(body)
    assert body["errors"] == [
        {"field": "given_name", "message": "given_name is required"},
        {"field": "date_of_birth", "message": "date_of_birth must be a date like 2026-10-05"},
    ]
    assert body["field"] == "given_name"
    assert body["detail"] == "given_name is required (and 1 more problem: see errors)"


def test_a_body_that_is_not_json_is_a_422_problem(client: TestClient, world: World) -> None:
    response = client.post(
        "/people",
        content=b"{not json",
        headers={**auth(world.tokens["social_worker"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    _is_problem(response.json())
    assert response.json()["field"] is None
    assert response.json()["detail"] == "the request body is not valid JSON"


def test_a_body_that_is_not_even_text_is_a_422_problem_not_a_400(
    client: TestClient, world: World
) -> None:
    response = client.post(
        "/people",
        content=b"\xff",
        headers={**auth(world.tokens["social_worker"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    _is_problem(response.json())


def test_an_address_the_api_does_not_have_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/no-such-thing")
    assert response.status_code == 404
    _is_problem(response.json())


def test_a_method_an_address_does_not_take_is_a_405_problem(client: TestClient) -> None:
    response = client.delete("/health")
    assert response.status_code == 405
    _is_problem(response.json())
