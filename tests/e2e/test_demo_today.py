"""`homecare demo --today` leaves every demo account with work on the demo's day.

The demo is run as an operator runs it, with its clock set to three moments of one
Monday (early, lunchtime, evening), one week of delivery and a little search for the
rounds; then each demo account signs in to the app, served on the same clock, and its
landing page (and for the provider's manager, today's rounds) must hold today's work.

The lunchtime demo is also served by `homecare serve` and used in Chromium by every demo
account, and the README's screenshots are taken from it (tests/e2e/demo_pages.py).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from homecare.accounts.tables import UserAccount
from homecare.api.app import create_app
from homecare.calendar import LONDON
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import make_engine
from homecare.packages.tables import Package
from homecare.scenario.build import DEMO_PASSWORD
from homecare.web.render import VENDOR_CSS
from tests.support.pgserver import free_port
from tests.support.web_client import csrf_token

MONDAY = date(2026, 12, 7)
README = Path(__file__).resolve().parents[2] / "README.md"
Demo = tuple[str, dict[str, Any]]
"""The demo's store (its database URL) and the summary it wrote."""


def _demo(folder: Path, clock: str) -> tuple[str, dict[str, Any]]:
    url = f"sqlite:///{folder / 'demo.db'}"
    summary = folder / "summary.json"
    result = subprocess.run(
        [
            sys.executable, "-m", "homecare.cli", "demo", "--today", clock, "--weeks", "3",
            "--rounds-seconds", "2", "--summary-json", str(summary), "--returns",
            str(folder / "returns"), "--database-url", url,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return url, json.loads(summary.read_text())


def _landing(browser: TestClient, email: str) -> tuple[str, str]:
    form = browser.get("/sign-in")
    answer = browser.post(
        "/sign-in",
        data={"csrf_token": csrf_token(form.text), "email": email, "password": DEMO_PASSWORD},
    )
    assert answer.status_code == 200, (email, answer.status_code)
    return answer.url.path, answer.text


def _moment(clock: str) -> datetime:
    hour, minute = map(int, clock.split(":"))
    return datetime(2026, 12, 7, hour, minute, tzinfo=LONDON)


@pytest.fixture(scope="module")
def demo_at(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Demo]:
    """The demo run once for each clock ("13:00") the module's tests ask for."""
    runs: dict[str, Demo] = {}

    def run(clock: str) -> Demo:
        if clock not in runs:
            folder = tmp_path_factory.mktemp(f"demo-{clock.replace(':', '')}")
            runs[clock] = _demo(folder, _moment(clock).isoformat(timespec="minutes"))
        return runs[clock]

    return run


@pytest.mark.parametrize(
    "clock",
    [
        pytest.param("07:30", marks=pytest.mark.long),
        "13:00",
        pytest.param("21:00", marks=pytest.mark.long),
    ],
)
def test_every_demo_account_lands_on_todays_work_at_any_time_of_day(
    demo_at: Callable[[str], Demo], clock: str
) -> None:
    now = _moment(clock)
    url, summary = demo_at(clock)
    engine = make_engine(url)
    with engine.connect() as conn:
        accounts = conn.execute(
            select(UserAccount.role, UserAccount.email, UserAccount.organisation_id)
        ).all()
    emails = {role: email for role, email, _ in accounts if role != "provider_manager"}
    carers_provider = next(org for role, _, org in accounts if role == "care_worker")
    emails["provider_manager"] = next(
        email
        for role, email, org in accounts
        if (role, org) == ("provider_manager", carers_provider)
    )
    settings = Settings(database_url=url, secret_key=SecretStr("demo test"))

    def browser() -> TestClient:
        app = create_app(settings, engine=engine, clock=FixedClock(now))
        return TestClient(app, base_url="https://testserver")

    today = summary["today"]
    assert today["as_of"] == now.isoformat()
    assert today["visits"] > 500
    done = today["completed"] + today["missed"] + today["not_at_home"]
    assert (
        today["visits"]
        == done + today["checked_in"] + today["due"] + today["late"] + (today["not_needed"])
    )
    # At 07:30 the first visits, from 7, are under way; at 21:00 bedtimes still wait.
    assert done + today["checked_in"] > 0 and today["due"] > 0

    path, page = _landing(browser(), emails["care_worker"])
    assert path == "/app/today" and "Monday 7 December 2026" in page
    assert "You have no visits today" not in page

    path, page = _landing(browser(), emails["person"])
    assert path == "/app/my-care" and "Monday 7 December 2026" in page
    assert "Your time bank" in page

    manager = browser()
    path, page = _landing(manager, emails["provider_manager"])
    rounds = manager.get(f"/app/rounds/{MONDAY.isoformat()}")
    assert rounds.status_code == 200 and "No rounds are planned" not in rounds.text
    # A day of some 57 care workers' rounds stays a light page: under 150 KB of HTML.
    assert rounds.text.count('<tr class="govuk-table__row">') > 50
    assert len(rounds.content) < 150_000, len(rounds.content)

    path, page = _landing(browser(), emails["commissioner"])
    assert path == "/app/kpis" and "%</td>" in page  # the last whole period's KPIs

    path, page = _landing(browser(), emails["finance_officer"])
    assert path == "/app/payment-runs" and "Approved" in page  # the demo paid its period

    for role in ("social_worker", "neighbourhood_nurse"):
        path, page = _landing(browser(), emails[role])
        assert path == "/app/referrals" and "Placed" in page
    engine.dispose()


def test_the_readme_screenshots_are_the_demo_at_lunchtime_in_every_role(
    demo_at: Callable[[str], Demo], tmp_path: Path
) -> None:
    """The lunchtime demo served on its clock; each account does its work in Chromium and
    every page the README shows is checked with axe-core and saved under its name."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed: run scripts/ensure-chromium")
    if not VENDOR_CSS.exists():
        pytest.skip("the web assets are not built: run scripts/build-assets")
    playwright = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("axe_playwright_python.sync_playwright")
    from tests.e2e.demo_pages import README_SHOTS, Pages, read_demo_store
    from tests.e2e.demo_tour import take_every_screenshot
    from tests.e2e.web.conftest import _wait_for

    demo_url, _ = demo_at("13:00")
    # The pages change the store, so they are served a copy and the demo's own stays as made.
    served = tmp_path / "served.db"
    source = sqlite3.connect(demo_url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(served)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    url = f"sqlite:///{served}"
    demo = read_demo_store(url, MONDAY)
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "homecare.cli", "serve", "--today", "2026-12-07T13:00",
            "--port", str(port), "--database-url", url,
        ],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/health", server)
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox"]
            )
            try:
                pages = Pages(browser, base)
                take_every_screenshot(pages, demo)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()

    assert pages.problems == []
    assert sorted(pages.taken) == sorted(README_SHOTS)
    linked = set(re.findall(r"docs/screenshots/([a-z0-9-]+)\.png", README.read_text()))
    assert linked <= README_SHOTS, linked - README_SHOTS


def test_the_demo_month_ends_moves_and_reprices_care_and_keeps_its_weekly_hours(
    demo_at: Callable[[str], Demo],
) -> None:
    url, summary = demo_at("13:00")
    packages, contracts = summary["packages"], summary["contracts"]

    # About 2-3% of some 210 packages end in a month; a few move; one uplift, one rating.
    assert 2 <= packages["ended"] <= 15, packages
    assert sum(packages["ended_by_reason"].values()) == packages["ended"]
    assert set(packages["ended_by_reason"]) <= {
        "died", "residential_or_nursing", "no_longer_needs_care", "hospital_long_stay",
        "direct_payment", "moved_away", "short_term_ended",
    }  # fmt: skip
    assert packages["moved"] >= 1
    assert contracts["rate_changes"] >= 1 and contracts["rating_changes"] == 1
    start, end = packages["weekly_hours_start"], packages["weekly_hours_end"]
    assert abs(end - start) <= 0.05 * start, (start, end)
    # Measures 1-2 count the month's ends too (a move is an end and a start).
    engine = make_engine(url)
    with engine.connect() as conn:
        ended = conn.scalar(select(func.count(Package.id)).where(Package.end_reason.is_not(None)))
    engine.dispose()
    assert ended is not None and ended >= packages["ended"] + packages["moved"]
