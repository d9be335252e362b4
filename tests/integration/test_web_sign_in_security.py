"""Hardened sign-in: __Host- cookies, signed sign-in forms, throttling, session ends.

Each test runs on SQLite and on PostgreSQL through FastAPI's test client, over https.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.disabling import disable_user, enable_user
from homecare.accounts.service import actor_for_token
from homecare.accounts.tables import SignInAttempt, WebSession
from homecare.accounts.web_sessions import SESSION_COOKIE
from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.errors import NotAuthenticated
from homecare.web import csrf
from tests.conftest import auth
from tests.support.web_client import (
    PASSWORD,
    csrf_token,
    give_password,
    set_cookie_flags,
    sign_in,
    title,
    web_browser,
)
from tests.support.world import MONDAY_10AM, World

SOCIAL_WORKER = "social_worker@example.org"
BROKER = "broker@example.org"


@pytest.fixture
def browser(engine: Engine, clock: FixedClock) -> TestClient:
    return web_browser(engine, clock)


def live_sessions(engine: Engine) -> int:
    with engine.connect() as conn:
        stmt = select(func.count()).select_from(WebSession).where(WebSession.ended_at.is_(None))
        return int(conn.scalar(stmt) or 0)


# --- cookies and the sign-in form's token ------------------------------------------------


def test_every_cookie_is_a_host_cookie_secure_for_the_whole_site_and_no_domain(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)

    form = browser.get("/sign-in")
    signed_in = sign_in(browser, SOCIAL_WORKER)

    for response, name in ((form, csrf.SIGN_IN_COOKIE), (signed_in, SESSION_COOKIE)):
        assert name.startswith("__Host-")
        flags = set_cookie_flags(response, name)
        assert {"secure", "path=/", "httponly", "samesite=lax"} <= flags
        assert not any(f.startswith("domain") for f in flags)


def test_a_sign_in_form_whose_cookie_and_token_an_attacker_chose_is_refused(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    chosen = "1790000000.attacker-chosen-value-that-is-long-enough-to-pass"
    browser.cookies.set(csrf.SIGN_IN_COOKIE, chosen, domain="testserver.local")

    refused = browser.post(
        "/sign-in",
        data={"csrf_token": chosen, "email": SOCIAL_WORKER, "password": PASSWORD},
        follow_redirects=False,
    )

    assert refused.status_code == 403
    assert title(refused) == "Your form was not sent"
    assert live_sessions(engine) == 0


def test_a_token_from_one_browser_does_not_work_with_another_browsers_cookie(
    engine: Engine, clock: FixedClock, world: World
) -> None:
    give_password(engine, SOCIAL_WORKER)
    attacker, victim = web_browser(engine, clock), web_browser(engine, clock)
    attackers_token = csrf_token(attacker.get("/sign-in").text)
    victim.get("/sign-in")

    refused = victim.post(
        "/sign-in",
        data={"csrf_token": attackers_token, "email": SOCIAL_WORKER, "password": PASSWORD},
        follow_redirects=False,
    )

    assert refused.status_code == 403
    assert live_sessions(engine) == 0


def test_strict_transport_security_is_sent_only_when_the_site_is_served_over_tls(
    engine: Engine, clock: FixedClock, world: World
) -> None:
    plain = web_browser(engine, clock).get("/sign-in")
    tls = web_browser(engine, clock, https=True)

    assert "strict-transport-security" not in plain.headers
    for path in ("/sign-in", "/health", "/people"):
        assert tls.get(path).headers["strict-transport-security"].startswith("max-age=31536000")


def test_api_answers_with_personal_data_are_never_stored_by_caches(
    client: TestClient, world: World
) -> None:
    listed = client.get("/people", headers=auth(world.tokens["social_worker"]))
    refused = client.get("/people")

    assert listed.status_code == 200
    for response in (listed, refused):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


# --- throttling ----------------------------------------------------------------------------


def test_after_five_wrong_passwords_even_the_right_one_is_refused_with_a_lock_out_notice(
    browser: TestClient, world: World, engine: Engine
) -> None:
    user_id = give_password(engine, SOCIAL_WORKER)
    for _ in range(5):
        assert sign_in(browser, SOCIAL_WORKER, "not the right password").status_code == 200

    locked = sign_in(browser, SOCIAL_WORKER, PASSWORD)

    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "900"
    assert title(locked) == "Your account is locked for now"
    assert "try again in 15 minutes" in locked.text
    assert SESSION_COOKIE not in locked.cookies
    assert live_sessions(engine) == 0
    with unit_of_work(engine) as s:
        lock_outs = s.scalars(select(AuditEvent).where(AuditEvent.action == "user.locked_out"))
        assert [e.entity_id for e in lock_outs] == [user_id]


def test_the_account_opens_again_once_the_wait_is_over(
    browser: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    give_password(engine, SOCIAL_WORKER)
    for _ in range(5):
        sign_in(browser, SOCIAL_WORKER, "not the right password")

    clock.set(MONDAY_10AM + timedelta(minutes=14, seconds=59))
    still_locked = sign_in(browser, SOCIAL_WORKER, PASSWORD)
    clock.set(MONDAY_10AM + timedelta(minutes=15))
    signed_in = sign_in(browser, SOCIAL_WORKER, PASSWORD)

    assert still_locked.status_code == 429
    assert still_locked.headers["retry-after"] == "1"
    assert signed_in.status_code == 303


def test_a_lock_out_counts_an_email_in_any_letter_case_as_the_same_account(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    for variant in ("Social_Worker@example.org", "SOCIAL_WORKER@EXAMPLE.ORG") * 3:
        sign_in(browser, variant, "not the right password")

    assert sign_in(browser, SOCIAL_WORKER, PASSWORD).status_code == 429


def test_one_address_guessing_at_many_accounts_is_refused_after_twenty_failures(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, BROKER)
    for n in range(20):
        assert sign_in(browser, f"guess{n}@example.org", "not a password").status_code == 200

    refused = sign_in(browser, BROKER, PASSWORD)

    assert refused.status_code == 429
    assert live_sessions(engine) == 0


def test_attempts_are_kept_as_keyed_digests_never_as_the_email_or_address(
    browser: TestClient, world: World, engine: Engine
) -> None:
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER, "not the right password")
    sign_in(browser, SOCIAL_WORKER)

    with unit_of_work(engine) as s:
        attempts = list(s.scalars(select(SignInAttempt).order_by(SignInAttempt.id)))
    assert [a.succeeded for a in attempts] == [False, True]
    for attempt in attempts:
        stored = attempt.account_digest + attempt.address_digest
        assert "social_worker" not in stored and "testclient" not in stored
        assert len(attempt.account_digest) == len(attempt.address_digest) == 64
    assert attempts[0].account_digest == attempts[1].account_digest


# --- when sessions end ---------------------------------------------------------------------


def test_a_busy_session_still_ends_twelve_hours_after_signing_in(
    browser: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)
    for hours in range(1, 12):
        clock.set(MONDAY_10AM + timedelta(hours=hours))
        assert browser.get("/app/referrals", follow_redirects=False).status_code == 200

    clock.set(MONDAY_10AM + timedelta(hours=12, minutes=1))
    ended = browser.get("/app/referrals", follow_redirects=False)

    assert ended.status_code == 303
    assert ended.headers["location"].startswith("/sign-in")


def test_the_longest_session_is_a_setting(world: World, engine: Engine, clock: FixedClock) -> None:
    browser = web_browser(engine, clock, session_absolute_hours=2)
    give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)

    clock.set(MONDAY_10AM + timedelta(hours=1, minutes=59))
    still_in = browser.get("/app/referrals", follow_redirects=False)
    clock.set(MONDAY_10AM + timedelta(hours=2, minutes=1))
    ended = browser.get("/app/referrals", follow_redirects=False)

    assert (still_in.status_code, ended.status_code) == (200, 303)


def test_disabling_an_account_ends_its_sessions_and_stops_its_token_and_password(
    browser: TestClient, world: World, engine: Engine
) -> None:
    user_id = give_password(engine, SOCIAL_WORKER)
    sign_in(browser, SOCIAL_WORKER)
    token = world.tokens["social_worker"]

    with unit_of_work(engine) as s:
        disable_user(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user_id)
    page = browser.get("/app/referrals", follow_redirects=False)
    browser.cookies.clear()
    refused = sign_in(browser, SOCIAL_WORKER)

    assert page.status_code == 303
    assert live_sessions(engine) == 0
    assert "Enter a correct email address and password" in refused.text
    with unit_of_work(engine) as s:
        with pytest.raises(NotAuthenticated):
            actor_for_token(s, token)
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == user_id)))
        assert "user.disabled" in actions


def test_an_enabled_account_signs_in_again_and_its_token_works(
    browser: TestClient, world: World, engine: Engine
) -> None:
    user_id = give_password(engine, SOCIAL_WORKER)
    with unit_of_work(engine) as s:
        disable_user(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user_id)
    with unit_of_work(engine) as s:
        enable_user(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user_id)

    assert sign_in(browser, SOCIAL_WORKER).status_code == 303
    with unit_of_work(engine) as s:
        assert actor_for_token(s, world.tokens["social_worker"]).user_id == user_id
