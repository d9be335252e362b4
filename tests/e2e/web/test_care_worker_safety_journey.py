"""A care worker's day when things go wrong, in a real browser against `homecare serve`.

Ama Owusu works for Aire Homecare and is on today's morning and lunch calls to one
person (the served app runs on the real clock, so the visits are made for today). On a
phone-sized screen she checks in to the morning call, is refused a check-in to the lunch
call while still there (and told which visit to check out of), checks out early and says
why, then records the person not at home for lunch, confirming first, and takes it back.
Every page is checked with axe-core.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from homecare.access import Role
from homecare.db import make_engine, unit_of_work
from homecare.delivery.tables import CallEvent
from homecare.pattern import TimeBand
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in
from tests.e2e.web.todays_visits import todays_visits

Page = Any
CARER = "safe_carer"
DETAILS = "Her son arrived and took her to the shops."


@dataclass(frozen=True)
class Seeded:
    morning: int
    lunch: int
    place: tuple[float, float]


@pytest.fixture(scope="module")
def seeded(site: Site) -> Seeded:
    """Today's morning and lunch calls for one person, both Ama's."""
    made = todays_visits(
        site, bands=(TimeBand.MORNING, TimeBand.LUNCH), staffed=("morning", "lunch"),
        carer="Ama Owusu",
    )  # fmt: skip
    seeded = Seeded(morning=made.visits["morning"], lunch=made.visits["lunch"], place=made.place)
    site.add_user(
        CARER,
        "Ama Owusu",
        Role.CARE_WORKER,
        site.world.providers["Aire Homecare"],
        care_worker_id=made.carer.care_worker_id,
    )
    return seeded


@pytest.fixture
def phone(browser: Any, site: Site, seeded: Seeded) -> Iterator[Page]:
    """A phone-sized page that lets the site know where it is; script errors fail the test."""
    problems: list[str] = []
    latitude, longitude = seeded.place
    context = browser.new_context(
        base_url=site.url,
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": latitude, "longitude": longitude},
        permissions=["geolocation"],
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    yield page
    context.close()
    assert problems == []


def click_and_follow(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def stored(site: Site, visit_id: int) -> list[tuple[str, str, str | None]]:
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            rows = s.scalars(
                select(CallEvent).where(CallEvent.visit_id == visit_id).order_by(CallEvent.id)
            )
            return [(e.kind, e.result, e.note) for e in rows]
    finally:
        engine.dispose()


def test_a_care_worker_is_kept_safe_through_a_day_that_goes_wrong(
    phone: Page, site: Site, seeded: Seeded
) -> None:
    morning, lunch = seeded.morning, seeded.lunch
    sign_in(phone, site, CARER)
    assert heading(phone) == "Today’s round"

    # Check in to the morning call
    click_and_follow(phone, f"#check-in-{morning}")
    assert "You checked in to" in phone.inner_text(".govuk-notification-banner")

    # A second check-in, at lunch, is refused with the way out
    phone.goto(f"/app/today/visits/{lunch}")
    click_and_follow(phone, f"#check-in-{lunch}")
    problem = phone.inner_text(".govuk-error-summary")
    assert "Margaret Holroyd first: you are still checked in there" in problem
    assert "Check out of 7am Margaret Holroyd first" in problem
    check_accessibility(phone)
    assert stored(site, lunch) == []

    # The way out: to the morning visit, where checking out a few minutes in asks why
    click_and_follow(phone, "#way-out")
    assert heading(phone) == "Margaret Holroyd"
    click_and_follow(phone, f"#check-out-{morning}")
    assert heading(phone) == "Why are you leaving early?"
    check_accessibility(phone)
    click_and_follow(phone, f"#check-out-{morning}")
    assert "Select why you are leaving early" in phone.inner_text(".govuk-error-summary")
    check_accessibility(phone)
    phone.get_by_label("The person asked me to leave").check()
    phone.get_by_label("Tell the office more").fill(DETAILS)
    click_and_follow(phone, f"#check-out-{morning}")
    assert "You checked out of" in phone.inner_text(".govuk-notification-banner")
    out = stored(site, morning)[-1]
    assert out[:2] == ("check_out", "applied")
    assert out[2] == f"Left early: the person asked me to leave. {DETAILS}"

    # Not at home for lunch: a question first, with what to try and the office's number
    click_and_follow(phone, f"#not-at-home-{lunch}")
    assert heading(phone) == "Is Margaret Holroyd not at home?"
    assert "0113 496 0100" in phone.inner_text("main")
    check_accessibility(phone)
    click_and_follow(phone, f"#confirm-not-at-home-{lunch}")
    assert "Not at home recorded" in phone.inner_text(f"#visit-{lunch}")
    check_accessibility(phone)

    # Pressed by mistake: undone within the minutes allowed
    click_and_follow(phone, f"#undo-{lunch}")
    assert "You took back ‘not at home’" in phone.inner_text(".govuk-notification-banner")
    assert "Not at home recorded" not in phone.inner_text(f"#visit-{lunch}")
    check_accessibility(phone)
    assert [kind for kind, _, _ in stored(site, lunch)] == ["not_at_home", "undo_not_at_home"]
