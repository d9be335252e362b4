"""Signing in to the web pages: passwords, server-side sessions, CSRF and tenancy.

Each test runs on SQLite and on PostgreSQL through FastAPI's test client, over https so
that the browser-like client sends the Secure session cookie back.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.passwords import MIN_LENGTH, set_password
from homecare.accounts.sign_in import sign_in_with_password
from homecare.accounts.tables import UserAccount, WebSession
from homecare.accounts.web_sessions import (
    IDLE_TIMEOUT,
    SESSION_COOKIE,
    actor_for_session,
)
from homecare.api.app import create_app
from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.errors import Forbidden, InvalidInput, NotAuthenticated
from homecare.web import render
from tests.support.caseload import place_package
from tests.support.rows import row_counts
from tests.support.world import MONDAY_10AM, World

PASSWORD = "a long enough passphrase"
SOCIAL_WORKER = "social_worker@example.org"
AIRE = "aire.homecare@example.org"
WORTLEY = "wortley.care@example.org"


def give_password(engine: Engine, email: str, password: str = PASSWORD) -> int:
    with unit_of_work(engine) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.email == email)).one()
        set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=password)
        return user.id


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


def sign_in(browser: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    form = browser.get("/sign-in")
    response: httpx.Response = browser.post(
        "/sign-in",
        data={"csrf_token": csrf_token(form.text), "email": email, "password": password},
        follow_redirects=False,
    )
    return response


def title(response: httpx.Response) -> str:
    match = re.search(r"<title>(.*?) – Home care</title>", response.text)
    assert match, response.text[:500]
    return match.group(1)


def count(engine: Engine, model: type[WebSession] | type[AuditEvent]) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


# --- signing in --------------------------------------------------------------------------


def test_a_social_worker_who_signs_in_lands_on_the_referrals_page(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)

    signed_in = sign_in(browser, SOCIAL_WORKER)
    home = browser.get("/", follow_redirects=False)
    start = browser.get(home.headers["location"])

    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"
    assert home.headers["location"] == "/app/referrals"
    assert title(start) == "Referrals"
    assert "Social_Worker, Leeds City Council" in start.text


def test_a_provider_manager_lands_on_the_live_board_of_today(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, AIRE)
    sign_in(browser, AIRE)

    start = browser.get("/")

    assert title(start) == "Today"
    assert "Aire Homecare, Aire Homecare" in start.text


def test_a_wrong_password_is_refused_without_saying_which_was_wrong(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)

    refused = sign_in(browser, SOCIAL_WORKER, "not the right password")

    assert refused.status_code == 200
    assert title(refused) == "Error: Sign in"
    assert "Enter a correct email address and password" in refused.text
    assert SESSION_COOKIE not in refused.cookies
    assert browser.get("/app/referrals", follow_redirects=False).status_code == 303


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)

    wrong_password = sign_in(browser, SOCIAL_WORKER, "not the right password")
    unknown_email = sign_in(browser, "nobody@example.org", PASSWORD)

    def without_email(html: str) -> str:
        return html.replace(SOCIAL_WORKER, "").replace("nobody@example.org", "")

    assert unknown_email.status_code == wrong_password.status_code == 200
    assert without_email(unknown_email.text) == without_email(wrong_password.text)
    assert count(engine, WebSession) == 0


def test_an_account_without_a_password_cannot_sign_in(
    browser: TestClient, world: World, engine: Engine
) -> None:
    refused = sign_in(browser, SOCIAL_WORKER, "")
    also_refused = sign_in(browser, SOCIAL_WORKER, "any password at all")

    assert "Enter your password" in refused.text
    assert "Enter a correct email address and password" in also_refused.text
    assert count(engine, WebSession) == 0


def test_the_session_cookie_is_http_only_same_site_lax_and_secure(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)

    signed_in = sign_in(browser, SOCIAL_WORKER)

    cookie = next(
        c for c in signed_in.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    assert not any(f.startswith(("expires", "max-age")) for f in flags)


def test_only_the_sha256_of_the_session_cookie_is_stored(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)

    token = sign_in(browser, SOCIAL_WORKER).cookies[SESSION_COOKIE]

    with unit_of_work(engine) as s:
        stored = s.scalars(select(WebSession)).one()
        assert stored.token_sha256 != token
        assert len(stored.token_sha256) == 64
        assert stored.signed_in_with == "password"


def test_a_link_to_another_site_is_not_followed_after_signing_in(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    form = browser.get("/sign-in", params={"next": "//evil.example/steal"})

    signed_in = browser.post(
        "/sign-in",
        data={
            "csrf_token": csrf_token(form.text),
            "email": SOCIAL_WORKER,
            "password": PASSWORD,
            "next": "//evil.example/steal",
        },
        follow_redirects=False,
    )

    assert signed_in.headers["location"] == "/"


def test_a_page_asked_for_before_signing_in_is_shown_after_it(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)

    asked = browser.get("/app/refer?q=Holroyd", follow_redirects=False)
    form = browser.get(asked.headers["location"])
    signed_in = browser.post(
        "/sign-in",
        data={
            "csrf_token": csrf_token(form.text),
            "email": SOCIAL_WORKER,
            "password": PASSWORD,
            "next": "/app/refer?q=Holroyd",
        },
        follow_redirects=False,
    )

    assert asked.headers["location"] == "/sign-in?next=%2Fapp%2Frefer%3Fq%3DHolroyd"
    assert signed_in.headers["location"] == "/app/refer?q=Holroyd"


# --- signing out and expiry --------------------------------------------------------------


def test_signing_out_ends_the_session_so_the_old_cookie_no_longer_works(
    browser: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    give_password(engine, SOCIAL_WORKER)
    token = sign_in(browser, SOCIAL_WORKER).cookies[SESSION_COOKIE]
    page = browser.get("/app/referrals")

    signed_out = browser.post(
        "/sign-out", data={"csrf_token": csrf_token(page.text)}, follow_redirects=False
    )
    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, token, domain="testserver.local")
    replayed = browser.get("/app/referrals", follow_redirects=False)

    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/sign-in?signed_out=1"
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/sign-in")
    with unit_of_work(engine) as s:
        assert s.scalars(select(WebSession)).one().ended_at == clock.now()
        with pytest.raises(NotAuthenticated):
            actor_for_session(s, token, at=clock.now())


def test_a_session_idle_for_eight_hours_has_ended(
    world: World, engine: Engine, clock: FixedClock
) -> None:
    settings = Settings(database_url="unused://", session_absolute_hours=48)
    browser = TestClient(
        create_app(settings, engine=engine, clock=clock), base_url="https://testserver"
    )
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)

    clock.set(MONDAY_10AM + IDLE_TIMEOUT - timedelta(minutes=1))
    still_in = browser.get("/app/referrals", follow_redirects=False)
    clock.set(MONDAY_10AM + 2 * IDLE_TIMEOUT - timedelta(minutes=2))
    kept_alive = browser.get("/app/referrals", follow_redirects=False)
    clock.set(MONDAY_10AM + 3 * IDLE_TIMEOUT)
    expired = browser.get("/app/referrals", follow_redirects=False)

    assert still_in.status_code == 200
    assert kept_alive.status_code == 200
    assert expired.status_code == 303
    assert expired.headers["location"] == "/sign-in?next=%2Fapp%2Freferrals"


# --- CSRF ----------------------------------------------------------------------------------


PERSON_FORM = {
    "nhs_number": "9990000026",
    "given_name": "Edith",
    "family_name": "Barraclough",
    "date-of-birth-day": "3",
    "date-of-birth-month": "7",
    "date-of-birth-year": "1941",
    "address": "2 Town Street, Armley, Leeds",
    "postcode": "LS12 1AU",
    "languages": "English",
}


@pytest.mark.parametrize("token", [None, "", "a-token-from-somewhere-else"])
def test_a_form_posted_without_the_right_csrf_token_is_refused_and_changes_nothing(
    browser: TestClient, world: World, engine: Engine, token: str | None
) -> None:
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)
    before = row_counts(engine)
    data = dict(PERSON_FORM) | ({"csrf_token": token} if token is not None else {})

    refused = browser.post("/app/people/new", data=data, follow_redirects=False)

    assert refused.status_code == 403
    assert title(refused) == "Your form was not sent"
    assert row_counts(engine) == before


def test_the_same_form_with_its_csrf_token_is_saved(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)
    token = csrf_token(browser.get("/app/people/new").text)

    saved = browser.post(
        "/app/people/new", data=PERSON_FORM | {"csrf_token": token}, follow_redirects=False
    )

    assert saved.status_code == 303
    assert re.fullmatch(r"/app/refer/people/\d+", saved.headers["location"])
    assert "Edith Barraclough" in browser.get(saved.headers["location"]).text


def test_htmx_may_send_the_csrf_token_as_a_header(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)
    page = browser.get("/app/referrals")
    header = re.search(r"hx-headers='\{\"X-CSRF-Token\": \"([^\"]+)\"\}'", page.text)
    assert header

    saved = browser.post(
        "/app/people/new",
        data=PERSON_FORM,
        headers={"X-CSRF-Token": header.group(1)},
        follow_redirects=False,
    )

    assert saved.status_code == 303


def test_signing_out_needs_the_csrf_token_too(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)

    refused = browser.post("/sign-out", data={}, follow_redirects=False)

    assert refused.status_code == 403
    assert browser.get("/app/referrals").status_code == 200


def test_signing_in_without_the_forms_csrf_token_is_refused(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    browser.get("/sign-in")
    audits = count(engine, AuditEvent)

    refused = browser.post(
        "/sign-in",
        data={"email": SOCIAL_WORKER, "password": PASSWORD, "csrf_token": "guessed"},
        follow_redirects=False,
    )

    assert refused.status_code == 403
    assert SESSION_COOKIE not in refused.cookies
    assert count(engine, WebSession) == 0
    assert count(engine, AuditEvent) == audits


# --- tenancy -------------------------------------------------------------------------------


def test_a_provider_opening_another_providers_package_sees_page_not_found(
    browser: TestClient, world: World, engine: Engine
) -> None:
    wortleys = place_package(engine, world, provider="Wortley Care")
    give_password(engine, AIRE)
    give_password(engine, WORTLEY)

    sign_in(browser, AIRE)
    other = browser.get(f"/app/packages/{wortleys.package_id}")
    missing = browser.get("/app/packages/999999")
    listed = browser.get("/app/packages")
    browser.cookies.clear()
    sign_in(browser, WORTLEY)
    own = browser.get(f"/app/packages/{wortleys.package_id}")

    assert other.status_code == 404
    assert title(other) == "Page not found"
    assert other.text == missing.text
    assert "Holroyd" not in other.text and "Holroyd" not in listed.text
    assert own.status_code == 200
    assert "Margaret Holroyd" in own.text
    assert "£24.00" in own.text


def test_a_provider_cannot_open_the_referral_pages_of_the_council(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, AIRE)
    sign_in(browser, AIRE)

    refer = browser.get("/app/refer")
    queue = browser.get("/app/queue")

    assert refer.status_code == 403
    assert queue.status_code == 403
    assert title(refer) == "You cannot use this page"


def test_pages_carry_headers_that_keep_personal_data_out_of_caches_and_frames(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)

    page = browser.get("/app/referrals")

    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_pages_are_readable_before_the_web_assets_are_built(
    browser: TestClient, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(render, "VENDOR_CSS", tmp_path / "not-built.css")

    page = browser.get("/sign-in")

    assert page.status_code == 200
    assert "Sign in to Home care" in page.text
    assert "/assets/vendor/" not in page.text


# --- passwords -----------------------------------------------------------------------------


def test_only_an_argon2_hash_of_the_password_is_stored(world: World, engine: Engine) -> None:
    user_id = give_password(engine, SOCIAL_WORKER)

    with unit_of_work(engine) as s:
        user = s.get(UserAccount, user_id)
        assert user is not None and user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_set"))
        assert all(PASSWORD not in str(e.detail) for e in events)


def test_a_password_shorter_than_twelve_characters_is_refused(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.email == SOCIAL_WORKER)).one()
        with pytest.raises(InvalidInput, match="at least 12"):
            set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password="x" * 11)
        assert MIN_LENGTH == 12
        assert user.password_hash is None


def test_a_user_may_set_their_own_password_but_not_anyone_elses(
    world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    with unit_of_work(engine) as s:
        me = s.scalars(select(UserAccount).where(UserAccount.email == SOCIAL_WORKER)).one()
        other = s.scalars(select(UserAccount).where(UserAccount.email == AIRE)).one()
        started = sign_in_with_password(
            s,
            email=SOCIAL_WORKER,
            password=PASSWORD,
            at=MONDAY_10AM,
            secret=b"a test secret",
            address="192.0.2.1",
        )
        assert started is not None
        actor = actor_for_session(s, started.token, at=MONDAY_10AM)

        set_password(s, actor=actor, at=MONDAY_10AM, user_id=me.id, password="another passphrase")
        with pytest.raises(Forbidden):
            set_password(s, actor=actor, at=MONDAY_10AM, user_id=other.id, password=PASSWORD)

        assert actor.role is Role.SOCIAL_WORKER
        assert actor.organisation_id == world.council_id
        with pytest.raises(NotAuthenticated):
            actor_for_session(s, started.token, at=MONDAY_10AM)  # a new password ends sessions
