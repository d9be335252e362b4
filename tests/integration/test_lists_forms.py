"""Forms say everything that is wrong at once, in plain English and in hours and minutes:
a second submission is never needed to find the next problem."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from tests.conftest import auth
from tests.support import payloads
from tests.support.web_client import csrf_token, give_password, sign_in, title
from tests.support.world import World

SOCIAL_WORKER = "social_worker@example.org"
AIRE = "aire.homecare@example.org"


def browser_for(engine: Engine, clock: FixedClock, email: str) -> TestClient:
    give_password(engine, email)
    browser = TestClient(
        create_app(Settings(database_url="unused://"), engine=engine, clock=clock),
        base_url="https://testserver",
    )
    assert sign_in(browser, email).status_code == 303
    return browser


def summary(page: str) -> dict[str, str]:
    """The error summary's links: input id → message, in the order shown."""
    box = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert box, "the page has no error summary"
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(0))
    return {anchor: html.unescape(message) for anchor, message in links}


@pytest.fixture
def person_id(client: TestClient, world: World) -> int:
    made = client.post(
        "/people", json=payloads.person(), headers=auth(world.tokens["social_worker"])
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_the_referral_form_lists_every_problem_at_once_in_hours_and_minutes(
    engine: Engine, clock: FixedClock, person_id: int
) -> None:
    browser = browser_for(engine, clock, SOCIAL_WORKER)
    form = browser.get(f"/app/refer/people/{person_id}")
    data: dict[str, Any] = {
        "csrf_token": csrf_token(form.text),
        "lot": "1",
        "visit-mon-morning": "45",
        "visit-tue-lunch": "30",
        "two-tue-lunch": "yes",
        "weekly_hours": "10",
        "required-start-day": "4",
        "required-start-month": "10",
        "required-start-year": "2026",
    }

    sent = browser.post(f"/app/refer/people/{person_id}", data=data)

    assert title(sent).startswith("Error: ")
    assert summary(sent.text) == {
        "source": "Select where the referral comes from",
        # 45 minutes, and 30 minutes with two carers counted twice: 1 hour 45 minutes.
        "weekly-hours": "Weekly carer hours (10 hours) do not match the visits, which add up "
        "to 1 hour 45 minutes of carers' time",
        "required-start-day": "The required start date must be today or in the future",
    }


def test_visits_and_weekly_hours_that_cannot_be_read_are_all_named_at_once(
    engine: Engine, clock: FixedClock, person_id: int
) -> None:
    browser = browser_for(engine, clock, SOCIAL_WORKER)
    form = browser.get(f"/app/refer/people/{person_id}")

    sent = browser.post(
        f"/app/refer/people/{person_id}",
        data={
            "csrf_token": csrf_token(form.text),
            "source": "social_work",
            "lot": "1",
            "visit-tue-lunch": "500",
            "visit-wed-bed": "half an hour",
            "weekly_hours": "seven",
        },
    )

    assert summary(sent.text) == {
        "visit-tue-lunch": "Tuesday lunch: a visit lasts from 15 minutes to 4 hours",
        "visit-wed-bed": "Enter the minutes as a whole number, like 30",
        "weekly-hours": "Enter the weekly carer hours as a number of hours, like 12.5",
        "required-start-day": "Enter the required start date",
    }


def test_recording_someone_new_lists_every_problem_at_once(
    engine: Engine, clock: FixedClock, world: World
) -> None:
    browser = browser_for(engine, clock, SOCIAL_WORKER)
    form = browser.get("/app/people/new")

    sent = browser.post(
        "/app/people/new",
        data={
            "csrf_token": csrf_token(form.text),
            "nhs_number": "943 476 5910",
            "family_name": "Holroyd",
            "date-of-birth-day": "1",
            "date-of-birth-month": "1",
            "date-of-birth-year": "2030",
            "address": "14 Town Street",
            "postcode": "ZZ99 9ZZ",
        },
    )

    assert summary(sent.text) == {
        "nhs-number": "Enter a real NHS number: check it on the person's NHS letters",
        "given-name": "Enter the person's first name",
        "date-of-birth-day": "Date of birth must be in the past",
        "postcode": "We do not know this postcode. Check it is in the council's area",
    }


def test_declining_an_offer_lists_every_problem_at_once(
    client: TestClient, engine: Engine, clock: FixedClock, world: World, person_id: int
) -> None:
    referral = client.post(
        "/referrals",
        json=payloads.referral(person_id),
        headers=auth(world.tokens["social_worker"]),
    ).json()
    offer_id = referral["offers"][0]["id"]
    browser = browser_for(engine, clock, AIRE)
    page = browser.get(f"/app/offers/{offer_id}")

    sent = browser.post(
        f"/app/offers/{offer_id}/decline",
        data={"csrf_token": csrf_token(page.text), "note": "x" * 501},
    )

    assert summary(sent.text) == {
        "reason": "Select why you are declining the offer",
        "note": "The reason must be 500 characters or fewer",
    }
