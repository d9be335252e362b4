"""Long lists in a real browser: a provider manager searches and pages through people and
packages, and on a 390-pixel phone no list page scrolls sideways. Each page is checked
with axe-core.

The test seeds its own records for Bramley Care, whose lists no other journey reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest

from homecare.access import SYSTEM_ACTOR
from homecare.db import make_engine, unit_of_work
from homecare.market.tables import Contract
from homecare.packages.service import transfer_in_package
from homecare.pattern import Day
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from homecare.workforce.schemas import CareWorkerCreate
from homecare.workforce.service import add_care_worker
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in
from tests.support.caseload import daily_pattern
from tests.support.world import ARMLEY_POSTCODE, MONDAY_10AM

Page = Any
NewPage = Callable[..., Page]

PROVIDER = "Bramley Care"
FAMILY_NAMES = ["Ackroyd", "Barraclough", "Crowther", "Dewhurst", "Earnshaw"]
PEOPLE = 25
"""A page and a quarter: page 2 shows the last 5."""
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def bramley(site: Site) -> Site:
    """25 people with packages from Bramley Care, every fifth an Ackroyd, and 22 of its care
    workers, written straight into the served store."""
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            provider_id = site.world.providers[PROVIDER]
            contract = s.get(Contract, site.world.contracts[f"{PROVIDER}/1"])
            assert contract is not None
            for i in range(PEOPLE):
                person = record_person(
                    s,
                    actor=SYSTEM_ACTOR,
                    at=MONDAY_10AM,
                    data=PersonCreate(
                        nhs_number=next(site.nhs_numbers),
                        given_name=f"Edith{chr(65 + i)}",
                        family_name=FAMILY_NAMES[i % 5],
                        date_of_birth=date(1940, 1, 1 + i),
                        address=f"{i + 1} Town Street, Armley, Leeds",
                        postcode=ARMLEY_POSTCODE,
                        council_id=site.world.council_id,
                    ),
                )
                transfer_in_package(
                    s,
                    actor=SYSTEM_ACTOR,
                    at=MONDAY_10AM,
                    person_id=person.id,
                    contract=contract,
                    pattern=daily_pattern(minutes=15 + i),
                    outcomes=["Stay safe at home"],
                    starts_on=date(2026, 10, 5),
                )
            for i in range(22):
                add_care_worker(
                    s,
                    actor=SYSTEM_ACTOR,
                    at=MONDAY_10AM,
                    provider_id=provider_id,
                    data=CareWorkerCreate(
                        name=f"Carer {chr(65 + i)} {FAMILY_NAMES[i % 5]}",
                        contract_type="guaranteed_hours",
                        weekly_contracted_hours=20 + i,
                        skills=[],
                        travel_mode=("walk", "cycle", "drive")[i % 3],
                        home_postcode=ARMLEY_POSTCODE,
                        shift_pattern={d: (time(7, 0), time(15, 0)) for d in Day},
                    ),
                )
    finally:
        engine.dispose()
    return site


def fits_a_phone(page: Page) -> None:
    """Nothing on the page is wider than the phone: the page does not scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} pixels wide"


def test_a_manager_searches_and_pages_through_people_and_packages(
    new_page: NewPage, bramley: Site
) -> None:
    page = new_page()
    sign_in(page, bramley, PROVIDER)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="People and packages"
    ).click()
    assert heading(page) == "People and packages"
    assert "Showing 1 to 20 of 25 packages" in page.inner_text("main")
    check_accessibility(page)

    page.get_by_role("navigation", name="Pages of packages").get_by_role(
        "link", name="Next page"
    ).click()
    assert "Showing 21 to 25 of 25 packages" in page.inner_text("main")
    assert page.locator("a[aria-current='page']", has_text="2").count() == 1

    page.get_by_role("columnheader", name="Person").get_by_role("link").click()
    assert page.get_by_role("columnheader", name="Person").get_attribute("aria-sort") == (
        "ascending"
    )
    first = page.locator("tbody .govuk-table__row").first.inner_text()
    assert "Ackroyd" in first

    page.get_by_label("Search people").fill("ackroyd")
    page.get_by_role("button", name="Search").click()
    assert "Showing 1 to 5 of 5 packages" in page.inner_text("main")
    assert page.locator("tbody .govuk-table__row").count() == 5
    assert page.get_by_role("columnheader", name="Person").get_attribute("aria-sort") == (
        "ascending"
    )
    check_accessibility(page)

    page.get_by_label("Search people").fill("Holroyd")
    page.get_by_role("button", name="Search").click()
    assert "No packages match ‘Holroyd’" in page.inner_text("main")
    check_accessibility(page)


def test_list_pages_fit_a_390_pixel_phone(new_page: NewPage, bramley: Site) -> None:
    manager = new_page()
    manager.set_viewport_size(PHONE)
    sign_in(manager, bramley, PROVIDER)
    for path, title in (
        ("/app/packages", "People and packages"),
        ("/app/packages?page=2", "People and packages"),
        ("/app/care-workers", "Care workers"),
        ("/app/offers", "Offers"),
    ):
        manager.goto(path)
        assert heading(manager) == title
        fits_a_phone(manager)
        check_accessibility(manager)
    manager.goto("/app/packages")
    manager.locator("tbody .govuk-table__row a").first.click()
    assert heading(manager) == "EdithY Earnshaw"  # the latest to start, as listed first
    fits_a_phone(manager)
    manager.goto("/app/care-workers?travel=cycle&sort=-hours")
    assert manager.locator("tbody .govuk-table__row").count() == 7
    fits_a_phone(manager)

    broker = new_page()
    broker.set_viewport_size(PHONE)
    sign_in(broker, bramley, "broker")
    for path, title in (
        ("/app/referrals", "Referrals"),
        ("/app/queue", "Referral queue"),
        ("/app/awaiting-care", "Awaiting care"),
    ):
        broker.goto(path)
        assert heading(broker) == title
        fits_a_phone(broker)
        check_accessibility(broker)

    social_worker = new_page()
    social_worker.set_viewport_size(PHONE)
    sign_in(social_worker, bramley, "social_worker")
    social_worker.goto("/app/changes")
    fits_a_phone(social_worker)
    check_accessibility(social_worker)
