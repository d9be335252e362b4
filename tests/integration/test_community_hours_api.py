"""Community hours through the HTTP API: started by the provider, ended by the calendar.

Aire Homecare adds an hour and a half every Wednesday lunchtime from Monday 5 October
2026 to Wednesday 11 November (five and a half weeks) so that a care worker can go with
the person to the Armley lunch club until they are confident to go alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.community.tables import CommunityHours
from tests.conftest import auth
from tests.support.caseload import place_package
from tests.support.world import ARMLEY_POSTCODE, World

AIRE = "Aire Homecare"


def _body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "purpose": "Go to the Armley lunch club on her own",
        "place_name": "Armley Lunch Club",
        "postcode": ARMLEY_POSTCODE,
        "day": "wed",
        "band": "lunch",
        "minutes": 90,
        "starts_on": "2026-10-05",
        "ends_on": "2026-11-11",
    }
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def _start(
    client: TestClient, world: World, package_id: int, token: str = AIRE, **extra: Any
) -> httpx.Response:
    return client.post(
        f"/packages/{package_id}/community-hours",
        json=_body(**extra),
        headers=auth(world.tokens.get(token, token)),
    )


def _started(client: TestClient, world: World, package_id: int, **extra: Any) -> dict[str, Any]:
    response = _start(client, world, package_id, **extra)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _listed(client: TestClient, package_id: int, token: str) -> httpx.Response:
    return client.get(f"/packages/{package_id}/community-hours", headers=auth(token))


def _end_due(client: TestClient, token: str) -> httpx.Response:
    return client.post("/community-hours/end-due", headers=auth(token))


def _outcome(
    client: TestClient, uplift_id: int, token: str, outcome: str = "goes_independently"
) -> httpx.Response:
    return client.post(
        f"/community-hours/{uplift_id}/outcome",
        json={"outcome": outcome, "note": "She now walks there with a neighbour"},
        headers=auth(token),
    )


def _count(engine: Engine, **where: Any) -> int:
    with engine.connect() as conn:
        stmt = select(func.count()).select_from(AuditEvent)
        for column, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, column) == value)
        return int(conn.scalar(stmt) or 0)


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(CommunityHours)) or 0)


# --- the life of an uplift ---------------------------------------------------------------


def test_community_hours_start_end_by_themselves_and_close_with_an_outcome(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    token = world.tokens[AIRE]
    uplift = _started(client, world, placed.package_id)
    assert uplift["status"] == "active"
    assert (uplift["minutes"], uplift["hours"]) == (90, "1.50")
    assert uplift["latitude"] and uplift["longitude"]  # from the postcode directory

    # On its last day it is still active; the day after, it ends by itself.
    clock.set(datetime(2026, 11, 11, 20, 0, tzinfo=UTC))
    assert _end_due(client, token).json() == {"ended": 0}
    clock.set(datetime(2026, 11, 12, 7, 0, tzinfo=UTC))
    assert _end_due(client, token).json() == {"ended": 1}
    listed = _listed(client, placed.package_id, placed.person_token).json()
    assert [u["status"] for u in listed] == ["ended"]
    assert _end_due(client, token).json() == {"ended": 0}

    closed = _outcome(client, uplift["id"], token)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["outcome"] == "goes_independently"
    assert closed.json()["outcome_note"] == "She now walks there with a neighbour"
    assert _count(engine, action="community_hours.started") == 1
    assert _count(engine, action="community_hours.ended") == 1
    assert _count(engine, action="community_hours.closed") == 1


def test_the_person_the_provider_and_the_council_see_the_community_hours(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _started(client, world, placed.package_id)
    for token in (placed.person_token, world.tokens[AIRE], world.tokens["social_worker"]):
        response = _listed(client, placed.package_id, token)
        assert response.status_code == 200, response.text
        assert [u["place_name"] for u in response.json()] == ["Armley Lunch Club"]
    for stranger in (world.tokens["Bramley Care"], world.tokens["other_council_broker"]):
        assert _listed(client, placed.package_id, stranger).status_code == 404


def test_recording_an_outcome_while_active_ends_the_uplift_early(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    uplift = _started(client, world, placed.package_id)
    closed = _outcome(client, uplift["id"], world.tokens[AIRE], "did_not_continue")
    assert closed.json()["status"] == "closed"
    assert _count(engine, action="community_hours.closed") == 1


def test_an_outcome_is_recorded_only_once(client: TestClient, world: World, engine: Engine) -> None:
    placed = place_package(engine, world)
    uplift = _started(client, world, placed.package_id)
    _outcome(client, uplift["id"], world.tokens[AIRE])
    again = _outcome(client, uplift["id"], world.tokens[AIRE], "goes_with_support")
    assert again.status_code == 409, again.text
    assert again.json()["field"] == "outcome"


def test_coordinates_may_be_given_instead_of_a_postcode(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    uplift = _started(
        client, world, placed.package_id, postcode=None, latitude=53.7990, longitude=-1.5920
    )
    assert (uplift["latitude"], uplift["longitude"]) == (53.799, -1.592)


def test_twelve_weeks_is_the_longest_uplift(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    assert _start(client, world, placed.package_id, ends_on="2026-12-28").status_code == 201
    too_long = _start(client, world, placed.package_id, ends_on="2026-12-29")
    assert too_long.status_code == 422 and too_long.json()["field"] == "ends_on"


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ends_on": "2026-10-05"}, "ends_on"),  # must end after it starts
        ({"ends_on": "2026-10-01"}, "ends_on"),
        ({"starts_on": "2026-10-04", "ends_on": "2026-10-20"}, "starts_on"),  # in the past
        ({"postcode": "LS99 9ZZ"}, "postcode"),  # not in the directory
        ({"postcode": None}, "postcode"),  # no place at all
        ({"purpose": "   "}, "purpose"),
    ],
)
def test_impossible_community_hours_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine, extra: dict[str, Any], field: str
) -> None:
    placed = place_package(engine, world)
    response = _start(client, world, placed.package_id, **extra)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert _rows(engine) == 0


def test_malformed_community_hours_are_refused_by_the_schema(
    client: TestClient, world: World, engine: Engine
) -> None:
    # One case; tests/unit/test_community_hours_input.py works the others.
    placed = place_package(engine, world)
    response = _start(client, world, placed.package_id, minutes=10)
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert "minutes" in fields, fields
    assert _rows(engine) == 0


def test_only_the_packages_own_provider_may_start_community_hours(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    assert _start(client, world, placed.package_id, token="Bramley Care").status_code == 404
    assert _start(client, world, placed.package_id, token=placed.person_token).status_code == 403
    assert _start(client, world, placed.package_id, token="social_worker").status_code == 403
    assert _start(client, world, 999_999).status_code == 404
    assert _rows(engine) == 0


def test_another_provider_may_not_record_an_outcome_or_end_the_uplift(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    uplift = _started(client, world, placed.package_id)
    assert _outcome(client, uplift["id"], world.tokens["Bramley Care"]).status_code == 404
    assert _outcome(client, uplift["id"], placed.person_token).status_code == 403
    clock.set(datetime(2026, 11, 12, 7, 0, tzinfo=UTC))
    assert _end_due(client, world.tokens["Bramley Care"]).json() == {"ended": 0}
    assert _end_due(client, placed.person_token).status_code == 403
    assert _listed(client, placed.package_id, placed.person_token).json()[0]["status"] == "active"


def test_an_unknown_outcome_is_refused(client: TestClient, world: World, engine: Engine) -> None:
    placed = place_package(engine, world)
    uplift = _started(client, world, placed.package_id)
    response = _outcome(client, uplift["id"], world.tokens[AIRE], "went_to_the_pub")
    assert response.status_code == 422
    assert response.json()["field"] == "outcome"
