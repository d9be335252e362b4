"""Driving the web pages as a browser does: over https, reading the forms' tokens."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.passwords import set_password
from homecare.accounts.tables import UserAccount
from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from tests.support.world import MONDAY_10AM

PASSWORD = "a long enough passphrase"


def web_browser(engine: Engine, clock: FixedClock, **settings: object) -> TestClient:
    """A client of the app on https, so that it keeps and sends the Secure cookies.

    Every app a test makes shares one configured secret, as the servers of a deployment do.
    """
    settings.setdefault("secret_key", SecretStr("the test deployment's secret"))
    configured = Settings(database_url="unused://", **settings)  # type: ignore[arg-type]
    return TestClient(
        create_app(configured, engine=engine, clock=clock), base_url="https://testserver"
    )


def give_password(engine: Engine, email: str, password: str = PASSWORD) -> int:
    with unit_of_work(engine) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.email == email)).one()
        set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=password)
        return user.id


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


def set_cookie_flags(response: httpx.Response, name: str) -> set[str]:
    """The attributes of the Set-Cookie header for `name`, lower-cased."""
    header = next(c for c in response.headers.get_list("set-cookie") if c.startswith(name + "="))
    return {part.strip().lower() for part in header.split(";")[1:]}
