"""Every id-bearing route, as every user, with their own id, somebody else's and a missing one.

The routes come from the app itself, so an address added later is probed too. Somebody
else's record must answer exactly as a missing one does (the same status and the same
body once the id itself is set aside; for pages, also the form token and script nonce),
nothing may answer 5xx, and a refused write with somebody else's id leaves every row of
every table as it was. Lists, as each user, must name nobody else's person (by family
name) and hold none of somebody else's rows. One world is built per module; refused
writes change nothing, so no probe needs the store reset.

The figures are counted, checked (at least 2,000 probes) and, when the environment names
a file in HOMECARE_RELIABILITY_REPORT, written there as JSON.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.accounts import passwords
from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from tests.support.fingerprint import store_fingerprint
from tests.support.probes import (
    BODIES,
    FORM,
    MISSING,
    Route,
    as_if,
    fill,
    id_params,
    kind_of,
    routes_of,
    same_page,
)
from tests.support.tenancy import Record, Tenancy, build_tenancy
from tests.support.web_client import sign_in
from tests.support.world import MONDAY_10AM

ON_POSTGRES = os.environ.get("HOMECARE_TENANCY_PROBES_ON_POSTGRES") == "1"
pytestmark = pytest.mark.parametrize(
    "module_engine",
    ["sqlite", *([pytest.param("postgresql", marks=pytest.mark.postgres)] if ON_POSTGRES else [])],
    indirect=True,
)
"""SQLite on every run; PostgreSQL (about twice as slow) when the environment asks for it."""


UNSEEDED = {
    "organisation",
    "zone",
    "contract",
    "round",
    "searches",
    "round-searches",
    "alert",
    "user",
    "providers",
    # Payment runs, their lines, disputes and adjustments: tests/integration/
    # test_payment_runs.py proves another provider's run and line answer 404.
    "payment-runs",
    "payment-run-lines",
    "statements",
    "disputes",
    "payment-disputes",
    "adjustments",
    "contracts",
}
"""Kinds the world holds no labelled record of: their routes are probed with missing ids
only, which still proves that they answer and never fail."""


AGGREGATES = ("/monitoring", "/kpis", "/exports", "/app/kpis", "/app/returns", "/app/spend")
"""Figures summed over a council's or a provider's records, slow to compute: read by one
user of each kind rather than by all."""
SAMPLE_USERS = ["leeds_commissioner", "bradford_broker", "nurse", "aire", "aire_carer", "family_a"]


@dataclass
class Tally:
    probes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


@dataclass
class Battery:
    tenancy: Tenancy
    app: FastAPI
    engine: Engine
    api: TestClient
    pages: dict[str, TestClient]
    tokens: dict[str, str]
    tally: Tally

    def call(self, user: str, route: Route, path: str) -> httpx.Response:
        response: httpx.Response
        if route.page:
            data = {**FORM, "csrf_token": self.tokens[user]} if route.method != "GET" else None
            response = self.pages[user].request(
                route.method, path, data=data, follow_redirects=False
            )
        else:
            response = self.api.request(
                route.method,
                path,
                json=BODIES.get(route.path),
                headers={"Authorization": f"Bearer {self.tenancy.tokens[user]}"},
            )
        return response


@pytest.fixture(scope="module")
def battery(module_engine: Engine) -> Iterator[Battery]:
    with pytest.MonkeyPatch.context() as patch:
        # Sixteen users sign in: the shipped hasher's cost would be most of the run.
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64))
        yield _battery(module_engine)


def _battery(module_engine: Engine) -> Battery:
    tally = Tally()
    clock = FixedClock(MONDAY_10AM)
    settings = Settings(
        database_url="unused://",
        offer_response_hours=4,
        priority_offer_response_hours=1,
        https=True,
    )
    app = create_app(settings, engine=module_engine, clock=clock)
    api = TestClient(app, base_url="https://testserver")
    tenancy = build_tenancy(module_engine, api)
    pages, tokens = {}, {}
    for user, email in tenancy.emails.items():
        pages[user] = TestClient(app, base_url="https://testserver")
        assert sign_in(pages[user], email).status_code == 303, user
        home = pages[user].get("/", follow_redirects=True)
        found = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
        assert found, f"{user}: no form token on the home page"
        tokens[user] = found.group(1)
    return Battery(tenancy, app, module_engine, api, pages, tokens, tally)


def _probe(b: Battery, user: str, route: Route, path: str, label: str) -> httpx.Response:
    response = b.call(user, route, path)
    b.tally.probes[label] += 1
    if response.status_code >= 500:
        b.tally.problems.append(f"{user} {route.method} {path}: {response.status_code}")
    return response


def _compare(
    route: Route, theirs: httpx.Response, missing: httpx.Response, ident: int
) -> str | None:
    """Why somebody else's record answered differently from a missing one, or None."""
    if theirs.status_code != missing.status_code:
        return f"{theirs.status_code} for a foreign id, {missing.status_code} for a missing one"
    expected = as_if(missing.text, MISSING, ident)
    if route.page:
        if not same_page(theirs.text, expected):
            return "the page differs from the missing record's"
    elif theirs.text != expected:
        return f"body {theirs.text[:200]!r} differs from {expected[:200]!r}"
    return None


def _users(b: Battery) -> list[str]:
    return sorted(set(b.tenancy.users) & set(b.tenancy.tokens))


def _probe_route(b: Battery, route: Route, users: list[str], label: str) -> Counter[str]:
    """Probes one route as every user; counts the statuses own and foreign ids answered."""
    kind = kind_of(route.path)
    answers: Counter[str] = Counter()
    for user in users:
        if route.page and user not in b.pages:
            continue
        who = b.tenancy.users[user]
        records = b.tenancy.of_kind(kind)
        missing = _probe(b, user, route, fill(route.path, MISSING), label)
        foreign = _one_per_owner([r for r in records if r.foreign_to(who)])
        for record in foreign:
            path = fill(route.path, record.id)
            theirs = _probe(b, user, route, path, label)
            answers[f"foreign {theirs.status_code}"] += 1
            why = _compare(route, theirs, missing, record.id)
            if why:
                b.tally.problems.append(f"{user} {route.method} {path} ({record}): {why}")
            if route.method != "GET" and theirs.status_code not in (403, 404):
                b.tally.problems.append(
                    f"{user} {route.method} {path}: a foreign write answered {theirs.status_code}"
                )
        if route.method == "GET":
            for record in [r for r in records if r.own_to(who)][:1]:
                own = _probe(b, user, route, fill(route.path, record.id), label)
                answers[f"own {own.status_code}"] += 1
    return answers


def _one_per_owner(records: list[Record]) -> list[Record]:
    """Somebody else's records, one for each kind of owner (council, provider, family,
    trust), so every other tenant is probed without probing all of its rows."""
    first: dict[tuple[Any, ...], Record] = {}
    for r in records:
        first.setdefault((r.council, r.provider, r.family, r.by_trust), r)
    return list(first.values())


def _id_routes(b: Battery, method: str | None) -> list[Route]:
    return [
        r
        for r in routes_of(b.app)
        if id_params(r.path) and ((r.method == "GET") == (method == "GET"))
    ]


def test_every_read_of_somebody_elses_record_answers_as_a_missing_one(battery: Battery) -> None:
    start = len(battery.tally.problems)
    routes = _id_routes(battery, "GET")
    unseen: list[str] = []

    for route in routes:
        answers = _probe_route(battery, route, _users(battery), "reads")
        if not answers["own 200"] and kind_of(route.path) not in UNSEEDED:
            unseen.append(f"GET {route.path}: no user read their own record ({answers})")

    assert len(routes) > 30
    assert {kind_of(r.path) for r in routes} - set(_kinds(battery)) <= UNSEEDED
    problems = battery.tally.problems[start:] + unseen
    assert problems == [], "\n".join(problems)


def test_a_refused_write_with_somebody_elses_id_changes_no_row(battery: Battery) -> None:
    start = len(battery.tally.problems)
    routes = _id_routes(battery, None)
    unchecked: list[str] = []

    for route in routes:
        before = store_fingerprint(battery.engine)
        answers = _probe_route(battery, route, _users(battery), "writes")
        after = store_fingerprint(battery.engine)
        if after != before:
            changed = sorted(t for t in before if before[t] != after.get(t))
            battery.tally.problems.append(f"{route.method} {route.path} changed {changed}")
        if not answers["foreign 404"] and kind_of(route.path) not in UNSEEDED:
            unchecked.append(
                f"{route.method} {route.path}: no write reached the record ({answers})"
            )

    assert len(routes) > 25
    assert battery.tally.probes["writes"] > 500
    problems = battery.tally.problems[start:] + unchecked
    assert problems == [], "\n".join(problems)


def test_no_list_names_somebody_elses_person_or_their_records(battery: Battery) -> None:
    start = len(battery.tally.problems)
    t = battery.tenancy
    named: set[str] = set()
    lists = [r for r in routes_of(battery.app) if r.method == "GET" and not id_params(r.path)]

    for route in lists:
        path = fill(route.path, 0)
        aggregate = route.path.startswith(AGGREGATES)
        for user in SAMPLE_USERS if aggregate else _users(battery):
            if route.page and user not in battery.pages:
                continue
            who = t.users[user]
            response = _probe(battery, user, route, path, "lists")
            named |= {name for name in t.surnames.values() if name in response.text}
            strangers = [name for pid, name in t.surnames.items() if t.person(pid).foreign_to(who)]
            seen = [name for name in strangers if name in response.text]
            if seen:
                battery.tally.problems.append(f"{user} GET {path} names {seen}")
            if not route.page and response.status_code == 200:
                battery.tally.problems.extend(_foreign_rows(battery, user, route.path, response))

    assert len(lists) > 40
    assert named == set(t.surnames.values()), "some person is named in no list at all"
    problems = battery.tally.problems[start:]
    assert problems == [], "\n".join(problems)


def _kinds(b: Battery) -> set[str]:
    return {r.kind for r in b.tenancy.records}


def _foreign_rows(b: Battery, user: str, path: str, response: httpx.Response) -> list[str]:
    """Rows of a JSON list whose id is somebody else's record of the list's kind."""
    body = response.json() if "json" in response.headers.get("content-type", "") else None
    if not isinstance(body, list):
        return []
    who = b.tenancy.users[user]
    foreign = {r.id for r in b.tenancy.of_kind(kind_of(path)) if r.foreign_to(who)}
    return [
        f"{user} GET {path} lists {kind_of(path)} {row['id']}"
        for row in body
        if isinstance(row, dict) and row.get("id") in foreign
    ]


def _report(path: Path, database: str, figures: dict[str, Any]) -> None:
    """Adds this battery's figures to the report, keeping what other batteries wrote."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = {}
    report = found if isinstance(found, dict) else {}
    mine = report.get("tenancy_probes")
    report["tenancy_probes"] = {**(mine if isinstance(mine, dict) else {}), database: figures}
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def test_the_battery_ran_enough_probes_and_reports_its_figures(battery: Battery) -> None:
    """Last in the module: the figures of the three probes above."""
    tally = battery.tally
    total = sum(tally.probes.values())
    seconds = round(time.monotonic() - tally.started, 1)
    figures = {"probes": total, **tally.probes, "problems": len(tally.problems), "seconds": seconds}
    print(f"\ntenancy probes: {json.dumps(figures)}")
    report = os.environ.get("HOMECARE_RELIABILITY_REPORT")
    if report:
        _report(Path(report), battery.engine.dialect.name, figures)

    assert total >= 2000, f"only {total} probes ran: run the whole module"
    assert tally.problems == []
