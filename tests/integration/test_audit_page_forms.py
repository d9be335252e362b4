"""A page form with no API twin is audited as the journey's routes are: one row per change."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from tests.integration.test_audit_completeness import _all_counts, _latest_actions
from tests.integration.test_web_my_care import FAMILY, on_an_envelope, post_form, sign_in
from tests.support.world import World


def test_the_person_s_rating_page_writes_one_audit_row(
    engine: Engine, world: World, clock: FixedClock
) -> None:
    family = on_an_envelope(engine, world, "9990000018", FAMILY)
    browser = TestClient(
        create_app(Settings(database_url="unused://"), engine=engine, clock=clock),
        base_url="https://testserver",
    )
    sign_in(browser)
    before = _all_counts(engine)["audit_event"]

    rated = post_form(
        browser,
        f"/app/my-care/rating?package={family.placed.package_id}",
        f"/app/my-care/rating/{family.review_id}",
        {"wellbeing": "4", "home": "3", "community": "5"},
    )
    written = _all_counts(engine)["audit_event"] - before

    assert rated.status_code == 303
    assert _latest_actions(engine, written) == [f"review.rated_by_person {family.review_id}"]
