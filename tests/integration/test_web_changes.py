"""The social worker's pages for provider-led changes, on SQLite and on PostgreSQL.

Every package starts as morning and bed calls of 30 minutes every day: 14 visits, 7 carer
hours a week. Aire's contract lets it move hours 20% either way at £26.22 an hour. The
provider proposes and submits through the API, as it would; the social worker works the
queue and decides in the pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import create_user
from homecare.api.app import create_app
from homecare.changes.tables import ProviderChange
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.packages.tables import Package
from homecare.pattern import PlannedVisit
from homecare.people.tables import Person
from tests.conftest import auth
from tests.integration.test_provider_changes_api import asked_shorter, propose
from tests.integration.test_web_auth import (
    AIRE,
    SOCIAL_WORKER,
    csrf_token,
    give_password,
    sign_in,
    title,
)
from tests.support.caseload import place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.world import MONDAY_10AM, World

OTHER_SOCIAL_WORKER = "bradford.sw@example.org"
SignedInAs = Callable[[str], TestClient]


@pytest.fixture
def signed_in_as(engine: Engine, clock: FixedClock) -> SignedInAs:
    """A browser-like client per user, signed in at the clock's time."""
    settings = Settings(database_url="unused://")

    def make(email: str) -> TestClient:
        give_password(engine, email)
        browser = TestClient(
            create_app(settings, engine=engine, clock=clock), base_url="https://testserver"
        )
        assert sign_in(browser, email).status_code == 303
        return browser

    return make


def placed_for(
    engine: Engine,
    world: World,
    name: str,
    nhs: str,
    provider: str = "Aire Homecare",
    pattern: list[PlannedVisit] | None = None,
) -> int:
    """A package for a person of this name; returns the package's id."""
    placed = place_package(engine, world, nhs_number=nhs, provider=provider, pattern=pattern)
    given, family = name.split()
    with unit_of_work(engine) as s:
        person = s.get(Person, placed.person_id)
        assert person is not None
        person.given_name, person.family_name = given, family
    return placed.package_id


def change_for(
    client: TestClient, world: World, package_id: int, minutes: int, name: str, **extra: str
) -> int:
    body = {"consent_by_name": name, **extra}
    return int(propose(client, world, package_id, minutes, **body)["id"])


def submit(
    client: TestClient, world: World, change_id: int, provider: str = "Aire Homecare"
) -> None:
    response = client.post(f"/changes/{change_id}/submit", headers=auth(world.tokens[provider]))
    assert response.status_code == 200, response.text


def submitted_change(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    minutes: int = 480,
    pattern: list[PlannedVisit] | None = None,
) -> tuple[int, int]:
    """Albert Firth's change on trial for four weeks, then submitted: (change, package)."""
    package_id = placed_for(engine, world, "Albert Firth", VALID_NHS_NUMBERS[0], pattern=pattern)
    change_id = change_for(client, world, package_id, minutes, "Albert Firth")
    clock.set(MONDAY_10AM + timedelta(weeks=4))
    submit(client, world, change_id)
    return change_id, package_id


def decide(browser: TestClient, change_id: int, **fields: str) -> httpx.Response:
    page = browser.get(f"/app/changes/{change_id}")
    response: httpx.Response = browser.post(
        f"/app/changes/{change_id}/decision",
        data={"csrf_token": csrf_token(page.text), **fields},
        follow_redirects=False,
    )
    return response


def weekly_minutes(engine: Engine, package_id: int) -> int:
    with unit_of_work(engine) as s:
        return s.scalars(select(Package.weekly_minutes).where(Package.id == package_id)).one()


def status_of(engine: Engine, change_id: int) -> str:
    with unit_of_work(engine) as s:
        return s.scalars(select(ProviderChange.status).where(ProviderChange.id == change_id)).one()


def queue_rows(html: str) -> list[str]:
    """The people in the queue's first table, top to bottom."""
    table = html.split("</table>")[0]
    return re.findall(r'href="/app/changes/\d+">([^<]+)</a>', table)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_lists_changes_due_for_a_decision_oldest_first_with_their_impact(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    signed_in_as: SignedInAs,
) -> None:
    earlier = placed_for(engine, world, "Albert Firth", VALID_NHS_NUMBERS[0])
    later = placed_for(engine, world, "Betty Rhodes", VALID_NHS_NUMBERS[1], pattern=asked_shorter())
    big = placed_for(engine, world, "Edith Marsden", VALID_NHS_NUMBERS[2])
    trial = placed_for(
        engine, world, "Norah Pickles", VALID_NHS_NUMBERS[3], "Bramley Care", asked_shorter()
    )
    albert = change_for(client, world, earlier, 480, "Albert Firth")
    betty = change_for(client, world, later, 390, "Betty Rhodes")
    clock.set(MONDAY_10AM + timedelta(weeks=4))
    submit(client, world, betty)  # Betty's reaches the social worker first
    clock.set(MONDAY_10AM + timedelta(weeks=4, hours=1))
    submit(client, world, albert)
    clock.set(MONDAY_10AM + timedelta(weeks=4, hours=2))
    change_for(client, world, big, 600, "Edith Marsden")
    response = client.post(
        f"/packages/{trial}/changes",
        json={
            "to_weekly_minutes": 390,
            "reason": "Norah now makes her own breakfast",
            "consent_by_name": "Norah Pickles",
            "consent_by_relationship": "self",
            "consent_method": "phone",
            "consent_at": (MONDAY_10AM + timedelta(weeks=4)).isoformat(),
        },
        headers=auth(world.tokens["Bramley Care"]),
    )
    assert response.status_code == 201, response.text
    clock.set(MONDAY_10AM + timedelta(weeks=4, hours=5))

    page = signed_in_as(SOCIAL_WORKER).get("/app/changes")

    assert page.status_code == 200
    assert title(page) == "Changes to approve"
    assert queue_rows(page.text) == ["Betty Rhodes", "Albert Firth", "Edith Marsden"]
    rows = [text_of(row) for row in page.text.split("</table>")[0].split("<tr")[2:]]
    assert "Aire Homecare" in rows[0]
    assert "7 hours to 6.5 hours (-7.1%)" in rows[0]
    assert "-0.5 hours, -£13.11 a week" in rows[0]
    assert "Within limits" in rows[0] and "1 November 2026" in rows[0]
    assert "5 hours" in rows[0]
    assert "7 hours to 8 hours (+14.3%)" in rows[1] and "+1 hour, +£26.22 a week" in rows[1]
    assert "7 hours to 10 hours (+42.9%)" in rows[2] and "+3 hours, +£78.66 a week" in rows[2]
    assert "Outside limits" in rows[2] and "No trial: not yet in effect" in rows[2]
    assert "3 hours" in rows[2]
    assert "Waiting for a decision (3)" in text_of(page.text)
    assert "Norah Pickles" not in page.text
    impact = text_of(page.text.split("Net impact of changes in the last 4 weeks")[1])
    # Only Edith's and Norah's changes were proposed in the last four weeks.
    assert "6 October 2026 to 2 November 2026" in impact
    assert "Total 2 +2.5 hours +£66.16 -0.5 hours -£12.50" in impact
    assert "Bramley Care 1 -0.5 hours -0.5 hours -£12.50" in impact


def test_the_change_page_shows_the_pattern_consent_reason_and_impact(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    signed_in_as: SignedInAs,
) -> None:
    change_id, package_id = submitted_change(client, world, engine, clock)

    page = signed_in_as(SOCIAL_WORKER).get(f"/app/changes/{change_id}")

    assert page.status_code == 200
    assert title(page) == "Change to Albert Firth’s care"
    text = text_of(page.text)
    assert "Submitted after trial" in text
    assert "Trial 5 October 2026 to 1 November 2026" in text
    assert "Margaret now dresses herself; the morning call needs less time" in text
    assert "Given by Albert Firth Relationship The person themselves How In person" in text
    assert "When 5 October 2026 at 9am" in text
    assert "As proposed +1 hour and +£26.22 a week" in text
    assert "In effect now +1 hour and +£26.22 a week" in text
    # 420 → 480 from the 30s: twelve visits become 35 minutes, two stay at 30.
    pattern = text_of(page.text.split("Visits each week, before and after")[1].split("</table>")[0])
    assert pattern.count("30 minutes 35 minutes") == 12
    assert pattern.count("30 minutes 30 minutes") == 2
    assert "Monday Morning 30 minutes 35 minutes" in pattern
    assert 'name="decision"' in page.text and 'id="weekly-hours"' in page.text
    assert f'href="/app/packages/{package_id}"' in page.text


# --- deciding ----------------------------------------------------------------------------


def test_approving_a_change_shows_a_banner_and_takes_it_off_the_queue(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    signed_in_as: SignedInAs,
) -> None:
    change_id, package_id = submitted_change(client, world, engine, clock)
    browser = signed_in_as(SOCIAL_WORKER)

    decided = decide(browser, change_id, decision="approve", note="Going well")

    assert decided.status_code == 303
    queue = browser.get(decided.headers["location"])
    banner = text_of(queue.text.split('class="govuk-notification-banner__content"')[1])
    assert banner.startswith("> The change to Albert Firth’s care is approved. It stays on")
    assert queue_rows(queue.text) == []
    assert "There are no changes waiting for a decision" in queue.text
    assert status_of(engine, change_id) == "approved"
    assert weekly_minutes(engine, package_id) == 480

    done = browser.get("/app/changes?show=decided")
    assert title(done) == "Decided changes"
    assert queue_rows(done.text) == ["Albert Firth"]
    assert "Approved" in text_of(done.text)

    again = decide(browser, change_id, decision="reverse", note="Changed my mind")
    assert again.status_code == 200
    assert title(again) == "Error: Change to Albert Firth’s care"
    assert f"Change {change_id} is approved" in again.text
    assert 'href="#change"' in again.text
    assert 'name="decision"' not in again.text
    assert weekly_minutes(engine, package_id) == 480


def test_the_social_worker_amends_a_change_to_the_minutes_they_set(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    signed_in_as: SignedInAs,
) -> None:
    change_id, package_id = submitted_change(client, world, engine, clock)
    browser = signed_in_as(SOCIAL_WORKER)

    nothing = decide(browser, change_id)
    assert title(nothing) == "Error: Change to Albert Firth’s care"
    assert '<a href="#decision">Select whether to approve, amend or reverse the change</a>' in (
        nothing.text
    )
    missing = decide(browser, change_id, decision="amend")
    assert '<a href="#weekly-hours">Enter the weekly carer hours for the amended change</a>' in (
        missing.text
    )
    assert '<a href="#note">Enter why you are amending the change</a>' in missing.text
    assert 'value="amend" aria-describedby="decision-2-item-hint" checked' in missing.text
    too_few = decide(browser, change_id, decision="amend", **{"weekly-hours": "1.5"}, note="Less")
    assert 'href="#weekly-hours"' in too_few.text
    # Albert's 14 calls, none asked to be shorter, stay at 30 minutes at the least: 7 hours.
    assert "at least 7 hours of carers&#39; time a week" in too_few.text
    assert status_of(engine, change_id) == "submitted"

    amended = decide(
        browser,
        change_id,
        decision="amend",
        note="Half an hour more is enough",
        **{"weekly-hours": "7.5"},
    )

    assert amended.status_code == 303
    queue = browser.get(amended.headers["location"])
    assert "The change to Albert Firth’s care is amended" in queue.text
    assert status_of(engine, change_id) == "amended"
    assert weekly_minutes(engine, package_id) == 450
    shown = text_of(browser.get(f"/app/changes/{change_id}").text)
    assert "As decided +0.5 hours and +£13.11 a week" in shown
    assert "Note Half an hour more is enough" in shown


def test_the_social_worker_reverses_a_change_and_the_care_returns(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    signed_in_as: SignedInAs,
) -> None:
    change_id, package_id = submitted_change(
        client, world, engine, clock, minutes=390, pattern=asked_shorter()
    )
    browser = signed_in_as(SOCIAL_WORKER)

    unexplained = decide(browser, change_id, decision="reverse")
    assert '<a href="#note">Enter why you are reversing the change</a>' in unexplained.text
    reversed_ = decide(browser, change_id, decision="reverse", note="Albert needs the time")

    assert reversed_.status_code == 303
    queue = browser.get(reversed_.headers["location"])
    assert "The change to Albert Firth’s care is reversed" in queue.text
    assert weekly_minutes(engine, package_id) == 420
    shown = text_of(browser.get(f"/app/changes/{change_id}").text)
    assert "Reversed" in shown and "In effect now 0 hours and £0.00 a week" in shown


def test_approving_a_change_outside_the_limits_puts_it_into_effect(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    signed_in_as: SignedInAs,
) -> None:
    package_id = placed_for(engine, world, "Edith Marsden", VALID_NHS_NUMBERS[2])
    change_id = change_for(client, world, package_id, 560, "Edith Marsden")
    browser = signed_in_as(SOCIAL_WORKER)
    page = text_of(browser.get(f"/app/changes/{change_id}").text)
    assert "Waiting before it takes effect" in page
    assert "In effect now 0 hours and £0.00 a week" in page
    assert page.count("30 minutes 40 minutes") == 14

    approved = decide(browser, change_id, decision="approve")

    assert approved.status_code == 303
    assert weekly_minutes(engine, package_id) == 560


# --- scope -------------------------------------------------------------------------------


def test_another_councils_social_worker_gets_page_not_found(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    signed_in_as: SignedInAs,
) -> None:
    change_id, package_id = submitted_change(client, world, engine, clock)
    with unit_of_work(engine) as s:
        create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=world.other_council_id,
            role=Role.SOCIAL_WORKER,
            name="Bradford Social Worker",
            email=OTHER_SOCIAL_WORKER,
        )
    bradford = signed_in_as(OTHER_SOCIAL_WORKER)

    listed = bradford.get("/app/changes")
    decided = bradford.get("/app/changes?show=decided")
    opened = bradford.get(f"/app/changes/{change_id}")
    posted = bradford.post(
        f"/app/changes/{change_id}/decision",
        data={"csrf_token": csrf_token(listed.text), "decision": "reverse", "note": "No"},
    )

    assert listed.status_code == 200 and "Albert Firth" not in listed.text
    assert "There are no changes waiting for a decision" in listed.text
    assert "Albert Firth" not in decided.text
    assert (opened.status_code, title(opened)) == (404, "Page not found")
    assert (posted.status_code, title(posted)) == (404, "Page not found")
    assert status_of(engine, change_id) == "submitted"
    assert weekly_minutes(engine, package_id) == 480


def test_provider_managers_cannot_use_the_queue_or_decide(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    signed_in_as: SignedInAs,
) -> None:
    change_id, _ = submitted_change(client, world, engine, clock)
    aire = signed_in_as(AIRE)

    home = aire.get("/app/offers")
    listed = aire.get("/app/changes")
    opened = aire.get(f"/app/changes/{change_id}")
    posted = aire.post(
        f"/app/changes/{change_id}/decision",
        data={"csrf_token": csrf_token(home.text), "decision": "approve"},
    )

    assert "Changes to approve" not in home.text
    assert (listed.status_code, title(listed)) == (403, "You cannot use this page")
    assert (opened.status_code, title(opened)) == (403, "You cannot use this page")
    assert (posted.status_code, title(posted)) == (403, "You cannot use this page")
    assert status_of(engine, change_id) == "submitted"
