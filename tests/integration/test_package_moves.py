"""A person's care moves to another provider: the new package continues the old from the
handover day, the visits follow, the banked hours and the reviews still to do go with it,
and the refusals. Through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.db import unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.delivery.tables import Visit
from homecare.reviews.tables import Review
from homecare.timebank.service import bank, open_envelope
from tests.conftest import auth
from tests.support.caseload import place_package
from tests.support.world import MONDAY_10AM, World

MONDAY = MONDAY_10AM.date()  # 5 October 2026; the handover is Thursday 8 October
HANDOVER = "2026-10-08"


def move(client: TestClient, world: World, package_id: int, **changes: object) -> object:
    body = {
        "contract_id": world.contracts["Kirkstall Care/1"],
        "handover_day": HANDOVER,
        "reason": "persons_choice",
        **changes,
    }
    return client.post(
        f"/packages/{package_id}/move", json=body, headers=auth(world.tokens["social_worker"])
    )


def providers_by_day(engine: Engine, person_id: int) -> dict[date, set[int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Visit.day, Visit.provider_id).where(Visit.person_id == person_id)
        ).all()
    days: dict[date, set[int]] = {}
    for day, provider in rows:
        days.setdefault(day, set()).add(provider)
    return days


def test_care_moves_to_the_new_provider_from_the_handover_day(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        open_envelope(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, package_id=placed.package_id,
                      starts_on=MONDAY)  # fmt: skip
        bank(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, package_id=placed.package_id, minutes=90)
        s.add(Review(package_id=placed.package_id, person_id=placed.person_id, kind="first",
                     due_on=date(2026, 11, 2)))  # fmt: skip
        generate_visits(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=MONDAY,
                        end=MONDAY + timedelta(days=6))  # fmt: skip

    moved = move(client, world, placed.package_id)
    with unit_of_work(engine) as s:
        generate_visits(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=MONDAY,
                        end=MONDAY + timedelta(days=6))  # fmt: skip

    assert moved.status_code == 201, moved.text  # type: ignore[attr-defined]
    new = moved.json()  # type: ignore[attr-defined]
    aire, kirkstall = world.providers["Aire Homecare"], world.providers["Kirkstall Care"]
    assert (new["provider_id"], new["starts_on"], new["moved_from_package_id"]) == (
        kirkstall, HANDOVER, placed.package_id,
    )  # fmt: skip
    old = client.get(f"/packages/{placed.package_id}", headers=auth(world.tokens["broker"]))
    assert (old.json()["ends_on"], old.json()["end_reason"]) == (
        "2026-10-07", "moved_to_another_provider",
    )  # fmt: skip
    days = providers_by_day(engine, placed.person_id)
    assert all(days[MONDAY + timedelta(days=d)] == {aire} for d in range(3))
    assert all(days[MONDAY + timedelta(days=d)] == {kirkstall} for d in range(3, 7))
    bank_of_new = client.get(f"/packages/{new['id']}/time-bank",
                             headers=auth(world.tokens["Kirkstall Care"]))  # fmt: skip
    assert bank_of_new.status_code == 200, bank_of_new.text
    assert bank_of_new.json()["bank_minutes"] == 90
    with engine.connect() as conn:
        assert conn.scalar(select(Review.package_id)) == new["id"]


def test_with_handover_visits_both_providers_come_on_the_handover_day(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)

    move(client, world, placed.package_id, handover_visits=True)
    with unit_of_work(engine) as s:
        generate_visits(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=MONDAY,
                        end=MONDAY + timedelta(days=4))  # fmt: skip

    days = providers_by_day(engine, placed.person_id)
    both = {world.providers["Aire Homecare"], world.providers["Kirkstall Care"]}
    assert days[date(2026, 10, 8)] == both
    assert len(days[date(2026, 10, 7)]) == len(days[date(2026, 10, 9)]) == 1


def test_moves_are_refused_with_reasons(client: TestClient, engine: Engine, world: World) -> None:
    placed = place_package(engine, world)

    other_lot = move(client, world, placed.package_id,
                     contract_id=world.contracts["Kirkstall Care/2"])  # fmt: skip
    same_provider = move(client, world, placed.package_id,
                         contract_id=world.contracts["Aire Homecare/1"])  # fmt: skip
    past = move(client, world, placed.package_id, handover_day="2026-10-01")
    unknown = move(client, world, placed.package_id, contract_id=999_999)
    by_provider = client.post(
        f"/packages/{placed.package_id}/move",
        json={"contract_id": world.contracts["Kirkstall Care/1"], "handover_day": HANDOVER,
              "reason": "persons_choice"},
        headers=auth(world.tokens["Aire Homecare"]),
    )  # fmt: skip
    moved = move(client, world, placed.package_id)
    again = move(client, world, placed.package_id)

    assert other_lot.status_code == 409  # type: ignore[attr-defined]
    assert "no contract in this package's lot and zone" in other_lot.text  # type: ignore[attr-defined]
    assert same_provider.status_code == 409  # type: ignore[attr-defined]
    assert past.status_code == 422 and "handover_day" in past.text  # type: ignore[attr-defined]
    assert unknown.status_code == 422  # type: ignore[attr-defined]
    assert by_provider.status_code == 403
    assert moved.status_code == 201  # type: ignore[attr-defined]
    assert again.status_code == 409  # type: ignore[attr-defined]
