"""The monitoring API: who sees which rows, period errors, and the return it shares.

One store per database for the module (the engines-agree test's), with the clock on
Monday 5 October 2026. Leeds contracts all four providers; Bradford contracts Aire too
and has one person of its own with Aire.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.accounts.service import actor_for_token
from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.monitoring.service import compute_return, current_period
from tests.conftest import auth
from tests.integration.test_monitoring_engines_agree import populate
from tests.support.world import MONDAY_10AM, World, build_world

AIRE, KIRKSTALL = "Aire Homecare", "Kirkstall Care"
Json = dict[str, Any]


@pytest.fixture(scope="module")
def api(module_engine: Engine) -> Iterator[tuple[TestClient, World, Engine]]:
    world = build_world(module_engine)
    populate(module_engine, world)
    settings = Settings(database_url="unused://")
    app = create_app(settings, engine=module_engine, clock=FixedClock(MONDAY_10AM))
    yield TestClient(app), world, module_engine


def _get(client: TestClient, world: World, who: str, path: str, status: int = 200) -> Json:
    response = client.get(path, headers=auth(world.tokens[who]))
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_provider_manager_sees_only_their_own_providers_rows(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, _ = api
    aire = world.providers[AIRE]

    body = _get(client, world, AIRE, "/monitoring/measures?period=2026-P08")
    kpis = _get(client, world, AIRE, "/monitoring/kpis?period=2026-P08")

    assert {r["provider_id"] for r in body["rows"]} == {aire}
    assert {r["provider_id"] for r in kpis["rows"]} == {aire}
    assert [p["id"] for p in body["providers"]] == [aire]
    assert {r["measure"] for r in body["rows"]} == set(range(1, 30))


def test_a_provider_manager_asking_for_another_providers_figures_is_told_not_found(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, _ = api
    kirkstall = world.providers[KIRKSTALL]
    aire = world.providers[AIRE]

    refused = _get(
        client, world, AIRE, f"/monitoring/measures?period=2026-P08&provider_id={kirkstall}", 404
    )
    own = _get(client, world, AIRE, f"/monitoring/kpis?period=2026-P08&provider_id={aire}")

    assert "not found" in refused["detail"]
    assert {r["provider_id"] for r in own["rows"]} == {aire}


def test_council_staff_see_every_provider_contracted_with_them_and_the_totals(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, _ = api

    body = _get(client, world, "commissioner", "/monitoring/measures?period=2026-P08")
    social_worker = _get(client, world, "social_worker", "/monitoring/kpis?period=2026-P08")

    assert {r["provider_id"] for r in body["rows"]} == {*world.providers.values(), None}
    assert {r["provider_id"] for r in social_worker["rows"]} == {*world.providers.values(), None}
    total = next(
        r
        for r in body["rows"]
        if r["measure"] == 5 and r["provider_id"] is None and r["lot"] is None
    )
    assert total["provider_name"] is None and total["value"] > 0


def test_another_council_sees_only_its_own_people_at_a_shared_provider(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, _ = api
    aire = world.providers[AIRE]

    body = _get(client, world, "other_council_broker", "/monitoring/measures/5?period=2026-P08")
    _get(
        client,
        world,
        "other_council_broker",
        f"/monitoring/kpis?period=2026-P08&provider_id={world.providers[KIRKSTALL]}",
        404,
    )

    people = {(r["provider_id"], r["lot"]): r["value"] for r in body["rows"]}
    assert people[(aire, None)] == 1  # Bradford's one person, not Leeds's
    assert set(people) == {(aire, 1), (aire, None), (None, 1), (None, None)}


@pytest.mark.parametrize("who", ["nurse"])
def test_roles_without_monitoring_are_refused(
    api: tuple[TestClient, World, Engine], who: str
) -> None:
    client, world, _ = api

    for path in (
        "/monitoring/measures",
        "/monitoring/kpis",
        "/monitoring/measures/5",
        "/monitoring/definitions",
    ):
        _get(client, world, who, f"{path}?period=2026-P08", 403)


def test_no_token_is_no_access(api: tuple[TestClient, World, Engine]) -> None:
    client, _, _ = api

    assert client.get("/monitoring/kpis?period=2026-P08").status_code == 401


def test_a_malformed_period_is_a_422_naming_the_period(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, _ = api

    # One case; tests/unit/monitoring/test_periods.py works the others.
    for path in ("/monitoring/measures", "/monitoring/kpis", "/monitoring/measures/3"):
        body = _get(client, world, "commissioner", f"{path}?period=2026-P14", 422)
        assert body["field"] == "period"


def test_without_a_period_the_current_four_week_period_is_reported(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, _ = api

    body = _get(client, world, "commissioner", "/monitoring/kpis")

    # Monday 5 October 2026 is in ISO week 41: the 4-week period P11 (weeks 41-44).
    assert body["period"]["label"] == current_period(MONDAY_10AM).label == "2026-P11"
    assert body["period"]["start"] == "2026-10-05"


@pytest.mark.parametrize("number", [0, 30, 99])
def test_a_measure_outside_1_to_29_is_not_found(
    api: tuple[TestClient, World, Engine], number: int
) -> None:
    client, world, _ = api

    _get(client, world, "commissioner", f"/monitoring/measures/{number}?period=2026-P08", 404)


def test_one_measure_comes_with_its_definition(api: tuple[TestClient, World, Engine]) -> None:
    client, world, _ = api

    body = _get(client, world, "commissioner", "/monitoring/measures/9?period=2026Q3")

    assert body["definition"]["number"] == 9
    assert body["definition"]["cadence"] == "weekly"
    assert {r["measure"] for r in body["rows"]} == {9}
    median = next(
        r
        for r in body["rows"]
        if r["part"] == "median_days" and r["provider_id"] is None and r["lot"] is None
    )
    assert median["denominator"] == len(median["cases"]) > 0


def test_kpis_come_with_targets_colours_and_the_cases_behind_each_miss(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, _ = api

    body = _get(client, world, "commissioner", "/monitoring/kpis?period=2026-P08")

    totals = {r["kpi"]: r for r in body["rows"] if r["provider_id"] is None and r["lot"] is None}
    assert sorted(totals) == [1, 2, 3, 4, 5, 6, 7]
    visits = totals[7]
    assert visits["missed"]["kind"] == "visit"
    assert len(visits["missed"]["ids"]) == visits["eligible"] - visits["met"] > 0
    assert visits["rag"] in ("green", "amber", "red") and visits["target_pct"] == 98.0
    assert totals[1]["missed"]["kind"] == "referral" and totals[1]["missed"]["ids"]
    assert {r["lot"] for r in body["rows"] if r["kpi"] == 6} == {1, None}
    assert "5 percentage points" in body["rag_rule"]


def test_a_lot_filter_keeps_that_lots_rows_and_an_unknown_lot_is_not_found(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, _ = api

    body = _get(client, world, "commissioner", "/monitoring/measures?period=2026-P08&lot=2")
    _get(client, world, "commissioner", "/monitoring/measures?period=2026-P08&lot=3", 404)

    assert body["rows"] and {r["lot"] for r in body["rows"]} == {2}


def test_definitions_list_every_measure_and_kpi(api: tuple[TestClient, World, Engine]) -> None:
    client, world, _ = api

    body = _get(client, world, AIRE, "/monitoring/definitions")

    assert [m["number"] for m in body["measures"]] == list(range(1, 30))
    assert [(k["number"], k["target_pct"]) for k in body["kpis"]][:2] == [(1, 95.0), (2, 80.0)]
    assert "2026-P08" in body["periods"]


def test_the_return_a_returns_writer_computes_has_the_apis_rows(
    api: tuple[TestClient, World, Engine],
) -> None:
    client, world, engine = api
    with unit_of_work(engine) as session:
        actor = actor_for_token(session, world.tokens[AIRE])

        inside = compute_return(session, actor=actor, period="2026-P08", now=MONDAY_10AM)
    fast = compute_return(engine, actor=actor, period="2026-P08", now=MONDAY_10AM)
    measures = _get(client, world, AIRE, "/monitoring/measures?period=2026-P08")
    kpis = _get(client, world, AIRE, "/monitoring/kpis?period=2026-P08")

    assert [r.model_dump(mode="json") for r in fast.measures] == measures["rows"]
    assert [r.model_dump(mode="json") for r in fast.kpis] == kpis["rows"]
    assert inside.measures == fast.measures and inside.kpis == fast.kpis
    assert fast.period.label == "2026-P08" and len(fast.definitions.measures) == 29
    assert fast.council_id is None and [p.id for p in fast.providers] == [world.providers[AIRE]]
