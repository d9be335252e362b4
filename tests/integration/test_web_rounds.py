"""The provider manager's day in the pages: rounds, re-optimising, care workers, returns.

Each test runs on SQLite and on PostgreSQL through FastAPI's test client, signed in with
a password as a browser would be. The test world's clock is Monday 5 October 2026.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import time

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from homecare.access import SYSTEM_ACTOR
from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.tables import Visit, VisitCarer
from homecare.jobs import wait_for_jobs
from homecare.pattern import Day as Weekday
from homecare.pattern import PlannedVisit, TimeBand, VisitKind
from homecare.workforce.schemas import CareWorkerCreate
from homecare.workforce.service import add_care_worker
from tests.integration.test_web_auth import csrf_token, give_password, sign_in, title
from tests.support.caseload import Worker, hire_care_worker, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.world import MONDAY_10AM, World

DAY = "2026-10-05"
AIRE = "aire.homecare@example.org"
WORTLEY = "wortley.care@example.org"
COMMISSIONER = "commissioner@example.org"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def browser(engine: Engine, clock: FixedClock) -> TestClient:
    settings = Settings(database_url="unused://")
    return TestClient(
        create_app(settings, engine=engine, clock=clock), base_url="https://testserver"
    )


@dataclass(frozen=True)
class Day:
    workers: list[Worker]


def visits_today(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as s:
        generate_visits(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            start=MONDAY_10AM.date(),
            end=MONDAY_10AM.date(),
            provider_id=world.providers["Aire Homecare"],
        )


@pytest.fixture
def aire_day(engine: Engine, world: World) -> Day:
    """Aire: three people with a morning and a bed call each today, and two walkers."""
    for nhs in VALID_NHS_NUMBERS[:3]:
        place_package(engine, world, nhs_number=nhs)
    workers = [
        hire_care_worker(engine, world, name="Aisha Khan", skills=["medication"]),
        hire_care_worker(engine, world, name="Ben Carter"),
    ]
    visits_today(engine, world)
    give_password(engine, AIRE)
    give_password(engine, WORTLEY)
    give_password(engine, COMMISSIONER)
    return Day(workers)


def post(browser: TestClient, page: str, action: str, **fields: str) -> httpx.Response:
    token = csrf_token(browser.get(page).text)
    response: httpx.Response = browser.post(
        action, data={"csrf_token": token, **fields}, follow_redirects=False
    )
    return response


def optimise(browser: TestClient, seconds: str = "1") -> httpx.Response:
    """Asks for a search and waits for its job, as a manager waits on its progress page."""
    page = f"/app/rounds/{DAY}"
    sent = post(browser, page, f"{page}/optimise", **{"time-limit": seconds})
    wait_for_jobs()
    return sent


def error_summary(response: httpx.Response) -> list[str]:
    summary = response.text.split('class="govuk-error-summary"', 1)
    assert len(summary) == 2, "the page has no error summary"
    return re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', summary[1])


# --- rounds -------------------------------------------------------------------------------


def test_the_nights_sittings_and_sleep_ins_are_listed_apart_with_their_carers(
    browser: TestClient, world: World, engine: Engine
) -> None:
    for nhs, kind, minutes in (
        (VALID_NHS_NUMBERS[0], VisitKind.SLEEP_IN, 540),
        (VALID_NHS_NUMBERS[1], VisitKind.NIGHT_SITTING, 600),
    ):
        night = PlannedVisit(Weekday.MON, TimeBand.NIGHT, minutes, 1, kind=kind)
        place_package(engine, world, nhs_number=nhs, pattern=[night])
    worker = hire_care_worker(engine, world, name="Nadia Shah")
    visits_today(engine, world)
    with unit_of_work(engine) as s:
        first = s.scalars(select(Visit.id).order_by(Visit.id)).first()
        assert first is not None
        assign_carers(
            s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, visit_id=first,
            care_worker_ids=[worker.care_worker_id],
        )  # fmt: skip
    give_password(engine, AIRE)
    sign_in(browser, AIRE)

    page = browser.get("/app/rounds")

    night = page.text.split('id="night-care"', 1)[1].split("</table>", 1)[0]
    rows = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", night, re.S)[1:]
    ]
    assert "Night care (2)" in night
    assert [r[1:] for r in rows] == [
        ["5 October 2026", "Sleep-in", "9:30pm", "9 hours", "Nadia Shah"],
        ["5 October 2026", "Night sitting", "9:30pm", "10 hours", "No carer yet"],
    ]


def test_rounds_open_on_today_and_say_when_nothing_is_planned(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)

    page = browser.get("/app/rounds")

    assert page.status_code == 200
    assert title(page) == "Rounds for Monday 5 October 2026"
    assert "No rounds are planned for this day yet" in page.text
    assert 'id="rounds-map"' not in page.text


def test_a_manager_re_optimises_the_day_and_sees_the_new_plan(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)

    sent = optimise(browser)
    progress = browser.get(sent.headers["location"], follow_redirects=False)
    page = browser.get(progress.headers["location"])

    assert sent.status_code == 303
    assert sent.headers["location"] == f"/app/rounds/{DAY}/searches/1"
    # The job ran once the request was answered; its page now sends on to the new plan.
    assert progress.headers["location"] == f"/app/rounds/{DAY}?search=1&done=optimised"
    assert "Rounds re-optimised. The plan&#39;s figures before and after are below." in page.text
    before_after = page.text.split('id="before-after"', 1)[1].split("</table>", 1)[0]
    assert "Visits due" in before_after and "no plan" in before_after
    figures = re.sub(r"\s+", " ", page.text)
    assert 'Visits</dt> <dd class="govuk-summary-list__value">6</dd>' in figures
    assert 'Visits not placed</dt> <dd class="govuk-summary-list__value">0</dd>' in figures
    assert "Travel per hour of care" in page.text
    # The actions come before the plan, and undo is offered.
    assert page.text.index('id="optimise"') < page.text.index("The plan</h2>")
    assert "Undo the re-optimisation" in page.text
    rounds = page.text.split('id="rounds"', 1)[1].split("</table>", 1)[0]
    assert "Aisha Khan" in rounds or "Ben Carter" in rounds
    assert '<svg class="app-timeline"' in page.text
    assert f'data-geojson="/app/rounds/{DAY}.geojson"' in page.text
    assert "style=" not in page.text.split("<main", 1)[1]


def test_picking_one_care_worker_shows_their_round_alone_with_every_visit(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)
    optimise(browser)
    every = browser.get(f"/app/rounds/{DAY}")
    picked_id = re.findall(r'<option value="(\d+)"', every.text)[0]

    page = browser.get(f"/app/rounds/{DAY}?carer={picked_id}")

    heading = page.text.split('id="round-heading">', 1)[1].split("</h2>", 1)[0]
    name = "Aisha Khan" if "Aisha Khan" in heading else "Ben Carter"
    other = "Ben Carter" if name == "Aisha Khan" else "Aisha Khan"
    assert f"{name}'s round" in heading
    assert f'<option value="{picked_id}" selected>' in page.text
    assert f'data-carer="{picked_id}"' in page.text
    table = page.text.split('id="round"', 1)[1].split("</table>", 1)[0]
    assert other not in table and table.count("<tr") >= 2
    assert "Show every care worker" in page.text


def test_the_map_data_is_the_providers_rounds_as_lines_and_stops(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)
    optimise(browser)

    geo = browser.get(f"/app/rounds/{DAY}.geojson")

    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    lines = [f for f in features if f["geometry"]["type"] == "LineString"]
    points = [f for f in features if f["geometry"]["type"] == "Point"]
    assert len(points) == 6
    assert {f["properties"]["care_worker_name"] for f in lines} <= {"Aisha Khan", "Ben Carter"}
    lon, lat = points[0]["geometry"]["coordinates"]
    assert -1.7 < lon < -1.5 and 53.7 < lat < 53.9


def test_putting_carers_on_visits_fills_the_days_visits_from_the_rounds(
    browser: TestClient, aire_day: Day, engine: Engine
) -> None:
    sign_in(browser, AIRE)
    optimise(browser)

    sent = post(browser, f"/app/rounds/{DAY}", f"/app/rounds/{DAY}/visits")
    page = browser.get(sent.headers["location"])

    assert sent.headers["location"] == f"/app/rounds/{DAY}?done=assigned&assigned=6"
    assert "Carers put on 6 visits from the saved rounds." in page.text
    with engine.connect() as conn:
        filled = conn.scalar(select(func.count(func.distinct(VisitCarer.visit_id))))
        visits = conn.scalar(select(func.count()).select_from(Visit))
    assert filled == visits == 6


def test_putting_carers_on_visits_before_planning_says_so(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)

    refused = post(browser, f"/app/rounds/{DAY}", f"/app/rounds/{DAY}/visits")

    assert refused.status_code == 200
    assert error_summary(refused) == ["No rounds are saved for 2026-10-05: plan them first"]


def test_a_day_without_visits_or_without_care_workers_is_a_clear_message(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, AIRE)
    sign_in(browser, AIRE)

    nothing_due = optimise(browser)
    place_package(engine, world)
    nobody_on_shift = optimise(browser)

    assert error_summary(nothing_due) == [
        "There are no visits due on Monday 5 October 2026, so there is nothing to plan"
    ]
    assert error_summary(nobody_on_shift) == [
        "No care workers are on shift on Monday 5 October 2026, so nobody can make the visits"
    ]


def test_a_search_time_out_of_bounds_is_refused(browser: TestClient, aire_day: Day) -> None:
    sign_in(browser, AIRE)

    for seconds in ("0", "31", "soon"):
        refused = optimise(browser, seconds)

        assert refused.status_code == 200
        assert title(refused).startswith("Error: ")
        assert error_summary(refused) == ["Enter a number of seconds from 1 to 30"]
        assert f'value="{seconds}"' in refused.text


def test_a_visit_no_shift_covers_is_listed_as_not_placed_with_the_reason(
    browser: TestClient, world: World, engine: Engine
) -> None:
    place_package(engine, world)
    with unit_of_work(engine) as s:
        add_care_worker(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            provider_id=world.providers["Aire Homecare"],
            data=CareWorkerCreate(
                name="Early Only",
                contract_type="zero_hours",
                weekly_contracted_hours=0,
                travel_mode="cycle",
                home_postcode="LS12 1AZ",
                shift_pattern={"mon": (time(7, 0), time(14, 30))},
            ),
        )
    give_password(engine, AIRE)
    sign_in(browser, AIRE)

    optimise(browser)
    page = browser.get(f"/app/rounds/{DAY}")

    unplaced = page.text.split('id="unplaced"', 1)[1].split("</table>", 1)[0]
    assert "Margaret Holroyd" in unplaced
    assert "No qualified carer&#39;s shift covers the visit&#39;s time window" in unplaced
    assert re.search(r"\d(am|pm) to \d+(:\d\d)?(am|pm)", unplaced)
    assert "Early Only" in page.text  # the morning visit was placed with them


def test_another_provider_never_sees_aires_rounds(browser: TestClient, aire_day: Day) -> None:
    sign_in(browser, AIRE)
    optimise(browser)
    browser.cookies.clear()
    sign_in(browser, WORTLEY)

    page = browser.get(f"/app/rounds/{DAY}")
    geo = browser.get(f"/app/rounds/{DAY}.geojson")

    assert page.status_code == 200
    assert "Aisha Khan" not in page.text and "Margaret Holroyd" not in page.text
    assert "No rounds are planned for this day yet" in page.text
    assert geo.json() == {"type": "FeatureCollection", "features": []}


def test_a_council_user_cannot_use_the_rounds_pages(browser: TestClient, aire_day: Day) -> None:
    sign_in(browser, COMMISSIONER)

    assert browser.get(f"/app/rounds/{DAY}").status_code == 403
    assert browser.get(f"/app/rounds/{DAY}.geojson").status_code == 403
    assert browser.get("/app/care-workers").status_code == 403


# --- care workers -------------------------------------------------------------------------


def test_care_workers_are_listed_with_mode_skills_hours_and_todays_visits(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)
    optimise(browser)
    post(browser, f"/app/rounds/{DAY}", f"/app/rounds/{DAY}/visits")

    page = browser.get("/app/care-workers")
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page.text, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows[1:]]

    assert title(page) == "Care workers"
    assert [re.sub(r"<[^>]+>", "", c[0]) for c in cells] == ["Aisha Khan", "Ben Carter"]
    assert cells[0][1:5] == ["Walks", "Medication", "37.5", "7 (105 hours)"]
    assert sum(int(c[5]) for c in cells) == 6


def test_a_care_workers_page_shows_their_shifts_and_todays_round(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)
    optimise(browser)
    rounds = browser.get(f"/app/rounds/{DAY}").text
    worker = re.findall(rf'href="/app/rounds/{DAY}\?carer=(\d+)">([^<]+)</a>', rounds)[0]

    page = browser.get(f"/app/care-workers/{worker[0]}")

    assert title(page) == worker[1]
    assert "Salaried (block of hours)" in page.text
    shifts = re.findall(
        r'<th scope="row" class="govuk-table__header">(\w+)</th>\s*'
        r'<td class="govuk-table__cell">(\w+)</td>\s*<td class="govuk-table__cell">(\w+)</td>',
        page.text,
    )
    assert shifts[0] == ("Monday", "7am", "10pm") and len(shifts) == 7
    assert "has no round planned for today" not in page.text
    assert "Margaret Holroyd" in page.text


def test_another_providers_care_worker_is_page_not_found(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, WORTLEY)

    listed = browser.get("/app/care-workers")
    theirs = browser.get(f"/app/care-workers/{aire_day.workers[0].care_worker_id}")

    assert "Aisha Khan" not in listed.text
    assert "No care workers are recorded yet" in listed.text
    assert theirs.status_code == 404
    assert title(theirs) == "Page not found"


# --- returns ------------------------------------------------------------------------------


def test_a_provider_downloads_its_own_return_as_a_workbook(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)

    page = browser.get("/app/returns")
    download = browser.get("/app/returns/download?period=2026-P11&format=xlsx")

    assert title(page) == "Monitoring returns"
    assert '<option value="2026-P11">' in page.text
    assert 'id="provider"' not in page.text
    assert download.status_code == 200
    assert download.headers["content-type"] == XLSX
    assert (
        "monitoring-return-2026-P11-aire-homecare.xlsx" in download.headers["content-disposition"]
    )
    cover = load_workbook(io.BytesIO(download.content))["Return"]
    assert cover["B2"].value == "2026-P11"
    assert cover["B6"].value == "Aire Homecare"


def test_a_provider_asking_for_another_providers_return_gets_page_not_found(
    browser: TestClient, aire_day: Day, world: World
) -> None:
    sign_in(browser, WORTLEY)

    response = browser.get(
        f"/app/returns/download?period=2026-P11&provider={world.providers['Aire Homecare']}"
    )

    assert response.status_code == 404
    assert title(response) == "Page not found"


def test_a_council_user_chooses_a_provider_and_gets_csv(
    browser: TestClient, aire_day: Day, world: World
) -> None:
    sign_in(browser, COMMISSIONER)

    page = browser.get("/app/returns?kind=quarter")
    aire = world.providers["Aire Homecare"]
    download = browser.get(f"/app/returns/download?period=2026Q4&format=csv&provider={aire}")

    assert '<option value="2026Q4">' in page.text
    assert '<option value="2026-P11">' not in page.text
    assert "Wortley Care</option>" in page.text
    assert download.headers["content-type"].startswith("text/csv")
    assert "monitoring-return-2026Q4-aire-homecare.csv" in download.headers["content-disposition"]
    assert "Aire Homecare" in download.text and "Wortley Care" not in download.text


def test_a_return_without_a_period_asks_for_one(browser: TestClient, aire_day: Day) -> None:
    sign_in(browser, AIRE)

    refused = browser.get("/app/returns/download?period=&format=xlsx")

    assert refused.status_code == 200
    assert error_summary(refused) == ["Select the period the return is for"]


def test_without_tiles_the_map_has_the_areas_lsoa_boundaries_and_postcodes(
    browser: TestClient, aire_day: Day
) -> None:
    sign_in(browser, AIRE)
    optimise(browser)

    page = browser.get(f"/app/rounds/{DAY}")
    area = browser.get(f"/app/rounds/{DAY}/area.geojson")

    assert f'data-area="/app/rounds/{DAY}/area.geojson"' in page.text
    kinds = {f["properties"]["kind"]: f["geometry"] for f in area.json()["features"]}
    assert kinds["boundaries"]["type"] == "MultiLineString"
    assert len(kinds["boundaries"]["coordinates"]) > 10
    assert kinds["postcodes"]["type"] == "MultiPoint"
    assert len(kinds["postcodes"]["coordinates"]) > 10  # the Armley postcodes around the stops


def test_with_a_tile_server_the_map_uses_it_and_the_page_allows_its_images(
    engine: Engine, clock: FixedClock, aire_day: Day
) -> None:
    settings = Settings(
        database_url="unused://", map_tiles_url="https://tiles.example.org/{z}/{x}/{y}.png"
    )
    browser = TestClient(
        create_app(settings, engine=engine, clock=clock), base_url="https://testserver"
    )
    sign_in(browser, AIRE)
    optimise(browser)

    page = browser.get(f"/app/rounds/{DAY}")

    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in page.text
    assert "data-area=" not in page.text
    assert (
        "img-src 'self' data: https://tiles.example.org" in page.headers["content-security-policy"]
    )
