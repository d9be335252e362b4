"""Ending care from the package's page, as a social worker does in a browser: every
problem at once in plain words, then the last day recorded and shown on the package."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.integration.test_web_auth import csrf_token, give_password, sign_in
from tests.integration.test_web_rounds import browser as browser  # the fixture, shared
from tests.support.caseload import place_package
from tests.support.world import World

SOCIAL_WORKER = "social_worker@example.org"
BROKER = "broker@example.org"
AIRE = "aire.homecare@example.org"


def errors_of(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1]
    return re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', summary)


def test_a_social_worker_ends_care_and_the_package_says_so(
    browser: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)
    package_page = browser.get(f"/app/packages/{placed.package_id}")
    form = browser.get(f"/app/packages/{placed.package_id}/end")
    token = csrf_token(form.text)

    nothing = browser.post(f"/app/packages/{placed.package_id}/end", data={"csrf_token": token})
    ended = browser.post(
        f"/app/packages/{placed.package_id}/end",
        data={"csrf_token": token, "last-day-day": "7", "last-day-month": "10",
              "last-day-year": "2026", "reason": "died"},
    )  # fmt: skip

    assert "End or move this care" in package_page.text
    assert nothing.status_code == 400
    assert errors_of(nothing.text) == ["Enter the last day of care", "Select why care is ending"]
    assert ended.url.path == f"/app/packages/{placed.package_id}"
    assert "The last day of care is recorded" in ended.text
    assert "7 October 2026 (Died)" in ended.text
    assert "End or move this care" not in ended.text


def test_a_last_day_before_the_package_started_is_shown_beside_its_field(
    browser: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)
    token = csrf_token(browser.get(f"/app/packages/{placed.package_id}/end").text)

    refused = browser.post(
        f"/app/packages/{placed.package_id}/end",
        data={"csrf_token": token, "last-day-day": "1", "last-day-month": "8",
              "last-day-year": "2026", "reason": "moved_away"},
    )  # fmt: skip

    assert refused.status_code == 400
    [message] = errors_of(refused.text)
    assert message.startswith("Care starts on ")
    assert "the last day can be no earlier than" in message
    assert 'href="#last-day-day"' in refused.text


def test_a_providers_manager_sees_no_way_to_end_care(
    browser: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    give_password(engine, AIRE)
    sign_in(browser, AIRE)

    package_page = browser.get(f"/app/packages/{placed.package_id}")
    form = browser.get(f"/app/packages/{placed.package_id}/end")

    assert "End or move this care" not in package_page.text
    assert form.status_code == 403


def test_a_broker_moves_the_care_and_lands_on_the_new_providers_package(
    browser: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    give_password(engine, BROKER)
    sign_in(browser, BROKER)
    form = browser.get(f"/app/packages/{placed.package_id}/end")
    token = csrf_token(form.text)
    kirkstall = world.contracts["Kirkstall Care/1"]

    nothing = browser.post(f"/app/packages/{placed.package_id}/move", data={"csrf_token": token})
    moved = browser.post(
        f"/app/packages/{placed.package_id}/move",
        data={"csrf_token": token, "contract": str(kirkstall), "handover-day": "12",
              "handover-month": "10", "handover-year": "2026", "move-reason": "safeguarding"},
    )  # fmt: skip

    assert "Kirkstall Care" in form.text and "Wortley Care" in form.text
    assert errors_of(nothing.text) == [
        "Select the provider the care moves to",
        "Enter the handover day",
        "Select why the care moves",
    ]
    assert "The care moves to this provider from the handover day" in moved.text
    assert f"package {placed.package_id}, with the person" in moved.text
    assert "Kirkstall Care" in moved.text
