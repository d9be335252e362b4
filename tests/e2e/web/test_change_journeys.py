"""A social worker decides a provider-led change in a real browser against `homecare serve`.

Aire's manager made the change as trusted assessor four weeks ago, with the person's
consent, and submitted it today after the trial; a bigger change by Wortley waits for the
social worker before it takes effect. Both are seeded through the platform's own services
into the served store, on the server's real clock. Each page visited is checked with
axe-core.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.accounts.service import actor_for_user
from homecare.accounts.tables import UserAccount
from homecare.calendar import LONDON
from homecare.changes.service import propose_change, submit_change
from homecare.db import make_engine, unit_of_work
from homecare.packages.tables import Package
from homecare.people.tables import Person
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in
from tests.support.caseload import place_package

Page = Any
NewPage = Callable[..., Page]
APPROVED = "Walter Binns"
WAITING = "Irene Dobson"


def _manager(session: Session, site: Site, provider: str) -> Actor:
    email = site.emails[provider]
    user = session.scalars(select(UserAccount).where(UserAccount.email == email)).one()
    return actor_for_user(session, user)


def _person_with_package(site: Site, provider: str, name: str) -> int:
    """A person of this name with 7 carer hours a week from `provider`; the package id."""
    engine = make_engine(site.database_url)
    try:
        placed = place_package(
            engine, site.world, provider=provider, nhs_number=next(site.nhs_numbers)
        )
        with unit_of_work(engine) as s:
            person = s.get(Person, placed.person_id)
            assert person is not None
            person.given_name, person.family_name = name.split()
        return placed.package_id
    finally:
        engine.dispose()


def _propose(
    site: Site, provider: str, package_id: int, minutes: int, name: str, at: datetime
) -> int:
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            change = propose_change(
                s,
                actor=_manager(s, site, provider),
                at=at,
                package_id=package_id,
                to_weekly_minutes=minutes,
                reason=f"{name.split()[0]} is steadier on their feet and mornings need more time",
                consent_by_name=name,
                consent_by_relationship="self",
                consent_method="in_person",
                consent_at=at - timedelta(hours=1),
            )
            return change.id
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def changes(site: Site) -> dict[str, int]:
    """Walter's change proposed four weeks ago and submitted now; Irene's waiting since."""
    now = datetime.now(LONDON)
    walter = _person_with_package(site, "Aire Homecare", APPROVED)
    irene = _person_with_package(site, "Wortley Care", WAITING)
    submitted = _propose(site, "Aire Homecare", walter, 480, APPROVED, now - timedelta(weeks=4))
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            submit_change(s, actor=_manager(s, site, "Aire Homecare"), at=now, change_id=submitted)
    finally:
        engine.dispose()
    waiting = _propose(site, "Wortley Care", irene, 600, WAITING, now - timedelta(minutes=5))
    return {"submitted": submitted, "waiting": waiting, "package": walter}


def _weekly_minutes(site: Site, package_id: int) -> int:
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            package = s.get(Package, package_id)
            assert package is not None
            return package.weekly_minutes
    finally:
        engine.dispose()


def test_a_social_worker_approves_a_provider_led_change(
    new_page: NewPage, site: Site, changes: dict[str, int]
) -> None:
    page = new_page()
    sign_in(page, site, "social_worker")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Changes to approve"
    ).click()

    assert heading(page) == "Changes to approve"
    queue = page.get_by_role("table").filter(has_text="Oldest first")
    walter = queue.get_by_role("row").filter(has_text=APPROVED)
    assert "Aire Homecare" in walter.inner_text()
    assert "7 hours to 8 hours (+14.3%)" in walter.inner_text()
    assert "+1 hour, +£26.22 a week" in walter.inner_text()
    assert "Within limits" in walter.inner_text()
    irene = queue.get_by_role("row").filter(has_text=WAITING)
    assert "Outside limits" in irene.inner_text()
    assert "No trial: not yet in effect" in irene.inner_text()
    check_accessibility(page)

    walter.get_by_role("link", name=APPROVED).click()
    assert heading(page) == f"Change to {APPROVED}’s care"
    main = page.inner_text("main")
    assert "Submitted after trial" in main
    assert "As proposed\t+1 hour and +£26.22 a week" in main
    assert "The person themselves" in main
    # The weekly hours show only while "Amend the change" is chosen.
    minutes = page.get_by_label("Weekly carer hours")
    assert not minutes.is_visible()
    page.get_by_label("Amend the change").check()
    assert minutes.is_visible()
    check_accessibility(page)
    page.get_by_label("Approve the change").check()
    assert not minutes.is_visible()
    page.get_by_label("Note", exact=True).fill(
        "Walter says the longer mornings help him get ready for the day centre"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Save decision").click()

    assert heading(page) == "Changes to approve"
    banner = page.inner_text(".govuk-notification-banner")
    assert f"The change to {APPROVED}’s care is approved" in banner
    assert APPROVED not in page.get_by_role("table").filter(has_text="Oldest first").inner_text()
    assert WAITING in page.inner_text("main")
    check_accessibility(page)
    assert _weekly_minutes(site, changes["package"]) == 480

    page.get_by_role("link", name="Decided").click()
    assert heading(page) == "Decided changes"
    decided = page.get_by_role("row").filter(has_text=APPROVED)
    assert "Approved" in decided.inner_text()
    check_accessibility(page)
