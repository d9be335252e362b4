"""The monitoring return people download: a workbook and CSV carrying the computed figures."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from tests.conftest import auth
from tests.support.caseload import place_package
from tests.support.world import World

PERIOD = "2026-W41"  # Monday 5 to Sunday 11 October 2026
SHEETS = [
    "Return",
    "Demand",
    "Capacity",
    "Leading",
    "Lagging - system",
    "Lagging - wider system",
    "KPIs",
    "Definitions",
]


@pytest.fixture
def caseload(engine: Engine, world: World, client: TestClient) -> None:
    place_package(engine, world, nhs_number="9990000018")
    place_package(engine, world, nhs_number="9990000026", provider="Bramley Care")
    generated = client.post(
        "/visits/generate",
        json={"start": "2026-10-05", "end": "2026-10-11"},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert generated.status_code == 200, generated.text


def _workbook(client: TestClient, token: str, **params: str) -> bytes:
    response = client.get(
        "/monitoring/returns", params={"period": PERIOD, **params}, headers=auth(token)
    )
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.content


@pytest.mark.usefixtures("caseload")
def test_the_councils_workbook_carries_every_measure_as_numbers_beside_the_api(
    client: TestClient, world: World
) -> None:
    token = world.tokens["commissioner"]
    book = load_workbook(io.BytesIO(_workbook(client, token)))
    api = client.get("/monitoring/measures", params={"period": PERIOD}, headers=auth(token))
    assert api.status_code == 200, api.text

    assert book.sheetnames == SHEETS
    assert book["Return"]["B3"].value.date() == date(2026, 10, 5)
    in_book = {}
    for title in SHEETS[1:6]:
        sheet = book[title]
        assert sheet.freeze_panes == "A2"
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2, values_only=True):
            cells = dict(zip(header, row, strict=True))
            key = (cells["Measure"], cells["Part"], cells["Provider"], cells["Lot"])
            in_book[key] = cells["Value"]
    expected = {
        (r["measure"], r["part"], r["provider_name"] or "All", r["lot"] or "All"): r["value"]
        for r in api.json()["rows"]
    }
    assert in_book == pytest.approx(expected)
    assert {m for m, *_ in in_book} == set(range(1, 30))
    care_plan_hours = [
        v for (m, _, who, lot), v in in_book.items() if (m, who, lot) == (10, "All", "All")
    ]
    assert care_plan_hours and all(isinstance(v, float | int) and v > 0 for v in care_plan_hours)
    kpis = book["KPIs"]
    assert [c.value for c in kpis[1]][:8] == [
        "KPI",
        "Name",
        "Period",
        "Provider",
        "Lot",
        "Value %",
        "Target %",
        "RAG",
    ]
    assert sorted({row[0] for row in kpis.iter_rows(min_row=2, values_only=True)}) == list(
        range(1, 8)
    )


@pytest.mark.usefixtures("caseload")
def test_a_provider_downloads_only_its_own_return(client: TestClient, world: World) -> None:
    aire = world.tokens["Aire Homecare"]
    book = load_workbook(io.BytesIO(_workbook(client, aire)))
    named = {
        row[6]
        for title in SHEETS[1:6]
        for row in book[title].iter_rows(min_row=2, values_only=True)
    }
    assert named <= {"Aire Homecare", "All"}
    other = client.get(
        "/monitoring/returns",
        params={"period": PERIOD, "provider_id": world.providers["Bramley Care"]},
        headers=auth(aire),
    )
    assert other.status_code == 404


@pytest.mark.usefixtures("caseload")
def test_the_return_comes_as_csv_too(client: TestClient, world: World) -> None:
    response = client.get(
        "/monitoring/returns",
        params={"period": PERIOD, "format": "csv"},
        headers=auth(world.tokens["commissioner"]),
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["Kind"] for r in rows} == {"measure", "kpi"}
    assert {int(r["Measure"]) for r in rows if r["Kind"] == "kpi"} == set(range(1, 8))


def test_a_malformed_period_is_refused_naming_it(client: TestClient, world: World) -> None:
    response = client.get(
        "/monitoring/returns",
        params={"period": "2026-W99"},
        headers=auth(world.tokens["commissioner"]),
    )
    assert response.status_code == 422
    assert "period" in response.text
