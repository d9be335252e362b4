"""Ids and numbers no store can hold, and digits that are not ASCII, never crash a route.

The routes are read from the app itself, so a route added later is covered at once: every
number in a path gets 2^63, -2^63 - 1 and a superscript two, every query parameter the same
one at a time, for several roles, through the API and through the pages signed in. Nothing
may answer 500, and nothing may get as far as the store (where the app's last resort turns
an overflow into a 422). An API path id out of range is a record that is not there (404,
as a missing id is); a body or query id out of range is bad input (422 naming the field);
a page answers "Page not found" or shows a form error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.exc import DataError

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.passwords import set_password
from homecare.accounts.tables import UserAccount
from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.http import MAX_ID
from tests.conftest import auth
from tests.support import payloads
from tests.support.caseload import hire_care_worker, place_package
from tests.support.problems import findings
from tests.support.rows import row_counts
from tests.support.world import MONDAY_10AM, World

TOO_BIG = str(MAX_ID + 1)
BAD_NUMBERS = (TOO_BIG, str(-MAX_ID - 2), "²")
"""2^63, -2^63 - 1 and a superscript two (which `str.isdigit` takes for a digit)."""

SAMPLES = {
    "day": "2026-10-05",
    "action": "check-in",
    "kind": "bank",
    "file_type": "csv",
    "rest": "nothing-here",
    "period": "2026-P11",
    "quarter": "2026Q4",
    "postcode": "LS12 1AU",
    "comparison": "leicester-in-house",
    "year": "2026",
}
"""Good values for the path and query parameters that are not numbers."""

BACKSTOP = "larger than the store can hold"
"""What the app answers when a number too large reaches the store: a route let it by."""

PASSWORD = "a long enough passphrase"
API_CALLERS = ("commissioner", "Aire Homecare", "care worker", "family")
PAGE_CALLERS = ("commissioner", "social_worker", "Aire Homecare", "care worker", "family")
FORM_NUMBERS = ("package", "council_id", "lot", "provider", "weekly-hours", "minutes")
"""Numbers the pages' forms post, set as bad as the path or query in every page's form."""


@dataclass(frozen=True)
class Caller:
    name: str
    token: str
    email: str


# --- the routes, read from the app --------------------------------------------------------


def _every_route(routes: list[Any]) -> Iterator[APIRoute]:
    """The app's routes, through the routers it includes (this FastAPI keeps them whole)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _every_route(included.routes)


def _routes(app: FastAPI, pages: bool) -> list[APIRoute]:
    return [r for r in _every_route(app.routes) if r.path.startswith("/app/") == pages]


def _is_number(name: str) -> bool:
    return name.endswith(("id", "number"))


def _path(route: APIRoute, bad: str | None) -> str | None:
    """The route's path with every number in it `bad` and the rest good; with `bad` None,
    the path with good values only, or None when it needs a number."""
    names = [p.alias for p in route.dependant.path_params]
    numbers = [n for n in names if _is_number(n)]
    if (bad is None) == bool(numbers):
        return None
    path = route.path.replace("{rest:path}", SAMPLES["rest"])
    for name in names:
        path = path.replace("{" + name + "}", bad if _is_number(name) else SAMPLES[name])
    return path


def _query_params(dependant: Dependant) -> Iterator[Any]:
    """The query parameters of a route and of every dependency it has."""
    yield from dependant.query_params
    for below in dependant.dependencies:
        yield from _query_params(below)


def _required_query(route: APIRoute) -> dict[str, str]:
    return {
        p.alias: SAMPLES[p.alias]
        for p in _query_params(route.dependant)
        if p.field_info.is_required()
    }


def _query_names(route: APIRoute) -> list[str]:
    return [p.alias for p in _query_params(route.dependant)]


def _methods(route: APIRoute) -> list[str]:
    return sorted(m for m in route.methods if m != "HEAD")


def _failed(answer: httpx.Response) -> bool:
    return answer.status_code >= 500 or BACKSTOP in answer.text


# --- who asks -------------------------------------------------------------------------------


def _callers(engine: Engine, world: World) -> dict[str, Caller]:
    """The world's staff, a care worker and a family account, each with a web password."""
    placed = place_package(engine, world)
    worker = hire_care_worker(engine, world)
    callers = {
        key: Caller(key, world.tokens[key], f"{key.replace(' ', '.').lower()}@example.org")
        for key in ("commissioner", "social_worker", "Aire Homecare")
    }
    callers["care worker"] = Caller(
        "care worker", worker.token, f"aisha.khan.{worker.care_worker_id}@example.org"
    )
    callers["family"] = Caller(
        "family", placed.person_token, f"family-{placed.person_id}-9990000018@example.org"
    )
    _give_passwords(engine, [c.email for c in callers.values()])
    return callers


def _give_passwords(engine: Engine, emails: list[str]) -> None:
    with unit_of_work(engine) as s:
        for email in emails:
            user = s.scalars(select(UserAccount).where(UserAccount.email == email)).one()
            set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:300]
    return match.group(1)


def _browser(app: FastAPI, email: str) -> tuple[TestClient, str]:
    """A signed-in browser and its session's CSRF token."""
    browser = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    form = browser.get("/sign-in")
    signed = browser.post(
        "/sign-in",
        data={"csrf_token": _csrf(form.text), "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text[:300]
    return browser, _csrf(browser.get("/", follow_redirects=True).text)


@pytest.fixture
def app(engine: Engine, clock: FixedClock) -> FastAPI:
    return create_app(Settings(database_url="unused://"), engine=engine, clock=clock)


@pytest.fixture
def quiet_client(app: FastAPI) -> TestClient:
    """The API with a crash answered as 500, not raised into the test."""
    return TestClient(app, raise_server_exceptions=False)


# --- the API -------------------------------------------------------------------------------


def test_no_api_route_crashes_on_a_number_out_of_range_in_its_path(
    app: FastAPI, quiet_client: TestClient, world: World, engine: Engine
) -> None:
    callers = _callers(engine, world)
    crashed: set[str] = set()
    for route in _routes(app, pages=False):
        for bad in BAD_NUMBERS:
            path = _path(route, bad)
            for method in _methods(route) if path else ():
                for name in API_CALLERS:
                    answer = quiet_client.request(
                        method,
                        path,
                        params=_required_query(route),
                        json={} if method != "GET" else None,
                        headers=auth(callers[name].token),
                    )
                    if _failed(answer):
                        crashed.add(f"{method} {route.path} with {bad}: {answer.status_code}")
    assert sorted(crashed) == []


def test_no_api_query_parameter_crashes_on_a_number_out_of_range(
    app: FastAPI, quiet_client: TestClient, world: World, engine: Engine
) -> None:
    callers = _callers(engine, world)
    crashed: set[str] = set()
    for route in _routes(app, pages=False):
        path = _path(route, None)
        if path is None or "GET" not in route.methods:
            continue
        for query in _query_names(route):
            for bad in BAD_NUMBERS:
                params = {**_required_query(route), query: bad}
                for name in API_CALLERS:
                    answer = quiet_client.get(
                        path, params=params, headers=auth(callers[name].token)
                    )
                    if _failed(answer):
                        crashed.add(f"GET {route.path}?{query}={bad}: {answer.status_code}")
    assert sorted(crashed) == []


def test_an_api_path_id_out_of_range_is_not_found_and_unicode_digits_are_bad_input(
    client: TestClient, world: World
) -> None:
    broker = auth(world.tokens["broker"])

    too_big = client.get(f"/packages/{TOO_BIG}", headers=broker)
    negative = client.get("/organisations/-1", headers=broker)
    superscript = client.get("/packages/²", headers=broker)

    assert too_big.status_code == 404, too_big.text
    assert too_big.json()["detail"] == f"id {TOO_BIG} not found"
    assert negative.status_code == 404, negative.text
    assert superscript.status_code == 422
    assert "package_id" in findings(superscript)


def test_a_query_id_out_of_range_is_bad_input_naming_the_parameter(
    client: TestClient, world: World
) -> None:
    answer = client.get(
        "/visits", params={"package_id": TOO_BIG}, headers=auth(world.tokens["Aire Homecare"])
    )

    assert answer.status_code == 422, answer.text
    assert "package_id" in findings(answer)


def _contract(world: World, zone_id: int) -> dict[str, Any]:
    return {
        "provider_id": world.providers["Aire Homecare"],
        "lot": 1,
        "zone_id": zone_id,
        "role": "framework",
        "hourly_rate": "20.00",
        "weekly_capacity_hours": "10",
        "starts_on": "2026-11-01",
    }


def _event(visit_id: int) -> dict[str, Any]:
    event = {"client_event_id": "e1", "visit_id": visit_id, "kind": "check_in"}
    return {"events": [{**event, "occurred_at": "2026-10-05T09:00:00Z"}]}


@pytest.mark.parametrize(
    ("url", "caller", "field"),
    [
        ("/referrals", "social_worker", "person_id"),
        ("/contracts", "commissioner", "zone_id"),
        ("/visits/generate", "Aire Homecare", "package_ids.0"),
        ("/call-events", "Aire Homecare", "events.0.visit_id"),
    ],
)
def test_a_body_id_out_of_range_is_bad_input_naming_the_field_and_writes_nothing(
    client: TestClient, world: World, engine: Engine, url: str, caller: str, field: str
) -> None:
    too_big = MAX_ID + 1
    body = {
        "/referrals": payloads.referral(too_big),
        "/contracts": _contract(world, too_big),
        "/visits/generate": {"start": "2026-10-05", "end": "2026-10-11", "package_ids": [too_big]},
        "/call-events": _event(too_big),
    }[url]
    before = row_counts(engine)

    answer = client.post(url, json=body, headers=auth(world.tokens[caller]))

    assert answer.status_code == 422, answer.text
    assert field in findings(answer), answer.text
    assert row_counts(engine) == before


def test_every_id_the_api_takes_is_declared_within_the_stores_range(client: TestClient) -> None:
    """The OpenAPI document shows the bounds, so a client can check before it sends."""
    document = client.get("/openapi.json").json()
    unbounded: list[str] = []
    bodies: set[str] = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                name, schema = parameter["name"], parameter["schema"]
                if name.endswith("_id") and not _bounded(schema):
                    unbounded.append(f"{method} {path} {parameter['in']} {name}")
            bodies |= _references(operation.get("requestBody", {}), document)
    assert {"ReferralCreate", "CallEventIn", "GenerateVisits", "ContractCreate"} <= bodies
    for name in sorted(bodies):
        properties = document["components"]["schemas"][name].get("properties", {})
        for field, schema in properties.items():
            if field.endswith(("_id", "_ids")) and _integers(schema) and not _bounded(schema):
                unbounded.append(f"{name}.{field}")
    assert unbounded == []


def _references(schema: Any, document: dict[str, Any]) -> set[str]:
    """The names of the models a schema uses, and of those they use in turn."""
    found: set[str] = set()
    if isinstance(schema, dict):
        reference = schema.get("$ref", "")
        if reference.startswith("#/components/schemas/"):
            name = reference.rsplit("/", 1)[1]
            found.add(name)
            found |= _references(document["components"]["schemas"][name], document)
        for value in schema.values():
            found |= _references(value, document)
    elif isinstance(schema, list):
        for value in schema:
            found |= _references(value, document)
    return found


def _integers(schema: dict[str, Any]) -> bool:
    """Whether a schema holds whole numbers (string ids, such as a phone's, are not ours)."""
    options = [o for o in schema.get("anyOf", [schema]) if o.get("type") != "null"]
    return any(
        o.get("type") == "integer" or ("items" in o and _integers(o["items"])) for o in options
    )


def _bounded(schema: dict[str, Any]) -> bool:
    """An integer schema from 1 to MAX_ID, through nullable unions and arrays (pydantic
    may write the bounds as floats)."""
    if "maximum" in schema:
        return float(schema["maximum"]) == float(MAX_ID) and float(schema["minimum"]) == 1
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _bounded(option)
    if schema.get("type") == "array":
        return _bounded(schema["items"])
    return False


@pytest.mark.parametrize(
    "error",
    [
        OverflowError("Python int too large to convert to SQLite INTEGER"),
        DataError("SELECT 1", {}, Exception("numeric field overflow")),
    ],
)
def test_a_number_the_store_cannot_hold_is_bad_input_even_past_the_types(
    app: FastAPI, world: World, error: Exception
) -> None:
    """The last resort: a number too large that a route let through answers 422, not 500."""

    def overflowing() -> None:
        raise error

    app.add_api_route("/overflowing", overflowing)
    answer = TestClient(app, raise_server_exceptions=False).get("/overflowing")

    assert answer.status_code == 422
    assert BACKSTOP in answer.json()["detail"]
    assert "SQLite" not in answer.text and "SELECT" not in answer.text


# --- the pages -----------------------------------------------------------------------------


def _page_requests(route: APIRoute) -> Iterator[tuple[str, dict[str, str], str]]:
    """(address, query, the bad number) for a page: numbers in its path, then in its query."""
    for bad in BAD_NUMBERS:
        path = _path(route, bad)
        if path is not None:
            yield path, {}, bad
    path = _path(route, None)
    for query in _query_names(route) if path else ():
        for bad in BAD_NUMBERS:
            yield path or "", {query: bad}, bad


def test_no_page_crashes_on_a_number_out_of_range(
    app: FastAPI, world: World, engine: Engine
) -> None:
    callers = _callers(engine, world)
    crashed: set[str] = set()
    for name in PAGE_CALLERS:
        browser, token = _browser(app, callers[name].email)
        for route in _routes(app, pages=True):
            for method in _methods(route):
                for url, params, bad in _page_requests(route):
                    if method == "GET":
                        answer = browser.get(url, params=params, follow_redirects=False)
                    else:
                        form = {"csrf_token": token, **dict.fromkeys(FORM_NUMBERS, bad)}
                        answer = browser.post(url, data=form, follow_redirects=False)
                    if _failed(answer):
                        crashed.add(f"{method} {url} {params}: {answer.status_code}")
    assert sorted(crashed) == []


def test_a_page_with_an_id_out_of_range_or_in_unicode_digits_is_page_not_found(
    app: FastAPI, world: World, engine: Engine
) -> None:
    browser, _ = _browser(app, _callers(engine, world)["Aire Homecare"].email)

    for address in (
        f"/app/packages/{TOO_BIG}",
        "/app/packages/²",
        "/app/packages/0",
        f"/app/today?visit={TOO_BIG}",
    ):
        page = browser.get(address)
        assert page.status_code == 404, address
        assert "<title>Page not found" in page.text, address


def test_the_referral_form_refuses_unicode_digits_and_huge_numbers_as_form_errors(
    app: FastAPI, client: TestClient, world: World, engine: Engine
) -> None:
    person = client.post(
        "/people", json=payloads.person(), headers=auth(world.tokens["social_worker"])
    ).json()
    _give_passwords(engine, ["social_worker@example.org"])
    browser, token = _browser(app, "social_worker@example.org")
    before = row_counts(engine)

    for bad in ("²", TOO_BIG, "9" * 5000):
        sent = browser.post(
            f"/app/refer/people/{person['id']}",
            data={
                "csrf_token": token,
                "lot": bad,
                "visit-mon-morning": bad,
                "source": "social_work",
                "required-start-day": bad,
                "required-start-month": "10",
                "required-start-year": "2026",
            },
            follow_redirects=False,
        )
        assert sent.status_code < 500, bad
        assert "There is a problem" in sent.text
        assert "Select the lot" in sent.text
        assert "Enter the minutes as a whole number, like 30" in sent.text
        assert "Required start date must be a real date" in sent.text
    assert row_counts(engine) == before
