"""A change of visits from the provider's page to the family and the social worker, in a
real browser against `homecare serve`.

Aire's manager proposes adding a 30-minute lunch visit every day to Joan Pickles's
morning and bedtime calls; her son Peter, who consents for her, reads exactly that on her
My care page and agrees; the change is bigger than Aire may make alone, so the social
worker reads the same words, approves, and the package carries the lunch visits. Each
page is checked with axe-core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from homecare.access import Role
from homecare.db import make_engine, unit_of_work
from homecare.packages.tables import Package, PackageVisit
from homecare.people.tables import Person
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in
from tests.support.caseload import place_package

Page = Any
NewPage = Callable[..., Page]
NAME = "Joan Pickles"
FAMILY = "pickles_family"
WORDS = "Adds a 30-minute lunch visit every day; 3 h 30 min more a week"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@pytest.fixture(scope="module")
def joan(site: Site) -> int:
    """Joan's package: 30-minute morning and bedtime calls every day, from Aire; her son
    Peter consents for her and has his own account."""
    engine = make_engine(site.database_url)
    try:
        placed = place_package(
            engine,
            site.world,
            nhs_number=next(site.nhs_numbers),
            consent_by_name="Peter Pickles",
            consent_by_relationship="son",
        )
        with unit_of_work(engine) as s:
            person = s.get(Person, placed.person_id)
            assert person is not None
            person.given_name, person.family_name = NAME.split()
    finally:
        engine.dispose()
    site.add_user(
        FAMILY,
        "Peter Pickles (son)",
        Role.PERSON,
        site.world.council_id,
        person_id=placed.person_id,
    )
    return placed.package_id


def _lunch_visits(site: Site, package_id: int) -> tuple[int, int]:
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            package = s.get(Package, package_id)
            assert package is not None
            lunches = s.scalars(
                select(PackageVisit).where(
                    PackageVisit.package_id == package_id, PackageVisit.band == "lunch"
                )
            ).all()
            return package.weekly_minutes, len(lunches)
    finally:
        engine.dispose()


def _provider_proposes(page: Page, package_id: int) -> None:
    page.goto(f"/app/packages/{package_id}")
    assert heading(page) == NAME
    assert "No changes have been proposed" in page.inner_text("main")
    check_accessibility(page)
    page.get_by_role("button", name="Propose a change to the visits").click()
    assert heading(page) == f"Change {NAME}’s visits"
    assert page.get_by_label("Monday morning, minutes").input_value() == "30"
    page.get_by_label("Tuesday lunch, minutes").fill("ten")
    page.get_by_role("button", name="Ask the person to agree").click()
    summary = page.inner_text(".govuk-error-summary")
    assert "Tuesday lunch: enter the minutes as a whole number, like 30" in summary
    assert "Enter why the visits should change" in summary
    check_accessibility(page)
    for day in DAYS:
        page.get_by_label(f"{day} lunch, minutes").fill("30")
    page.get_by_label("Why should the visits change?").fill(
        "Joan forgets to eat at midday; a lunch visit makes sure she has a hot meal"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Ask the person to agree").click()
    assert heading(page) == NAME
    main = page.inner_text("main")
    assert "Change sent." in main
    assert WORDS in main and "Waiting for an answer" in main
    check_accessibility(page)


def _family_agrees(page: Page, package_id: int) -> None:
    page.goto(f"/app/my-care/consent?package={package_id}")
    assert heading(page) == "Changes to your care"
    main = page.inner_text("main")
    assert WORDS in main
    assert "longer" not in main
    check_accessibility(page)
    page.get_by_label("Yes, I agree").check()
    page.get_by_label("Your full name").fill("Peter Pickles")
    page.get_by_label(f"How are you related to {NAME.split()[0]}?").fill("son")
    page.get_by_role("button", name="Send your answer").click()
    assert "You agreed to the change" in page.inner_text(".govuk-notification-banner")
    assert WORDS in page.inner_text("main")
    check_accessibility(page)


def _social_worker_approves(page: Page) -> None:
    page.goto("/app/changes")
    row = page.get_by_role("row").filter(has_text=NAME)
    assert WORDS in row.inner_text()
    assert "Outside limits" in row.inner_text()
    row.get_by_role("link", name=NAME).click()
    assert heading(page) == f"Change to {NAME}’s care"
    main = page.inner_text("main")
    assert f"What changes\t{WORDS}" in main
    lunch = page.get_by_role("row").filter(has_text="Monday").filter(has_text="Lunch")
    assert "No visit" in lunch.inner_text() and "30 minutes" in lunch.inner_text()
    check_accessibility(page)
    page.get_by_label("Approve the change").check()
    page.get_by_role("button", name="Save decision").click()
    assert f"The change to {NAME}’s care is approved" in page.inner_text(
        ".govuk-notification-banner"
    )
    check_accessibility(page)


def test_a_provider_adds_a_lunch_visit_the_family_agrees_and_the_social_worker_approves(
    new_page: NewPage, site: Site, joan: int
) -> None:
    provider = new_page()
    sign_in(provider, site, "Aire Homecare")
    _provider_proposes(provider, joan)

    family = new_page()
    sign_in(family, site, FAMILY)
    _family_agrees(family, joan)
    assert _lunch_visits(site, joan) == (420, 0)

    social_worker = new_page()
    sign_in(social_worker, site, "social_worker")
    _social_worker_approves(social_worker)
    assert _lunch_visits(site, joan) == (630, 7)

    provider.reload()
    main = provider.inner_text("main")
    assert WORDS in main and "Approved" in main and "Agreed by Peter Pickles" in main
    check_accessibility(provider)
