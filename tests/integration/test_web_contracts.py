"""A contract's page, as a commissioner uses it in a browser: the terms and conditions,
a rate change from a day recorded and listed as to come, and a backdated one refused
beside its field in plain words."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.db import unit_of_work
from homecare.market.tables import Organisation
from tests.conftest import auth
from tests.integration.test_web_auth import csrf_token, give_password, sign_in
from tests.integration.test_web_rounds import browser as browser  # the fixture, shared
from tests.support.world import World

COMMISSIONER = "commissioner@example.org"


def errors_of(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1]
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', summary)


def test_a_commissioner_records_an_uplift_and_sees_it_waiting_for_its_day(
    browser: TestClient, engine: Engine, world: World
) -> None:
    contract_id = world.contracts["Aire Homecare/1"]
    give_password(engine, COMMISSIONER)
    sign_in(browser, COMMISSIONER)
    providers = browser.get("/app/providers")
    page = browser.get(f"/app/contracts/{contract_id}")
    token = csrf_token(page.text)

    backdated = browser.post(
        f"/app/contracts/{contract_id}/rate",
        data={"csrf_token": token, "rate-amount": "27.10", "rate-from-day": "1",
              "rate-from-month": "10", "rate-from-year": "2026", "rate-reason": "Uplift"},
    )  # fmt: skip
    recorded = browser.post(
        f"/app/contracts/{contract_id}/rate",
        data={"csrf_token": token, "rate-amount": "£27.10", "rate-from-day": "5",
              "rate-from-month": "4", "rate-from-year": "2027",
              "rate-reason": "Annual uplift 2027 to 2028"},
    )  # fmt: skip

    assert f'href="/app/contracts/{contract_id}"' in providers.text
    assert "Contract conditions today" in page.text
    assert "Registered with CQC and inspected at least once" in page.text
    assert "How this contract pays" in page.text  # the standard rules, from its start
    assert "Paid on actual (call-monitoring) minutes, by the minute" in page.text
    assert backdated.status_code == 400
    assert errors_of(backdated.text) == [
        (
            "rate-from-day",
            "A rate change cannot be backdated: it can take effect from today "
            "(5 October 2026) or later",
        )
    ]
    assert recorded.url.path == f"/app/contracts/{contract_id}"
    assert "The new rate is recorded." in recorded.text
    assert "Takes effect 5 April 2027" in recorded.text
    assert "Hourly rate £27.10" in recorded.text
    assert "£26.22" in recorded.text  # the rate today is unchanged until its day


def test_ending_a_contract_inside_its_notice_asks_for_the_reason_on_the_page(
    browser: TestClient, engine: Engine, world: World
) -> None:
    contract_id = world.contracts["Wortley Care/1"]
    give_password(engine, COMMISSIONER)
    sign_in(browser, COMMISSIONER)
    token = csrf_token(browser.get(f"/app/contracts/{contract_id}").text)

    refused = browser.post(
        f"/app/contracts/{contract_id}/terminate",
        data={"csrf_token": token, "end-day": "30", "end-month": "11", "end-year": "2026",
              "end-reason": "Provider leaving"},
    )  # fmt: skip

    assert refused.status_code == 400
    [(anchor, message)] = errors_of(refused.text)
    assert anchor == "end-day"
    assert html.unescape(message) == (
        "This contract needs 90 days' notice: the earliest end is 3 January 2027, unless you "
        "record why it ends without notice"
    )


def test_an_extension_for_a_provider_short_of_the_conditions_goes_ahead_only_with_a_reason(
    browser: TestClient, client: TestClient, engine: Engine, world: World
) -> None:
    made = client.post(
        "/contracts",
        json={"provider_id": world.providers["Wortley Care"], "lot": 1,
              "zone_id": world.empty_zone_id, "role": "framework", "hourly_rate": "24.00",
              "weekly_capacity_hours": "100", "starts_on": "2026-10-01",
              "ends_on": "2029-09-30"},
        headers=auth(world.tokens["commissioner"]),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    contract_id = made.json()["id"]
    with unit_of_work(engine) as s:
        wortley = s.get(Organisation, world.providers["Wortley Care"])
        assert wortley is not None
        wortley.rating_well_led = "requires_improvement"
    give_password(engine, COMMISSIONER)
    sign_in(browser, COMMISSIONER)
    page = browser.get(f"/app/contracts/{contract_id}")
    token = csrf_token(page.text)
    form = {"csrf_token": token, "extend-day": "30", "extend-month": "9", "extend-year": "2030",
            "extend-reason": "Extension option"}  # fmt: skip

    refused = browser.post(f"/app/contracts/{contract_id}/extend", data=form)
    extended = browser.post(
        f"/app/contracts/{contract_id}/extend",
        data={**form, "extend-override": "Improvement plan agreed with CQC"},
    )

    assert "Not met" in page.text and "Rated requires improvement for Well-led" not in page.text
    assert "Rated Requires improvement for Well-led" in page.text
    assert refused.status_code == 400
    [(anchor, message)] = errors_of(refused.text)
    assert anchor == "extend-override"
    assert "rated at least good for well-led (rated Requires improvement for Well-led)" in (
        html.unescape(message)
    )
    assert extended.url.path == f"/app/contracts/{contract_id}"
    assert "The contract is extended." in extended.text
    assert "Conditions overridden:</strong> Improvement plan agreed with CQC" in extended.text
