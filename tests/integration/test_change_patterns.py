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
from homecare.pattern import (
    FIFTEEN_NEEDS_SECOND_CARER,
    SHORT_NEEDS_REQUEST,
    Day,
    PlannedVisit,
    TimeBand,
    VisitKind,
)
from tests.conftest import auth
from tests.integration.test_hospital_stays_api import week_of_visits
from tests.integration.test_provider_changes_api import consent, decide, package, propose
from tests.integration.test_web_auth import AIRE, csrf_token, title
from tests.integration.test_web_changes import SignedInAs, signed_in_as, text_of
from tests.integration.test_web_my_care import (
    Family,
    browser,
    family,
    post_form,
    sign_in,
)
from tests.support.caseload import daily_pattern, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
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


def test_the_providers_form_takes_the_persons_request_for_a_shorter_visit(
    world: World, engine: Engine, signed_in_as: SignedInAs
) -> None:
    placed = place_package(engine, world)
    browser = signed_in_as(AIRE)
    form = browser.get(f"/app/packages/{placed.package_id}/change-visits")
    fields = {f"{d}-{b}": "30" for d in DAYS for b in ("morning", "bed")}
    fields["mon-morning"] = "25"

    def send(**more: str) -> Any:
        data = {"csrf_token": csrf_token(form.text), **fields, **more, "reason": "Quick wash"}
        return browser.post(
            f"/app/packages/{placed.package_id}/change-visits",
            data=data,
            follow_redirects=False,
        )

    unasked = send()
    asked = send(**{"mon-morning-short": "yes"})

    assert 'name="mon-morning-short"' in form.text
    assert "The person asked for a visit shorter than 30 minutes" in form.text
    assert unasked.status_code == 200
    assert 'href="#mon-morning"' in unasked.text and 'id="mon-morning-error"' in unasked.text
    assert (
        "Monday morning: a visit under 30 minutes needs the person&#39;s own request: "
        "tick that they asked for a shorter visit"
    ) in unasked.text
    assert asked.status_code == 303, asked.text
    with unit_of_work(engine) as s:
        pattern = s.scalars(select(ConsentRequest.to_pattern)).one()
    assert [v for v in pattern if v.get("short_requested")] == [
        {"day": "mon", "band": "morning", "minutes": 25, "carers": 1, "short_requested": True}
    ]


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


# --- short calls, whole nights and the list of changes -----------------------------------


def test_a_change_to_a_fifteen_minute_single_carer_call_is_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    fifteen = [{**DAILY[0], "minutes": 15, "short_requested": True}, *DAILY[1:]]

    response = propose_visits(client, world, placed.package_id, fifteen)

    assert response.status_code == 422, response.text
    assert response.json()["field"] == "visits.0.minutes"
    assert response.json()["detail"] == FIFTEEN_NEEDS_SECOND_CARER


def test_a_twenty_five_minute_visit_needs_the_persons_request(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    # DAILY is Monday morning, Monday bed, Tuesday morning...: visit 2 is Tuesday morning.
    unasked = [*DAILY[:2], {**DAILY[2], "minutes": 25}, *DAILY[3:]]
    asked = [*DAILY[:2], {**DAILY[2], "minutes": 25, "short_requested": True}, *DAILY[3:]]

    refused = propose_visits(client, world, placed.package_id, unasked)
    allowed = propose_visits(client, world, placed.package_id, asked)

    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "visits.2.minutes"
    assert refused.json()["detail"] == SHORT_NEEDS_REQUEST
    assert allowed.status_code == 201, allowed.text
    # 420 − 5 = 415 carer-minutes; the request is kept on the visit.
    assert allowed.json()["to_weekly_minutes"] == 415
    shortened = [v for v in allowed.json()["to_visits"] if v["minutes"] == 25]
    assert [(v["day"], v["band"], v["short_requested"]) for v in shortened] == [
        ("tue", "morning", True)
    ]


def test_a_new_weekly_total_keeps_a_sleep_in_whole(
    client: TestClient, world: World, engine: Engine
) -> None:
    sleep_in = PlannedVisit(Day.SAT, TimeBand.NIGHT, 600, 1, kind=VisitKind.SLEEP_IN)
    placed = place_package(engine, world, pattern=[*daily_pattern(), sleep_in])

    # 14 calls × 30 + 600 = 1020 → 1300, beyond Aire's 20% so for the social worker: the
    # sleep-in keeps its 600, the calls share 700, 50 each; an amendment to 600 would leave
    # them nothing.
    change = propose(client, world, placed.package_id, 1300)
    too_little = client.post(
        f"/changes/{change['id']}/decision",
        json={"decision": "amend", "weekly_minutes": 600},
        headers=auth(world.tokens["social_worker"]),
    )

    nights = [v for v in change["to_visits"] if v["band"] == "night"]
    assert [(v["minutes"], v["kind"]) for v in nights] == [(600, "sleep_in")]
    assert {v["minutes"] for v in change["to_visits"] if v["band"] != "night"} == {50}
    assert too_little.status_code == 422, too_little.text
    assert too_little.json()["field"] == "weekly_minutes"
    assert "whole nights, 10 hours of carers' time a week" in too_little.json()["detail"]


def test_the_list_of_changes_comes_a_window_at_a_time_with_its_length(
    client: TestClient, world: World, engine: Engine
) -> None:
    ids = [
        propose(client, world, place_package(engine, world, nhs_number=n).package_id, 480)["id"]
        for n in VALID_NHS_NUMBERS[:3]
    ]
    headers = auth(world.tokens["social_worker"])

    everything = client.get("/changes", headers=headers)
    first = client.get("/changes?limit=2", headers=headers)
    rest = client.get("/changes?limit=2&offset=2", headers=headers)
    newest = client.get("/changes?sort=-proposed&limit=1", headers=headers)
    unknown = client.get("/changes?sort=cost", headers=headers)

    assert [c["id"] for c in everything.json()] == ids
    assert everything.headers["x-total-count"] == "3"
    assert [c["id"] for c in first.json()] == ids[:2]
    assert [c["id"] for c in rest.json()] == ids[2:]
    assert first.headers["x-total-count"] == rest.headers["x-total-count"] == "3"
    assert [c["id"] for c in newest.json()] == ids[-1:]
    assert unknown.status_code == 422 and unknown.json()["field"] == "sort"
