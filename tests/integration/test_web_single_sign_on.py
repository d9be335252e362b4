"""Council staff signing in through the council's identity provider (OpenID Connect).

The provider is a real HTTP server on loopback (support/fake_oidc.py) with an RSA key
made for the test; the app discovers it, exchanges the code with PKCE and its client
secret, and checks the ID token. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from sqlalchemy import Engine, select

from homecare.accounts.tables import UserAccount, WebSession
from homecare.accounts.web_sessions import SESSION_COOKIE
from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from tests.support.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeProvider, RunningProvider
from tests.support.web_client import csrf_token, title, web_browser
from tests.support.world import World

SOCIAL_WORKER = "social_worker@example.org"
AIRE = "aire.homecare@example.org"


@pytest.fixture
def provider(clock: FixedClock) -> Iterator[FakeProvider]:
    with RunningProvider() as running:
        running.now = clock.now().timestamp()
        yield running


def sso_browser(
    engine: Engine, clock: FixedClock, provider: FakeProvider, **settings: object
) -> TestClient:
    return web_browser(
        engine,
        clock,
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_redirect_url="https://testserver/sign-in/oidc/callback",
        **settings,
    )


@pytest.fixture
def browser(engine: Engine, clock: FixedClock, provider: FakeProvider) -> TestClient:
    return sso_browser(engine, clock, provider)


def single_sign_on(browser: TestClient, *, state: str | None = None) -> httpx.Response:
    """Off to the provider, which signs in its `next_user`, and back to the callback."""
    start = browser.get("/sign-in/oidc", follow_redirects=False)
    assert start.status_code == 303, start.text
    back = httpx.get(start.headers["location"], follow_redirects=False)
    callback = urlparse(back.headers["location"])
    query = parse_qs(callback.query)
    if state is not None:
        query["state"] = [state]
    response: httpx.Response = browser.get(
        callback.path, params={k: v[0] for k, v in query.items()}, follow_redirects=False
    )
    return response


def staff(email: str = SOCIAL_WORKER, subject: str = "council-0001") -> dict[str, object]:
    return {"sub": subject, "email": email, "email_verified": True}


def sessions(engine: Engine) -> list[WebSession]:
    with unit_of_work(engine) as s:
        return list(s.scalars(select(WebSession)))


def test_the_redirect_carries_state_nonce_and_a_pkce_challenge(
    browser: TestClient, world: World, provider: FakeProvider
) -> None:
    start = browser.get("/sign-in/oidc", follow_redirects=False)

    target = urlparse(start.headers["location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/authorize"
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [CLIENT_ID]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert "openid" in query["scope"][0].split()
    assert start.cookies["__Host-homecare_oidc"]
    assert "Sign in with your council account" in browser.get("/sign-in").text


def test_council_staff_with_a_verified_email_are_linked_and_signed_in(
    browser: TestClient, world: World, engine: Engine, provider: FakeProvider
) -> None:
    provider.next_user = staff()

    signed_in = single_sign_on(browser)
    start = browser.get("/", follow_redirects=False)

    assert signed_in.status_code == 303 and SESSION_COOKIE in signed_in.cookies
    assert start.headers["location"] == "/app/referrals"
    assert [s.signed_in_with for s in sessions(engine)] == ["oidc"]
    with unit_of_work(engine) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.email == SOCIAL_WORKER)).one()
        assert (user.oidc_issuer, user.oidc_subject) == (provider.issuer, "council-0001")
        linked = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.single_sign_on_linked")
        )
        assert [e.entity_id for e in linked] == [user.id]


def test_once_linked_the_subject_finds_the_account_whatever_the_email_says(
    browser: TestClient, world: World, engine: Engine, provider: FakeProvider
) -> None:
    provider.next_user = staff()
    single_sign_on(browser)
    browser.cookies.clear()
    provider.next_user = {"sub": "council-0001", "email": "renamed@example.org"}

    again = single_sign_on(browser)

    assert again.status_code == 303
    assert len(sessions(engine)) == 2


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "x-1", "email": SOCIAL_WORKER, "email_verified": False},
        {"sub": "x-2", "email": SOCIAL_WORKER},
        {"sub": "x-3", "email": AIRE, "email_verified": True},
        {"sub": "x-4", "email": "nobody@example.org", "email_verified": True},
    ],
    ids=["unverified email", "no verification", "provider staff", "no account"],
)
def test_an_identity_that_is_not_verified_council_staff_is_refused(
    browser: TestClient,
    world: World,
    engine: Engine,
    provider: FakeProvider,
    claims: dict[str, object],
) -> None:
    provider.next_user = claims

    refused = single_sign_on(browser)

    assert refused.status_code == 403
    assert title(refused) == "You could not be signed in"
    assert sessions(engine) == []


@pytest.mark.parametrize(
    "tampering",
    ["another key", "another audience", "another issuer", "expired", "another nonce"],
)
def test_an_id_token_that_does_not_verify_is_refused(
    browser: TestClient,
    world: World,
    engine: Engine,
    provider: FakeProvider,
    clock: FixedClock,
    tampering: str,
) -> None:
    provider.next_user = staff()
    if tampering == "another key":
        provider.signing_key = RSAKey.generate_key(2048)
    elif tampering == "another audience":
        provider.claim_overrides = {"aud": "someone-else"}
    elif tampering == "another issuer":
        provider.claim_overrides = {"iss": "https://evil.example"}
    elif tampering == "expired":
        provider.now = clock.now().timestamp() - 3600
    else:
        provider.claim_overrides = {"nonce": "not-the-one-sent"}

    refused = single_sign_on(browser)

    assert refused.status_code == 403
    assert "ID token did not verify" in refused.text
    assert sessions(engine) == []


def test_a_callback_whose_state_is_not_this_browsers_is_refused(
    browser: TestClient, world: World, engine: Engine, provider: FakeProvider
) -> None:
    provider.next_user = staff()

    refused = single_sign_on(browser, state="an-attackers-state")

    assert refused.status_code == 403
    assert sessions(engine) == []


def test_without_single_sign_on_settings_its_pages_are_not_found(
    engine: Engine, clock: FixedClock, world: World
) -> None:
    plain = web_browser(engine, clock)

    assert plain.get("/sign-in/oidc").status_code == 404
    assert "council account" not in plain.get("/sign-in").text


# --- a second factor: the identity provider's, or Home care's own ----------------------------


def sign_in_event(engine: Engine) -> dict[str, object]:
    with unit_of_work(engine) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "user.signed_in")).one()
        return dict(event.detail)


@pytest.mark.parametrize("method", ["mfa", "otp", "hwk", "swk", "sms"])
def test_a_second_factor_the_provider_asked_for_is_enough_when_staff_need_codes(
    world: World, engine: Engine, clock: FixedClock, provider: FakeProvider, method: str
) -> None:
    browser = sso_browser(engine, clock, provider, require_totp_for_staff=True)
    provider.next_user = staff()
    provider.amr = ["pwd", method]

    signed_in = single_sign_on(browser)

    assert signed_in.headers["location"] == "/"
    assert browser.get("/app/referrals", follow_redirects=False).status_code == 200
    assert [s.awaiting_second_factor for s in sessions(engine)] == [False]
    assert sign_in_event(engine)["second_factor_by_identity_provider"] is True


@pytest.mark.parametrize("amr", [None, ["pwd"]], ids=["no amr", "password only"])
def test_without_the_providers_second_factor_staff_enter_a_code_as_after_a_password(
    world: World,
    engine: Engine,
    clock: FixedClock,
    provider: FakeProvider,
    amr: list[str] | None,
) -> None:
    browser = sso_browser(engine, clock, provider, require_totp_for_staff=True)
    provider.next_user = staff()
    provider.amr = amr

    signed_in = single_sign_on(browser)
    page = browser.get("/app/referrals", follow_redirects=False)
    setup = browser.get("/sign-in/code")
    key = re.search(r'id="setup-key">([A-Z2-7]+)<', setup.text)
    assert key, setup.text
    done = browser.post(
        "/sign-in/code",
        data={
            "csrf_token": csrf_token(setup.text),
            "code": pyotp.TOTP(key.group(1)).at(clock.now()),
        },
        follow_redirects=False,
    )

    assert signed_in.headers["location"] == "/sign-in/code"
    assert page.headers["location"] == "/sign-in/code"
    assert sign_in_event(engine)["second_factor_by_identity_provider"] is False
    assert done.status_code == 303
    assert browser.get("/app/referrals", follow_redirects=False).status_code == 200


def test_staff_with_an_authenticator_enter_its_code_unless_the_provider_asked_for_one(
    browser: TestClient, world: World, engine: Engine, clock: FixedClock, provider: FakeProvider
) -> None:
    with unit_of_work(engine) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.email == SOCIAL_WORKER)).one()
        user.totp_secret = pyotp.random_base32()
    provider.next_user = staff()

    asked = single_sign_on(browser)
    browser.cookies.clear()
    provider.amr = ["mfa"]
    trusted = single_sign_on(browser)

    assert asked.headers["location"] == "/sign-in/code"
    assert trusted.headers["location"] == "/"


def test_without_the_setting_staff_sign_in_without_a_code_and_the_audit_row_says_so(
    browser: TestClient, world: World, engine: Engine, provider: FakeProvider
) -> None:
    provider.next_user = staff()

    signed_in = single_sign_on(browser)

    assert signed_in.headers["location"] == "/"
    assert sign_in_event(engine)["second_factor_by_identity_provider"] is False
    assert sign_in_event(engine)["signed_in_with"] == "oidc"
