"""Changes as visit patterns, through the API and the provider's and family's pages.

Every package starts as morning and bed calls of 30 minutes every day: 14 visits, 420
carer-minutes (7 hours) a week; Aire may move hours 20% either way on its own authority.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select

from homecare.changes.tables import ConsentRequest
from homecare.clock import FixedClock
from homecare.db import make_engine, unit_of_work
from homecare.delivery.tables import Visit
from homecare.migrate import downgrade, upgrade
from tests.conftest import auth
from tests.integration.test_hospital_stays_api import week_of_visits
from tests.integration.test_provider_changes_api import consent, decide, package
from tests.integration.test_web_auth import AIRE, csrf_token, title
from tests.integration.test_web_changes import SignedInAs, signed_in_as, text_of
from tests.integration.test_web_my_care import (
    Family,
    browser,
    family,
    post_form,
    sign_in,
)
from tests.support.caseload import place_package
from tests.support.world import World

__all__ = ["browser", "family", "signed_in_as"]

Json = dict[str, Any]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAILY = [{"day": d, "band": b, "minutes": 30} for d in DAYS for b in ("morning", "bed")]
PATTERN_COLUMNS = {
    f"{table}.{column}"
    for table in ("provider_change", "consent_request")
    for column in ("from_pattern", "to_pattern")
}
LUNCH = [{"day": d, "band": "lunch", "minutes": 30} for d in DAYS]


def propose_visits(client: TestClient, world: World, package_id: int, visits: list[Json]) -> Any:
    return client.post(
        f"/packages/{package_id}/changes",
        json={"visits": visits, **consent()},
        headers=auth(world.tokens["Aire Homecare"]),
    )


def test_a_change_proposes_a_lunch_visit_every_day_and_says_so(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)

    response = propose_visits(client, world, placed.package_id, DAILY + LUNCH)

    assert response.status_code == 201, response.text
    change = response.json()
    assert change["in_words"] == "Adds a 30-minute lunch visit every day; 3 h 30 min more a week"
    assert (change["from_weekly_minutes"], change["to_weekly_minutes"]) == (420, 630)
    assert len(change["from_visits"]) == 14 and len(change["to_visits"]) == 21
    # +50% is beyond Aire's 20%, so nothing changes until the social worker approves.
    assert change["status"] == "awaiting_social_worker"
    assert len(package(client, world, placed.package_id)["visits"]) == 14

    decide(client, world, change["id"], decision="approve")

    after = package(client, world, placed.package_id)
    assert after["weekly_hours"] == "10.50"
    assert sorted((v["day"], v["band"]) for v in after["visits"] if v["band"] == "lunch") == [
        (d, "lunch") for d in sorted(DAYS)
    ]


def test_removing_a_visit_drops_its_coming_visits_and_reversing_brings_it_back(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    week_of_visits(engine, placed.package_id)
    fewer = [v for v in DAILY if (v["day"], v["band"]) != ("sun", "bed")]
    fewer = [
        {**v, "minutes": 45} if v["day"] == "tue" and v["band"] == "morning" else v for v in fewer
    ]

    response = propose_visits(client, world, placed.package_id, fewer)

    assert response.status_code == 201, response.text
    change = response.json()
    assert change["in_words"] == (
        "Makes the Tuesday morning visit 15 minutes longer and removes the Sunday bedtime "
        "visit; 15 min less a week"
    )
    assert change["status"] == "in_trial"
    with unit_of_work(engine) as s:
        sunday = s.scalars(
            select(Visit).where(
                Visit.package_id == placed.package_id,
                Visit.day == date(2026, 10, 11),
                Visit.band == "bed",
            )
        ).all()
    assert sunday == []

    assert len(package(client, world, placed.package_id)["visits"]) == 13

    clock.set(clock.now() + timedelta(weeks=4))
    submitted = client.post(
        f"/changes/{change['id']}/submit", headers=auth(world.tokens["Aire Homecare"])
    )
    assert submitted.status_code == 200, submitted.text
    decide(client, world, change["id"], decision="reverse", note="The family prefer it as it was")

    back = package(client, world, placed.package_id)
    assert sorted((v["day"], v["band"], v["minutes"]) for v in back["visits"]) == sorted(
        (v["day"], v["band"], 30) for v in DAILY
    )


def test_visits_and_a_total_that_disagree_are_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)

    response = client.post(
        f"/packages/{placed.package_id}/changes",
        json={"visits": DAILY + LUNCH, "to_weekly_minutes": 480, **consent()},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    nothing = client.post(
        f"/packages/{placed.package_id}/changes",
        json=consent(),
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert response.status_code == 422, response.text
    assert response.json()["field"] == "to_weekly_minutes"
    assert nothing.status_code == 422 and nothing.json()["field"] == "visits"


def test_the_providers_form_shows_every_fault_at_once(
    world: World, engine: Engine, signed_in_as: SignedInAs
) -> None:
    placed = place_package(engine, world)
    browser = signed_in_as(AIRE)
    form = browser.get(f"/app/packages/{placed.package_id}/change-visits")

    sent = browser.post(
        f"/app/packages/{placed.package_id}/change-visits",
        data={
            "csrf_token": csrf_token(form.text),
            "mon-lunch": "ten",
            "tue-lunch": "300",
            "wed-tea-two": "2",
            "reason": "",
        },
    )

    text = text_of(sent.text)
    assert sent.status_code == 200
    assert "There is a problem" in text
    assert "Monday lunch: enter the minutes as a whole number, like 30" in text
    assert "Tuesday lunch: a visit lasts from 15 minutes to 4 hours" in text
    assert "Wednesday tea: enter the minutes of the two-carer visit, or untick 2 carers" in text
    assert "Enter why the visits should change" in text
    assert title(form) == "Change Margaret Holroyd’s visits"


def test_the_provider_asks_the_family_who_see_the_same_words_and_agree(
    client: TestClient,
    world: World,
    engine: Engine,
    family: Family,
    signed_in_as: SignedInAs,
    browser: TestClient,
    clock: FixedClock,
) -> None:
    package_id = family.placed.package_id
    provider = signed_in_as(AIRE)
    form = provider.get(f"/app/packages/{package_id}/change-visits")
    fields = {f"{d}-{b}": "30" for d in DAYS for b in ("morning", "bed")}
    fields.update({"tue-lunch": "30", "thu-lunch": "30"})

    sent = provider.post(
        f"/app/packages/{package_id}/change-visits",
        data={"csrf_token": csrf_token(form.text), **fields, "reason": "Needs help at lunch"},
        follow_redirects=False,
    )

    assert sent.status_code == 303, sent.text
    words = "Adds a 30-minute lunch visit on Tuesday and Thursday; 1 h more a week"
    assert words in text_of(provider.get(sent.headers["location"]).text)
    with unit_of_work(engine) as s:
        request_id = s.scalars(select(ConsentRequest.id)).one()
    sign_in(browser)
    page = f"/app/my-care/consent?package={package_id}"
    assert words in text_of(browser.get(page).text)
    answered = post_form(
        browser,
        page,
        f"/app/my-care/consent/{request_id}",
        {"answer": "yes", "name": "Ann Shaw", "relationship": "daughter"},
    )
    assert answered.status_code == 303
    on_trial = text_of(provider.get(f"/app/packages/{package_id}").text)
    assert "On trial" in on_trial and words in on_trial
    assert "Agreed by Ann Shaw" in on_trial
    assert "Can be submitted from 2 November 2026" in on_trial

    clock.set(clock.now() + timedelta(weeks=4))
    later = signed_in_as(AIRE)
    page_now = later.get(f"/app/packages/{package_id}")
    change_id = int(re.findall(r'action="/app/changes/(\d+)/submit"', page_now.text)[0])
    done = later.post(
        f"/app/changes/{change_id}/submit",
        data={"csrf_token": csrf_token(page_now.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    submitted = text_of(later.get(done.headers["location"]).text)
    assert "Change submitted. It is now with the social worker." in submitted
    assert "Submitted after trial" in submitted


def test_the_migration_adds_the_patterns_to_changes_and_requests_and_can_be_undone(
    db_url: str,
) -> None:
    def columns() -> set[str]:
        engine = make_engine(db_url)
        try:
            tables = inspect(engine)
            found = set()
            for table in ("provider_change", "consent_request"):
                found |= {f"{table}.{c['name']}" for c in tables.get_columns(table)}
            return found & PATTERN_COLUMNS
        finally:
            engine.dispose()

    at_head = columns()
    downgrade(db_url, "0009")
    before = columns()
    upgrade(db_url)

    assert at_head == PATTERN_COLUMNS
    assert before == set()
    assert columns() == PATTERN_COLUMNS
