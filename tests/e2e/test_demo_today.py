"""`homecare demo --today` leaves every demo account with work on the demo's day.

The demo is run as an operator runs it, with its clock set to three moments of one
Monday (early, lunchtime, evening), one week of delivery and a little search for the
rounds; then each demo account signs in to the app, served on the same clock, and its
landing page (and for the provider's manager, today's rounds) must hold today's work.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from homecare.accounts.tables import UserAccount
from homecare.api.app import create_app
from homecare.calendar import LONDON
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import make_engine
from homecare.scenario.build import DEMO_PASSWORD
from tests.support.web_client import csrf_token

MONDAY = date(2026, 12, 7)


def _demo(folder: Path, clock: str) -> tuple[str, dict[str, Any]]:
    url = f"sqlite:///{folder / 'demo.db'}"
    summary = folder / "summary.json"
    result = subprocess.run(
        [
            sys.executable, "-m", "homecare.cli", "demo", "--today", clock, "--weeks", "1",
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


@pytest.mark.parametrize("clock", ["07:30", "13:00", "21:00"])
def test_every_demo_account_lands_on_todays_work_at_any_time_of_day(
    tmp_path: Path, clock: str
) -> None:
    hour, minute = map(int, clock.split(":"))
    now = datetime(2026, 12, 7, hour, minute, tzinfo=LONDON)
    url, summary = _demo(tmp_path, now.isoformat(timespec="minutes"))
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
    assert done > 0 and today["due"] > 0  # at 07:30 some started at 7; at 21:00 bedtimes wait

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

    path, page = _landing(browser(), emails["commissioner"])
    assert path == "/app/kpis" and "%</td>" in page  # the last whole period's KPIs

    for role in ("social_worker", "neighbourhood_nurse"):
        path, page = _landing(browser(), emails[role])
        assert path == "/app/referrals" and "Placed" in page
    engine.dispose()
