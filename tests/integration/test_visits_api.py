"""The visit schedule and electronic call monitoring through the HTTP API, on both stores.

The caseload: one person with Aire Homecare (morning and bed calls every day, bed
two-handed, from Monday 5 October 2026), two Aire carers, and one person and carer with
Bramley Care. The clock starts on that Monday at 10:00 London time and is moved by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.clock import FixedClock
from homecare.community.tables import CommunityHours
from homecare.db import unit_of_work
from homecare.delivery.tables import CallEvent, WorkedDay
from homecare.packages.tables import Package
from homecare.rounds.tables import Round, RoundPlan, RoundStop
from homecare.timebank.service import open_envelope
from tests.conftest import auth
from tests.support.caseload import Placed, Worker, daily_pattern, hire_care_worker, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.world import MONDAY_10AM, World

AIRE = "Aire Homecare"
BRAMLEY = "Bramley Care"
MONDAY = date(2026, 10, 5)
TUESDAY = date(2026, 10, 6)
SUNDAY = date(2026, 10, 11)


@dataclass(frozen=True)
class Caseload:
    placed: Placed
    aisha: Worker
    ben: Worker
    bramley_placed: Placed
    cara: Worker


@pytest.fixture
def caseload(engine: Engine, world: World) -> Caseload:
    return Caseload(
        placed=place_package(engine, world, pattern=daily_pattern(two_handed_bed=True)),
        aisha=hire_care_worker(engine, world, name="Aisha Khan"),
        ben=hire_care_worker(engine, world, name="Ben Hall"),
        bramley_placed=place_package(
            engine, world, provider=BRAMLEY, nhs_number=VALID_NHS_NUMBERS[1]
        ),
        cara=hire_care_worker(engine, world, provider=BRAMLEY, name="Cara Lee"),
    )


# --- helpers -------------------------------------------------------------------------------


def _generate(
    client: TestClient, world: World, provider: str = AIRE, start: date = MONDAY, end: date = SUNDAY
) -> int:
    response = client.post(
        "/visits/generate",
        json={"start": start.isoformat(), "end": end.isoformat()},
        headers=auth(world.tokens[provider]),
    )
    assert response.status_code == 200, response.text
    return int(response.json()["created"])


def _visits(client: TestClient, token: str, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/visits", params=query, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _visit(
    client: TestClient, world: World, day: date, band: str, provider: str = AIRE
) -> dict[str, Any]:
    found = [
        v
        for v in _visits(client, world.tokens[provider], day=day.isoformat())
        if v["band"] == band and v["source"] == "pattern"
    ]
    assert len(found) == 1, found
    return found[0]


def _assign(client: TestClient, world: World, visit_id: int, *workers: Worker) -> dict[str, Any]:
    response = client.put(
        f"/visits/{visit_id}/carers",
        json={"care_worker_ids": [w.care_worker_id for w in workers]},
        headers=auth(world.tokens[AIRE]),
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _planned(
    client: TestClient, world: World, *workers: Worker, band: str = "morning"
) -> dict[str, Any]:
    """Tuesday's visit in the band, generated and with the carers on it."""
    _generate(client, world)
    visit = _visit(client, world, TUESDAY, band)
    return _assign(client, world, visit["id"], *workers)


def _event(
    cid: str, visit: dict[str, Any], kind: str, occurred_at: datetime, **extra: Any
) -> dict[str, Any]:
    return {
        "client_event_id": cid,
        "visit_id": visit["id"],
        "kind": kind,
        "occurred_at": occurred_at.isoformat(),
        **extra,
    }


def _send(client: TestClient, token: str, *events: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post("/call-events", json={"events": list(events)}, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()["results"]  # type: ignore[no-any-return]


def _results(results: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(r["result"], r["reason"]) for r in results]


def _reread(client: TestClient, world: World, visit: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/visits/{visit['id']}", headers=auth(world.tokens[AIRE]))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _window_end(visit: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(visit["window_end"])


def _window_start(visit: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(visit["window_start"])


def _alerts(client: TestClient, token: str, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/alerts", params=query, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


# --- the schedule --------------------------------------------------------------------------


def test_a_week_of_a_daily_pattern_makes_fourteen_visits_and_a_second_run_none(
    client: TestClient, world: World, caseload: Caseload
) -> None:
    assert _generate(client, world) == 14
    assert _generate(client, world) == 0

    visits = _visits(client, world.tokens[AIRE], package_id=caseload.placed.package_id)
    assert len(visits) == 14
    assert {v["status"] for v in visits} == {"planned"}
    tuesday_morning = _visit(client, world, TUESDAY, "morning")
    # 07:00-10:00 British Summer Time is 06:00-09:00 UTC
    assert _window_start(tuesday_morning) == datetime(2026, 10, 6, 6, 0, tzinfo=UTC)
    assert _window_end(tuesday_morning) == datetime(2026, 10, 6, 9, 0, tzinfo=UTC)
    assert tuesday_morning["place_kind"] == "home"
    assert (tuesday_morning["planned_minutes"], tuesday_morning["carers"]) == (30, 1)
    assert _visit(client, world, TUESDAY, "bed")["carers"] == 2


def test_visits_start_on_the_package_start_date(
    client: TestClient, world: World, caseload: Caseload
) -> None:
    # Thursday 1 to Sunday 11 October: the package only starts on Monday 5th
    assert _generate(client, world, start=date(2026, 10, 1)) == 14


def test_visit_windows_follow_london_time_across_the_end_of_summer_time(
    client: TestClient, world: World, caseload: Caseload
) -> None:
    # Clocks go back on Sunday 25 October 2026: Monday's 07:00 is 07:00 UTC, not 06:00
    _generate(client, world, start=date(2026, 10, 24), end=date(2026, 10, 26))

    monday = _visit(client, world, date(2026, 10, 26), "morning")
    saturday = _visit(client, world, date(2026, 10, 24), "morning")
    assert _window_start(monday) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    assert _window_start(saturday) == datetime(2026, 10, 24, 6, 0, tzinfo=UTC)


def test_a_package_in_hospital_gets_its_visits_suspended(
    client: TestClient, world: World, engine: Engine, caseload: Caseload
) -> None:
    with unit_of_work(engine) as session:
        package = session.get(Package, caseload.placed.package_id)
        assert package is not None
        package.status = "in_hospital"

    assert _generate(client, world) == 14

    visits = _visits(client, world.tokens[AIRE], package_id=caseload.placed.package_id)
    assert {v["status"] for v in visits} == {"hospital"}


def test_active_community_hours_add_a_visit_at_the_community_place(
    client: TestClient, world: World, engine: Engine, caseload: Caseload
) -> None:
    with unit_of_work(engine) as session:
        for status in ("active", "ended"):
            session.add(
                CommunityHours(
                    package_id=caseload.placed.package_id,
                    purpose="Try the lunch club",
                    place_name="Armley Community Centre",
                    latitude=53.797,
                    longitude=-1.585,
                    day="wed",
                    band="lunch",
                    minutes=90,
                    starts_on=date(2026, 10, 5),
                    ends_on=date(2026, 10, 18),
                    status=status,
                    created_at=MONDAY_10AM,
                )
            )

    assert _generate(client, world) == 15

    community = _visits(client, world.tokens[AIRE], day="2026-10-07")
    community = [v for v in community if v["source"] == "community"]
    assert len(community) == 1
    assert community[0]["place_kind"] == "community"
    assert community[0]["place_name"] == "Armley Community Centre"
    assert (community[0]["latitude"], community[0]["planned_minutes"]) == (53.797, 90)
    assert _window_start(community[0]) == datetime(2026, 10, 7, 10, 30, tzinfo=UTC)


def test_a_provider_generates_only_its_own_visits(
    client: TestClient, world: World, caseload: Caseload
) -> None:
    theirs = client.post(
        "/visits/generate",
        json={"start": "2026-10-05", "end": "2026-10-11", "provider_id": world.providers[AIRE]},
        headers=auth(world.tokens[BRAMLEY]),
    )
    council = client.post(
        "/visits/generate",
        json={"start": "2026-10-05", "end": "2026-10-11"},
        headers=auth(world.tokens["social_worker"]),
    )
    backwards = client.post(
        "/visits/generate",
        json={"start": "2026-10-11", "end": "2026-10-05"},
        headers=auth(world.tokens[AIRE]),
    )

    assert theirs.status_code == 403
    assert council.status_code == 403
    assert backwards.status_code == 422 and backwards.json()["field"] == "end"
    assert _generate(client, world, provider=BRAMLEY) == 14
    assert _visits(client, world.tokens[AIRE]) == []


def test_another_providers_manager_gets_404_for_a_visit(
    client: TestClient, world: World, caseload: Caseload
) -> None:
    _generate(client, world)
    visit = _visit(client, world, TUESDAY, "morning")

    response = client.get(f"/visits/{visit['id']}", headers=auth(world.tokens[BRAMLEY]))
    missing = client.get("/visits/999999", headers=auth(world.tokens[BRAMLEY]))

    assert response.status_code == missing.status_code == 404
    assert _visits(client, world.tokens[BRAMLEY]) == []
    council = _visits(client, world.tokens["social_worker"], day=TUESDAY.isoformat())
    assert [v["id"] for v in council if v["band"] == "morning"] == [visit["id"]]


# --- carers on visits ----------------------------------------------------------------------


def test_a_visit_takes_exactly_as_many_of_the_providers_carers_as_it_needs(
    client: TestClient, world: World, caseload: Caseload
) -> None:
    _generate(client, world)
    bed = _visit(client, world, TUESDAY, "bed")
    url = f"/visits/{bed['id']}/carers"
    headers = auth(world.tokens[AIRE])
    aisha, ben, cara = caseload.aisha, caseload.ben, caseload.cara

    one = client.put(url, json={"care_worker_ids": [aisha.care_worker_id]}, headers=headers)
    twice = client.put(url, json={"care_worker_ids": [aisha.care_worker_id] * 2}, headers=headers)
    bramleys = client.put(
        url, json={"care_worker_ids": [aisha.care_worker_id, cara.care_worker_id]}, headers=headers
    )
    outside = client.put(
        url,
        json={
            "care_worker_ids": [aisha.care_worker_id, ben.care_worker_id],
            "planned_start": "2026-10-06T08:00:00+00:00",
        },
        headers=headers,
    )
    not_theirs = client.put(
        url,
        json={"care_worker_ids": [cara.care_worker_id]},
        headers=auth(world.tokens[BRAMLEY]),
    )

    for refused in (one, twice, bramleys):
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "care_worker_ids"
    assert outside.status_code == 422 and outside.json()["field"] == "planned_start"
    assert not_theirs.status_code == 404
    assigned = _assign(client, world, bed["id"], aisha, ben)
    assert sorted(c["care_worker_id"] for c in assigned["assigned_carers"]) == sorted(
        [aisha.care_worker_id, ben.care_worker_id]
    )


def test_saved_rounds_put_their_carers_on_the_days_visits(
    client: TestClient, world: World, engine: Engine, caseload: Caseload
) -> None:
    _generate(client, world)
    morning = _visit(client, world, TUESDAY, "morning")
    bed = _visit(client, world, TUESDAY, "bed")
    no_plan = client.post("/rounds/2026-10-06/visits", headers=auth(world.tokens[AIRE]))
    _save_rounds(engine, world, caseload, morning, bed)

    response = client.post("/rounds/2026-10-06/visits", headers=auth(world.tokens[AIRE]))
    theirs = client.post("/rounds/2026-10-06/visits", headers=auth(world.tokens[BRAMLEY]))

    assert no_plan.status_code == 409 and no_plan.json()["field"] == "day"
    assert response.status_code == 200, response.text
    assert response.json() == {"assigned": 2}
    assert theirs.status_code == 409
    carers = _reread(client, world, morning)["assigned_carers"]
    assert carers == [
        {"care_worker_id": caseload.aisha.care_worker_id, "planned_start": "2026-10-06T06:30:00Z"}
    ]
    both = _reread(client, world, bed)["assigned_carers"]
    assert {c["care_worker_id"] for c in both} == {
        caseload.aisha.care_worker_id,
        caseload.ben.care_worker_id,
    }


def _save_rounds(
    engine: Engine,
    world: World,
    caseload: Caseload,
    morning: dict[str, Any],
    bed: dict[str, Any],
) -> None:
    """A plan as the optimiser saves it: Aisha does morning and bed, Ben joins for bed."""
    with unit_of_work(engine) as session:
        plan = RoundPlan(
            provider_id=world.providers[AIRE],
            day=TUESDAY,
            optimised_at=MONDAY_10AM,
            seed=1,
            seconds=0.1,
            measures={},
        )
        for worker, visits in ((caseload.aisha, [morning, bed]), (caseload.ben, [bed])):
            stops = []
            for sequence, visit in enumerate(visits):
                start = _window_start(visit) + timedelta(minutes=30)
                stops.append(
                    RoundStop(
                        sequence=sequence,
                        package_visit_id=visit["package_visit_id"],
                        person_id=visit["person_id"],
                        planned_start=start,
                        window_start=_window_start(visit),
                        window_end=_window_end(visit),
                        minutes=visit["planned_minutes"],
                        travel_minutes=5.0,
                        carers=visit["carers"],
                        partner_care_worker_id=None,
                        latitude=visit["latitude"],
                        longitude=visit["longitude"],
                    )
                )
            plan.rounds.append(
                Round(
                    provider_id=world.providers[AIRE],
                    care_worker_id=worker.care_worker_id,
                    day=TUESDAY,
                    shift_start=datetime(2026, 10, 6, 6, 0, tzinfo=UTC),
                    shift_end=datetime(2026, 10, 6, 21, 0, tzinfo=UTC),
                    travel_mode="walk",
                    travel_minutes=10.0,
                    contact_minutes=60.0,
                    stops=stops,
                )
            )
        session.add(plan)


def test_a_care_worker_sees_only_their_own_visits_in_the_order_they_are_due(
    client: TestClient, world: World, caseload: Caseload
) -> None:
    _generate(client, world)
    bed = _visit(client, world, TUESDAY, "bed")
    morning = _visit(client, world, TUESDAY, "morning")
    _assign(client, world, bed["id"], caseload.aisha, caseload.ben)
    _assign(client, world, morning["id"], caseload.aisha)

    aishas = _visits(client, caseload.aisha.token)
    bens = _visits(client, caseload.ben.token)
    other = client.get(f"/visits/{morning['id']}", headers=auth(caseload.ben.token))

    assert [v["id"] for v in aishas] == [morning["id"], bed["id"]]
    assert [v["id"] for v in bens] == [bed["id"]]
    assert other.status_code == 404


# --- call monitoring -----------------------------------------------------------------------


def test_a_care_worker_checks_in_only_to_their_own_visits(
    client: TestClient, world: World, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    at = _window_start(visit) + timedelta(minutes=30)
    missing = {**visit, "id": 999999}

    results = _send(
        client,
        caseload.ben.token,
        _event("ben-1", visit, "check_in", at),
        _event("ben-2", missing, "check_in", at),
    )
    theirs = _send(client, caseload.cara.token, _event("cara-1", visit, "check_in", at))

    assert _results(results) == [("rejected", "visit not found"), ("rejected", "visit not found")]
    assert _results(theirs) == [("rejected", "visit not found")]
    assert _reread(client, world, visit)["attendances"] == []


def test_a_checked_in_and_out_visit_is_completed_with_where_the_carer_was(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_start(visit) + timedelta(minutes=60)
    clock.set(arrive + timedelta(hours=1))

    results = _send(
        client,
        caseload.aisha.token,
        # 0.001 degrees of latitude north of the home: about 111 metres
        _event(
            "a-in",
            visit,
            "check_in",
            arrive,
            latitude=visit["latitude"] + 0.001,
            longitude=visit["longitude"],
        ),
        _event("a-out", visit, "check_out", arrive + timedelta(minutes=30)),
    )

    assert _results(results) == [("applied", None), ("applied", None)]
    done = _reread(client, world, visit)
    assert (done["status"], done["delivered_minutes"], done["arrived_late_minutes"]) == (
        "completed",
        30,
        0,
    )
    assert done["closed_at"] is not None
    [attendance] = done["attendances"]
    assert attendance["care_worker_id"] == caseload.aisha.care_worker_id
    assert 110 < attendance["check_in_metres_from_place"] < 113


def test_both_carers_of_a_two_handed_visit_check_in_and_it_closes_after_the_second_leaves(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha, caseload.ben, band="bed")
    arrive = _window_start(visit) + timedelta(minutes=15)
    clock.set(arrive + timedelta(hours=2))

    _send(
        client,
        caseload.aisha.token,
        _event("a-in", visit, "check_in", arrive),
        _event("a-out", visit, "check_out", arrive + timedelta(minutes=30)),
    )
    halfway = _reread(client, world, visit)
    _send(
        client,
        caseload.ben.token,
        _event("b-in", visit, "check_in", arrive + timedelta(minutes=1)),
        _event("b-out", visit, "check_out", arrive + timedelta(minutes=31)),
    )
    done = _reread(client, world, visit)

    assert halfway["status"] == "in_progress"
    assert done["status"] == "completed"
    assert sorted(a["care_worker_id"] for a in done["attendances"]) == sorted(
        [caseload.aisha.care_worker_id, caseload.ben.care_worker_id]
    )
    assert all(a["checked_out_at"] for a in done["attendances"])


def test_a_replayed_batch_is_applied_once_and_a_changed_event_is_refused(
    client: TestClient, world: World, clock: FixedClock, engine: Engine, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_start(visit) + timedelta(minutes=10)
    clock.set(arrive + timedelta(hours=1))
    batch = [
        _event("a-in", visit, "check_in", arrive),
        _event("a-note", visit, "note", arrive + timedelta(minutes=5), note="Kettle is broken"),
    ]

    first = _send(client, caseload.aisha.token, *batch)
    again = _send(client, caseload.aisha.token, *batch)
    changed = _send(
        client,
        caseload.aisha.token,
        {**batch[1], "note": "Kettle is fine"},
        _event("a-in-2", visit, "check_in", arrive + timedelta(minutes=2)),
    )
    retried_refusal = _send(
        client,
        caseload.aisha.token,
        _event("a-in-2", visit, "check_in", arrive + timedelta(minutes=2)),
    )

    assert _results(first) == [("applied", None), ("applied", None)]
    assert _results(again) == [
        ("duplicate", "already received: applied"),
        ("duplicate", "already received: applied"),
    ]
    assert _results(changed) == [
        ("rejected", "client_event_id already used with different content"),
        ("rejected", "already checked in"),
    ]
    assert _results(retried_refusal) == [
        ("duplicate", "already received: rejected (already checked in)")
    ]
    with unit_of_work(engine) as session:
        stored = session.scalars(select(CallEvent).order_by(CallEvent.id)).all()
        assert [(e.client_event_id, e.result) for e in stored] == [
            ("a-in", "applied"),
            ("a-note", "applied"),
            ("a-in-2", "rejected"),
        ]
        assert stored[1].note == "Kettle is broken"
    [attendance] = _reread(client, world, visit)["attendances"]
    assert datetime.fromisoformat(attendance["checked_in_at"]) == arrive


def test_another_providers_identical_event_ids_are_different_events(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    _generate(client, world, provider=BRAMLEY)
    theirs = _visit(client, world, TUESDAY, "morning", provider=BRAMLEY)
    client.put(
        f"/visits/{theirs['id']}/carers",
        json={"care_worker_ids": [caseload.cara.care_worker_id]},
        headers=auth(world.tokens[BRAMLEY]),
    )
    arrive = _window_start(visit) + timedelta(minutes=10)
    clock.set(arrive + timedelta(hours=1))

    ours = _send(client, caseload.aisha.token, _event("in-1", visit, "check_in", arrive))
    bramleys = _send(
        client,
        caseload.cara.token,
        _event("in-1", theirs, "check_in", arrive + timedelta(minutes=7)),
    )

    assert _results(ours) == _results(bramleys) == [("applied", None)]
    [mine] = _reread(client, world, visit)["attendances"]
    assert datetime.fromisoformat(mine["checked_in_at"]) == arrive


def test_a_reordered_batch_ends_as_an_ordered_one(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_start(visit) + timedelta(minutes=10)
    clock.set(arrive + timedelta(hours=1))

    results = _send(
        client,
        caseload.aisha.token,
        _event("a-out", visit, "check_out", arrive + timedelta(minutes=30)),
        _event("a-in-again", visit, "check_in", arrive + timedelta(minutes=1)),
        _event("a-in", visit, "check_in", arrive),
    )

    assert _results(results) == [
        ("applied", None),
        ("rejected", "already checked in"),
        ("applied", None),
    ]
    done = _reread(client, world, visit)
    assert (done["status"], done["delivered_minutes"]) == ("completed", 30)


def test_a_check_out_that_arrives_before_its_check_in_is_kept_until_the_check_in_comes(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_start(visit) + timedelta(minutes=10)
    clock.set(arrive + timedelta(hours=1))

    _send(
        client,
        caseload.aisha.token,
        _event("a-out", visit, "check_out", arrive + timedelta(minutes=25)),
    )
    waiting = _reread(client, world, visit)
    _send(client, caseload.aisha.token, _event("a-in", visit, "check_in", arrive))
    done = _reread(client, world, visit)

    assert waiting["status"] == "in_progress"
    assert waiting["attendances"][0]["checked_in_at"] is None
    assert waiting["attendances"][0]["checked_out_at"] is not None
    assert (done["status"], done["delivered_minutes"]) == ("completed", 25)


def test_a_malformed_event_is_refused_naming_its_field_and_nothing_is_written(
    client: TestClient, world: World, engine: Engine, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    good = _event("a-in", visit, "check_in", _window_start(visit))
    naive = {**good, "client_event_id": "a-2", "occurred_at": "2026-10-06T08:00:00"}

    response = client.post(
        "/call-events",
        json={"events": [good, good, good, naive]},
        headers=auth(caseload.aisha.token),
    )

    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert "events.3.occurred_at" in fields, fields
    with unit_of_work(engine) as session:
        assert session.scalars(select(CallEvent)).all() == []


def test_a_manager_records_for_their_own_carer_naming_them(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_start(visit) + timedelta(minutes=10)
    clock.set(arrive + timedelta(hours=1))
    headers = auth(world.tokens[AIRE])

    unnamed = client.post(
        "/call-events",
        json={"events": [_event("m-in", visit, "check_in", arrive)]},
        headers=headers,
    )
    named = _send(
        client,
        world.tokens[AIRE],
        _event("m-in", visit, "check_in", arrive, care_worker_id=caseload.aisha.care_worker_id),
    )
    not_on_it = _send(
        client,
        world.tokens[AIRE],
        _event("m-in-b", visit, "check_in", arrive, care_worker_id=caseload.ben.care_worker_id),
    )
    bramley = _send(
        client,
        world.tokens[BRAMLEY],
        _event("x", visit, "check_in", arrive, care_worker_id=caseload.cara.care_worker_id),
    )
    council = client.post(
        "/call-events",
        json={"events": [_event("s", visit, "note", arrive, care_worker_id=1)]},
        headers=auth(world.tokens["social_worker"]),
    )

    assert unnamed.status_code == 422 and unnamed.json()["field"] == "events.0.care_worker_id"
    assert _results(named) == [("applied", None)]
    assert _results(not_on_it) == [
        ("rejected", f"care worker {caseload.ben.care_worker_id} is not on this visit")
    ]
    assert _results(bramley) == [("rejected", "visit not found")]
    assert council.status_code == 403


# --- outcomes and alerts -------------------------------------------------------------------


def test_a_check_in_twenty_minutes_after_the_window_makes_a_late_visit(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_end(visit) + timedelta(minutes=20)
    clock.set(arrive + timedelta(minutes=40))

    _send(
        client,
        caseload.aisha.token,
        _event("a-in", visit, "check_in", arrive),
        _event("a-out", visit, "check_out", arrive + timedelta(minutes=30)),
    )

    done = _reread(client, world, visit)
    assert (done["status"], done["arrived_late_minutes"], done["delivered_minutes"]) == (
        "late",
        20,
        30,
    )
    assert _alerts(client, world.tokens[AIRE]) == []


def test_a_very_late_check_in_raises_an_alert_at_once_which_the_provider_acknowledges(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_end(visit) + timedelta(minutes=70)
    clock.set(arrive + timedelta(minutes=1))

    _send(client, caseload.aisha.token, _event("a-in", visit, "check_in", arrive))
    [alert] = _alerts(client, world.tokens[AIRE], open="true")
    theirs = client.post(f"/alerts/{alert['id']}/acknowledge", headers=auth(world.tokens[BRAMLEY]))
    seen = client.post(f"/alerts/{alert['id']}/acknowledge", headers=auth(world.tokens[AIRE]))
    again = client.post(f"/alerts/{alert['id']}/acknowledge", headers=auth(world.tokens[AIRE]))

    assert (alert["kind"], alert["visit_id"]) == ("very_late", visit["id"])
    assert _reread(client, world, visit)["status"] == "in_progress"
    assert theirs.status_code == 404
    assert seen.status_code == 200 and seen.json()["acknowledged_at"] is not None
    assert again.status_code == 409
    assert _alerts(client, world.tokens[AIRE], open="true") == []
    assert _alerts(client, world.tokens[BRAMLEY]) == []


def test_fifteen_minutes_on_a_thirty_minute_visit_makes_a_short_visit(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_start(visit) + timedelta(minutes=30)
    clock.set(arrive + timedelta(hours=1))

    _send(
        client,
        caseload.aisha.token,
        _event("a-in", visit, "check_in", arrive),
        _event("a-out", visit, "check_out", arrive + timedelta(minutes=15)),
    )

    done = _reread(client, world, visit)
    assert (done["status"], done["delivered_minutes"]) == ("short", 15)


def test_the_sweep_marks_a_visit_nobody_came_to_missed_and_alerts_the_provider(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    headers = auth(world.tokens[AIRE])
    clock.set(_window_end(visit) + timedelta(minutes=119))
    too_soon = client.post("/visits/close", headers=headers)
    clock.set(_window_end(visit) + timedelta(minutes=121))

    swept = client.post("/visits/close", headers=headers)
    council = client.post("/visits/close", headers=auth(world.tokens["social_worker"]))

    # Monday's morning and bed visits were long overdue; Tuesday's morning not quite
    assert too_soon.json()["missed"] == too_soon.json()["closed"] == 2
    assert swept.status_code == 200, swept.text
    assert swept.json()["missed"] == swept.json()["closed"] == 1
    assert _reread(client, world, visit)["status"] == "missed"
    alerts = _alerts(client, world.tokens[AIRE], open="true")
    assert visit["id"] in {a["visit_id"] for a in alerts if a["kind"] == "missed"}
    assert council.status_code == 403


def test_a_check_in_from_before_the_deadline_reopens_a_visit_the_sweep_called_missed(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    arrive = _window_start(visit) + timedelta(minutes=20)
    clock.set(_window_end(visit) + timedelta(hours=3))
    client.post("/visits/close", headers=auth(world.tokens[AIRE]))

    _send(
        client,
        caseload.aisha.token,
        _event("a-in", visit, "check_in", arrive),
        _event("a-out", visit, "check_out", arrive + timedelta(minutes=30)),
    )

    assert _reread(client, world, visit)["status"] == "completed"


def test_a_not_at_home_report_closes_the_visit(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    knocked = _window_start(visit) + timedelta(minutes=30)
    clock.set(knocked + timedelta(minutes=5))

    results = _send(
        client,
        caseload.aisha.token,
        _event("a-nah", visit, "not_at_home", knocked, note="No answer; rang the family"),
    )

    assert _results(results) == [("applied", None)]
    done = _reread(client, world, visit)
    assert (done["status"], done["delivered_minutes"]) == ("not_at_home", 0)


def test_the_sweep_closes_a_two_handed_visit_one_carer_missed_as_short(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha, caseload.ben, band="bed")
    arrive = _window_start(visit)
    clock.set(arrive + timedelta(hours=1))
    _send(
        client,
        caseload.aisha.token,
        _event("a-in", visit, "check_in", arrive),
        _event("a-out", visit, "check_out", arrive + timedelta(minutes=30)),
    )
    waiting = _reread(client, world, visit)["status"]
    clock.set(_window_end(visit) + timedelta(hours=2))

    client.post("/visits/close", headers=auth(world.tokens[AIRE]))

    assert waiting == "in_progress"
    done = _reread(client, world, visit)
    # (30 + 0) / 2 carers = 15 minutes, under 0.75 x 30
    assert (done["status"], done["delivered_minutes"]) == ("short", 15)


# --- the person's choice -------------------------------------------------------------------


def test_the_person_cancels_a_visit_before_its_window_and_it_is_never_monitored(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    person = auth(caseload.placed.person_token)
    clock.set(_window_start(visit) - timedelta(hours=12))

    not_theirs = client.post(
        f"/visits/{visit['id']}/cancel", json={"bank": False}, headers=auth(world.tokens[BRAMLEY])
    )
    council = client.post(
        f"/visits/{visit['id']}/cancel",
        json={"bank": False},
        headers=auth(world.tokens["social_worker"]),
    )
    cancelled = client.post(f"/visits/{visit['id']}/cancel", json={"bank": True}, headers=person)
    twice = client.post(f"/visits/{visit['id']}/cancel", json={"bank": False}, headers=person)
    events = _send(
        client,
        caseload.aisha.token,
        _event("a-in", visit, "check_in", _window_start(visit)),
    )
    clock.set(_window_end(visit) + timedelta(hours=3))
    client.post("/visits/close", headers=auth(world.tokens[AIRE]))

    assert not_theirs.status_code == 404
    assert council.status_code == 403
    assert cancelled.status_code == 200, cancelled.text
    # no envelope of time on this package: nothing to bank, still cancelled
    assert (cancelled.json()["status"], cancelled.json()["banked"]) == (
        "cancelled_by_person",
        False,
    )
    assert twice.status_code == 409
    assert _results(events) == [("rejected", "the visit was cancelled by the person")]
    assert _reread(client, world, visit)["status"] == "cancelled_by_person"


def test_a_visit_cannot_be_cancelled_once_its_window_has_opened(
    client: TestClient, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    visit = _planned(client, world, caseload.aisha)
    clock.set(_window_start(visit) + timedelta(minutes=1))

    response = client.post(
        f"/visits/{visit['id']}/cancel",
        json={"bank": False},
        headers=auth(caseload.placed.person_token),
    )

    assert response.status_code == 409
    assert _reread(client, world, visit)["status"] == "planned"


def test_a_cancelled_visit_on_an_envelope_of_time_banks_its_minutes(
    client: TestClient, world: World, engine: Engine, clock: FixedClock, caseload: Caseload
) -> None:
    with unit_of_work(engine) as session:
        open_envelope(
            session,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            package_id=caseload.placed.package_id,
            starts_on=MONDAY,
        )
    visit = _planned(client, world, caseload.aisha)
    clock.set(_window_start(visit) - timedelta(hours=12))

    response = client.post(
        f"/visits/{visit['id']}/cancel",
        json={"bank": True},
        headers=auth(caseload.placed.person_token),
    )

    assert response.status_code == 200, response.text
    assert response.json()["banked"] is True


# --- worked days (measure 14) ---------------------------------------------------------------


def _worked_days(engine: Engine) -> list[tuple[int, str, int, float, float]]:
    with unit_of_work(engine) as s:
        return [
            (w.care_worker_id, w.day.isoformat(), w.stints, w.care_minutes, w.travel_minutes)
            for w in s.scalars(select(WorkedDay).order_by(WorkedDay.care_worker_id, WorkedDay.day))
        ]


def test_a_carers_day_counts_time_with_people_and_the_capped_travel_between_visits(
    client: TestClient, engine: Engine, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    _generate(client, world)
    morning = _assign(
        client, world, _visit(client, world, TUESDAY, "morning")["id"], caseload.aisha
    )
    bed_id = _visit(client, world, TUESDAY, "bed")["id"]
    bed = _assign(client, world, bed_id, caseload.aisha, caseload.ben)  # two-handed
    first = _window_start(morning) + timedelta(minutes=5)
    second = _window_start(bed)
    clock.set(second + timedelta(hours=2))
    aisha = caseload.aisha.token

    # The bed call's events arrive first, in a later batch order; then the morning's.
    _send(
        client,
        aisha,
        _event("bed-out", bed, "check_out", second + timedelta(minutes=30)),
        _event("bed-in", bed, "check_in", second),
    )
    after_one = _worked_days(engine)
    batch = (
        _event("am-in", morning, "check_in", first),
        _event("am-out", morning, "check_out", first + timedelta(minutes=45)),
    )
    _send(client, aisha, *batch)
    _send(client, aisha, *batch)  # the phone sends it again: nothing changes

    aisha_id = caseload.aisha.care_worker_id
    assert after_one == [(aisha_id, TUESDAY.isoformat(), 1, 30.0, 0.0)]
    # 45 + 30 minutes with people; the hours between the morning and the bed call are a
    # break, which counts as the hour of travel the rule allows.
    assert _worked_days(engine) == [(aisha_id, TUESDAY.isoformat(), 2, 75.0, 60.0)]


def test_a_stint_still_open_is_not_part_of_the_day_until_its_check_out_arrives(
    client: TestClient, engine: Engine, world: World, clock: FixedClock, caseload: Caseload
) -> None:
    _generate(client, world)
    morning_id = _visit(client, world, TUESDAY, "morning")["id"]
    morning = _assign(client, world, morning_id, caseload.ben)
    arrive = _window_start(morning)
    clock.set(arrive + timedelta(hours=1))

    _send(client, caseload.ben.token, _event("in", morning, "check_in", arrive))
    open_stint = _worked_days(engine)
    _send(
        client,
        caseload.ben.token,
        _event("out", morning, "check_out", arrive + timedelta(minutes=20)),
    )

    assert open_stint == []
    assert _worked_days(engine) == [
        (caseload.ben.care_worker_id, TUESDAY.isoformat(), 1, 20.0, 0.0)
    ]
