"""Authenticator codes after the password, the account commands, and password rules.

Each test runs on SQLite and on PostgreSQL through FastAPI's test client, over https.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pyotp
import pytest
import segno
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.passwords import set_password
from homecare.accounts.second_factor import enrol_totp, provisioning_uri
from homecare.accounts.tables import UserAccount, WebSession
from homecare.accounts.web_sessions import SESSION_COOKIE
from homecare.audit import AuditEvent
from homecare.cli import app as cli
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.errors import InvalidInput
from tests.support.web_client import csrf_token, give_password, sign_in, title, web_browser
from tests.support.world import MONDAY_10AM, World

SOCIAL_WORKER = "social_worker@example.org"


@pytest.fixture
def browser(engine: Engine, clock: FixedClock) -> TestClient:
    return web_browser(engine, clock)


def enrol(engine: Engine, email: str = SOCIAL_WORKER) -> str:
    user_id = give_password(engine, email)
    with unit_of_work(engine) as s:
        secret, _ = enrol_totp(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user_id)
    return secret


def enter_code(browser: TestClient, code: str) -> httpx.Response:
    form = browser.get("/sign-in/code")
    response: httpx.Response = browser.post(
        "/sign-in/code",
        data={"csrf_token": csrf_token(form.text), "code": code},
        follow_redirects=False,
    )
    return response


def test_an_enrolled_user_is_asked_for_a_code_and_reaches_no_page_before_it(
    browser: TestClient, world: World, engine: Engine
) -> None:
    enrol(engine)

    signed_in = sign_in(browser, SOCIAL_WORKER)
    page = browser.get("/app/referrals", follow_redirects=False)
    home = browser.get("/", follow_redirects=False)
    code_page = browser.get("/sign-in/code")

    assert signed_in.headers["location"] == "/sign-in/code"
    assert page.headers["location"] == "/sign-in/code"
    assert home.headers["location"] == "/sign-in/code"
    assert title(code_page) == "Enter your code"
    with unit_of_work(engine) as s:
        assert s.scalars(select(WebSession)).one().awaiting_second_factor


def test_the_right_code_completes_sign_in_under_a_new_session_cookie(
    browser: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    secret = enrol(engine)
    first_cookie = sign_in(browser, SOCIAL_WORKER).cookies[SESSION_COOKIE]

    done = enter_code(browser, pyotp.TOTP(secret).at(clock.now()))
    page = browser.get("/app/referrals", follow_redirects=False)

    assert done.status_code == 303 and done.headers["location"] == "/"
    assert done.cookies[SESSION_COOKIE] != first_cookie
    assert page.status_code == 200
    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, first_cookie, domain="testserver.local")
    assert browser.get("/app/referrals", follow_redirects=False).status_code == 303
    browser.cookies.set(SESSION_COOKIE, done.cookies[SESSION_COOKIE], domain="testserver.local")
    assert browser.get("/app/referrals", follow_redirects=False).status_code == 200
    with unit_of_work(engine) as s:
        actions = list(s.scalars(select(AuditEvent.action)))
    assert "user.second_factor_passed" in actions


def test_a_wrong_code_is_refused_naming_the_field_and_five_lock_the_code_step(
    browser: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    secret = enrol(engine)
    sign_in(browser, SOCIAL_WORKER)

    wrong = enter_code(browser, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    for _ in range(4):
        enter_code(browser, "12345x")
    locked = enter_code(browser, pyotp.TOTP(secret).at(clock.now()))

    assert wrong.status_code == 422
    assert "Enter the 6-digit code your authenticator app shows now" in wrong.text
    assert 'href="#code"' in wrong.text
    assert locked.status_code == 429
    assert "retry-after" in locked.headers
    assert browser.get("/app/referrals", follow_redirects=False).status_code == 303


def test_a_code_is_good_only_once(
    browser: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    secret = enrol(engine)
    code = pyotp.TOTP(secret).at(clock.now())
    sign_in(browser, SOCIAL_WORKER)
    assert enter_code(browser, code).status_code == 303
    again = web_browser(engine, clock)
    sign_in(again, SOCIAL_WORKER)

    replayed = enter_code(again, code)

    assert replayed.status_code == 422, replayed.headers.get("location")


def test_staff_without_an_authenticator_set_one_up_when_the_council_requires_it(
    world: World, engine: Engine, clock: FixedClock
) -> None:
    browser = web_browser(engine, clock, require_totp_for_staff=True)
    give_password(engine, SOCIAL_WORKER)

    sign_in(browser, SOCIAL_WORKER)
    setup = browser.get("/sign-in/code")
    key = re.search(r'id="setup-key">([A-Z2-7]+)<', setup.text)
    assert key, setup.text
    done = enter_code(browser, pyotp.TOTP(key.group(1)).at(clock.now()))

    assert title(setup) == "Set up your authenticator app"
    uri = provisioning_uri(key.group(1), SOCIAL_WORKER)
    assert uri in html.unescape(setup.text)
    svg = re.search(r'<svg role="img" aria-label="([^"]+)"[^>]*>(.*?)</svg>', setup.text, re.S)
    assert svg and "authenticator app" in svg.group(1), setup.text
    modules = re.findall(r' d="([^"]+)"', segno.make(uri, error="m").svg_inline())
    assert modules and modules[0] in re.findall(r' d="([^"]+)"', svg.group(2))
    assert done.status_code == 303
    assert browser.get("/app/referrals").status_code == 200
    with unit_of_work(engine) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.email == SOCIAL_WORKER)).one()
        assert user.totp_secret == key.group(1)


def test_a_person_signs_in_with_a_password_alone_even_when_staff_need_codes(
    world: World, engine: Engine, clock: FixedClock
) -> None:
    from tests.support.caseload import place_package

    placed = place_package(engine, world)
    browser = web_browser(engine, clock, require_totp_for_staff=True)
    with unit_of_work(engine) as s:
        family = s.scalars(select(UserAccount).where(UserAccount.person_id == placed.person_id))
        email = family.one().email
    give_password(engine, email)

    assert sign_in(browser, email).headers["location"] == "/"


def test_the_code_page_ends_with_the_session_twelve_hours_after_the_password(
    browser: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    enrol(engine)
    sign_in(browser, SOCIAL_WORKER)

    clock.set(MONDAY_10AM + timedelta(hours=12, minutes=1))

    assert browser.get("/sign-in/code", follow_redirects=False).status_code == 303


# --- the account commands ------------------------------------------------------------------


def test_the_totp_command_prints_an_otpauth_address_that_signs_in(
    db_url: str, world: World, engine: Engine, clock: FixedClock
) -> None:
    give_password(engine, SOCIAL_WORKER)

    printed = CliRunner().invoke(cli, ["users", "totp", SOCIAL_WORKER, "--database-url", db_url])
    uri = re.search(r"otpauth://\S+", printed.output.replace("\n", ""))
    assert printed.exit_code == 0 and uri, printed.output
    secret = parse_qs(urlparse(uri.group(0)).query)["secret"][0]
    browser = web_browser(engine, clock)
    sign_in(browser, SOCIAL_WORKER)

    assert enter_code(browser, pyotp.TOTP(secret).at(clock.now())).status_code == 303


def test_the_disable_and_enable_commands_stop_and_restart_sign_in(
    db_url: str, world: World, engine: Engine, browser: TestClient
) -> None:
    give_password(engine, SOCIAL_WORKER)
    runner = CliRunner()

    disabled = runner.invoke(cli, ["users", "disable", SOCIAL_WORKER, "--database-url", db_url])
    refused = sign_in(browser, SOCIAL_WORKER)
    again = runner.invoke(cli, ["users", "disable", SOCIAL_WORKER, "--database-url", db_url])
    enabled = runner.invoke(cli, ["users", "enable", SOCIAL_WORKER, "--database-url", db_url])
    signed_in = sign_in(browser, SOCIAL_WORKER)

    assert disabled.exit_code == 0, disabled.output
    assert "Enter a correct email address and password" in refused.text
    assert again.exit_code == 2 and "already disabled" in again.output
    assert enabled.exit_code == 0
    assert signed_in.status_code == 303


def test_users_create_refuses_a_common_password_and_creates_nobody(
    db_url: str, world: World, engine: Engine
) -> None:
    created = CliRunner().invoke(
        cli,
        [
            "users", "create", "--organisation", "Leeds City Council", "--role", "broker",
            "--name", "Jo Bloggs", "--email", "jo.bloggs@example.org",
            "--password", "password1234", "--database-url", db_url,
        ],
    )  # fmt: skip

    assert created.exit_code == 2
    assert "Refused (password)" in created.output
    with unit_of_work(engine) as s:
        assert s.scalars(select(UserAccount).where(UserAccount.name == "Jo Bloggs")).first() is None


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "password1234", "social_worker is me"])
def test_setting_an_easily_guessed_password_is_refused(
    world: World, engine: Engine, password: str
) -> None:
    with unit_of_work(engine) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.email == SOCIAL_WORKER)).one()
        with pytest.raises(InvalidInput) as refused:
            set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=password)
        assert refused.value.field == "password"
        assert user.password_hash is None
