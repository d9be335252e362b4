"""A served store and a real browser: `homecare serve` driven by Debian's Chromium.

The store is the test world (one council, four providers) with a small caseload and web
passwords for one person in each role. The server runs as a subprocess, exactly as
`homecare serve` runs for a user, and Playwright drives Chromium through it. Without
Chromium (scripts/ensure-chromium) or the built assets (scripts/build-assets) the tests
are skipped and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.passwords import set_password
from homecare.accounts.service import create_user
from homecare.calendar import LONDON
from homecare.db import make_engine, unit_of_work
from homecare.migrate import upgrade
from homecare.people.domain import nhs_check_digit
from homecare.web.render import VENDOR_CSS
from tests.support.caseload import place_package
from tests.support.pgserver import free_port
from tests.support.world import MONDAY_10AM, World, build_world

playwright_sync = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

PASSWORD = "correct horse battery staple"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}

# The people the web users are, by the role they play in the journeys.
BOARD_REFRESH_SECONDS = 2
"""The live board updates itself this often on the served site, so a test need not wait."""

USERS = {
    "social_worker": ("Priya Shah", Role.SOCIAL_WORKER, None),
    "broker": ("Tom Walsh", Role.BROKER, None),
    "Aire Homecare": ("Grace Obi", Role.PROVIDER_MANAGER, "Aire Homecare"),
    "Kirkstall Care": ("Dan Lee", Role.PROVIDER_MANAGER, "Kirkstall Care"),
    "Bramley Care": ("Ruth Okafor", Role.PROVIDER_MANAGER, "Bramley Care"),
    "Wortley Care": ("Sam Booth", Role.PROVIDER_MANAGER, "Wortley Care"),
}


def valid_nhs_numbers(start: int) -> Iterator[str]:
    """NHS numbers that pass the check digit, from an unused range of the test world."""
    n = start
    while True:
        first_nine = f"{n:09d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            yield first_nine + str(check)
        n += 1


@dataclass
class Site:
    url: str
    emails: dict[str, str]
    packages: dict[str, int]
    database_url: str
    world: World
    nhs_numbers: Iterator[str] = field(default_factory=lambda: valid_nhs_numbers(999_200_000))

    def add_user(
        self,
        key: str,
        name: str,
        role: Role,
        organisation_id: int,
        *,
        person_id: int | None = None,
        care_worker_id: int | None = None,
    ) -> str:
        """A web account with the journeys' password, signed in later as `key`.

        Tests seed their own records and users straight into the served store: the
        server reads the same SQLite file, so what is written here is what it serves.
        """
        engine = make_engine(self.database_url)
        try:
            with unit_of_work(engine) as s:
                email = f"{name.lower().replace(' ', '.')}@example.org"
                user, _ = create_user(
                    s,
                    actor=SYSTEM_ACTOR,
                    at=MONDAY_10AM,
                    organisation_id=organisation_id,
                    role=role,
                    name=name,
                    email=email,
                    person_id=person_id,
                    care_worker_id=care_worker_id,
                )
                set_password(
                    s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD
                )
        finally:
            engine.dispose()
        self.emails[key] = email
        return email

    def start_date(self, days: int = 7) -> date:
        """A date some days ahead in London, where the served app's real clock is."""
        return datetime.now(LONDON).date() + timedelta(days=days)


def _wait_for(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("homecare serve stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} seconds")


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Debian's chromium is not installed: run scripts/ensure-chromium")
    return path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[Site]:
    if not VENDOR_CSS.exists():
        pytest.skip("the web assets are not built: run scripts/build-assets")
    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{folder / 'web.db'}"
    upgrade(url)
    engine = make_engine(url)
    world = build_world(engine)
    packages = {
        provider: place_package(engine, world, provider=provider, nhs_number=nhs).package_id
        for provider, nhs in (("Aire Homecare", "9990000018"), ("Wortley Care", "9990000026"))
    }
    emails: dict[str, str] = {}
    with unit_of_work(engine) as s:
        for key, (name, role, provider) in USERS.items():
            organisation = world.providers[provider] if provider else world.council_id
            email = f"{name.lower().replace(' ', '.')}@example.org"
            user, _ = create_user(
                s,
                actor=SYSTEM_ACTOR,
                at=MONDAY_10AM,
                organisation_id=organisation,
                role=role,
                name=name,
                email=email,
            )
            set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD)
            emails[key] = email
    engine.dispose()
    port = free_port()
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "homecare.cli", "serve", "--port", str(port), "--database-url", url],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "HOMECARE_BOARD_REFRESH_SECONDS": str(BOARD_REFRESH_SECONDS)},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/health", server)
        yield Site(url=base, emails=emails, packages=packages, database_url=url, world=world)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser(chromium: str, site: Site) -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_page(browser: Any, site: Site) -> Iterator[Callable[..., Any]]:
    """A fresh browser context (no cookies) per user; JavaScript can be switched off.

    Every script error and every refusal by the Content Security Policy fails the test.
    """
    contexts: list[Any] = []
    problems: list[str] = []

    def make(javascript: bool = True) -> Any:
        context = browser.new_context(
            base_url=site.url,
            viewport={"width": 1280, "height": 800},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(60_000)  # generous: CI machines are shared and slow
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems == []


def check_accessibility(page: Any) -> None:
    """axe-core on the page as it stands: no serious or critical WCAG 2.2 AA violation."""
    results = axe_sync.Axe().run(page, options=AXE_OPTIONS)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]
    assert blocking == [], f"{page.url}\n" + "\n".join(blocking)


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
