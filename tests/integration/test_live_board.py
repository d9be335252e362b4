"""The live board and the council's counts of today, through the API and the pages.

Monday 5 October 2026 at 10:30 in London. Margaret Holroyd's morning visit with Aire
Homecare (window 7:00 to 10:00): Aisha Khan checked in at 9:00 and is still there; her
bedtime visit is still to come. Bramley Care's morning visit for another person: Cara Lee
has not checked in, and the window closed 30 minutes ago, so it is late.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare.access import SYSTEM_ACTOR
from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.tables import Alert, Visit
from homecare.people.domain import nhs_check_digit
from tests.conftest import auth
from tests.support.caseload import Worker, hire_care_worker, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.web_client import give_password, sign_in, web_browser
from tests.support.world import MONDAY_10AM, World

MONDAY = date(2026, 10, 5)
HALF_TEN = MONDAY_10AM + timedelta(minutes=30)


def _day(engine: Engine, world: World) -> tuple[Worker, Worker, int]:
    aire = place_package(engine, world, starts_on=MONDAY)
    bramley = place_package(
        engine, world, provider="Bramley Care", nhs_number=VALID_NHS_NUMBERS[1], starts_on=MONDAY
    )
    aisha = hire_care_worker(engine, world)
    cara = hire_care_worker(engine, world, provider="Bramley Care", name="Cara Lee")
    with unit_of_work(engine) as s:
        generate_visits(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=MONDAY, end=MONDAY)
        mornings = {
            v.package_id: v.id
            for v in s.scalars(select(Visit).where(Visit.day == MONDAY, Visit.band == "morning"))
        }
        for package, worker in ((aire.package_id, aisha), (bramley.package_id, cara)):
            assign_carers(
                s,
                actor=SYSTEM_ACTOR,
                at=MONDAY_10AM,
                visit_id=mornings[package],
                care_worker_ids=[worker.care_worker_id],
            )
    return aisha, cara, mornings[aire.package_id]


def _check_in(client: TestClient, worker: Worker, visit_id: int, at: datetime) -> None:
    event = {
        "client_event_id": f"in-{visit_id}",
        "visit_id": visit_id,
        "kind": "check_in",
        "occurred_at": at.isoformat(),
        "latitude": 53.7997,
        "longitude": -1.5895,
    }
    sent = client.post("/call-events", json={"events": [event]}, headers=auth(worker.token))
    assert sent.status_code == 200, sent.text


def test_a_providers_board_shows_its_own_day_as_it_stands_and_the_council_only_counts(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    aisha, _, morning = _day(engine, world)
    _check_in(client, aisha, morning, MONDAY_10AM - timedelta(hours=1))
    clock.set(HALF_TEN)

    aire = client.get("/live/board", headers=auth(world.tokens["Aire Homecare"])).json()
    bramley = client.get("/live/board", headers=auth(world.tokens["Bramley Care"])).json()
    council = client.get("/live/summary", headers=auth(world.tokens["commissioner"]))

    assert datetime.fromisoformat(aire["as_at"]) == HALF_TEN
    assert aire["day"] == "2026-10-05"
    assert {k: v for k, v in aire["counts"].items() if v} == {"checked_in": 1, "due": 1}
    assert [(v["person_name"], v["state"], v["carers"]) for v in aire["visits"]] == [
        ("Margaret Holroyd", "checked_in", ["Aisha Khan"]),
        ("Margaret Holroyd", "due", []),
    ]
    assert [(c["name"], c["where"], c["with_someone"]) for c in aire["carers"]] == [
        ("Aisha Khan", "With Margaret Holroyd", True)
    ]
    assert {k: v for k, v in bramley["counts"].items() if v} == {"late": 1, "due": 1}
    assert [c["where"] for c in bramley["carers"]] == ["Not started"]
    counts = {p["provider_name"]: p["counts"] for p in council.json()["providers"]}
    assert counts["Aire Homecare"]["checked_in"] == 1
    assert counts["Bramley Care"]["late"] == 1
    assert "Holroyd" not in council.text and "Aisha" not in council.text


def test_only_a_providers_manager_sees_a_board_and_only_staff_who_watch_see_the_counts(
    client: TestClient, world: World, engine: Engine
) -> None:
    aisha, _, _ = _day(engine, world)

    assert client.get("/live/board", headers=auth(world.tokens["commissioner"])).status_code == 403
    assert client.get("/live/board", headers=auth(aisha.token)).status_code == 403
    assert client.get("/live/summary", headers=auth(aisha.token)).status_code == 403
    assert (
        client.get("/live/board?day=0", headers=auth(world.tokens["Aire Homecare"])).status_code
        == 422
    )


def test_the_board_page_shows_the_apis_counts_and_acknowledges_an_alert_once(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    aisha, _, morning = _day(engine, world)
    _check_in(client, aisha, morning, MONDAY_10AM - timedelta(hours=1))
    with unit_of_work(engine) as s:
        s.add(
            Alert(
                provider_id=world.providers["Aire Homecare"],
                visit_id=morning,
                kind="very_late",
                raised_at=MONDAY_10AM,
            )
        )
    clock.set(HALF_TEN)
    give_password(engine, "aire.homecare@example.org")
    browser = web_browser(engine, clock)
    signed_in = sign_in(browser, "aire.homecare@example.org")
    assert signed_in.status_code == 303

    page = browser.get("/app/board")
    api = client.get("/live/board", headers=auth(world.tokens["Aire Homecare"])).json()

    assert page.status_code == 200
    assert "As at 10:30am" in page.text
    for state, count in api["counts"].items():
        assert (
            f'data-state="{state}"><a class="govuk-link" href="/app/board?show={state}">{count}<'
            in page.text
        )
    assert "Margaret Holroyd" in page.text and "Very late" in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    before = _audit_rows(engine)
    alert_id = api["alerts"][0]["alert_id"]
    done = browser.post(
        f"/app/board/alerts/{alert_id}/acknowledge",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    again = browser.post(
        f"/app/board/alerts/{alert_id}/acknowledge",
        data={"csrf_token": token},
        follow_redirects=False,
    )

    assert done.status_code == 303
    assert again.status_code == 409
    assert _audit_rows(engine) == before + 1
    assert (
        client.get("/live/board", headers=auth(world.tokens["Aire Homecare"])).json()["alerts"]
        == []
    )


def _audit_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_the_councils_today_page_counts_each_provider_as_the_api_does_naming_no_one(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    aisha, _, morning = _day(engine, world)
    _check_in(client, aisha, morning, MONDAY_10AM - timedelta(hours=1))
    clock.set(HALF_TEN)
    give_password(engine, "commissioner@example.org")
    browser = web_browser(engine, clock)
    sign_in(browser, "commissioner@example.org")

    page = browser.get("/app/today-summary")
    api = client.get("/live/summary", headers=auth(world.tokens["commissioner"])).json()

    assert page.status_code == 200 and "as at 10:30am" in page.text
    for provider in api["providers"]:
        cells = "".join(
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{n}</td>'
            for n in provider["counts"].values()
        )
        row = page.text.split(f">{provider['provider_name']}</th>")[1].split("</tr>")[0]
        assert "".join(row.split()) == "".join(cells.split())
    assert "Holroyd" not in page.text and "Aisha" not in page.text


def test_the_boards_visits_are_found_by_name_and_come_twenty_to_a_page(
    world: World, engine: Engine, clock: FixedClock
) -> None:
    # Twelve people with Aire, two visits each today: 24 visits, more than one page.
    for number in range(12):
        first_nine = f"{999_500_000 + number * 7:09d}"
        while nhs_check_digit(first_nine) is None:
            first_nine = f"{int(first_nine) + 1:09d}"
        place_package(engine, world, nhs_number=first_nine + str(nhs_check_digit(first_nine)),
                      starts_on=MONDAY)  # fmt: skip
    with unit_of_work(engine) as s:
        generate_visits(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=MONDAY, end=MONDAY)
    clock.set(HALF_TEN)
    give_password(engine, "aire.homecare@example.org")
    browser = web_browser(engine, clock)
    sign_in(browser, "aire.homecare@example.org")

    first = browser.get("/app/board?show=all")
    second = browser.get("/app/board/live?show=all&page=2")
    nobody = browser.get("/app/board?show=all&q=Zebedee")

    assert "Showing 1 to 20 of 24 visits" in first.text
    assert first.text.count('data-visit="') == 20
    assert second.text.count('data-visit="') == 4 and "Showing 21 to 24 of 24" in second.text
    assert 'hx-get="/app/board/live?show=all&amp;page=2"' in second.text  # keeps its page
    assert "No visits match ‘Zebedee’" in nobody.text
