"""A date the API takes is written "YYYY-MM-DD", in a year from 1900 to 2200: nothing else.

Pydantic on its own reads a number as seconds since 1970, so `0` was 1 January 1970 and
`1e10` a day in 2286. Every date in every request body and every date in a query or path,
read from the OpenAPI document so that a new one is covered at once, refuses numbers,
true and false, times of day, other digits and years out of range: 422 naming the field.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from homecare.http import FIRST_YEAR, LAST_YEAR
from tests.conftest import auth
from tests.support import payloads
from tests.support.problems import findings
from tests.support.world import World

NOT_WRITTEN_DATES: list[Any] = [
    0,
    1760000000,
    0.5,
    True,
    "1760000000",
    "20261005",
    "2026-10-05T00:00:00",
    "5 October 2026",
    "٢٠٢٦-١٠-٠٥",
    "2026-02-30",
    f"{FIRST_YEAR - 1}-12-31",
    f"{LAST_YEAR + 1}-01-01",
]


def _document(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


def _is_date(schema: dict[str, Any]) -> bool:
    return any(o.get("format") == "date" for o in schema.get("anyOf", [schema]))


def _address(path: str) -> str:
    """A path with an id of 1 and a good day in it: the body is refused before either is used."""
    return re.sub(r"\{\w+_id\}", "1", path).replace("{day}", "2026-10-05")


def _body_fields(document: dict[str, Any], form: str) -> list[tuple[str, str, str]]:
    """(method, path, field) for every field of this format ("date", "date-time") at the
    top of a request body."""
    found = []
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            reference = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            if not reference:
                continue
            model = schemas[reference.rsplit("/", 1)[1]]
            for field, schema in model.get("properties", {}).items():
                if any(o.get("format") == form for o in schema.get("anyOf", [schema])):
                    found.append((method, path, field))
    return found


def test_every_date_in_a_request_body_must_be_written_as_a_date(
    client: TestClient, world: World
) -> None:
    dates = _body_fields(_document(client), "date")
    assert {f"{path} {field}" for _, path, field in dates} >= {
        "/people date_of_birth",
        "/referrals required_start",
        "/offers/{offer_id}/accept agreed_start",
        "/visits/generate start",
        "/quality/complaints received_on",
        "/packages/{package_id}/envelope starts_on",
    }
    accepted: list[str] = []
    for method, path, field in dates:
        for value in NOT_WRITTEN_DATES:
            answer = client.request(
                method,
                _address(path),
                json={field: value},
                headers=auth(world.tokens["Aire Homecare"]),
            )
            if answer.status_code != 422 or field not in findings(answer):
                accepted.append(f"{method} {path} {field}={value!r}: {answer.status_code}")
    assert accepted == []


def test_every_date_in_a_query_or_path_must_be_written_as_a_date(
    client: TestClient, world: World
) -> None:
    document = _document(client)
    parameters = [
        (method, path, parameter["name"], parameter["in"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if _is_date(parameter["schema"])
    ]
    assert ("get", "/visits", "day", "query") in parameters
    assert ("get", "/round-plans/{day}", "day", "path") in parameters
    accepted: list[str] = []
    for method, path, name, where in parameters:
        for value in ("0", "1760000000", "2026-10-05T00:00:00", "²⁰²⁶-10-05", "1899-12-31"):
            address, params = _address(path), {name: value}
            if where == "path":
                address, params = address.replace("2026-10-05", value), {}
            answer = client.request(
                method, address, params=params, headers=auth(world.tokens["Aire Homecare"])
            )
            if answer.status_code != 422 or name not in findings(answer):
                accepted.append(f"{method} {path} {name}={value!r}: {answer.status_code}")
    assert accepted == []


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "2026-10-05"),
        ("2026-02-30", "2026-10-05"),
        ("1850-06-01", f"from {FIRST_YEAR} to {LAST_YEAR}"),
    ],
)
def test_a_date_of_birth_not_written_as_a_date_is_refused_saying_why(
    client: TestClient, world: World, value: Any, words: str
) -> None:
    answer = client.post(
        "/people",
        json=payloads.person(date_of_birth=value),
        headers=auth(world.tokens["social_worker"]),
    )

    assert answer.status_code == 422, answer.text
    assert any(words in message for message in findings(answer)["date_of_birth"])


def test_a_written_date_is_still_taken(client: TestClient, world: World) -> None:
    answer = client.post(
        "/people",
        json=payloads.person(date_of_birth="1938-04-12"),
        headers=auth(world.tokens["social_worker"]),
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["date_of_birth"] == "1938-04-12"


def test_every_date_and_time_in_a_request_body_refuses_a_number(
    client: TestClient, world: World
) -> None:
    # `0` was read as 1970-01-01T00:00:00Z, and 1760000000 as a moment in October 2025.
    moments = _body_fields(_document(client), "date-time")
    assert {f"{path} {field}" for _, path, field in moments} >= {
        "/packages/{package_id}/hospital-stays admitted_at",
    }
    accepted: list[str] = []
    for method, path, field in moments:
        for value in (0, 1760000000, 0.5, True):
            answer = client.request(
                method,
                _address(path),
                json={field: value},
                headers=auth(world.tokens["Aire Homecare"]),
            )
            if answer.status_code != 422 or field not in findings(answer):
                accepted.append(f"{method} {path} {field}={value!r}: {answer.status_code}")
    assert accepted == []
