"""The provider manager's day, in a real browser against `homecare serve`.

Aire Homecare's manager re-optimises today's rounds, sees them on the map, the timeline
and the tables, puts carers on the visits, looks at the care workers and downloads a
monitoring return. Each page visited is checked with axe-core; the main pages are saved
as screenshots in docs/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.db import make_engine, unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.market.tables import Contract
from homecare.packages.service import transfer_in_package
from homecare.pattern import Day
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from homecare.workforce.schemas import CareWorkerCreate
from homecare.workforce.service import add_care_worker
from tests.e2e.web.conftest import SCREENSHOTS, Site, check_accessibility, screenshot
from tests.e2e.web.steps import heading, sign_in
from tests.support.caseload import daily_pattern
from tests.support.payloads import person as person_body
from tests.support.world import MONDAY_10AM

Page = Any
NewPage = Callable[..., Page]

# Care workers at real Armley postcodes: who they are, how they get about, their hours.
CARE_WORKERS = (
    ("Nadia Hussain", "walk", "LS12 1PN", ("07:00", "14:30")),
    ("Owen Price", "cycle", "LS12 1AZ", ("07:00", "22:00")),
    ("Ffion Jones", "walk", "LS12 1QW", ("14:30", "22:00")),
)
PEOPLE = (
    ("Edna", "Whitaker", "LS12 1PS"),
    ("Harold", "Pickles", "LS12 1QN"),
    ("Joan", "Sutcliffe", "LS12 1RR"),
    ("Albert", "Greenwood", "LS12 1QX"),
)


@pytest.fixture(scope="module")
def aire_today(site: Site) -> list[str]:
    """Aire's care workers and four more people with morning and bed calls from today."""
    today = datetime.now(LONDON).date()
    aire = site.world.providers["Aire Homecare"]
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            for name, mode, postcode, (starts, ends) in CARE_WORKERS:
                add_care_worker(
                    s,
                    actor=SYSTEM_ACTOR,
                    at=MONDAY_10AM,
                    provider_id=aire,
                    data=CareWorkerCreate(
                        name=name,
                        contract_type="salaried_block",
                        weekly_contracted_hours=37.5,
                        skills=["personal_care", "medication"],
                        travel_mode=mode,
                        home_postcode=postcode,
                        shift_pattern={
                            d: (time.fromisoformat(starts), time.fromisoformat(ends)) for d in Day
                        },
                    ),
                )
            contract = s.get(Contract, site.world.contracts["Aire Homecare/1"])
            assert contract is not None
            for given, family, postcode in PEOPLE:
                body = person_body(nhs_number=next(site.nhs_numbers), postcode=postcode)
                body.update(given_name=given, family_name=family, council_id=site.world.council_id)
                person = record_person(
                    s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, data=PersonCreate.model_validate(body)
                )
                transfer_in_package(
                    s,
                    actor=SYSTEM_ACTOR,
                    at=MONDAY_10AM,
                    person_id=person.id,
                    contract=contract,
                    pattern=daily_pattern(two_handed_bed=family == "Pickles"),
                    outcomes=["Stay safe at home"],
                    starts_on=today,
                )
            generate_visits(
                s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=today, end=today, provider_id=aire
            )
    finally:
        engine.dispose()
    return [name for name, *_ in CARE_WORKERS]


def test_the_provider_manager_optimises_a_day_and_sees_the_rounds_map(
    site: Site, new_page: NewPage, aire_today: list[str], tmp_path: Path
) -> None:
    page = new_page()
    sign_in(page, site, "Aire Homecare")
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Rounds").click()
    assert heading(page).startswith("Rounds for ")
    check_accessibility(page)

    page.get_by_label("How many seconds may it search?").fill("2")
    page.get_by_role("button", name="Re-optimise").click()
    page.wait_for_load_state()
    banner = page.locator(".govuk-notification-banner")
    assert "Rounds re-optimised" in banner.inner_text()

    # The map: Leaflet has drawn a line per round and a dot per visit in its overlay pane.
    page.wait_for_selector("#rounds-map[data-drawn]")
    assert page.locator("#rounds-map .leaflet-map-pane").count() == 1
    stops = page.locator(".app-round-table tbody tr").count()
    paths = page.locator("#rounds-map .leaflet-overlay-pane path").count()
    assert stops >= 10 and paths >= stops
    assert int(page.get_attribute("#rounds-map", "data-drawn") or 0) == paths
    legend = page.locator(".app-legend").inner_text()
    check_accessibility(page)
    screenshot(page, "rounds-map")

    # The timeline and the tables: every care worker with visits, every person visited.
    timeline = page.locator("svg.app-timeline")
    tables = page.locator(".app-round-table")
    names = [n for n in aire_today if n in legend]
    assert len(names) >= 2
    in_tables = " ".join(tables.all_inner_texts())
    for name in names:
        assert name in timeline.inner_html() and name in in_tables
    for given, family, _ in PEOPLE:
        assert f"{given} {family}" in in_tables
    assert page.locator("svg.app-timeline .app-timeline__visit").count() == stops
    timeline.scroll_into_view_if_needed()
    timeline.screenshot(path=str(SCREENSHOTS / "rounds-timeline.png"))

    page.get_by_role("button", name="Put carers on visits").click()
    page.wait_for_load_state()
    assert "Carers put on" in page.locator(".govuk-notification-banner").inner_text()
    check_accessibility(page)

    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Care workers").click()
    assert heading(page) == "Care workers"
    listed = page.locator("main table").inner_text()
    assert all(name in listed for name in aire_today)
    assert "Cycles" in listed and "Walks" in listed
    check_accessibility(page)
    screenshot(page, "care-workers")
    page.get_by_role("link", name=names[0]).click()
    assert heading(page) == names[0]
    assert "Shifts each week" in page.inner_text("main")
    check_accessibility(page)

    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Monitoring returns").click()
    assert heading(page) == "Monitoring returns"
    check_accessibility(page)
    screenshot(page, "returns")
    period = page.get_by_label("Period", exact=True).input_value()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the return").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"monitoring-return-{period}-aire-homecare.xlsx"
    cover = load_workbook(saved)["Return"]
    assert cover["B2"].value == period
    assert cover["B6"].value == "Aire Homecare"

    # Without JavaScript the map says so, and the tables still give every round.
    plain = new_page(javascript=False)
    sign_in(plain, site, "Aire Homecare", javascript=False)
    plain.goto("/app/rounds")
    assert "The map is drawn by JavaScript" in plain.inner_text("#rounds-map")
    assert plain.locator(".app-round-table tbody tr").count() == stops
