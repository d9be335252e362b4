"""Provider-led changes through the HTTP API, on SQLite and on PostgreSQL.

Every package here starts as morning and bed calls of 30 minutes every day: 14 visits,
420 carer-minutes (7 hours) a week. Aire's contract lets it move hours 20% either way
(336 to 504 minutes) at £26.22 an hour; Bramley's rate is £25.00.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import create_user
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.delivery.tables import Visit
from homecare.pattern import PlannedVisit
from tests.conftest import auth
from tests.integration.test_hospital_stays_api import week_of_visits
from tests.support.caseload import daily_pattern, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.world import MONDAY_10AM, World

Json = dict[str, Any]


def consent(**extra: Any) -> Json:
    body: Json = {
        "reason": "Margaret now dresses herself; the morning call needs less time",
        "consent_by_name": "Margaret Holroyd",
        "consent_by_relationship": "self",
        "consent_method": "in_person",
        "consent_at": (MONDAY_10AM - timedelta(hours=1)).isoformat(),
    }
    body.update(extra)
    return body


def propose(client: TestClient, world: World, package_id: int, minutes: int, **extra: Any) -> Json:
    response = client.post(
        f"/packages/{package_id}/changes",
        json={"to_weekly_minutes": minutes, **consent(**extra)},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def decide(client: TestClient, world: World, change_id: int, **body: Any) -> Json:
    response = client.post(
        f"/changes/{change_id}/decision", json=body, headers=auth(world.tokens["social_worker"])
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def package(client: TestClient, world: World, package_id: int) -> Json:
    response = client.get(f"/packages/{package_id}", headers=auth(world.tokens["social_worker"]))
    return response.json()  # type: ignore[no-any-return]


def asked_shorter() -> list[PlannedVisit]:
    """The daily 30-minute calls, each one the person has asked to be shorter when it can
    be: scaling may take them under 30 minutes (to 20 at the least, one carer each)."""
    return [replace(v, short_requested=True) for v in daily_pattern()]


def minutes_of(pkg: Json) -> Counter[int]:
    return Counter(v["minutes"] for v in pkg["visits"])


def test_a_change_needs_consent(client: TestClient, world: World, engine: Engine) -> None:
    placed = place_package(engine, world)

    response = client.post(
        f"/packages/{placed.package_id}/changes",
        json={"to_weekly_minutes": 480, "reason": "More time at bed"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert response.status_code == 422, response.text
    assert response.json()["field"] == "consent_by_name"
    assert package(client, world, placed.package_id)["weekly_hours"] == "7.00"


def test_family_who_are_not_the_named_consenter_cannot_consent(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(
        engine, world, consent_by_name="Susan Holroyd", consent_by_relationship="daughter"
    )

    son = client.post(
        f"/packages/{placed.package_id}/changes",
        json={
            "to_weekly_minutes": 480,
            **consent(consent_by_name="Peter Holroyd", consent_by_relationship="son"),
        },
        headers=auth(world.tokens["Aire Homecare"]),
    )
    herself = client.post(
        f"/packages/{placed.package_id}/changes",
        json={"to_weekly_minutes": 480, **consent()},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert son.status_code == 422, son.text
    assert son.json()["field"] == "consent_by_name"
    assert "only Susan Holroyd may consent" in son.json()["detail"]
    assert herself.status_code == 422, herself.text
    assert herself.json()["field"] == "consent_by_name"

    daughter = propose(
        client,
        world,
        placed.package_id,
        480,
        consent_by_name="susan holroyd",
        consent_by_relationship="daughter",
        consent_method="phone",
    )
    assert (daughter["consent_by_name"], daughter["consent_by_relationship"]) == (
        "susan holroyd",
        "daughter",
    )


def test_a_family_member_cannot_consent_for_someone_who_consents_for_themselves(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)

    response = client.post(
        f"/packages/{placed.package_id}/changes",
        json={
            "to_weekly_minutes": 480,
            **consent(consent_by_name="Susan Holroyd", consent_by_relationship="daughter"),
        },
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "consent_by_name"


def test_consent_cannot_be_dated_in_the_future(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)

    response = client.post(
        f"/packages/{placed.package_id}/changes",
        json={
            "to_weekly_minutes": 480,
            **consent(consent_at=(MONDAY_10AM + timedelta(hours=1)).isoformat()),
        },
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "consent_at"


def test_a_change_within_parameters_goes_on_trial_at_once(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    week_of_visits(engine, placed.package_id)

    change = propose(client, world, placed.package_id, 480)

    # +60 minutes (+14%): within 20%. Twelve visits go to 35 minutes and two stay at 30.
    assert change["status"] == "in_trial"
    assert change["within_parameters"] is True
    assert (change["effective_from"], change["submit_from"]) == ("2026-10-05", "2026-11-02")
    assert change["impact"]["weekly_hours_proposed"] == "1.00"
    assert change["impact"]["weekly_pounds_proposed"] == "26.22"
    assert change["impact"]["weekly_hours_in_effect"] == "1.00"
    assert change["impact"]["weekly_hours_decided"] is None
    after = package(client, world, placed.package_id)
    assert after["weekly_hours"] == "8.00"
    assert after["weekly_cost"] == "209.76"
    assert minutes_of(after) == Counter({35: 12, 30: 2})
    # Visits still to come (after Monday 10:00) carry the new minutes; Monday's morning
    # call, already under way, keeps its 30.
    with unit_of_work(engine) as s:
        planned = s.execute(
            select(Visit.window_start, Visit.planned_minutes)
            .where(Visit.package_id == placed.package_id)
            .order_by(Visit.window_start)
        ).all()
    assert planned[0][1] == 30
    assert sum(m for _, m in planned[1:]) == 480 - 35


def test_a_change_outside_parameters_waits_for_the_social_worker(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)

    change = propose(client, world, placed.package_id, 600)

    assert change["status"] == "awaiting_social_worker"
    assert change["within_parameters"] is False
    assert change["effective_from"] is None
    assert change["impact"]["weekly_hours_in_effect"] == "0.00"
    assert package(client, world, placed.package_id)["weekly_hours"] == "7.00"
    queue = client.get(
        "/changes?status=awaiting_decision", headers=auth(world.tokens["social_worker"])
    ).json()
    assert [c["id"] for c in queue] == [change["id"]]


def test_one_change_at_a_time(client: TestClient, world: World, engine: Engine) -> None:
    placed = place_package(engine, world)
    propose(client, world, placed.package_id, 480)

    second = client.post(
        f"/packages/{placed.package_id}/changes",
        json={"to_weekly_minutes": 450, **consent()},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert second.status_code == 409, second.text


def test_the_trial_runs_four_weeks_before_the_provider_submits(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    change = propose(client, world, placed.package_id, 450)

    early = client.post(
        f"/changes/{change['id']}/submit", headers=auth(world.tokens["Aire Homecare"])
    )
    assert early.status_code == 409, early.text
    assert early.json()["field"] == "submit_from"
    assert "2026-11-02" in early.json()["detail"]
    too_early = client.post(
        f"/changes/{change['id']}/decision",
        json={"decision": "approve"},
        headers=auth(world.tokens["social_worker"]),
    )
    assert too_early.status_code == 409

    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=MONDAY_10AM.tzinfo))
    submitted = client.post(
        f"/changes/{change['id']}/submit", headers=auth(world.tokens["Aire Homecare"])
    )

    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    queue = client.get(
        "/changes?status=submitted,awaiting_social_worker",
        headers=auth(world.tokens["social_worker"]),
    ).json()
    assert [c["id"] for c in queue] == [change["id"]]


def _submitted(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    minutes: int,
    pattern: list[PlannedVisit] | None = None,
) -> tuple[int, Json]:
    placed = place_package(engine, world, pattern=pattern)
    change = propose(client, world, placed.package_id, minutes)
    clock.set(MONDAY_10AM + timedelta(weeks=4))
    response = client.post(
        f"/changes/{change['id']}/submit", headers=auth(world.tokens["Aire Homecare"])
    )
    assert response.status_code == 200, response.text
    return placed.package_id, response.json()


def test_the_social_worker_approves_a_submitted_change(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    package_id, change = _submitted(client, world, engine, clock, 480)

    approved = decide(client, world, change["id"], decision="approve", note="Going well")

    assert approved["status"] == "approved"
    assert approved["decided_weekly_minutes"] == 480
    assert approved["impact"]["weekly_hours_decided"] == "1.00"
    assert package(client, world, package_id)["weekly_hours"] == "8.00"
    again = client.post(
        f"/changes/{change['id']}/decision",
        json={"decision": "reverse"},
        headers=auth(world.tokens["social_worker"]),
    )
    assert again.status_code == 409


def test_the_social_worker_amends_from_the_original_pattern(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    package_id, change = _submitted(client, world, engine, clock, 480)

    missing = client.post(
        f"/changes/{change['id']}/decision",
        json={"decision": "amend"},
        headers=auth(world.tokens["social_worker"]),
    )
    assert missing.status_code == 422 and missing.json()["field"] == "weekly_minutes"

    amended = decide(client, world, change["id"], decision="amend", weekly_minutes=450)

    # 420 → 450 from the original 30s: share 32.14 each → 30 (420), 30 left → six at 35.
    assert amended["status"] == "amended"
    assert amended["impact"]["weekly_hours_decided"] == "0.50"
    after = package(client, world, package_id)
    assert after["weekly_hours"] == "7.50"
    assert minutes_of(after) == Counter({30: 8, 35: 6})


def test_the_social_worker_reverses_and_the_original_pattern_returns_exactly(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    # Shorter than 30 minutes only because the person asked: 420 → 390 takes six to 25.
    package_id, change = _submitted(client, world, engine, clock, 390, asked_shorter())
    assert minutes_of(package(client, world, package_id)) == Counter({30: 8, 25: 6})

    reversed_ = decide(client, world, change["id"], decision="reverse", note="Needs the time")

    assert reversed_["status"] == "reversed"
    assert reversed_["impact"]["weekly_hours_in_effect"] == "0.00"
    after = package(client, world, package_id)
    assert after["weekly_hours"] == "7.00"
    assert minutes_of(after) == Counter({30: 14})


def test_approving_a_change_outside_parameters_applies_it(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    change = propose(client, world, placed.package_id, 560)

    approved = decide(client, world, change["id"], decision="approve")

    # 560/420 = 4/3: every 30-minute visit becomes exactly 40.
    assert approved["status"] == "approved"
    assert approved["effective_from"] == "2026-10-05"
    after = package(client, world, placed.package_id)
    assert after["weekly_hours"] == "9.33"
    assert minutes_of(after) == Counter({40: 14})


def test_a_provider_cannot_decide_its_own_change(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    change = propose(client, world, placed.package_id, 600)

    response = client.post(
        f"/changes/{change['id']}/decision",
        json={"decision": "approve"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert response.status_code == 403
    assert package(client, world, placed.package_id)["weekly_hours"] == "7.00"


def test_another_provider_cannot_change_aires_package(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)

    response = client.post(
        f"/packages/{placed.package_id}/changes",
        json={"to_weekly_minutes": 480, **consent()},
        headers=auth(world.tokens["Bramley Care"]),
    )

    assert response.status_code == 404
    assert client.get("/changes", headers=auth(world.tokens["Bramley Care"])).json() == []


def test_another_council_sees_nothing_and_decides_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    change = propose(client, world, placed.package_id, 600)
    with unit_of_work(engine) as s:
        _, token = create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=world.other_council_id,
            role=Role.SOCIAL_WORKER,
            name="Bradford Social Worker",
            email="bradford.sw@example.org",
        )

    seen = client.get(
        f"/changes/{change['id']}", headers=auth(world.tokens["other_council_broker"])
    )
    listed = client.get("/changes", headers=auth(world.tokens["other_council_broker"]))
    decided = client.post(
        f"/changes/{change['id']}/decision", json={"decision": "approve"}, headers=auth(token)
    )

    assert seen.status_code == 404
    assert listed.json() == []
    assert decided.status_code == 404
    assert package(client, world, placed.package_id)["weekly_hours"] == "7.00"


def test_the_impact_totals_hours_and_pounds_by_provider_and_decision(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    aire = [place_package(engine, world, nhs_number=n).package_id for n in VALID_NHS_NUMBERS[:3]]
    bramley = place_package(
        engine,
        world,
        provider="Bramley Care",
        nhs_number=VALID_NHS_NUMBERS[3],
        pattern=asked_shorter(),
    ).package_id
    approved = propose(client, world, aire[0], 600)  # +180 min, approved as proposed
    amended = propose(client, world, aire[1], 540)  # +120 proposed, amended to +60
    reversed_ = propose(client, world, aire[2], 700)  # +280 proposed, reversed
    decide(client, world, approved["id"], decision="approve")
    decide(client, world, amended["id"], decision="amend", weekly_minutes=480)
    decide(client, world, reversed_["id"], decision="reverse")
    on_trial = client.post(
        f"/packages/{bramley}/changes",
        json={"to_weekly_minutes": 360, **consent()},
        headers=auth(world.tokens["Bramley Care"]),
    )
    assert on_trial.status_code == 201, on_trial.text  # −60 min, pending, in effect

    report = client.get(
        "/changes/impact?start=2026-10-01&end=2026-10-31",
        headers=auth(world.tokens["commissioner"]),
    ).json()

    # Proposed: Aire 180 + 120 + 280 = 580 min at £26.22 = £253.46; Bramley −60 at £25 = −£25.
    # In effect: Aire 180 + 60 = 240 min = 4 h = £104.88; Bramley −1 h = −£25.00.
    assert report["total"] == {
        "changes": 4,
        "weekly_hours_proposed": "8.67",
        "weekly_pounds_proposed": "228.46",
        "weekly_hours_in_effect": "3.00",
        "weekly_pounds_in_effect": "79.88",
    }
    by_provider = {p["provider_name"]: p for p in report["by_provider"]}
    assert by_provider["Aire Homecare"]["changes"] == 3
    assert by_provider["Aire Homecare"]["weekly_pounds_proposed"] == "253.46"
    assert by_provider["Aire Homecare"]["weekly_pounds_in_effect"] == "104.88"
    assert by_provider["Bramley Care"]["weekly_hours_in_effect"] == "-1.00"
    assert by_provider["Bramley Care"]["weekly_pounds_in_effect"] == "-25.00"
    decisions = {
        k: (v["changes"], v["weekly_hours_in_effect"], v["weekly_pounds_in_effect"])
        for k, v in report["by_decision"].items()
    }
    assert decisions == {
        "approve": (1, "3.00", "78.66"),
        "amend": (1, "1.00", "26.22"),
        "reverse": (1, "0.00", "0.00"),
        "pending": (1, "-1.00", "-25.00"),
    }

    own = client.get(
        "/changes/impact?start=2026-10-01&end=2026-10-31",
        headers=auth(world.tokens["Bramley Care"]),
    ).json()
    assert own["total"]["changes"] == 1
    elsewhere = client.get(
        "/changes/impact?start=2026-11-01&end=2026-11-30",
        headers=auth(world.tokens["commissioner"]),
    ).json()
    assert elsewhere["total"]["changes"] == 0
