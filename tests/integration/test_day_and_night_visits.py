"""Care across the day and night through the API and the referral form: a visit at a time
set with the person, night sitting, and the refusals of short calls (000 §27, 001
Appendix 2 1.2), each naming its field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.pattern import Day, PlannedVisit, TimeBand, VisitKind
from homecare.rounds.day import build_day
from homecare.rounds.repository import night_care_of
from homecare.rounds.tables import RoundPlan
from homecare.rounds.travel import CachedTravel, GreatCircleTravel
from tests.conftest import auth
from tests.integration.test_lists_forms import browser_for, summary
from tests.support import payloads
from tests.support.caseload import hire_care_worker, place_package
from tests.support.web_client import csrf_token
from tests.support.world import World

AIRE = "Aire Homecare"
SOCIAL_WORKER = "social_worker@example.org"
DAY_AND_NIGHT = [
    {"day": "mon", "at": "07:45", "minutes": 45},
    {"day": "mon", "band": "night", "kind": "night_sitting", "minutes": 600},
    {"day": "tue", "band": "lunch", "minutes": 20, "short_requested": True},
]


def _person(client: TestClient, world: World) -> int:
    made = client.post(
        "/people", json=payloads.person(), headers=auth(world.tokens["social_worker"])
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _refer(client: TestClient, world: World, person_id: int, visits: list[dict[str, Any]]) -> Any:
    body = payloads.referral(person_id, visits=visits, two_handed=[], weekly_hours=None)
    return client.post("/referrals", json=body, headers=auth(world.tokens["social_worker"]))


def _refused_field(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [error["field"] for error in response.json()["errors"]]


def test_a_clock_time_and_a_night_sitting_are_placed_and_their_visits_keep_the_times(
    client: TestClient, world: World
) -> None:
    referral = _refer(client, world, _person(client, world), DAY_AND_NIGHT)
    assert referral.status_code == 201, referral.text
    aire = auth(world.tokens[AIRE])
    (offer,) = client.get("/offers?status=open", headers=aire).json()
    accepted = client.post(
        f"/offers/{offer['id']}/accept", json={"agreed_start": "2026-10-06"}, headers=aire
    )
    assert accepted.status_code == 200, accepted.text
    made = client.post(
        "/visits/generate", json={"start": "2026-10-12", "end": "2026-10-13"}, headers=aire
    )
    assert made.status_code == 200, made.text
    visits = {
        v["band"]: v
        for v in client.get("/visits", params={"day": "2026-10-12"}, headers=aire).json()
    }

    shown = [
        (v["band"], v["kind"], v["at"], v["short_requested"]) for v in accepted.json()["visits"]
    ]
    assert shown == [
        ("morning", "care", "07:45", False),
        ("night", "night_sitting", None, False),
        ("lunch", "care", None, True),
    ]
    # 07:45 British Summer Time, a quarter of an hour either side, is 06:30 to 07:00 UTC.
    window = (visits["morning"]["window_start"], visits["morning"]["window_end"])
    assert [datetime.fromisoformat(w).astimezone(UTC).strftime("%H:%M") for w in window] == [
        "06:30",
        "07:00",
    ]
    assert visits["night"]["planned_minutes"] == 600


def test_a_fifteen_minute_single_carer_call_is_refused_naming_the_visit(
    client: TestClient, world: World
) -> None:
    person_id = _person(client, world)
    single = [{"day": "mon", "band": "lunch", "minutes": 15, "short_requested": True}]

    refused = _refer(client, world, person_id, single)

    assert _refused_field(refused) == ["visits.0.minutes"]
    assert "second carer" in refused.json()["detail"]


def test_a_twenty_minute_visit_is_taken_only_when_the_person_asked_for_it(
    client: TestClient, world: World
) -> None:
    person_id = _person(client, world)
    short = {"day": "tue", "band": "lunch", "minutes": 20}

    refused = _refer(client, world, person_id, [short])
    taken = _refer(client, world, person_id, [short | {"short_requested": True}])

    assert _refused_field(refused) == ["visits.0.minutes"]
    assert "person's own request" in refused.json()["detail"]
    assert taken.status_code == 201, taken.text
    assert taken.json()["visits"][0]["short_requested"] is True


def test_the_referral_form_refuses_short_calls_beside_their_cells_and_takes_a_night_sitting(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    person_id = _person(client, world)
    browser = browser_for(engine, clock, SOCIAL_WORKER)
    form = browser.get(f"/app/refer/people/{person_id}")
    data = {
        "csrf_token": csrf_token(form.text),
        "source": "social_work",
        "lot": "1",
        "required-start-day": "6",
        "required-start-month": "10",
        "required-start-year": "2026",
    }
    short_calls = {"visit-mon-lunch": "15", "visit-tue-lunch": "20", "at-wed-morning": "14:00"}
    day_and_night = {
        "visit-mon-morning": "45",
        "at-mon-morning": "07:45",
        "visit-mon-night": "600",
        "kind-mon-night": "night_sitting",
        "visit-tue-lunch": "20",
        "short-tue-lunch": "yes",
    }

    refused = browser.post(f"/app/refer/people/{person_id}", data=data | short_calls)
    sent = browser.post(f"/app/refer/people/{person_id}", data=data | day_and_night)

    assert summary(refused.text) == {
        "at-wed-morning": "Wednesday morning: visits in this column start between 07:00 and "
        "10:00. Enter a time in those hours or use another column",
        "visit-mon-lunch": "Monday lunch: 15-minute visits are only for a second carer "
        "joining a two-handed visit",
        "visit-tue-lunch": "Tuesday lunch: a visit under 30 minutes needs the person's own "
        "request: tick that they asked for a shorter visit",
    }
    assert sent.url.path.startswith("/app/referrals/"), summary(sent.text)
    assert "45 minutes at 07:45" in sent.text
    assert "Night sitting, 10 hours" in sent.text
    assert "shorter visit at the person’s request" in sent.text


def test_a_sleep_in_is_kept_off_the_daytime_rounds_and_listed_as_night_care(
    engine: Engine, world: World
) -> None:
    place_package(
        engine,
        world,
        pattern=[
            PlannedVisit(Day.MON, TimeBand.MORNING, 45, 1),
            PlannedVisit(Day.MON, TimeBand.NIGHT, 540, 1, kind=VisitKind.SLEEP_IN),
        ],
    )
    hire_care_worker(engine, world, name="Aisha Khan")
    with unit_of_work(engine) as session:
        day = build_day(
            session, world.providers[AIRE], date(2026, 10, 12), CachedTravel(GreatCircleTravel())
        )
        night = [(v.band, v.kind, v.minutes) for v in day.night_care]
        listed = night_care_of(session, RoundPlan(provider_id=day.provider_id, day=day.day))

    assert [v.ident for v in day.problem.visits] == [str(day.visit_refs[0].id)]
    assert night == [("night", "sleep_in", 540)]
    assert [(n.kind, n.starts, n.minutes) for n in listed] == [("sleep_in", "21:30", 540)]
