"""The commissioner's budget in a real browser: the year's position with its chart, and a
drawdown from the contingency recorded on the page's form and listed under it. The served
app runs on the real clock, so the year is the one holding today. Checked with axe-core.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from homecare.access import Role
from homecare.db import make_engine, unit_of_work
from homecare.money.budget_service import seed_budget
from homecare.money.budgets import FinancialYear
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in

Page = Any
NewPage = Callable[..., Page]
KEY = "budget_commissioner"


def test_the_commissioner_reads_the_budget_and_draws_on_the_contingency(
    new_page: NewPage, site: Site
) -> None:
    year = FinancialYear.of(datetime.now(UTC).date())
    site.add_user(KEY, "Priya Budget", Role.COMMISSIONER, site.world.council_id)
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            seed_budget(s, council_id=site.world.council_id, year=year.start_year,
                        at=datetime.now(UTC))  # fmt: skip
    finally:
        engine.dispose()
    page = new_page()
    sign_in(page, site, KEY)

    page.goto(f"/app/budget?year={year.start_year}")
    assert heading(page) == f"Budget {year.label}"
    assert "£4,500,000.00" in page.locator("#position").inner_text()
    page.wait_for_function(
        "() => { const i = document.getElementById('budget-chart'); "
        "return i.complete && i.naturalWidth > 0; }"
    )
    check_accessibility(page)

    page.get_by_label("Amount, in pounds").fill("25,000")
    page.get_by_label("The decision, and why").fill("Winter pressures, agreed at panel")
    page.get_by_role("button", name="Record the drawdown").click()
    page.wait_for_load_state()

    assert "The drawdown is recorded." in page.locator(".govuk-notification-banner").inner_text()
    drawdowns = page.locator("#drawdowns").inner_text()
    assert "Winter pressures, agreed at panel" in drawdowns and "£25,000.00" in drawdowns
    assert "£332,000.00 left" in page.locator("#contingency + p").inner_text()
    check_accessibility(page)
