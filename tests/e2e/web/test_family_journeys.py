"""A family member's journeys in a real browser against `homecare serve`.

Ann Shaw is recorded as the one who consents for her mother, whose care from Aire
Homecare runs on a four-week envelope of time. Ann signs in, reads the plan and the
balance, banks two hours, agrees to a change Aire asks about online and rates how things
are going before the review. Each page visited is checked with axe-core.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import actor_for_user
from homecare.accounts.tables import UserAccount
from homecare.calendar import LONDON
from homecare.changes.consent import request_consent
from homecare.db import make_engine, unit_of_work
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.tables import Visit
from homecare.reviews.domain import ReviewKind
from homecare.reviews.tables import Review
from homecare.timebank.service import open_envelope
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in
from tests.support.caseload import daily_pattern, hire_care_worker, place_package

Page = Any
NewPage = Callable[..., Page]


@dataclass(frozen=True)
class Mother:
    package_id: int


@pytest.fixture(scope="module")
def mother(site: Site) -> Mother:
    """Ann's mother: an envelope for the period covering today, visits, a review, a request."""
    now = datetime.now(UTC)
    today = now.astimezone(LONDON).date()
    monday = today - timedelta(days=today.weekday())
    engine = make_engine(site.database_url)
    try:
        placed = place_package(
            engine,
            site.world,
            nhs_number=next(site.nhs_numbers),
            consent_by_name="Ann Shaw",
            consent_by_relationship="daughter",
            # She has asked for shorter calls, so 7 hours a week may come down to 6.5.
            pattern=[replace(v, short_requested=True) for v in daily_pattern()],
        )
        worker = hire_care_worker(engine, site.world, name="Joy Adebayo")
        with unit_of_work(engine) as s:
            open_envelope(
                s, actor=SYSTEM_ACTOR, at=now, package_id=placed.package_id, starts_on=monday
            )
            generate_visits(
                s,
                actor=SYSTEM_ACTOR,
                at=now,
                start=today,
                end=today + timedelta(days=6),
                package_ids=[placed.package_id],
            )
            first = s.scalars(
                select(Visit)
                .where(Visit.package_id == placed.package_id)
                .order_by(Visit.window_start)
            ).first()
            assert first is not None
            assign_carers(
                s,
                actor=SYSTEM_ACTOR,
                at=now,
                visit_id=first.id,
                care_worker_ids=[worker.care_worker_id],
            )
            s.add(
                Review(
                    package_id=placed.package_id,
                    person_id=placed.person_id,
                    kind=ReviewKind.FIRST.value,
                    due_on=today + timedelta(days=10),
                )
            )
            manager = s.scalars(
                select(UserAccount).where(UserAccount.email == site.emails["Aire Homecare"])
            ).one()
            request_consent(
                s,
                actor=actor_for_user(s, manager),
                at=now,
                package_id=placed.package_id,
                to_weekly_minutes=390,
                reason="Mornings now take less time since the new walking frame",
            )
    finally:
        engine.dispose()
    site.add_user(
        "family",
        "Ann Shaw (daughter)",
        Role.PERSON,
        site.world.council_id,
        person_id=placed.person_id,
    )
    return Mother(placed.package_id)


def summary_value(page: Page, key: str) -> str:
    row = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=key)).first
    return str(row.locator("dd").inner_text()).strip()


def test_a_family_member_banks_two_hours_and_sees_the_balance_change(
    new_page: NewPage, site: Site, mother: Mother
) -> None:
    page = new_page()
    sign_in(page, site, "family")

    assert heading(page) == "My care"
    main = page.inner_text("main")
    assert "Every day: a 30-minute morning visit" in main
    assert "Joy" in main and "Not yet arranged" in main
    assert summary_value(page, "Banked") == "0 hours"
    check_accessibility(page)

    page.get_by_role("link", name="Bank hours").click()
    assert heading(page) == "Bank hours"
    page.get_by_role("button", name="Bank hours").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert "Enter how many hours to bank" in page.inner_text(".govuk-error-summary")
    check_accessibility(page)
    page.get_by_label("How many hours do you want to bank?").fill("2")
    page.get_by_label("Why are you banking hours?").fill("I am staying with Mum at the weekend")
    page.get_by_role("button", name="Bank hours").click()

    assert heading(page) == "My time bank"
    assert "You banked 2 hours." in page.inner_text(".govuk-notification-banner")
    assert summary_value(page, "Banked") == "2 hours"
    assert "I am staying with Mum at the weekend" in page.inner_text("main")
    check_accessibility(page)

    page.get_by_role("link", name="Back to my care").click()
    assert summary_value(page, "Banked") == "2 hours"


def test_a_family_member_agrees_to_a_change_online(
    new_page: NewPage, site: Site, mother: Mother
) -> None:
    page = new_page()
    sign_in(page, site, "family")
    page.get_by_role("link", name="Answer the request").click()

    assert heading(page) == "Changes to your care"
    assert summary_value(page, "Care each week now") == "7 hours"
    assert summary_value(page, "Care each week after the change") == "6 hours 30 minutes"
    assert page.get_by_label("Your full name").input_value() == "Ann Shaw"
    check_accessibility(page)
    page.get_by_label("Yes, I agree").check()
    page.get_by_role("button", name="Send your answer").click()

    assert "You agreed to the change" in page.inner_text(".govuk-notification-banner")
    answered = page.locator("table").inner_text()
    assert "Agreed" in answered and "Ann Shaw (daughter)" in answered
    check_accessibility(page)

    page.get_by_role("link", name="Back to my care").click()
    assert summary_value(page, "Care each week") == "6 hours 30 minutes"


def test_a_family_member_rates_how_things_are_going(
    new_page: NewPage, site: Site, mother: Mother
) -> None:
    page = new_page()
    sign_in(page, site, "family")
    page.get_by_role("link", name="Rate how things are going").click()

    assert heading(page) == "Rate how things are going"
    check_accessibility(page)
    for legend, score in (
        ("My well-being and independence", "4"),
        ("My home", "5"),
        ("My community", "2"),
    ):
        group = page.get_by_role("group", name=re.compile(f"^{legend}"))
        group.get_by_label(re.compile(f"^{score}")).check()
    page.get_by_role("button", name="Send your rating").click()

    assert "Your ratings are on your review" in page.inner_text(".govuk-notification-banner")
    assert (
        page.get_by_role("group", name=re.compile("^My home"))
        .get_by_label(re.compile("^5"))
        .is_checked()
    )
    check_accessibility(page)
