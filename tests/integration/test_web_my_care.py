"""The person's or family's pages: plan, visits, time bank, consent requests and ratings.

Each test runs on SQLite and on PostgreSQL through FastAPI's test client, signed in with a
password as the family account of a person whose daughter is recorded as consenting for
them; the provider's side goes through the HTTP API, as a provider's system would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.passwords import set_password
from homecare.accounts.service import create_user
from homecare.api.app import create_app
from homecare.audit import AuditEvent
from homecare.changes.tables import ConsentRequest, ProviderChange
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import make_engine, unit_of_work
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.tables import Visit
from homecare.migrate import downgrade, upgrade
from homecare.reviews.service import ensure_reviews_due
from homecare.timebank.service import open_envelope
from homecare.web.my_care_view import pattern_in_words
from tests.conftest import auth
from tests.support.caseload import Placed, hire_care_worker, place_package
from tests.support.world import MONDAY_10AM, World

PASSWORD = "a long enough passphrase"
FAMILY = "ann.shaw@example.org"
PROVIDER = "aire.homecare@example.org"


@dataclass(frozen=True)
class Family:
    placed: Placed
    review_id: int


def add_web_user(
    engine: Engine, email: str, name: str, role: Role, organisation_id: int, person_id: int | None
) -> None:
    with unit_of_work(engine) as s:
        user, _ = create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=organisation_id,
            role=role,
            name=name,
            email=email,
            person_id=person_id,
        )
        set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD)


def on_an_envelope(engine: Engine, world: World, nhs_number: str, email: str) -> Family:
    """A person on a four-week envelope, their first review due and a week of visits."""
    placed = place_package(
        engine,
        world,
        nhs_number=nhs_number,
        consent_by_name="Ann Shaw",
        consent_by_relationship="daughter",
    )
    add_web_user(
        engine, email, "Ann Shaw (daughter)", Role.PERSON, world.council_id, placed.person_id
    )
    worker = hire_care_worker(engine, world, name=f"Aisha Khan {nhs_number[-2:]}")
    with unit_of_work(engine) as s:
        open_envelope(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            package_id=placed.package_id,
            starts_on=date(2026, 10, 5),
        )
        ensure_reviews_due(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM)
        generate_visits(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            start=date(2026, 10, 5),
            end=date(2026, 10, 11),
            package_ids=[placed.package_id],
        )
        tuesday = s.scalars(
            select(Visit)
            .where(Visit.package_id == placed.package_id, Visit.day == date(2026, 10, 6))
            .order_by(Visit.window_start)
        ).first()
        assert tuesday is not None
        assign_carers(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            visit_id=tuesday.id,
            care_worker_ids=[worker.care_worker_id],
        )
        review_id = s.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "review.due")
        ).all()[-1]
    return Family(placed, review_id)


@pytest.fixture
def family(engine: Engine, world: World) -> Family:
    return on_an_envelope(engine, world, "9990000018", FAMILY)


@pytest.fixture
def browser(engine: Engine, clock: FixedClock) -> TestClient:
    settings = Settings(database_url="unused://")
    return TestClient(
        create_app(settings, engine=engine, clock=clock), base_url="https://testserver"
    )


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(browser: TestClient, email: str = FAMILY) -> None:
    form = browser.get("/sign-in")
    signed_in = browser.post(
        "/sign-in",
        data={"csrf_token": csrf_token(form.text), "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303


def title(response: httpx.Response) -> str:
    match = re.search(r"<title>(.*?) – Home care</title>", response.text)
    assert match, response.text[:500]
    return match.group(1)


def text_of(response: httpx.Response) -> str:
    """The page's words with tags removed and spaces collapsed, as a reader meets them."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def post_form(browser: TestClient, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    token = csrf_token(browser.get(page).text)
    response: httpx.Response = browser.post(
        action, data={"csrf_token": token, **data}, follow_redirects=False
    )
    return response


def ask_consent(client: TestClient, world: World, package_id: int, minutes: int = 450) -> int:
    asked = client.post(
        f"/packages/{package_id}/consent-requests",
        json={"to_weekly_minutes": minutes, "reason": "Mornings now take more time"},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert asked.status_code == 201, asked.text
    return int(asked.json()["id"])


# --- the plan ----------------------------------------------------------------------------


def test_the_family_sees_the_plan_the_coming_visits_and_the_balance(
    browser: TestClient, family: Family
) -> None:
    sign_in(browser)

    landing = browser.get("/")
    words = text_of(landing)

    assert title(landing) == "My care"
    assert "Care each week 7 hours" in words
    assert "Every day: a 30-minute morning visit" in words
    assert "Every day: a 30-minute bedtime visit" in words
    assert "Care from Aire Homecare" in words
    assert "Stay safe at home" in words
    assert "Tuesday 6 October 2026" in words
    assert "Aisha" in words and "Khan" not in words
    assert "Not yet arranged" in words
    assert "Hours this period 28 hours" in words
    assert "Banked 0 hours" in words
    assert "Your next review is due on" in words


def test_banking_two_hours_moves_them_from_the_envelope_to_the_bank(
    browser: TestClient, family: Family, engine: Engine
) -> None:
    sign_in(browser)
    package = family.placed.package_id

    banked = post_form(
        browser,
        f"/app/my-care/time-bank/bank?package={package}",
        "/app/my-care/time-bank/bank",
        {"package": str(package), "hours": "2", "note": "My brother is staying on Sunday"},
    )
    after = browser.get(banked.headers["location"])
    words = text_of(after)

    assert banked.status_code == 303
    assert "You banked 2 hours." in words
    assert "Left in this period 26 hours" in words
    assert "Banked 2 hours" in words
    assert "My brother is staying on Sunday" in words
    with unit_of_work(engine) as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    assert "time_bank.banked" in actions


def test_asking_for_more_hours_than_the_bank_allows_shows_the_refusal_on_the_form(
    browser: TestClient, family: Family
) -> None:
    sign_in(browser)
    package = family.placed.package_id

    refused = post_form(
        browser,
        f"/app/my-care/use-banked-hours?package={package}",
        "/app/my-care/use-banked-hours",
        {
            "package": str(package),
            "kind": "extra_visit",
            "day-day": "9",
            "day-month": "10",
            "day-year": "2026",
            "band": "tea",
            "hours": "2",
            "note": "A day out",
        },
    )
    words = text_of(refused)

    assert refused.status_code == 400
    assert title(refused) == "Error: Use banked hours"
    assert "the bank can give 1 hour now" in words
    assert 'href="#hours"' in refused.text
    assert "Banked 0 hours" in text_of(browser.get(f"/app/my-care/time-bank?package={package}"))


def test_hours_come_in_quarters_and_need_a_reason(browser: TestClient, family: Family) -> None:
    sign_in(browser)
    package = family.placed.package_id

    refused = post_form(
        browser,
        f"/app/my-care/time-bank/bank?package={package}",
        "/app/my-care/time-bank/bank",
        {"package": str(package), "hours": "1.1", "note": ""},
    )
    words = text_of(refused)

    assert "Hours must be in quarter hours" in words
    assert "Enter why you are banking the hours" in words


def test_banked_hours_are_not_drawn_from_the_person_s_pages_directly(
    browser: TestClient, family: Family
) -> None:
    sign_in(browser)
    package = family.placed.package_id

    page = browser.get(f"/app/my-care/time-bank/draw?package={package}")
    bank = browser.get(f"/app/my-care/time-bank/bank?package={package}")

    assert page.status_code == 404
    assert "/app/my-care/time-bank/draw" not in bank.text
    assert f"/app/my-care/use-banked-hours?package={package}" in bank.text


# --- scope -------------------------------------------------------------------------------


def test_another_persons_package_is_page_not_found_everywhere(
    browser: TestClient, family: Family, engine: Engine, world: World
) -> None:
    other = on_an_envelope(engine, world, "9990000026", "someone.else@example.org")
    sign_in(browser)
    theirs = other.placed.package_id

    pages = [
        f"/app/my-care?package={theirs}",
        f"/app/my-care/time-bank?package={theirs}",
        f"/app/my-care/time-bank/bank?package={theirs}",
        f"/app/my-care/consent?package={theirs}",
        f"/app/my-care/rating?package={theirs}",
    ]
    banked = post_form(
        browser,
        "/app/my-care",
        "/app/my-care/time-bank/bank",
        {"package": str(theirs), "hours": "1", "note": "Not mine"},
    )
    rated = post_form(
        browser,
        "/app/my-care",
        f"/app/my-care/rating/{other.review_id}",
        {"wellbeing": "1", "home": "1", "community": "1"},
    )

    assert [browser.get(p).status_code for p in pages] == [404] * len(pages)
    assert banked.status_code == 404
    assert rated.status_code == 404
    assert "Page not found" in banked.text


def test_a_staff_account_cannot_use_the_family_pages(
    browser: TestClient, family: Family, engine: Engine, world: World
) -> None:
    add_web_user(
        engine,
        "grace@example.org",
        "Grace Obi",
        Role.PROVIDER_MANAGER,
        world.providers["Aire Homecare"],
        None,
    )
    sign_in(browser, "grace@example.org")

    page = browser.get(f"/app/my-care?package={family.placed.package_id}")

    assert page.status_code == 403


# --- consent requests --------------------------------------------------------------------


def test_a_yes_proposes_the_change_with_consent_given_online(
    browser: TestClient, family: Family, client: TestClient, world: World, engine: Engine
) -> None:
    request_id = ask_consent(client, world, family.placed.package_id)
    sign_in(browser)
    page = f"/app/my-care/consent?package={family.placed.package_id}"
    form = browser.get(page)
    asked = text_of(form)

    answered = post_form(
        browser,
        page,
        f"/app/my-care/consent/{request_id}",
        {"answer": "yes", "name": "Ann Shaw", "relationship": "daughter"},
    )
    after = text_of(browser.get(answered.headers["location"]))
    seen = client.get(
        f"/consent-requests/{request_id}", headers=auth(world.tokens["Aire Homecare"])
    ).json()

    assert "Care each week now 7 hours" in asked
    assert "Care each week after the change 7 hours 30 minutes" in asked
    assert "Mornings now take more time" in asked
    assert 'value="Ann Shaw"' in form.text and 'value="daughter"' in form.text
    assert "You agreed to the change" in after
    assert "Agreed" in after and "Ann Shaw (daughter)" in after
    assert seen["status"] == "agreed"
    with unit_of_work(engine) as s:
        change = s.get(ProviderChange, seen["change_id"])
        assert change is not None
        assert (change.consent_method, change.consent_by_name, change.consent_by_relationship) == (
            "online",
            "Ann Shaw",
            "daughter",
        )
        assert change.to_weekly_minutes == 450
        assert change.status == "in_trial"
        actions = s.scalars(select(AuditEvent.action)).all()
    assert "consent.agreed" in actions and "change.proposed" in actions


def test_a_no_is_recorded_and_the_provider_sees_it_declined(
    browser: TestClient, family: Family, client: TestClient, world: World, engine: Engine
) -> None:
    request_id = ask_consent(client, world, family.placed.package_id)
    sign_in(browser)
    page = f"/app/my-care/consent?package={family.placed.package_id}"

    answered = post_form(
        browser,
        page,
        f"/app/my-care/consent/{request_id}",
        {"answer": "no", "name": "Ann Shaw", "relationship": "daughter"},
    )
    after = text_of(browser.get(answered.headers["location"]))
    listed = client.get("/consent-requests", headers=auth(world.tokens["Aire Homecare"])).json()

    assert "You said no to the change" in after
    assert "Not agreed" in after
    assert [(r["id"], r["status"], r["change_id"]) for r in listed] == [
        (request_id, "declined", None)
    ]
    with unit_of_work(engine) as s:
        assert s.scalars(select(ProviderChange)).all() == []


def test_only_the_named_consenter_may_answer(
    browser: TestClient, family: Family, client: TestClient, world: World, engine: Engine
) -> None:
    request_id = ask_consent(client, world, family.placed.package_id)
    sign_in(browser)
    page = f"/app/my-care/consent?package={family.placed.package_id}"

    refused = post_form(
        browser,
        page,
        f"/app/my-care/consent/{request_id}",
        {"answer": "yes", "name": "Bob Shaw", "relationship": "son"},
    )

    assert refused.status_code == 200
    assert title(refused) == "Error: Changes to your care"
    assert "Only Ann Shaw may consent for" in text_of(refused)
    assert 'href="#name"' in refused.text
    with unit_of_work(engine) as s:
        request = s.get(ConsentRequest, request_id)
        assert request is not None and request.answer is None


def test_a_providers_user_cannot_answer_a_consent_request(
    family: Family, client: TestClient, world: World
) -> None:
    request_id = ask_consent(client, world, family.placed.package_id)

    answered = client.post(
        f"/consent-requests/{request_id}/answer",
        json={"answer": "yes", "name": "Ann Shaw", "relationship": "daughter"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert answered.status_code == 403


def test_another_persons_consent_request_is_not_found_and_never_listed(
    family: Family, client: TestClient, world: World, engine: Engine
) -> None:
    other = place_package(engine, world, nhs_number="9990000026")
    theirs = ask_consent(client, world, other.package_id)
    mine = ask_consent(client, world, family.placed.package_id)
    headers = auth(family.placed.person_token)

    listed = client.get("/consent-requests", headers=headers).json()
    answered = client.post(
        f"/consent-requests/{theirs}/answer",
        json={"answer": "yes", "name": "Ann Shaw", "relationship": "daughter"},
        headers=headers,
    )

    assert [r["id"] for r in listed] == [mine]
    assert client.get(f"/consent-requests/{theirs}", headers=headers).status_code == 404
    assert answered.status_code == 404


def test_a_provider_may_not_ask_about_another_providers_package(
    family: Family, client: TestClient, world: World
) -> None:
    asked = client.post(
        f"/packages/{family.placed.package_id}/consent-requests",
        json={"to_weekly_minutes": 390, "reason": "Mornings now take more time"},
        headers=auth(world.tokens["Wortley Care"]),
    )

    assert asked.status_code == 404


def test_a_provider_asks_about_one_real_change_at_a_time(
    family: Family, client: TestClient, world: World
) -> None:
    headers = auth(world.tokens["Aire Homecare"])
    package = family.placed.package_id

    same = client.post(
        f"/packages/{package}/consent-requests",
        json={"to_weekly_minutes": 420, "reason": "No change at all"},
        headers=headers,
    )
    ask_consent(client, world, package)
    again = client.post(
        f"/packages/{package}/consent-requests",
        json={"to_weekly_minutes": 450, "reason": "A longer bedtime call"},
        headers=headers,
    )

    assert same.status_code == 422
    assert again.status_code == 409
    assert "still waiting for an answer" in again.json()["detail"]


# --- the outcomes rating -----------------------------------------------------------------


def providers_review(client: TestClient, world: World, family: Family) -> dict[str, object]:
    """The review as the provider's API lists it."""
    listed = client.get(
        f"/reviews?package_id={family.placed.package_id}",
        headers=auth(world.tokens["Aire Homecare"]),
    ).json()
    found: dict[str, object] = next(r for r in listed if r["id"] == family.review_id)
    return found


def test_the_persons_rating_shows_on_the_providers_review_record(
    browser: TestClient, family: Family, client: TestClient, world: World
) -> None:
    sign_in(browser)
    page = f"/app/my-care/rating?package={family.placed.package_id}"

    rated = post_form(
        browser,
        page,
        f"/app/my-care/rating/{family.review_id}",
        {"wellbeing": "4", "home": "3", "community": "5"},
    )
    after = text_of(browser.get(rated.headers["location"]))
    review = providers_review(client, world, family)

    assert "Your ratings are on your review" in after
    assert "Ann Shaw (daughter) gave a rating" in after
    assert (review["wellbeing"], review["home"], review["community"]) == (4, 3, 5)
    assert review["rated_by"] == "Ann Shaw (daughter)"
    assert review["done_on"] is None


def test_the_person_may_say_they_would_rather_not_rate(
    browser: TestClient, family: Family, client: TestClient, world: World
) -> None:
    sign_in(browser)
    page = f"/app/my-care/rating?package={family.placed.package_id}"

    missing = post_form(
        browser, page, f"/app/my-care/rating/{family.review_id}", {"wellbeing": "4"}
    )
    opted_out = post_form(
        browser, page, f"/app/my-care/rating/{family.review_id}", {"opted_out": "yes"}
    )
    review = providers_review(client, world, family)

    assert "Select a rating for ‘My home’" in text_of(missing)
    assert opted_out.status_code == 303
    assert review["opted_out"] is True
    assert review["wellbeing"] is None


# --- the store and the words -------------------------------------------------------------


def test_the_migration_adds_consent_requests_and_own_ratings_and_can_be_undone(
    db_url: str,
) -> None:
    def shape() -> tuple[bool, set[str]]:
        engine = make_engine(db_url)
        try:
            tables = inspect(engine)
            columns = {c["name"] for c in tables.get_columns("review")}
            return "consent_request" in tables.get_table_names(), columns & {
                "rated_by",
                "rated_at",
            }
        finally:
            engine.dispose()

    at_head = shape()
    downgrade(db_url, "0006")
    before = shape()
    upgrade(db_url)

    assert at_head == (True, {"rated_by", "rated_at"})
    assert before == (False, set())
    assert shape() == at_head


def test_the_visit_pattern_reads_as_plain_sentences() -> None:
    weekdays = [(d, "morning", 45, 1) for d in ("mon", "tue", "wed", "thu", "fri")]
    weekend = [(d, "lunch", 30, 1) for d in ("sat", "sun")]
    odd = [("wed", "bed", 30, 2), ("mon", "bed", 30, 2), ("fri", "bed", 30, 2)]
    nights = [("sat", "night", 600, 1)]

    lines = pattern_in_words(weekend + odd + weekdays + nights)

    assert lines == [
        "Monday to Friday: a 45-minute morning visit",
        "Saturday and Sunday: a 30-minute lunch visit",
        "Monday, Wednesday and Friday: a 30-minute bedtime visit with 2 care workers",
        "Saturday: a 10-hour night visit",
    ]
