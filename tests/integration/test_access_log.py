"""Every opening of a person's record leaves one row in the access log, in the request's
own transaction; the council's information governance asks who looked and what a user saw."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from homecare.access import SYSTEM_ACTOR
from homecare.access_log import RecordAccess
from homecare.api.app import create_app
from homecare.cli import app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.privacy.repository import what_seen, who_looked
from homecare.timebank.service import open_envelope
from tests.conftest import auth
from tests.integration.test_provider_changes_api import propose
from tests.integration.test_web_auth import AIRE, SOCIAL_WORKER, give_password
from tests.integration.test_web_auth import sign_in as web_sign_in
from tests.integration.test_web_my_care import FAMILY, ask_consent, on_an_envelope, sign_in
from tests.support import payloads
from tests.support.caseload import place_package
from tests.support.world import MONDAY_10AM, World


def _log(engine: Engine) -> list[tuple[int | None, str, int, str, str]]:
    with unit_of_work(engine) as s:
        rows = s.scalars(select(RecordAccess).order_by(RecordAccess.id))
        return [(r.user_id, r.role, r.person_id, r.what, r.via) for r in rows]


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(RecordAccess)) or 0)


def test_opening_a_person_a_package_and_a_time_bank_logs_one_read_each(
    engine: Engine, world: World, client: TestClient
) -> None:
    placed = place_package(engine, world)
    broker = auth(world.tokens["broker"])
    provider = auth(world.tokens["Aire Homecare"])

    assert client.get(f"/people/{placed.person_id}", headers=broker).status_code == 200
    assert client.get(f"/packages/{placed.package_id}", headers=provider).status_code == 200
    assert client.get(f"/packages/{placed.package_id}/outcomes", headers=broker).status_code == 200

    log = _log(engine)
    assert [(role, person, what, via) for _, role, person, what, via in log] == [
        ("broker", placed.person_id, "person", "api"),
        ("provider_manager", placed.person_id, "package", "api"),
        ("broker", placed.person_id, "outcomes", "api"),
    ]
    assert all(user is not None for user, *_ in log)


def test_lists_do_not_log_and_a_refused_read_leaves_no_row(
    engine: Engine, world: World, client: TestClient
) -> None:
    placed = place_package(engine, world)
    other_provider = auth(world.tokens["Wortley Care"])

    assert client.get("/people", headers=auth(world.tokens["broker"])).status_code == 200
    assert client.get("/packages", headers=auth(world.tokens["broker"])).status_code == 200
    hidden = client.get(f"/packages/{placed.package_id}", headers=other_provider)

    assert hidden.status_code == 404
    assert _count(engine) == 0


def test_the_commissioner_asks_who_looked_at_a_person_in_a_time_range(
    engine: Engine, world: World, client: TestClient, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    start = clock.now()
    client.get(f"/people/{placed.person_id}", headers=auth(world.tokens["broker"]))
    clock.set(clock.now() + timedelta(hours=2))
    client.get(f"/people/{placed.person_id}", headers=auth(world.tokens["social_worker"]))
    commissioner = auth(world.tokens["commissioner"])

    everyone = client.get(f"/people/{placed.person_id}/access-log", headers=commissioner)
    later = client.get(
        f"/people/{placed.person_id}/access-log",
        params={"since": (start + timedelta(hours=1)).isoformat()},
        headers=commissioner,
    )

    assert everyone.status_code == 200
    assert [r["role"] for r in everyone.json()] == ["broker", "social_worker"]
    assert [r["role"] for r in later.json()] == ["social_worker", "commissioner"]
    assert _log(engine)[-1][1:] == ("commissioner", placed.person_id, "access log", "api")


def test_only_information_governance_may_read_the_log_and_only_for_its_own_council(
    engine: Engine, world: World, client: TestClient
) -> None:
    placed = place_package(engine, world)

    by_broker = client.get(
        f"/people/{placed.person_id}/access-log", headers=auth(world.tokens["broker"])
    )
    by_provider = client.get(
        f"/people/{placed.person_id}/access-log", headers=auth(world.tokens["Aire Homecare"])
    )

    assert by_broker.status_code == 403
    assert by_provider.status_code == 403
    assert _count(engine) == 0


def test_what_a_user_saw_is_answered_by_user_and_time_range(
    engine: Engine, world: World, client: TestClient, clock: FixedClock
) -> None:
    first = place_package(engine, world, nhs_number="9990000018")
    second = place_package(engine, world, nhs_number="9990000026")
    broker = auth(world.tokens["broker"])
    client.get(f"/people/{first.person_id}", headers=broker)
    clock.set(clock.now() + timedelta(days=1))
    client.get(f"/people/{second.person_id}", headers=broker)
    client.get(f"/people/{second.person_id}", headers=auth(world.tokens["social_worker"]))
    broker_id = _log(engine)[0][0]
    assert broker_id is not None

    seen = client.get(f"/users/{broker_id}/access-log", headers=auth(world.tokens["commissioner"]))
    with unit_of_work(engine) as s:
        on_the_second_day = what_seen(
            s, SYSTEM_ACTOR, broker_id, since=clock.now() - timedelta(hours=1)
        )
        about_first = who_looked(s, SYSTEM_ACTOR, first.person_id)
        people_seen = [r.person_id for r in on_the_second_day]

    assert [r["person_id"] for r in seen.json()] == [first.person_id, second.person_id]
    assert people_seen == [second.person_id]
    assert len(about_first) == 1


def test_the_person_s_own_pages_are_logged_as_page_reads(
    engine: Engine, world: World, clock: FixedClock
) -> None:
    family = on_an_envelope(engine, world, "9990000018", FAMILY)
    browser = TestClient(
        create_app(Settings(database_url="unused://"), engine=engine, clock=clock),
        base_url="https://testserver",
    )
    sign_in(browser)
    before = _count(engine)

    plan = browser.get("/app/my-care")
    bank = browser.get("/app/my-care/time-bank")

    assert (plan.status_code, bank.status_code) == (200, 200)
    assert _count(engine) == before + 2
    assert [row[1:] for row in _log(engine)[-2:]] == [
        ("person", family.placed.person_id, "care plan", "page"),
        ("person", family.placed.person_id, "time bank", "page"),
    ]


def test_a_visit_a_time_bank_and_social_connections_are_each_one_read_of_the_person(
    engine: Engine, world: World, client: TestClient
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        open_envelope(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            package_id=placed.package_id,
            starts_on=date(2026, 10, 5),
        )
        generate_visits(
            s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=date(2026, 10, 6), end=date(2026, 10, 6)
        )
    provider = auth(world.tokens["Aire Homecare"])
    visit = client.get("/visits", headers=provider).json()[0]

    answers = [
        client.get(f"/visits/{visit['id']}", headers=provider).status_code,
        client.get(f"/packages/{placed.package_id}/time-bank", headers=provider).status_code,
        client.get(
            f"/people/{placed.person_id}/social-connections",
            headers=auth(world.tokens["social_worker"]),
        ).status_code,
    ]

    assert answers == [200, 200, 200]
    assert [row[2:] for row in _log(engine)] == [
        (placed.person_id, "visit", "api"),
        (placed.person_id, "time bank", "api"),
        (placed.person_id, "social connections", "api"),
    ]


def test_the_commands_say_who_looked_and_what_a_user_saw(
    engine: Engine, world: World, client: TestClient, db_url: str
) -> None:
    placed = place_package(engine, world)
    client.get(f"/people/{placed.person_id}", headers=auth(world.tokens["broker"]))
    runner = CliRunner()

    who = runner.invoke(
        app, ["audit", "who-looked", "--person", str(placed.person_id), "--database-url", db_url]
    )
    seen = runner.invoke(
        app, ["audit", "what-seen", "--user", "BROKER@example.org", "--database-url", db_url]
    )
    nobody = runner.invoke(
        app, ["audit", "what-seen", "--user", "nobody@example.org", "--database-url", db_url]
    )

    assert who.exit_code == 0 and "broker" in who.output and "1 read." in who.output
    assert seen.exit_code == 0 and "1 read." in seen.output, seen.output
    assert nobody.exit_code == 2 and "nobody@example.org" in nobody.output
    assert _log(engine)[-1][1:] == ("system", placed.person_id, "access log", "cli")


# --- every read of one person's record, route by route ---------------------------------


def _one_read(engine: Engine, open_it: Callable[[], httpx.Response]) -> tuple[int, str, str]:
    """Opens a record and returns the one access row it left: (person, what, via)."""
    before = _log(engine)
    response = open_it()
    after = _log(engine)
    assert response.status_code == 200, response.text[:300]
    assert len(after) == len(before) + 1, after[len(before) :]
    return after[-1][2:]


def _referred(client: TestClient, world: World) -> tuple[int, int, int]:
    """A person referred through the API, with offers out: (person, referral, first offer)."""
    worker = auth(world.tokens["social_worker"])
    person = client.post("/people", json=payloads.person(), headers=worker).json()
    made = client.post("/referrals", json=payloads.referral(person["id"]), headers=worker)
    assert made.status_code == 201, made.text
    referral = made.json()
    return person["id"], referral["id"], referral["offers"][0]["id"]


def test_a_package_s_stays_community_hours_change_and_consent_request_are_each_one_read(
    engine: Engine, world: World, client: TestClient, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    aire = auth(world.tokens["Aire Homecare"])
    package = placed.package_id
    uplift = client.post(
        f"/packages/{package}/community-hours",
        json={
            "purpose": "Go to the Armley lunch club on her own",
            "place_name": "Armley Lunch Club",
            "postcode": payloads.ARMLEY_POSTCODE,
            "day": "wed",
            "band": "lunch",
            "minutes": 90,
            "starts_on": "2026-10-07",
            "ends_on": "2026-11-11",
        },
        headers=aire,
    )
    change_id = propose(client, world, package, 480)["id"]
    asked = place_package(engine, world, nhs_number="9990000026")
    request_id = ask_consent(client, world, asked.package_id)
    admitted = client.post(
        f"/packages/{package}/hospital-stays",
        json={"hospital": "St James's University Hospital", "admitted_at": clock.now().isoformat()},
        headers=aire,
    )
    assert (uplift.status_code, admitted.status_code) == (201, 201), admitted.text
    broker = auth(world.tokens["broker"])

    reads = [
        _one_read(engine, lambda: client.get(f"/packages/{package}/hospital-stays", headers=aire)),
        _one_read(engine, lambda: client.get(f"/packages/{package}/community-hours", headers=aire)),
        _one_read(engine, lambda: client.get(f"/changes/{change_id}", headers=broker)),
        _one_read(engine, lambda: client.get(f"/consent-requests/{request_id}", headers=aire)),
    ]

    person = placed.person_id
    assert reads == [
        (person, "hospital stays", "api"),
        (person, "community hours", "api"),
        (person, "change", "api"),
        (asked.person_id, "consent request", "api"),
    ]


def test_a_refused_read_of_a_package_s_stays_or_community_hours_leaves_no_row(
    engine: Engine, world: World, client: TestClient
) -> None:
    placed = place_package(engine, world)
    other_provider = auth(world.tokens["Wortley Care"])

    stays = client.get(f"/packages/{placed.package_id}/hospital-stays", headers=other_provider)
    hours = client.get(f"/packages/{placed.package_id}/community-hours", headers=other_provider)

    assert (stays.status_code, hours.status_code) == (404, 404)
    assert _count(engine) == 0


def test_an_offer_and_a_referral_s_history_are_each_one_read_of_the_person(
    engine: Engine, world: World, client: TestClient
) -> None:
    person, referral, offer = _referred(client, world)
    provider = auth(world.tokens["Aire Homecare"])
    broker = auth(world.tokens["broker"])

    reads = [
        _one_read(engine, lambda: client.get(f"/offers/{offer}", headers=provider)),
        _one_read(engine, lambda: client.get(f"/referrals/{referral}/history", headers=broker)),
    ]

    assert reads == [(person, "offer", "api"), (person, "referral history", "api")]


def _browser(engine: Engine, clock: FixedClock, email: str) -> TestClient:
    give_password(engine, email)
    browser = TestClient(
        create_app(Settings(database_url="unused://"), engine=engine, clock=clock),
        base_url="https://testserver",
    )
    assert web_sign_in(browser, email).status_code == 303
    return browser


def test_the_staff_pages_of_an_offer_a_change_and_a_withdrawal_are_each_one_page_read(
    engine: Engine, world: World, client: TestClient, clock: FixedClock
) -> None:
    person, referral, offer = _referred(client, world)
    placed = place_package(engine, world, nhs_number="9990000026")
    change_id = propose(client, world, placed.package_id, 480)["id"]
    provider = _browser(engine, clock, AIRE)
    social_worker = _browser(engine, clock, SOCIAL_WORKER)

    reads = [
        _one_read(engine, lambda: provider.get(f"/app/offers/{offer}")),
        _one_read(engine, lambda: social_worker.get(f"/app/changes/{change_id}")),
        _one_read(engine, lambda: social_worker.get(f"/app/referrals/{referral}/withdraw")),
    ]

    assert reads == [
        (person, "offer", "page"),
        (placed.person_id, "change", "page"),
        (person, "referral", "page"),
    ]


def test_the_person_s_consent_rating_and_time_bank_forms_are_each_one_page_read(
    engine: Engine, world: World, client: TestClient, clock: FixedClock
) -> None:
    family = on_an_envelope(engine, world, "9990000018", FAMILY)
    ask_consent(client, world, family.placed.package_id)
    browser = TestClient(
        create_app(Settings(database_url="unused://"), engine=engine, clock=clock),
        base_url="https://testserver",
    )
    sign_in(browser)

    reads = [
        _one_read(engine, lambda: browser.get("/app/my-care/consent")),
        _one_read(engine, lambda: browser.get("/app/my-care/rating")),
        _one_read(engine, lambda: browser.get("/app/my-care/time-bank/bank")),
    ]

    person = family.placed.person_id
    assert reads == [
        (person, "consent requests", "page"),
        (person, "rating", "page"),
        (person, "time bank", "page"),
    ]
