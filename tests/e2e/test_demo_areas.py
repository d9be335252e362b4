"""`homecare demo` for every area the project ships, each in a store of its own.

The areas come from the scenario's profiles, so a new area is covered as soon as it is
added. Each run is as short as the command allows: the month of brokerage, the first day of
delivery with its monitoring, and no rounds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from homecare.scenario.figures import PROFILES, AreaProfile

TODAY = "2026-11-30T23:30"
"""Late on a Monday: the month of brokerage (2 to 29 November) and its first whole day of
delivery, 30 November. A day is enough to show the area's care delivered; the longer runs
are `homecare demo` itself, in tests/e2e/test_cli.py."""


def run_demo(tmp_path: Path, area: str) -> tuple[dict[str, Any], str]:
    """The demo's summary and what it printed, on a fresh SQLite store."""
    summary = tmp_path / "summary.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "homecare.cli",
            "demo",
            "--area",
            area,
            "--today",
            TODAY,
            "--weeks",
            "1",
            "--rounds-seconds",
            "0",
            "--summary-json",
            str(summary),
            "--returns",
            str(tmp_path / "returns"),
            "--database-url",
            f"sqlite:///{tmp_path / 'demo.db'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(summary.read_text()), result.stdout


LARGE_AREA_PEOPLE = 1000
"""An area bigger than this (Leicester, some 2,250 people) takes over a minute to build and
broker: it runs in `make test-long`, so `make test` keeps under 20 minutes."""


@pytest.mark.parametrize(
    "area",
    [
        pytest.param(key, marks=pytest.mark.long) if profile.people > LARGE_AREA_PEOPLE else key
        for key, profile in sorted(PROFILES.items())
    ],
)
def test_the_demo_builds_every_shipped_area_and_plays_a_day_of_delivery(
    tmp_path: Path, area: str
) -> None:
    profile = PROFILES[area]
    summary, printed = run_demo(tmp_path, area)

    assert summary["area"] == area
    _assert_the_area_is_built_to_its_figures(summary, profile)
    _assert_the_month_went_through_brokerage(summary, profile)
    _assert_a_day_of_care_was_delivered(summary)
    assert "rounds" not in summary
    for role in ("commissioner", "broker", "social worker", "nurse", "care worker", "family"):
        assert f"  {role}: " in printed, f"no {role} to sign in as"


def _assert_the_area_is_built_to_its_figures(summary: dict[str, Any], profile: AreaProfile) -> None:
    assert 0.9 * profile.people <= summary["people"] <= 1.05 * profile.people
    assert 0.9 * profile.weekly_hours <= summary["weekly_hours"] <= 1.05 * profile.weekly_hours
    assert abs(summary["two_handed_share"] - profile.two_handed_share) <= 0.03
    packages = summary["packages_by_provider"]
    assert len(packages) == profile.providers
    assert all(p["packages"] > 0 for p in packages.values())


def _assert_the_month_went_through_brokerage(summary: dict[str, Any], profile: AreaProfile) -> None:
    brokerage = summary["brokerage"]
    assert summary["referrals"] == brokerage["referrals"] == profile.referrals_per_month
    assert brokerage["offers"] >= brokerage["referrals"]
    assert brokerage["accepted"] > 0.9 * brokerage["referrals"]
    assert set(summary["kpis"]) == {str(n) for n in range(1, 8)}


def _assert_a_day_of_care_was_delivered(summary: dict[str, Any]) -> None:
    period = summary["delivery"]["period"]
    days = (date.fromisoformat(period["to"]) - date.fromisoformat(period["from"])).days + 1
    assert days == 1
    visits = summary["visits"]
    delivered = visits["completed"] + visits["late"] + visits["short"]
    excluded = (
        visits["cancelled_by_person"] + visits["not_at_home"] + visits["suspended_in_hospital"]
    )
    assert visits["planned"] > 0
    assert delivered / (visits["planned"] - excluded) >= 0.97
    assert summary["delivery"]["events_sent"] > 0
    assert summary["monitoring"]["cld"]["problems"] == 0
