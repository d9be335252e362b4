"""Every GET address, for every role and for nobody: the security headers, and no writes.

The routes are read from the app itself, so a page added later is crawled too. Path
parameters are filled from the test world (a placed package, a care worker, the
council's zone and contract); where a record is not the role's, the 403 or 404 answer is
checked just the same. A GET may touch the session's last use (a column, not a row) and
may add to `record_access`, the log of who read whose record, which reading is meant to
write; every other table must keep its row count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.passwords import set_password
from homecare.accounts.service import create_user
from homecare.clock import FixedClock
from homecare.db import Base, unit_of_work
from homecare.web.render import WebRoute
from tests.support.caseload import hire_care_worker, place_package
from tests.support.web_client import PASSWORD, give_password, sign_in, web_browser
from tests.support.world import MONDAY_10AM, World

READ_LOG = {"record_access"}
"""Tables a GET is meant to write to: the log of reads of people's records."""
STAFF = {
    "social_worker": "social_worker@example.org",
    "broker": "broker@example.org",
    "commissioner": "commissioner@example.org",
    "nurse": "nurse@example.org",
    "provider_manager": "aire.homecare@example.org",
}


def get_paths(app: FastAPI) -> Iterator[tuple[str, Any]]:
    """Every GET route's path, with its route, through included routers too."""

    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif "GET" in (getattr(route, "methods", None) or ()):
                yield prefix + route.path, route

    yield from walk(list(app.routes), "")


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
            if t.name not in READ_LOG
        }


def fill(path: str, values: dict[str, str]) -> str:
    """The path with the world's values; any other id is 1 (a record that may not exist)."""
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values.get(m.group(1), "1"), path)


def test_every_get_address_carries_the_security_headers_and_writes_nothing(
    engine: Engine, clock: FixedClock, world: World
) -> None:
    placed = place_package(engine, world)
    worker = hire_care_worker(engine, world)
    emails = dict(STAFF)
    with unit_of_work(engine) as s:
        for role, person_id, care_worker_id, org in (
            (Role.PERSON, placed.person_id, None, world.council_id),
            (Role.CARE_WORKER, None, worker.care_worker_id, world.providers["Aire Homecare"]),
        ):
            user, _ = create_user(
                s,
                actor=SYSTEM_ACTOR,
                at=MONDAY_10AM,
                organisation_id=org,
                role=role,
                name=f"Crawling {role.value}",
                email=f"crawl-{role.value}@example.org",
                person_id=person_id,
                care_worker_id=care_worker_id,
            )
            set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD)
            emails[role.value] = user.email
    for email in STAFF.values():
        give_password(engine, email)
    values = {
        "person_id": str(placed.person_id),
        "package_id": str(placed.package_id),
        "care_worker_id": str(worker.care_worker_id),
        "organisation_id": str(world.council_id),
        "provider_id": str(world.providers["Aire Homecare"]),
        "zone_id": str(world.zone_id),
        "contract_id": str(world.contracts["Aire Homecare/1"]),
        "day": "2026-10-05",
        "file_type": "csv",
        "kind": "bank",
        "rest": "nowhere",
    }
    browsers: dict[str, TestClient] = {"nobody": web_browser(engine, clock, https=True)}
    for key, email in emails.items():
        browsers[key] = web_browser(engine, clock, https=True)
        assert sign_in(browsers[key], email).status_code == 303, key
    app = browsers["nobody"].app
    assert isinstance(app, FastAPI)
    paths = list(get_paths(app))
    assert len(paths) > 80 and any(isinstance(r, WebRoute) for _, r in paths)
    before = row_counts(engine)
    problems: list[str] = []

    for who, browser in browsers.items():
        for path, route in paths:
            if path.startswith(("/docs", "/redoc", "/openapi")):
                continue
            address = fill(path, values)
            response = browser.get(address, follow_redirects=False)
            headers = response.headers
            wanted = {
                "cache-control": "no-store",
                "x-content-type-options": "nosniff",
                "referrer-policy": "same-origin",
            }
            for name, value in wanted.items():
                if headers.get(name) != value:
                    problems.append(f"{who} {address}: {name} is {headers.get(name)!r}")
            if not headers.get("strict-transport-security", "").startswith("max-age="):
                problems.append(f"{who} {address}: no Strict-Transport-Security")
            if isinstance(route, WebRoute) and "frame-ancestors 'none'" not in headers.get(
                "content-security-policy", ""
            ):
                problems.append(f"{who} {address}: no frame-ancestors in the page's CSP")
            if response.status_code >= 500:
                problems.append(f"{who} {address}: {response.status_code}")

    assert problems == []
    assert row_counts(engine) == before
