"""CQC's ratings kept current: a published file through the API and the command line, the
API's answers through a local fake, and the alert a downgrade raises to the council, seen
and marked read through the API and the commissioner's pages. SQLite and PostgreSQL."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from homecare.audit import AuditEvent
from homecare.brokerage.repository import cascade_steps
from homecare.brokerage.tables import Referral
from homecare.cli import app
from homecare.cli import cqc as cqc_cli
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.market.cqc_client import KEY_HEADER, CqcClient
from homecare.market.rating_tables import RatingAlert, RatingChange
from homecare.market.tables import Organisation
from tests.conftest import auth
from tests.integration.test_web_auth import browser, csrf_token, give_password, sign_in
from tests.support import payloads
from tests.support.world import World

__all__ = ["browser"]
DATA = Path(__file__).parents[1] / "data"
SAMPLE = DATA / "cqc_latest_ratings.csv"
UNUSABLE = DATA / "cqc_latest_ratings_unusable.csv"
CSV = {"Content-Type": "text/csv"}
MESSAGE = (
    "Aire Homecare's CQC rating fell from Good to Inadequate, below your threshold of"
    " Requires improvement (published 2 December 2026)"
)


def stored(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        changes = conn.scalar(select(func.count()).select_from(RatingChange))
        alerts = conn.scalar(select(func.count()).select_from(RatingAlert))
        audits = conn.scalar(select(func.count()).select_from(AuditEvent))
    return int(changes or 0), int(alerts or 0), int(audits or 0)


def overall(engine: Engine, provider_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(
            select(Organisation.rating_overall).where(Organisation.id == provider_id)
        )


def import_sample(client: TestClient, world: World) -> httpx.Response:
    return client.post("/cqc/imports", content=SAMPLE.read_bytes(),
                       headers={**auth(world.tokens["commissioner"]), **CSV})  # fmt: skip


def test_a_commissioner_imports_cqcs_file_and_a_downgrade_alerts_the_council(
    client: TestClient, engine: Engine, world: World
) -> None:
    _, _, audits_before = stored(engine)

    imported = import_sample(client, world)
    again = import_sample(client, world)
    alerts = client.get("/alerts/ratings", headers=auth(world.tokens["commissioner"]))
    elsewhere = client.get("/alerts/ratings", headers=auth(world.tokens["other_council_broker"]))

    assert imported.status_code == 201, imported.text
    # Aire: overall, safe, effective and well-led changed; Kirkstall: caring. Meanwood is
    # not ours; the hospital's row rates a core service, not the location.
    assert imported.json() == {
        "locations": 3, "providers": 2, "not_held": 1, "changes": 5, "alerts": 1,
        "other_groups": 1,
    }  # fmt: skip
    assert again.json()["changes"] == 0 and again.json()["alerts"] == 0
    assert overall(engine, world.providers["Aire Homecare"]) == "inadequate"
    with engine.connect() as conn:
        history = conn.execute(
            select(RatingChange.key_question, RatingChange.was, RatingChange.rating,
                   RatingChange.source).where(
                RatingChange.provider_id == world.providers["Aire Homecare"]
            ).order_by(RatingChange.id)
        ).all()  # fmt: skip
    assert [tuple(h) for h in history] == [
        ("overall", "good", "inadequate", "cqc-file"),
        ("safe", "good", "inadequate", "cqc-file"),
        ("effective", "good", "requires_improvement", "cqc-file"),
        ("well_led", "good", "inadequate", "cqc-file"),
    ]
    assert stored(engine) == (5, 1, audits_before + 6)  # five changes and the alert
    [alert] = alerts.json()
    assert alert["message"] == MESSAGE and alert["read_at"] is None
    assert alert["provider_id"] == world.providers["Aire Homecare"]
    assert elsewhere.json() == []


def test_a_file_with_unusable_rows_writes_nothing_and_names_each_row(
    client: TestClient, engine: Engine, world: World
) -> None:
    before = stored(engine)

    refused = client.post("/cqc/imports", content=UNUSABLE.read_bytes(),
                          headers={**auth(world.tokens["commissioner"]), **CSV})  # fmt: skip
    broker = client.post("/cqc/imports", content=SAMPLE.read_bytes(),
                         headers={**auth(world.tokens["broker"]), **CSV})  # fmt: skip

    assert refused.status_code == 422
    body = refused.json()
    assert body["detail"] == "3 problems in the file: nothing was imported"
    assert [(r["line"], r["column"]) for r in body["rows"]] == [
        (2, "Latest Rating"), (5, "Location ID"), (7, "Publication Date"),
    ]  # fmt: skip
    assert body["errors"][1]["message"] == "line 5 (Location ID): the location ID is empty"
    assert broker.status_code == 403
    assert stored(engine) == before
    assert overall(engine, world.providers["Aire Homecare"]) == "good"


def test_only_the_councils_commissioner_marks_its_alert_read(
    client: TestClient, engine: Engine, world: World
) -> None:
    import_sample(client, world)
    [alert] = client.get("/alerts/ratings", headers=auth(world.tokens["commissioner"])).json()
    path = f"/alerts/ratings/{alert['id']}/read"

    foreign = client.post(path, headers=auth(world.tokens["other_council_broker"]))
    missing = client.post("/alerts/ratings/987654/read", headers=auth(world.tokens["commissioner"]))
    broker = client.post(path, headers=auth(world.tokens["broker"]))
    read = client.post(path, headers=auth(world.tokens["commissioner"]))
    twice = client.post(path, headers=auth(world.tokens["commissioner"]))
    unread = client.get("/alerts/ratings?unread=true", headers=auth(world.tokens["commissioner"]))

    assert foreign.status_code == 404 and missing.status_code == 404
    assert foreign.json()["detail"] == missing.json()["detail"].replace("987654", str(alert["id"]))
    assert broker.status_code == 403
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert twice.status_code == 409
    assert unread.json() == []
    with engine.connect() as conn:
        actions = conn.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "rating_alert")
        ).all()
    assert sorted(actions) == ["rating_alert.raised", "rating_alert.read"]


def _fake_cqc(answers: dict[str, dict[str, Any]], asked: list[str]) -> httpx.MockTransport:
    """CQC's API as a local fake: a location's answer, 404 for any other, 401 without a key."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers.get(KEY_HEADER) != "test-key":
            return httpx.Response(401, json={"message": "Access denied"})
        location = request.url.path.rsplit("/", 1)[-1]
        asked.append(request.url.path)
        if location not in answers:
            return httpx.Response(404, json={"message": "Not found"})
        return httpx.Response(200, json=answers[location])

    return httpx.MockTransport(answer)


def _rated(overall: str, safe: str) -> dict[str, Any]:
    keys = [{"name": "Safe", "rating": safe, "reportDate": "2026-11-30"}]
    return {"currentRatings": {"overall": {"rating": overall, "reportDate": "2026-11-30",
                                           "keyQuestionRatings": keys}}}  # fmt: skip


def test_the_refresh_asks_cqcs_api_for_each_held_provider_and_applies_its_answer(
    engine: Engine,
    world: World,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    answers = {
        "1-1000000001": _rated("Good", "Good"),
        "1-1000000002": _rated("Outstanding", "Good"),
        "1-1000000003": _rated("Requires improvement", "Requires improvement"),
        "1-1000000004": {"name": "Wortley Care"},  # not yet inspected: nothing to change
    }
    asked: list[str] = []

    def fake(settings: Settings) -> CqcClient:
        return CqcClient(base_url="https://cqc.test/public/v1", key="test-key",
                         transport=_fake_cqc(answers, asked))  # fmt: skip

    runner = CliRunner()
    monkeypatch.delenv("HOMECARE_CQC_API_KEY", raising=False)
    no_key = runner.invoke(app, ["cqc", "refresh", "--database-url", db_url])
    monkeypatch.setattr(cqc_cli, "make_client", fake)
    done = runner.invoke(app, ["cqc", "refresh", "--database-url", db_url])
    del answers["1-1000000004"]
    unknown = runner.invoke(app, ["cqc", "refresh", "--database-url", db_url])
    older = tmp_path / "older.csv"
    older.write_text(
        "Location ID,Location Latest Overall Rating,Publication Date\n"
        "1-1000000003,Good,2026-06-01\n"
    )
    stale = runner.invoke(app, ["cqc", "import", str(older), "--database-url", db_url])

    assert no_key.exit_code == 2 and "HOMECARE_CQC_API_KEY" in no_key.output
    assert done.exit_code == 0, done.output
    # Bramley's overall and safe ratings fell; Aire's and Kirkstall's answers match.
    assert "2 ratings changed for 4 providers we hold" in " ".join(done.output.split())
    assert asked[:4] == [f"/public/v1/locations/1-100000000{n}" for n in range(1, 5)]
    assert overall(engine, world.providers["Bramley Care"]) == "requires_improvement"
    assert unknown.exit_code == 1 and "CQC knows no location 1-1000000004" in unknown.output
    # A file published before the API's answer does not put the old rating back.
    assert stale.exit_code == 0 and "0 ratings changed" in stale.output
    assert overall(engine, world.providers["Bramley Care"]) == "requires_improvement"
    with engine.connect() as conn:
        sources = set(conn.scalars(select(RatingChange.source)))
        alerts = conn.scalar(select(func.count()).select_from(RatingAlert))
    # Requires improvement is not below the default threshold: no alert.
    assert sources == {"cqc-api"} and alerts == 0


def test_the_import_command_lists_every_unusable_row_or_imports_the_file(
    engine: Engine, world: World, db_url: str
) -> None:
    runner = CliRunner()

    refused = runner.invoke(app, ["cqc", "import", str(UNUSABLE), "--database-url", db_url])
    done = runner.invoke(app, ["cqc", "import", str(DATA / "cqc_care_directory.csv"),
                               "--database-url", db_url])  # fmt: skip

    assert refused.exit_code == 1
    assert "3 rows cannot be used; nothing was imported" in refused.output
    assert "Publication Date" in refused.output and "not a CQC rating" in refused.output
    assert done.exit_code == 0, done.output
    assert "1 ratings changed for 2 providers we hold (3 locations read, 1 not ours)" in (
        " ".join(done.output.split())
    )
    assert overall(engine, world.providers["Bramley Care"]) == "requires_improvement"


def test_the_cascade_shows_each_rating_and_tags_a_provider_below_the_threshold(
    client: TestClient, engine: Engine, world: World
) -> None:
    import_sample(client, world)
    person = client.post("/people", json=payloads.person(),
                         headers=auth(world.tokens["social_worker"])).json()  # fmt: skip
    referral = client.post("/referrals", json=payloads.referral(person["id"]),
                           headers=auth(world.tokens["social_worker"])).json()  # fmt: skip

    with unit_of_work(engine) as s:
        found = s.get(Referral, referral["id"])
        assert found is not None
        steps = cascade_steps(s, found)

    # The order is the policy's, unchanged: Aire, the primary, is still asked first.
    assert [(s["provider"], s["rating"], s["below_threshold"]) for s in steps] == [
        ("Aire Homecare", "inadequate", True),
        ("Kirkstall Care", "outstanding", False),
        ("Bramley Care", "good", False),
        ("Wortley Care", "good", False),
    ]
    history = client.get(f"/referrals/{referral['id']}/history",
                         headers=auth(world.tokens["broker"])).json()  # fmt: skip
    [planned] = [e for e in history if e["action"] == "referral.cascade_planned"]
    assert [(o["overall"], o["below_threshold"]) for o in planned["detail"]["order"]] == [
        ("inadequate", True), ("outstanding", False), ("good", False), ("good", False),
    ]  # fmt: skip


def test_the_commissioner_reads_the_alert_on_its_page_and_marks_it_read(
    browser: TestClient, client: TestClient, engine: Engine, world: World
) -> None:
    import_sample(client, world)
    give_password(engine, "commissioner@example.org")
    sign_in(browser, "commissioner@example.org")
    aire = world.providers["Aire Homecare"]

    page = browser.get("/app/alerts")
    provider = browser.get(f"/app/providers/{aire}")
    [alert_id] = [a["id"] for a in client.get(
        "/alerts/ratings", headers=auth(world.tokens["commissioner"])).json()]  # fmt: skip
    marked = browser.post(f"/app/alerts/{alert_id}/read",
                          data={"csrf_token": csrf_token(page.text)})  # fmt: skip
    foreign = browser.post("/app/alerts/987654/read", data={"csrf_token": csrf_token(page.text)})

    assert page.status_code == 200
    assert MESSAGE in html.unescape(page.text)
    assert "CQC alerts (1" in page.text  # the navigation counts the open alert
    assert 'id="below-threshold"' in provider.text
    assert "is below your threshold of Requires improvement" in html.unescape(provider.text)
    assert "CQC ratings over time" in provider.text and "Inadequate" in provider.text
    assert marked.url.path == "/app/alerts"
    assert "The alert is marked read" in marked.text
    assert "There are no alerts to read" in marked.text
    assert foreign.status_code == 404
