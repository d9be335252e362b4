"""Steps every journey takes: signing in, reading the heading, moving by keyboard."""

from __future__ import annotations

from typing import Any

from tests.e2e.web.conftest import PASSWORD, Site, check_accessibility, screenshot

Page = Any


def heading(page: Page) -> str:
    return str(page.locator("h1").first.inner_text()).strip()


def sign_in(
    page: Page, site: Site, who: str, *, shots: bool = False, javascript: bool = True
) -> None:
    """Signs in through the form; axe needs JavaScript, so it runs only when that is on."""
    page.goto("/")
    assert heading(page) == "Sign in to Home care"
    if javascript:
        check_accessibility(page)
    if shots:
        screenshot(page, "sign-in")
    page.get_by_label("Email address").fill(site.emails[who])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.locator(".app-header__user").inner_text().startswith("Signed in as")


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Presses Tab until the element is focused, as someone using only a keyboard does."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press_and_follow(page: Page, key: str) -> None:
    """Presses a key that submits a form or follows a link, and waits for the new page.

    Waiting for the load state alone can return before the navigation has begun, and
    then reads the old page.
    """
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()
