"""The commissioner's work in a real browser against `homecare serve`.

The commissioner reads the KPIs for the latest complete 4-week period, downloads the
monitoring return, then looks at the zones on the map, the spend and the providers. The
served store gets a week of Aire Homecare's visits at the end of that period, some
delivered, so the KPIs and the money have figures. Each page is checked with axe-core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from homecare.access import Role
from homecare.db import make_engine
from homecare.monitoring.periods import Period
from homecare.monitoring.service import latest_complete
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in
from tests.integration.test_web_commissioner import deliver

Page = Any
NewPage = Callable[..., Page]
KEY = "commissioner"


@pytest.fixture(scope="module")
def reported(site: Site) -> Iterator[Period]:
    """A commissioner, and the last week of the latest complete period delivered in part."""
    now = datetime.now(UTC)
    period = latest_complete(now)
    site.add_user(KEY, "Helen Marsh", Role.COMMISSIONER, site.world.council_id)
    engine = make_engine(site.database_url)
    try:
        deliver(
            engine,
            site.world,
            package_id=site.packages["Aire Homecare"],
            start=period.end - timedelta(days=6),
            end=period.end,
            delivered=3,
            closed_at=now,
        )
    finally:
        engine.dispose()
    yield period


def open_page(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=label).click()
    page.wait_for_load_state()


def test_the_commissioner_downloads_the_monitoring_return_and_sees_the_kpi_table(
    new_page: NewPage, site: Site, reported: Period, tmp_path: Any
) -> None:
    page = new_page()
    sign_in(page, site, KEY)

    assert heading(page) == "KPIs"
    table = page.locator("#kpi-table")
    rows = table.locator("tbody tr")
    assert rows.count() == 7
    assert "Target" in table.locator("thead").inner_text()
    visits = rows.nth(6).inner_text()
    assert "Scheduled visits completed" in visits and "98.0%" in visits
    assert "Red" in visits or "Amber" in visits or "Green" in visits
    assert reported.label in page.locator("#period").input_value()
    page.wait_for_function(
        "() => { const i = document.getElementById('trend-chart'); "
        "return i.complete && i.naturalWidth > 0; }"
    )
    check_accessibility(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel workbook (.xlsx)").click()
    saved = tmp_path / "return.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved)["KPIs"]
    visit_kpi = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == 7]
    assert visit_kpi, "the workbook has no row for KPI 7"
    assert isinstance(visit_kpi[0][5], float) and visit_kpi[0][6] == 98.0

    page.locator("#misses-7 summary").click()
    assert page.locator("#misses-7 a").count() > 0

    open_page(page, "Zones")
    assert heading(page) == "Zones"
    page.wait_for_selector("#zones-map[data-ready='true']")
    assert page.locator("#zones-map .leaflet-interactive").count() >= 1
    assert "Armley" in page.locator("#zones-table").inner_text()
    check_accessibility(page)

    open_page(page, "Spend")
    assert heading(page) == "Spend"
    assert page.locator("#committed-by-provider").inner_text().count("£") >= 3
    assert "£" in page.locator("#delivered-total").inner_text()
    check_accessibility(page)

    open_page(page, "Providers and contracts")
    assert heading(page) == "Providers and contracts"
    assert page.locator("#providers-table tbody tr").count() == 4
    check_accessibility(page)
    page.get_by_role("link", name="Aire Homecare").click()
    assert heading(page) == "Aire Homecare"
    assert page.locator("#provider-kpis tbody tr").count() == 7
    check_accessibility(page)


def test_the_kpi_filters_work_without_javascript(
    new_page: NewPage, site: Site, reported: Period
) -> None:
    page = new_page(javascript=False)
    sign_in(page, site, KEY, javascript=False)

    page.goto("/app/kpis")
    page.select_option("#lot", "1")
    page.select_option("#provider_id", label="Aire Homecare")
    page.get_by_role("button", name="Show KPIs").click()

    assert f"period={reported.label}" in page.url and "lot=1" in page.url
    assert page.locator("#kpi-table tbody tr").count() == 7
    assert page.locator("#kpis-by-provider").count() == 0


def test_the_commissioner_records_an_uplift_on_a_contract_and_a_backdated_one_is_refused(
    new_page: NewPage, site: Site, reported: Period
) -> None:
    page = new_page()
    sign_in(page, site, KEY)
    open_page(page, "Providers and contracts")
    page.locator("#contracts-table tbody tr", has_text="Aire Homecare").first.get_by_role(
        "link"
    ).click()
    assert heading(page) == "Aire Homecare"
    assert page.locator("#contract-conditions tbody tr").count() == 4
    check_accessibility(page)

    today = datetime.now(UTC).date()
    page.fill("#rate-amount", "27.10")
    page.fill("#rate-from-day", str((today - timedelta(days=1)).day))
    page.fill("#rate-from-month", str((today - timedelta(days=1)).month))
    page.fill("#rate-from-year", str((today - timedelta(days=1)).year))
    page.fill("#rate-reason", "Annual uplift")
    page.get_by_role("button", name="Record the new rate").click()
    summary = page.locator(".govuk-error-summary")
    assert "cannot be backdated" in summary.inner_text()
    check_accessibility(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "rate-from-day"

    later = today + timedelta(days=30)
    page.fill("#rate-from-day", str(later.day))
    page.fill("#rate-from-month", str(later.month))
    page.fill("#rate-from-year", str(later.year))
    page.get_by_role("button", name="Record the new rate").click()
    assert "The new rate is recorded." in page.locator(".govuk-notification-banner").inner_text()
    first_version = page.locator("#contract-versions tbody tr").first.inner_text()
    assert "Rate changed" in first_version and "Hourly rate £27.10" in first_version
    assert "Takes effect" in first_version
