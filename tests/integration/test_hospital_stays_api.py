"""Hospital stays through the HTTP API, on SQLite and on PostgreSQL.

The visits are written straight to the store for one week (Monday 5 to Sunday 11
October 2026), as the visit generator would: morning (07:00-10:00) and bed (18:30-21:30)
calls of 30 minutes every day, 14 visits in all.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.calendar import LONDON
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.delivery.tables import Visit
from homecare.packages.tables import Package
from homecare.pattern import TIME_BAND_WINDOWS, Day, TimeBand
from homecare.people.tables import Person
from tests.conftest import auth
from tests.support.caseload import place_package
from tests.support.world import World

MONDAY = date(2026, 10, 5)


def london(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in October 2026, London time."""
    return datetime.combine(date(2026, 10, day), time(hour, minute), LONDON)


def week_of_visits(engine: Engine, package_id: int, monday: date = MONDAY) -> None:
    """One planned visit per pattern slot in the week from `monday`, as generated."""
    days = list(Day)
    with unit_of_work(engine) as s:
        package = s.get(Package, package_id)
        assert package is not None
        person = s.get(Person, package.person_id)
        assert person is not None
        for slot in package.visits:
            day = monday + timedelta(days=days.index(Day(slot.day)))
            opens, closes = TIME_BAND_WINDOWS[TimeBand(slot.band)]
            s.add(
                Visit(
                    package_id=package.id,
                    person_id=person.id,
                    provider_id=package.provider_id,
                    source="pattern",
                    source_id=slot.id,
                    package_visit_id=slot.id,
                    day=day,
                    band=slot.band,
                    window_start=datetime.combine(day, opens, LONDON),
                    window_end=datetime.combine(day, closes, LONDON),
                    planned_minutes=slot.minutes,
                    carers=slot.carers,
                    latitude=person.latitude,
                    longitude=person.longitude,
                )
            )


def visit_statuses(engine: Engine, package_id: int) -> list[tuple[date, str, str]]:
    with unit_of_work(engine) as s:
        rows = s.execute(
            select(Visit.day, Visit.band, Visit.status)
            .where(Visit.package_id == package_id)
            .order_by(Visit.window_start)
        ).all()
        return [(d, b, st) for d, b, st in rows]


def _admit(
    client: TestClient, world: World, package_id: int, at: datetime, token: str = "Aire Homecare"
) -> dict:  # type: ignore[type-arg]
    response = client.post(
        f"/packages/{package_id}/hospital-stays",
        json={"hospital": "St James's University Hospital", "admitted_at": at.isoformat()},
        headers=auth(world.tokens[token]),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_admission_suspends_the_visits_from_then_on_and_tells_the_trusted_assessors(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    week_of_visits(engine, placed.package_id)
    clock.set(london(6, 12, 30))

    stay = _admit(client, world, placed.package_id, london(6, 12))

    # Tuesday's bed call and every call Wednesday to Sunday: 1 + 5 × 2 = 11 visits, 330 min.
    assert stay["in_hospital"] is True
    assert (stay["suspended_visits"], stay["freed_minutes"], stay["freed_hours"]) == (
        11,
        330,
        "5.50",
    )
    statuses = visit_statuses(engine, placed.package_id)
    assert [s for _, _, s in statuses] == ["planned"] * 3 + ["hospital"] * 11
    package = client.get(
        f"/packages/{placed.package_id}", headers=auth(world.tokens["Aire Homecare"])
    ).json()
    assert package["status"] == "in_hospital"

    told = client.get("/notifications", headers=auth(world.tokens["social_worker"])).json()
    assert len(told) == 1
    assert (told[0]["team"], told[0]["kind"]) == ("trusted_assessors", "hospital_admission")
    assert (told[0]["entity"], told[0]["entity_id"]) == ("hospital_stay", stay["id"])
    assert told[0]["subject"] == (
        "Margaret Holroyd was admitted to St James's University Hospital on Tue 6 Oct 2026 "
        "at 12:00. Aire Homecare has suspended 11 planned visits (5.5 carer hours) and is "
        "ready to plan the discharge with you."
    )
    assert client.get("/notifications", headers=auth(world.tokens["Aire Homecare"])).json() == []
    other = client.get("/notifications", headers=auth(world.tokens["other_council_broker"]))
    assert other.json() == []


def test_a_second_admission_before_discharge_is_a_conflict(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    clock.set(london(6, 12, 30))
    _admit(client, world, placed.package_id, london(6, 12))

    again = client.post(
        f"/packages/{placed.package_id}/hospital-stays",
        json={"hospital": "Leeds General Infirmary", "admitted_at": london(6, 12).isoformat()},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert again.status_code == 409, again.text
    assert again.json()["field"] == "package_id"


def test_only_the_packages_own_provider_records_an_admission(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    body = {"hospital": "St James's University Hospital", "admitted_at": london(5, 9).isoformat()}

    other = client.post(
        f"/packages/{placed.package_id}/hospital-stays",
        json=body,
        headers=auth(world.tokens["Bramley Care"]),
    )
    council = client.post(
        f"/packages/{placed.package_id}/hospital-stays",
        json=body,
        headers=auth(world.tokens["social_worker"]),
    )
    future = client.post(
        f"/packages/{placed.package_id}/hospital-stays",
        json={**body, "admitted_at": london(6, 9).isoformat()},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert other.status_code == 404, other.text
    assert council.status_code == 403, council.text
    assert future.status_code == 422 and future.json()["field"] == "admitted_at"


def test_a_discharge_to_resume_brings_back_the_visits_from_the_discharge_on(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    week_of_visits(engine, placed.package_id)
    clock.set(london(6, 12, 30))
    stay = _admit(client, world, placed.package_id, london(6, 12))
    clock.set(london(8, 11, 30))

    discharged = client.post(
        f"/hospital-stays/{stay['id']}/discharge",
        json={"discharged_at": london(8, 11).isoformat(), "decision": "resume"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert discharged.status_code == 200, discharged.text
    # Still suspended: Tuesday bed, Wednesday morning and bed, Thursday morning (4, 120 min);
    # Thursday's bed call onwards (7 visits) is planned again.
    body = discharged.json()
    assert body["in_hospital"] is False
    assert body["discharge_decision"] == "resume"
    assert (body["suspended_visits"], body["freed_minutes"], body["freed_hours"]) == (
        4,
        120,
        "2.00",
    )
    statuses = [s for _, _, s in visit_statuses(engine, placed.package_id)]
    assert statuses == ["planned"] * 3 + ["hospital"] * 4 + ["planned"] * 7
    package = client.get(
        f"/packages/{placed.package_id}", headers=auth(world.tokens["social_worker"])
    ).json()
    assert package["status"] == "active"
    listed = client.get(
        f"/packages/{placed.package_id}/hospital-stays",
        headers=auth(world.tokens["social_worker"]),
    ).json()
    assert [(s["id"], s["freed_hours"]) for s in listed] == [(stay["id"], "2.00")]

    twice = client.post(
        f"/hospital-stays/{stay['id']}/discharge",
        json={"discharged_at": london(8, 11).isoformat(), "decision": "resume"},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert twice.status_code == 409


def test_a_discharge_for_review_holds_the_visits_until_the_review_is_recorded(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    week_of_visits(engine, placed.package_id)
    clock.set(london(6, 12, 30))
    stay = _admit(client, world, placed.package_id, london(6, 12))
    clock.set(london(9, 10, 30))

    discharged = client.post(
        f"/hospital-stays/{stay['id']}/discharge",
        json={"discharged_at": london(9, 10).isoformat(), "decision": "review"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert discharged.status_code == 200, discharged.text
    assert discharged.json()["suspended_visits"] == 11
    package = client.get(
        f"/packages/{placed.package_id}", headers=auth(world.tokens["Aire Homecare"])
    ).json()
    assert package["status"] == "awaiting_review"
    reviews = client.get(
        f"/reviews?package_id={placed.package_id}", headers=auth(world.tokens["Aire Homecare"])
    ).json()
    # Discharged Friday 9 October: due within three working days, Wednesday 14 October.
    assert [(r["kind"], r["due_on"], r["done_on"]) for r in reviews] == [
        ("after_hospital", "2026-10-14", None)
    ]
    assert discharged.json()["review_id"] == reviews[0]["id"]

    clock.set(london(10, 12))
    recorded = client.post(
        f"/reviews/{reviews[0]['id']}",
        json={"ratings": {"wellbeing": 2, "home": 3, "community": 2}},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert recorded.status_code == 200, recorded.text
    # Saturday's bed call and Sunday's two are planned again; the 8 visits from Tuesday's bed
    # call to Saturday morning were not delivered and stay counted on the stay (240 min).
    statuses = [s for _, _, s in visit_statuses(engine, placed.package_id)]
    assert statuses == ["planned"] * 3 + ["hospital"] * 8 + ["planned"] * 3
    package = client.get(
        f"/packages/{placed.package_id}", headers=auth(world.tokens["Aire Homecare"])
    ).json()
    assert package["status"] == "active"
    stays = client.get(
        f"/packages/{placed.package_id}/hospital-stays",
        headers=auth(world.tokens["Aire Homecare"]),
    ).json()
    assert (stays[0]["suspended_visits"], stays[0]["freed_hours"]) == (8, "4.00")
    # The next review is the scheduled one, twelve weeks after this one.
    assert recorded.json()["next_review"]["kind"] == "scheduled"
    assert recorded.json()["next_review"]["due_on"] == "2027-01-02"


def test_another_council_cannot_see_a_stay(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    clock.set(london(6, 12, 30))
    stay = _admit(client, world, placed.package_id, london(6, 12))

    seen = client.get(
        f"/packages/{placed.package_id}/hospital-stays",
        headers=auth(world.tokens["other_council_broker"]),
    )
    discharged = client.post(
        f"/hospital-stays/{stay['id']}/discharge",
        json={"discharged_at": london(6, 12).isoformat(), "decision": "resume"},
        headers=auth(world.tokens["Bramley Care"]),
    )

    assert seen.status_code == 404
    assert discharged.status_code == 404
