"""The `homecare` command as a newcomer runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from tests.support.pgserver import TemporaryPostgres, free_port


def homecare(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "homecare.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "120", **(env or {})},
        check=False,
    )


TODAY = "2026-11-30T07:30"
"""The demo's clock: Monday morning after 4-week period 12 of 2026 (2 to 29 November)."""


def run_demo(
    tmp_path: Path, name: str, *extra: str, rounds: float = 0, weeks: int = 0
) -> dict[str, Any]:
    summary = tmp_path / f"{name}.json"
    result = homecare(
        "demo",
        "--today",
        TODAY,
        "--summary-json",
        str(summary),
        "--database-url",
        f"sqlite:///{tmp_path / name}.db",
        "--rounds-seconds",
        str(rounds),
        "--weeks",
        str(weeks),
        *extra,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(summary.read_text())  # type: ignore[no-any-return]


def test_the_demo_prints_and_writes_the_pilot_summary(tmp_path: Path) -> None:
    summary = run_demo(tmp_path, "a", rounds=5, weeks=5)  # 2 November to the clock

    assert {
        "people",
        "weekly_hours",
        "two_handed_share",
        "packages_by_provider",
        "awaiting",
        "kpis",
    } <= set(summary)
    assert 195 <= summary["people"] <= 215
    assert 3150 <= summary["weekly_hours"] <= 3350
    assert 0.19 <= summary["two_handed_share"] <= 0.23
    for kpi in summary["kpis"].values():
        assert {"value", "target", "met"} <= set(kpi)
    rounds = summary["rounds"]
    assert (rounds["first_day"], rounds["last_day"]) == ("2026-11-30", "2026-12-07")
    assert 4600 <= rounds["visits"] <= 7000  # eight days
    assert rounds["unsynchronised_double_ups"] == 0
    assert rounds["unplaced"] < rounds["greedy_unplaced"]
    visits = summary["visits"]
    assert 18_000 <= visits["planned"] <= 22_000
    delivered = visits["completed"] + visits["late"] + visits["short"]
    excluded = visits["cancelled_by_person"] + visits["not_at_home"]
    excluded += visits["suspended_in_hospital"]
    today = summary["today"]  # the clock's morning: most of its visits are still to come
    excluded += today["due"] + today["checked_in"] + today["late"]
    assert delivered / (visits["planned"] - excluded) >= 0.97
    assert 0 < visits["missed"] < 0.02 * visits["planned"]
    assert 0 < visits["cancelled_by_person"] < 0.05 * visits["planned"]
    bank = summary["time_bank"]
    assert bank["packages_on_envelopes"] > 0 and bank["hours_banked"] > 0
    assert bank["hours_drawn"] > 0
    changes = summary["changes"]
    assert changes["provider_led"] > 0
    assert changes["approved"] + changes["amended"] + changes["reversed"] > 0
    assert summary["reviews"]["due"] >= summary["reviews"]["done"] > 0
    assert summary["outcomes"]["rated"] > 0
    assert set(summary["measures"]) == {str(n) for n in range(1, 30)}
    assert set(summary["kpis"]) == {str(n) for n in range(1, 8)}
    assert summary["kpis"]["7"]["value"] >= 97
    monitoring = summary["monitoring"]
    assert monitoring["period"] == "2026-P12"
    assert monitoring["cld"]["problems"] == 0 and monitoring["cld"]["rows"] > 0
    workbook = load_workbook(tmp_path / "returns" / "monitoring-return-2026-P12-all-providers.xlsx")
    assert "KPIs" in workbook.sheetnames
    assert (tmp_path / "returns" / "cld-E08000035-2026Q4.csv").exists()
    money = summary["money"]
    runs = money["payment_runs"]  # the last 4-week period that ended: 2 to 29 November
    assert {r["period"] for r in runs} == {"2026-P12"} and len(runs) == 7
    paid = sum(r["payable_pence"] for r in runs)
    # All four of its weeks were played: 4 × some 3,300 hours at about £26.40, ~£350,000.
    assert 30_000_000 <= paid <= 40_000_000
    assert sum(r["exceptions"] for r in runs) < 0.01 * visits["planned"]
    budget = money["budget"]
    # The £4.5m year's lines from 2 November, the demo's first day of care: 150 of 365
    # days, each line half up: £1,610,958.90 + £61,643.84 + £115,068.49 + £61,643.84.
    assert (budget["budget_pence"], budget["contingency_pence"]) == (184_931_507, 35_700_000)
    assert budget["actual_pence"] == paid
    assert budget["forecast_pence"] >= budget["actual_pence"] + budget["committed_pence"] > paid
    assert money["cost_of_care_pence"] == 2622


@pytest.mark.long
def test_the_same_seed_builds_the_same_month(tmp_path: Path) -> None:
    first = run_demo(tmp_path, "first", "--seed", "11", weeks=1)
    second = run_demo(tmp_path, "second", "--seed", "11", weeks=1)
    other = run_demo(tmp_path, "other", "--seed", "12", weeks=1)
    for summary in (first, second, other):
        summary.pop("seconds")
        summary["delivery"].pop("seconds")
    assert first == second
    assert first != other


@pytest.mark.long  # the integration suite and the durability test run the store on PostgreSQL
def test_the_demo_runs_on_postgresql(tmp_path: Path, pg_server: TemporaryPostgres) -> None:
    admin = create_engine(pg_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE cli_demo"))
    admin.dispose()
    summary_path = tmp_path / "pg.json"
    result = homecare(
        "demo",
        "--today",
        "2026-11-30T23:30",
        "--summary-json",
        str(summary_path),
        "--database-url",
        pg_server.url("cli_demo"),
        "--rounds-seconds",
        "2",
        "--weeks",
        "1",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(summary_path.read_text())
    assert 195 <= summary["people"] <= 215
    assert summary["visits"]["completed"] > 500  # its one day, 30 November


@pytest.mark.long
def test_simulate_plays_the_weeks_asked_for(tmp_path: Path) -> None:
    summary_path = tmp_path / "sim.json"
    result = homecare(
        "simulate",
        "--weeks",
        "2",
        "--today",
        "2026-12-06T23:30",
        "--summary-json",
        str(summary_path),
        "--database-url",
        f"sqlite:///{tmp_path / 'sim.db'}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(summary_path.read_text())
    assert summary["delivery"]["period"] == {"from": "2026-11-23", "to": "2026-12-06"}
    assert 9_000 <= summary["visits"]["planned"] <= 11_000
    assert "Playing delivery from 2026-11-23 to 2026-12-06 23:30" in result.stdout


def test_an_unknown_area_is_refused_with_the_choices(tmp_path: Path) -> None:
    result = homecare("demo", "--area", "atlantis", cwd=tmp_path)
    assert result.returncode != 0
    assert "leeds-pilot" in result.stdout + result.stderr


@pytest.fixture
def served_store(tmp_path: Path) -> tuple[str, Path]:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    run_demo(tmp_path, "served")
    return url, tmp_path


def test_a_user_created_on_the_command_line_can_use_the_served_api(
    served_store: tuple[str, Path],
) -> None:
    url, folder = served_store
    created = homecare(
        "users",
        "create",
        "--organisation",
        "Leeds City Council",
        "--role",
        "broker",
        "--name",
        "Asha Broker",
        "--email",
        "asha@leeds.example",
        "--database-url",
        url,
        cwd=folder,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    token = created.stdout.split("Bearer token (shown once):")[1].split()[0]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "homecare.cli", "serve", "--port", str(port), "--database-url", url],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/health")
        request = urllib.request.Request(
            f"{base}/awaiting-care", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert isinstance(json.loads(response.read()), list)
        with urllib.request.urlopen(f"{base}/docs", timeout=10) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_user_for_an_unknown_organisation_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert homecare("db", "upgrade", "--database-url", url, cwd=tmp_path).returncode == 0
    result = homecare(
        "users",
        "create",
        "--organisation",
        "Nowhere Council",
        "--role",
        "broker",
        "--name",
        "X",
        "--email",
        "x@example.org",
        "--database-url",
        url,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "organisation" in result.stdout


def _wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_returns_writes_a_providers_own_return_and_refuses_a_stranger(
    served_store: tuple[str, Path],
) -> None:
    url, folder = served_store
    written = homecare(
        "returns",
        "--period",
        "2026-P11",
        "--provider",
        "Aire Valley Home Care",
        "--database-url",
        url,
        cwd=folder,
    )
    assert written.returncode == 0, written.stdout + written.stderr
    book = load_workbook(
        folder / "returns" / "monitoring-return-2026-P11-aire-valley-home-care.xlsx"
    )
    providers = {row[6] for row in book["Demand"].iter_rows(min_row=2, values_only=True)}
    assert providers <= {"Aire Valley Home Care", "All"}
    refused = homecare(
        "returns",
        "--period",
        "2026-P11",
        "--provider",
        "Nobody Care",
        "--database-url",
        url,
        cwd=folder,
    )
    assert refused.returncode == 2
