"""The provider manager's live board in a real browser: a carer checks in on their phone
and the board shows it within seconds, without the page being loaded again.

Sam Booth manages Wortley Care. Today (on the real clock, in London) one of its people
has a visit in every band and Kit Ellis is on all of them. The served site updates the
board every BOARD_REFRESH_SECONDS; the test marks the page, has Kit's phone check in
through the API, and waits for the "Checked in" count to rise with the mark still there.
"""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import UTC, datetime

from playwright.sync_api import expect

from homecare.pattern import TimeBand
from tests.e2e.web.conftest import BOARD_REFRESH_SECONDS, Site, check_accessibility
from tests.e2e.web.steps import heading, sign_in
from tests.e2e.web.todays_visits import todays_visits
from tests.support.caseload import Worker

PROVIDER = "Wortley Care"


def _todays_visits(site: Site) -> tuple[Worker, list[int]]:
    made = todays_visits(
        site, bands=list(TimeBand), staffed=[b.value for b in TimeBand], carer="Kit Ellis",
        provider=PROVIDER,
    )  # fmt: skip
    return made.carer, [made.visits[b.value] for b in TimeBand]


def _check_in(site: Site, kit: Worker, visit_id: int) -> None:
    event = {
        "client_event_id": f"board-{visit_id}",
        "visit_id": visit_id,
        "kind": "check_in",
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    request = urllib.request.Request(
        f"{site.url}/call-events",
        data=json.dumps({"events": [event]}).encode(),
        headers={"Authorization": f"Bearer {kit.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.loads(answer.read())["results"][0]["result"] == "applied"


def test_the_managers_board_shows_a_check_in_without_being_loaded_again(
    new_page: object, site: Site
) -> None:
    kit, visits = _todays_visits(site)
    page = new_page()  # type: ignore[operator]
    sign_in(page, site, PROVIDER)
    assert heading(page) == "Today"
    check_accessibility(page)
    checked_in = page.locator('[data-state="checked_in"]')
    before = int(checked_in.inner_text().split()[0])
    page.evaluate("window.boardMark = 'still here'")

    # The night visit: the served site runs on the real clock, and earlier visits of the
    # day are closed as missed two hours after their window (the night's closes after
    # midnight), so only the last visit of the day takes a check-in at any hour.
    _check_in(site, kit, visits[-1])
    expect(page.locator('[data-state="checked_in"] a')).to_have_text(
        re.compile(rf"^\s*{before + 1}\b"), timeout=BOARD_REFRESH_SECONDS * 5 * 1000
    )

    assert page.evaluate("window.boardMark") == "still here"  # the page was not reloaded
    assert "Kit Ellis" in page.locator("#live-board").inner_text()
    check_accessibility(page)
