"""The commissioner's pages: KPIs with their trend and the return, spend, zones, providers.

Each test runs on SQLite and on PostgreSQL through FastAPI's test client. The caseload is
two packages (Aire Homecare and Bramley Care, 7 carer hours a week each) and a week of
Aire's visits of which two were delivered; the clock stands on the first day after
4-week period 2026-P11, so that period is the one the pages show by default.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import create_user
from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.delivery.call_events import apply_events
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.schemas import CallEventIn, EventKind
from homecare.delivery.tables import Visit
from homecare.delivery.visit_actions import close_visits
from homecare.geo.outline import convex_hull
from homecare.market import service as market
from homecare.market.domain import ContractRole, OrganisationKind
from tests.integration.test_web_auth import browser, give_password, sign_in, title
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import MONDAY_10AM, World

__all__ = ["browser"]

AFTER_P11 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # Monday of 2026-P12
COMMISSIONER = "commissioner@example.org"
OTHER_COMMISSIONER = "other.commissioner@example.org"


@dataclass(frozen=True)
class Caseload:
    aire_package: int
    bramley_package: int
    calder_id: int


def deliver(
    engine: Engine,
    world: World,
    *,
    package_id: int,
    start: date,
    end: date,
    delivered: int,
    closed_at: datetime,
) -> list[int]:
    """Generates a package's visits, delivers the first few on time, closes the rest.

    Returns the delivered visits' ids. Each delivered visit lasts its planned 30 minutes.
    """
    worker = hire_care_worker(engine, world, name=f"Carer for package {package_id}")
    with unit_of_work(engine) as s:
        generate_visits(
            s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=start, end=end, package_ids=[package_id]
        )
        visits = s.scalars(
            select(Visit)
            .where(Visit.package_id == package_id, Visit.carers == 1)
            .order_by(Visit.day, Visit.window_start)
            .limit(delivered)
        ).all()
        events = []
        for visit in visits:
            assign_carers(
                s,
                actor=SYSTEM_ACTOR,
                at=MONDAY_10AM,
                visit_id=visit.id,
                care_worker_ids=[worker.care_worker_id],
            )
            arrived = visit.window_start + timedelta(minutes=5)
            left = arrived + timedelta(minutes=30)
            for kind, at in ((EventKind.CHECK_IN, arrived), (EventKind.CHECK_OUT, left)):
                events.append(
                    CallEventIn(
                        client_event_id=f"{visit.id}-{kind.value}",
                        visit_id=visit.id,
                        kind=kind,
                        occurred_at=at,
                        care_worker_id=worker.care_worker_id,
                    )
                )
        apply_events(s, actor=SYSTEM_ACTOR, at=closed_at, events=events)
        close_visits(
            s, actor=SYSTEM_ACTOR, at=closed_at, settings=Settings(database_url="unused://")
        )
        return [v.id for v in visits]


def another_councils_market(engine: Engine, world: World) -> int:
    """Bradford's own zone and provider, and a commissioner for it: none of it Leeds'."""
    at = MONDAY_10AM
    with unit_of_work(engine) as s:
        for number in (1, 2):
            market.create_lot(
                s,
                actor=SYSTEM_ACTOR,
                at=at,
                number=number,
                name=f"Bradford lot {number}",
                required_skills=[],
                council_id=world.other_council_id,
            )
        zone = market.create_zone(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            name="Manningham",
            lsoa_codes=["E01010600"],
            council_id=world.other_council_id,
        )
        calder = market.create_organisation(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            kind=OrganisationKind.PROVIDER,
            name="Calder Care",
            cqc_location_id="1-2000000001",
            ratings={"overall": "good", "well_led": "good"},
            workforce_data_set_on=date(2026, 6, 30),
        )
        market.create_contract(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            provider_id=calder.id,
            lot_number=1,
            zone_id=zone.id,
            role=ContractRole.PRIMARY,
            hourly_rate_pence=2300,
            weekly_capacity_minutes=6000,
            starts_on=date(2026, 1, 1),
            council_id=world.other_council_id,
        )
        create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            organisation_id=world.other_council_id,
            role=Role.COMMISSIONER,
            name="Other Commissioner",
            email=OTHER_COMMISSIONER,
        )
        return calder.id


@pytest.fixture
def caseload(engine: Engine, world: World, clock: FixedClock) -> Caseload:
    aire = place_package(engine, world, nhs_number="9990000018")
    bramley = place_package(engine, world, nhs_number="9990000026", provider="Bramley Care")
    deliver(
        engine,
        world,
        package_id=aire.package_id,
        start=date(2026, 10, 5),
        end=date(2026, 10, 11),
        delivered=2,
        closed_at=AFTER_P11,
    )
    calder = another_councils_market(engine, world)
    for email in (COMMISSIONER, OTHER_COMMISSIONER, "social_worker@example.org"):
        give_password(engine, email)
    give_password(engine, "aire.homecare@example.org")
    clock.set(AFTER_P11)
    return Caseload(aire.package_id, bramley.package_id, calder)


def signed_in(browser: TestClient, email: str = COMMISSIONER) -> TestClient:
    assert sign_in(browser, email).status_code == 303
    return browser


def rows_of(html: str, table_id: str) -> list[list[str]]:
    """A table's body rows as lists of cell texts, tags and links flattened."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table, f"no table {table_id}"
    body = table.group(0).split("<tbody", 1)[1]
    rows = []
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


PAGES = ["/app/kpis", "/app/spend", "/app/zones", "/app/providers", "/app/zones.geojson"]


@pytest.mark.usefixtures("caseload")
def test_the_kpi_page_shows_the_seven_kpis_against_their_targets_with_a_colour(
    browser: TestClient,
) -> None:
    page = signed_in(browser).get("/app/kpis")

    assert page.status_code == 200
    assert title(page) == "KPIs"
    assert "4-week period 11 of 2026" in page.text
    kpis = rows_of(page.text, "kpi-table")
    assert [r[0].split(".")[0] for r in kpis] == [str(n) for n in range(1, 8)]
    visits = kpis[6]
    assert visits[1].startswith("14.3%") and "2 of 14" in visits[1]
    assert visits[2] == "98.0%"
    assert visits[3] == "Red"
    assert "12 visits" in visits[4] and "/app/packages/" in page.text
    assert all(r[3] in {"Green", "Amber", "Red", "No cases"} for r in kpis)
    by_provider = [r[0] for r in rows_of(page.text, "kpis-by-provider")]
    assert by_provider == ["Aire Homecare", "Bramley Care", "Kirkstall Care", "Wortley Care"]
    assert [r[0] for r in rows_of(page.text, "kpis-by-lot")] == ["Lot 1", "Lot 2"]
    assert 'src="/app/kpis/trend.svg?period=2026-P11"' in page.text
    assert len(rows_of(page.text, "trend-table")) == 7


@pytest.mark.usefixtures("caseload")
def test_choosing_a_provider_and_lot_narrows_the_kpis_and_a_stranger_is_not_found(
    browser: TestClient, world: World, caseload: Caseload
) -> None:
    signed_in(browser)
    aire = world.providers["Aire Homecare"]

    page = browser.get("/app/kpis", params={"period": "2026-P11", "provider_id": aire, "lot": 1})
    other = browser.get("/app/kpis", params={"provider_id": caseload.calder_id})
    nonsense = browser.get("/app/kpis", params={"provider_id": "Aire"})
    quarter = browser.get("/app/kpis", params={"period": "2026Q4"})
    misnamed = browser.get("/app/kpis", params={"period": "last month"})

    assert page.status_code == 200
    assert f'<option value="{aire}" selected>' in page.text
    assert rows_of(page.text, "kpi-table")[6][1].startswith("14.3%")
    assert 'id="kpis-by-provider"' not in page.text and 'id="kpis-by-lot"' not in page.text
    assert "Calder Care" not in page.text
    assert other.status_code == 404 and title(other) == "Page not found"
    assert nonsense.status_code == 404
    assert quarter.status_code == 200 and "Quarter 4 of 2026" in quarter.text
    assert '<option value="2026Q4" selected>' in quarter.text
    assert ">2026-P13</th>" in quarter.text  # the trend ends with the period holding 31 Dec
    assert misnamed.status_code == 422 and "name the period as" in misnamed.text.lower()


@pytest.mark.usefixtures("caseload")
def test_the_trend_chart_is_an_svg_image_with_its_own_policy(browser: TestClient) -> None:
    chart = signed_in(browser).get("/app/kpis/trend.svg", params={"period": "2026-P11"})

    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.startswith("<svg")
    assert "KPI 7" in chart.text
    assert "script-src" not in chart.headers["content-security-policy"]


@pytest.mark.usefixtures("caseload")
def test_the_return_downloads_as_a_workbook_and_csv_with_the_kpi_values(
    browser: TestClient,
) -> None:
    signed_in(browser)

    workbook = browser.get("/app/kpis/return.xlsx", params={"period": "2026-P11"})
    text = browser.get("/app/kpis/return.csv", params={"period": "2026-P11"})

    assert workbook.status_code == 200
    assert "attachment" in workbook.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(workbook.content))["KPIs"]
    values = [row for row in sheet.iter_rows(values_only=True) if 14.3 in row]
    assert values, "the KPIs sheet has no KPI 7 value of 14.3%"
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text.text)))
    assert any("14.3" in cell for row in rows for cell in row)


def _page_kpis(html: str) -> list[tuple[int, float | None, int, int, str]]:
    """(KPI, value, met, eligible, RAG) from the KPI page's table."""
    read = []
    for row in rows_of(html, "kpi-table"):
        value = None if row[1].startswith("No value") else float(row[1].split("%")[0])
        counts = re.search(r"(\d+) of (\d+)", row[1])
        met, eligible = (int(counts[1]), int(counts[2])) if counts else (0, 0)
        rag = "" if row[3] == "No cases" else row[3].lower()
        read.append((int(row[0].split(".")[0]), value, met, eligible, rag))
    return read


def _csv_kpis(text: str) -> tuple[list[tuple[int, float | None, int, int, str]], set[str]]:
    """The same from the CSV's all-providers, all-lots KPI lines, with their as-at."""
    rows = [
        r
        for r in csv.DictReader(io.StringIO(text))
        if r["Kind"] == "kpi" and r["Provider"] == "All" and r["Lot"] == "All"
    ]
    read = [
        (
            int(r["Measure"]),
            float(r["Value"]) if r["Value"] else None,
            int(r["Numerator"]),
            int(r["Denominator"]),
            r["RAG"],
        )
        for r in rows
    ]
    return read, {r["Figures as at"] for r in rows}


@pytest.mark.usefixtures("caseload")
def test_one_periods_return_is_the_same_on_the_page_in_the_csv_and_from_the_api(
    browser: TestClient, world: World, clock: FixedClock
) -> None:
    # 2026-P11 ends on Sunday 1 November 2026 (GMT): its figures are as at 06:00 UTC on
    # Monday 2 November. The page is read at 10:00 that Monday, the CSV and the API ten
    # days later: all three give the same figures as at the same moment, and say it.
    page = signed_in(browser).get("/app/kpis", params={"period": "2026-P11"})
    clock.set(AFTER_P11 + timedelta(days=10))
    text = signed_in(browser).get("/app/kpis/return.csv", params={"period": "2026-P11"})
    api = browser.get(
        "/monitoring/kpis",
        params={"period": "2026-P11"},
        headers={"Authorization": f"Bearer {world.tokens['commissioner']}"},
    )

    assert page.status_code == text.status_code == api.status_code == 200
    body = api.json()
    from_api = [
        (r["kpi"], r["value_pct"], r["met"], r["eligible"], r["rag"] or "")
        for r in body["rows"]
        if r["provider_id"] is None and r["lot"] is None
    ]
    from_csv, csv_as_at = _csv_kpis(text.text)
    assert _page_kpis(page.text) == from_csv == from_api
    assert from_api[6] == (7, 14.3, 2, 14, "red")
    as_at = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    assert datetime.fromisoformat(body["as_at"]) == as_at
    assert body["as_at_basis"] == "settled"
    assert {datetime.fromisoformat(t) for t in csv_as_at} == {as_at}
    assert "Figures as at 06:00 on Monday 2 November 2026" in page.text


@pytest.mark.usefixtures("caseload")
def test_figures_as_at_now_are_a_choice_the_page_names_and_passes_to_its_downloads(
    browser: TestClient,
) -> None:
    page = signed_in(browser).get("/app/kpis", params={"period": "2026-P11", "as_at": "now"})
    text = browser.get("/app/kpis/return.csv", params={"period": "2026-P11", "as_at": "now"})

    assert page.status_code == 200
    assert "Figures as at 10:00 on Monday 2 November 2026 (now, as asked)" in page.text
    assert "return.csv?period=2026-P11&amp;as_at=now" in page.text
    assert {r["Figures as at"] for r in csv.DictReader(io.StringIO(text.text))} == {
        "2026-11-02T10:00:00+00:00"
    }


@pytest.mark.usefixtures("caseload")
def test_the_period_picker_offers_weeks_to_years_in_plain_english(browser: TestClient) -> None:
    page = signed_in(browser).get("/app/kpis")

    assert '<option value="2026-P11" selected>4 weeks to Sunday 1 November 2026</option>' in (
        page.text
    )
    assert ">4 weeks to Sunday 29 November 2026 (in progress)</option>" in page.text
    assert '<option value="2026-10">October 2026</option>' in page.text
    assert '<option value="2026-W44">Week to Sunday 1 November 2026</option>' in page.text
    assert ">October to December 2026 (in progress)</option>" in page.text
    assert ">July to December 2026 (in progress)</option>" in page.text
    assert ">January to December 2025</option>" in page.text


@pytest.mark.usefixtures("caseload")
def test_spend_shows_the_committed_weekly_cost_and_the_periods_delivered_cost(
    browser: TestClient,
) -> None:
    page = signed_in(browser).get("/app/spend")

    assert page.status_code == 200
    assert title(page) == "Spend"
    # 7 hours a week at £26.22 (Aire) and at £25.00 (Bramley).
    assert rows_of(page.text, "committed-by-provider") == [
        ["Aire Homecare", "1", "7 hours", "£183.54"],
        ["Bramley Care", "1", "7 hours", "£175.00"],
        ["Total", "2", "14 hours", "£358.54"],
    ]
    assert rows_of(page.text, "committed-by-zone")[0] == ["Armley", "2", "14 hours", "£358.54"]
    assert rows_of(page.text, "committed-by-lot")[0][0] == "Lot 1"
    # Two visits of 30 minutes at £26.22 an hour.
    assert rows_of(page.text, "delivered-by-provider") == [
        ["Aire Homecare", "1", "1 hour", "£26.22"],
        ["Total", "1", "1 hour", "£26.22"],
    ]
    earlier = browser.get("/app/spend", params={"period": "2026-P10"})
    assert "No care was delivered in this period." in earlier.text


@pytest.mark.usefixtures("caseload")
def test_spend_names_and_reconciles_commissioned_scheduled_and_delivered_weekly_hours(
    browser: TestClient, clock: FixedClock
) -> None:
    # Monday 12 October: the last whole week is 5 to 11 October. Both packages (7 hours
    # each) were active on its Sunday: 14 commissioned. Only Aire's visits were
    # generated, 14 of 30 minutes: 7 scheduled. Two were delivered, 30 minutes each: 1.
    clock.set(datetime(2026, 10, 12, 10, 0, tzinfo=UTC))
    page = signed_in(browser).get("/app/spend")

    figures = re.search(r'<dl[^>]*id="weekly-hours".*?</dl>', page.text, re.S)
    assert figures is not None
    words = " ".join(re.sub(r"<[^>]+>", " ", figures.group(0)).split())
    assert words == "Commissioned 14 hours Scheduled 7 hours Delivered 1 hour"
    assert "Week to Sunday 11 October 2026" in page.text
    assert 'id="weekly-hours-reconciled"' in page.text


@pytest.mark.usefixtures("caseload")
def test_the_zones_page_lists_each_zone_with_its_providers_people_and_hours(
    browser: TestClient,
) -> None:
    page = signed_in(browser).get("/app/zones")
    shapes = browser.get("/app/zones.geojson").json()

    assert page.status_code == 200
    assert 'id="zones-map"' in page.text and "/assets/zones-map.js" in page.text
    assert rows_of(page.text, "zones-table") == [
        [
            "Armley",
            "Aire Homecare",
            "Bramley Care, Kirkstall Care, Wortley Care",
            "2",
            "14 hours",
            "6",
        ],
        ["Bramley", "None", "None", "0", "0 hours", "1"],
    ]
    armley = next(f for f in shapes["features"] if f["properties"]["name"] == "Armley")
    assert armley["geometry"]["type"] == "Polygon"
    ring = armley["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) >= 4
    assert all(53.7 < lat < 53.9 and -1.7 < lon < -1.5 for lon, lat in ring)
    assert armley["properties"]["people"] == 2


@pytest.mark.usefixtures("caseload")
def test_a_tile_server_in_the_settings_is_drawn_under_the_zones_and_allowed_by_the_policy(
    engine: Engine, clock: FixedClock
) -> None:
    tiles = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings = Settings(
        database_url="unused://", map_tiles_url=tiles, map_tiles_attribution="Example maps"
    )
    client = TestClient(
        create_app(settings, engine=engine, clock=clock), base_url="https://testserver"
    )

    page = signed_in(client).get("/app/zones")

    assert f'data-tiles="{tiles}"' in page.text
    assert 'data-tiles-attribution="Example maps"' in page.text
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy
    assert "script-src 'self';" in policy


def test_a_convex_hull_keeps_the_corners_and_drops_the_points_inside() -> None:
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (1.0, 1.0), (1.0, 0.0)]

    assert convex_hull(square) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
    assert convex_hull([(1.0, 1.0), (1.0, 1.0)]) == [(1.0, 1.0)]


@pytest.mark.usefixtures("caseload")
def test_the_providers_pages_list_contracts_people_hours_and_latest_kpis(
    browser: TestClient, world: World
) -> None:
    listing = signed_in(browser).get("/app/providers")
    aire = browser.get(f"/app/providers/{world.providers['Aire Homecare']}")

    assert listing.status_code == 200
    providers = rows_of(listing.text, "providers-table")
    assert [r[0] for r in providers] == [
        "Aire Homecare",
        "Bramley Care",
        "Kirkstall Care",
        "Wortley Care",
    ]
    assert providers[0] == ["Aire Homecare", "Good", "1-1000000001", "1", "7 hours"]
    contracts = rows_of(listing.text, "contracts-table")
    assert len(contracts) == 8
    assert contracts[0][:6] == [
        "Aire Homecare",
        "Lot 1",
        "Armley",
        "Primary",
        "£26.22",
        "400 hours",
    ]
    assert aire.status_code == 200 and title(aire) == "Aire Homecare"
    assert len(rows_of(aire.text, "contracts-table")) == 2
    kpis = rows_of(aire.text, "provider-kpis")
    assert len(kpis) == 7 and kpis[6][1:] == ["14.3%", "98.0%", "Red"]


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize("email", ["aire.homecare@example.org", "social_worker@example.org"])
def test_providers_and_social_workers_cannot_use_the_commissioners_pages(
    browser: TestClient, world: World, email: str
) -> None:
    signed_in(browser, email)

    answers = [browser.get(path) for path in [*PAGES, "/app/kpis/return.xlsx"]]
    answers.append(browser.get(f"/app/providers/{world.providers['Aire Homecare']}"))

    assert [a.status_code for a in answers] == [403] * len(answers)
    assert "/app/kpis" not in answers[0].text.split("<main", 1)[0]


@pytest.mark.usefixtures("caseload")
def test_another_council_sees_only_its_own_market_and_never_leeds(
    browser: TestClient, world: World, caseload: Caseload
) -> None:
    signed_in(browser, OTHER_COMMISSIONER)

    providers = browser.get("/app/providers")
    zones = browser.get("/app/zones")
    spend = browser.get("/app/spend")
    kpis = browser.get("/app/kpis")
    leeds_provider = browser.get(f"/app/providers/{world.providers['Aire Homecare']}")
    leeds_kpis = browser.get("/app/kpis", params={"provider_id": world.providers["Aire Homecare"]})
    shapes = browser.get("/app/zones.geojson").json()

    assert [r[0] for r in rows_of(providers.text, "providers-table")] == ["Calder Care"]
    assert [r[0] for r in rows_of(zones.text, "zones-table")] == ["Manningham"]
    assert shapes["features"] == []  # no postcodes of Bradford's are in the directory
    for page in (providers, zones, spend, kpis):
        assert page.status_code == 200
        for name in ("Aire Homecare", "Armley", "Bramley Care", "£183.54"):
            assert name not in page.text
    assert rows_of(kpis.text, "kpis-by-provider")[0][0] == "Calder Care"
    assert leeds_provider.status_code == 404 and leeds_kpis.status_code == 404
