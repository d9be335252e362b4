"""The provider manager's day, in a real browser against `homecare serve`.

Aire Homecare's manager re-optimises today's rounds (a job, with its progress page), sees
them on the map, the timeline and the table of rounds, picks one care worker's round,
undoes a second re-optimisation, puts carers on the visits, looks at the care workers and
downloads a monitoring return. Each page visited is checked with axe-core.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.db import make_engine, unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.market.tables import Contract
from homecare.packages.service import transfer_in_package
from homecare.pattern import Day
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from homecare.rounds.tables import RoundSearch
from homecare.workforce.schemas import CareWorkerCreate
from homecare.workforce.service import add_care_worker
from tests.e2e.web.conftest import Site, check_accessibility
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


def _searching(site: Site, day: date) -> int:
    """A search of the day that has been running for a second, as the job would leave it."""
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            now = datetime.now(LONDON)
            search = RoundSearch(
                provider_id=site.world.providers["Aire Homecare"], day=day, requested_at=now,
                seconds=30, state="searching", started_at=now, message="", before={}, after={},
            )  # fmt: skip
            s.add(search)
            s.flush()
            return search.id
    finally:
        engine.dispose()


def _finish(site: Site, search_id: int) -> None:
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            search = s.get(RoundSearch, search_id)
            assert search is not None
            search.state, search.finished_at = "done", datetime.now(LONDON)
    finally:
        engine.dispose()


def _re_optimise(page: Page, seconds: str) -> None:
    """Asks for a search and follows its progress page until the new plan is shown."""
    page.get_by_label("Seconds to search").fill(seconds)
    page.get_by_role("button", name="Re-optimise the day").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/app/rounds/[-\d]+\?search=\d+"), timeout=30_000)
    page.wait_for_load_state()


def test_the_provider_manager_optimises_a_day_and_sees_the_rounds_map(
    site: Site, new_page: NewPage, aire_today: list[str], tmp_path: Path
) -> None:
    page = new_page()
    sign_in(page, site, "Aire Homecare")
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Rounds").click()
    assert heading(page).startswith("Rounds for ")
    check_accessibility(page)

    # The search runs as a job; a day this small is searched before its page is shown.
    _re_optimise(page, "2")
    banner = page.locator(".govuk-notification-banner")
    assert "Rounds re-optimised" in banner.inner_text()
    before_after = page.locator("#before-after").inner_text()
    assert "Visits due" in before_after and "Late visits" in before_after

    # The map: a line per round and a dot per visit over the area's LSOA boundaries.
    page.wait_for_selector("#rounds-map[data-drawn][data-area-drawn]")
    assert page.locator("#rounds-map .leaflet-map-pane").count() == 1
    summary = page.locator("#rounds").inner_text()
    names = [n for n in aire_today if n in summary]
    assert len(names) >= 2
    rows = page.locator("#rounds tbody tr").count()
    assert rows >= len(names)  # other journeys seed Aire's care workers too
    check_accessibility(page)

    # One care worker picked: their round alone, in the table, the timeline and the map.
    picker = page.get_by_label("Show one care worker's round")
    option = picker.locator("option", has_text=names[0]).first
    picker.select_option(value=option.get_attribute("value"))
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#round-heading").inner_text().strip() == f"{names[0]}'s round"
    round_table = page.locator("#round").inner_text()
    # Others are named only as the second carer of a two-handed visit.
    assert all(other not in round_table.replace(f"with {other}", "") for other in names[1:])
    stops = page.locator("#round tbody tr").count()
    assert stops >= 2
    assert page.locator("svg.app-timeline .app-timeline__visit").count() == stops
    page.wait_for_selector("#rounds-map[data-drawn]")
    check_accessibility(page)
    picked_url = page.url

    # Re-optimise again, then undo: the picked round is back exactly as it was.
    _re_optimise(page, "1")
    assert "Undo the re-optimisation" in page.inner_text("#undo")
    page.get_by_role("button", name="Undo the re-optimisation").click()
    page.wait_for_load_state()
    assert "Re-optimisation undone" in page.locator(".govuk-notification-banner").inner_text()
    check_accessibility(page)
    page.goto(picked_url)
    assert page.locator("#round").inner_text() == round_table

    # A longer search's page says how far it has got, and moves on by itself when it ends.
    tomorrow = datetime.now(LONDON).date() + timedelta(days=1)
    search_id = _searching(site, tomorrow)
    page.goto(f"/app/rounds/{tomorrow.isoformat()}/searches/{search_id}")
    assert heading(page).startswith("Re-optimising ")
    assert "Searching for shorter rounds" in page.get_by_role("status").inner_text()
    check_accessibility(page)
    _finish(site, search_id)
    expect(page).to_have_url(re.compile(rf"\?search={search_id}&done=optimised"), timeout=15_000)

    page.goto("/app/rounds")
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
    page.get_by_role("link", name=names[0]).click()
    assert heading(page) == names[0]
    assert "Shifts each week" in page.inner_text("main")
    check_accessibility(page)

    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Monitoring returns").click()
    assert heading(page) == "Monitoring returns"
    check_accessibility(page)
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
    assert plain.locator("#rounds tbody tr").count() == rows
