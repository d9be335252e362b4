"""Paying a provider in a real browser: a council finance officer drafts the period's runs
and checks one, cannot approve what they drafted, and a second finance officer approves
it; the provider's manager reads the statement and disputes a line; the council upholds
the dispute, and the adjustment it makes waits for a second person's approval.

The served app runs on the real clock, so the week paid is in the last 4-week period that
has ended, whatever today is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.calendar import LONDON
from homecare.db import make_engine, unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.delivery.tables import Attendance, Visit
from homecare.monitoring.periods import PeriodKind, recent_periods
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import MONDAY_10AM

Page = Any
NewPage = Callable[..., Page]
KIRKSTALL = "Kirkstall Care"


def _a_delivered_week(site: Site) -> date:
    """Kirkstall's new package, its second week of the last ended period delivered: every
    visit checked in and out after 28 minutes but Sunday's, which has no record."""
    from datetime import datetime

    today = datetime.now(LONDON).date()
    period = recent_periods(today, PeriodKind.FOUR_WEEKS, 2)[1]
    monday = period.start + timedelta(days=7)
    engine = make_engine(site.database_url)
    try:
        place_package(engine, site.world, provider=KIRKSTALL, nhs_number="9990000034",
                      starts_on=monday)  # fmt: skip
        worker = hire_care_worker(engine, site.world, provider=KIRKSTALL, name="Lena Hart")
        with unit_of_work(engine) as s:
            generate_visits(
                s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=monday,
                end=monday + timedelta(days=6), provider_id=site.world.providers[KIRKSTALL],
            )  # fmt: skip
            for visit in s.scalars(
                select(Visit).where(Visit.provider_id == site.world.providers[KIRKSTALL])
            ):
                visit.status = "completed"
                if visit.day == monday + timedelta(days=6):
                    continue
                start = visit.window_start + timedelta(minutes=5)
                s.add(
                    Attendance(
                        visit_id=visit.id, care_worker_id=worker.care_worker_id,
                        checked_in_at=start, checked_out_at=start + timedelta(minutes=28),
                    )
                )  # fmt: skip
    finally:
        engine.dispose()
    return monday


def test_finance_officers_approve_a_run_and_the_provider_disputes_a_line_of_its_statement(
    new_page: NewPage, site: Site
) -> None:
    _a_delivered_week(site)
    council = site.world.council_id
    site.add_user("finance", "Fiona Price", Role.FINANCE_OFFICER, council)
    site.add_user("finance_2", "Ravi Patel", Role.FINANCE_OFFICER, council)

    first = new_page()
    sign_in(first, site, "finance")
    assert heading(first) == "Payment runs"
    row = first.locator("#runs tr", has_text=KIRKSTALL)
    assert "Not drafted" in row.inner_text()
    check_accessibility(first)
    first.get_by_role("button", name="Draft every provider's run for this period").click()
    expect(first.locator(".govuk-notification-banner")).to_contain_text("Every provider's run")
    first.locator("#runs").get_by_role("link", name=KIRKSTALL).click()
    assert heading(first) == KIRKSTALL
    run_url = first.url
    # Twelve visits of 28 minutes at £27.00 an hour: 28 × 2700 ÷ 60 = £12.60 each, £151.20.
    assert "£151.20" in first.inner_text("#run-summary")
    held = first.inner_text("#exceptions")
    assert held.count("No call-monitoring check-in and check-out") == 2
    check_accessibility(first)
    first.get_by_role("button", name="Check this run").click()
    expect(first.locator(".govuk-notification-banner")).to_contain_text("The run is checked")
    assert "You drafted this run" in first.inner_text("#actions")
    first.get_by_role("button", name="Approve this run").click()
    expect(first).to_have_title(re.compile(r"^Error: "))
    assert "another finance officer must approve it" in first.inner_text("#actions")

    second = new_page()
    sign_in(second, site, "finance_2")
    second.goto(run_url)
    second.get_by_role("button", name="Approve this run").click()
    expect(second.locator(".govuk-notification-banner")).to_contain_text("The run is approved")
    assert "will not change" in second.inner_text("#actions")

    manager = new_page()
    sign_in(manager, site, KIRKSTALL)
    manager.get_by_role("navigation", name="Menu").get_by_role("link", name="Statements").click()
    assert heading(manager) == "Statements"
    check_accessibility(manager)
    manager.locator("#statements").get_by_role("link").first.click()
    assert "£151.20" in manager.inner_text("#statement-summary")
    assert manager.inner_text("#held").count("No call-monitoring") == 2
    check_accessibility(manager)
    manager.locator("#lines").get_by_role("link", name=re.compile("^Dispute")).click()
    assert heading(manager) == "Dispute a line"
    manager.get_by_role("button", name="Send the dispute").click()
    expect(manager).to_have_title(re.compile(r"^Error: "))
    assert "Enter what is wrong with the line" in manager.inner_text(".govuk-error-summary")
    manager.get_by_label("What is wrong with this line?").fill(
        "Sunday's two visits were given: the carer's phone had no signal"
    )
    check_accessibility(manager)
    manager.get_by_role("button", name="Send the dispute").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("Your dispute is sent")
    assert "Open" in manager.inner_text("#lines")

    first.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Disputes and adjustments"
    ).click()
    card = first.locator(".govuk-summary-card", has_text=KIRKSTALL)
    assert "phone had no signal" in card.inner_text()
    check_accessibility(first)
    card.get_by_label("Upheld: the provider is right").check()
    card.get_by_label(re.compile("^If upheld, the amount owed")).fill("25.20")
    card.get_by_label("What the council decided and why").fill(
        "The carer's timesheet shows both Sunday visits"
    )
    card.get_by_role("button", name="Answer the dispute").click()
    expect(first.locator(".govuk-notification-banner")).to_contain_text("The dispute is answered")
    waiting = first.inner_text("#waiting-adjustments")
    assert "£25.20" in waiting and "You asked for it" in waiting

    second.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Disputes and adjustments"
    ).click()
    second.locator("#waiting-adjustments").get_by_role(
        "button", name=re.compile("^Approve")
    ).click()
    expect(second.locator(".govuk-notification-banner")).to_contain_text(
        "The adjustment is approved"
    )
    check_accessibility(second)

    manager.reload()
    assert "Upheld: The carer's timesheet shows both Sunday visits" in manager.inner_text("#lines")
