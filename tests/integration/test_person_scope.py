"""A person's (or their family's) account sees their own records and nobody else's."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import auth
from tests.support.caseload import place_package
from tests.support.world import World


def test_a_person_sees_only_their_own_package_and_record(
    engine: Engine, world: World, client: TestClient
) -> None:
    mine = place_package(engine, world, nhs_number="9990000018")
    theirs = place_package(engine, world, nhs_number="9990000026")
    headers = auth(mine.person_token)

    packages = client.get("/packages", headers=headers)
    people = client.get("/people", headers=headers)

    assert [p["id"] for p in packages.json()] == [mine.package_id]
    assert [p["id"] for p in people.json()] == [mine.person_id]
    assert client.get(f"/packages/{theirs.package_id}", headers=headers).status_code == 404
    assert client.get(f"/people/{theirs.person_id}", headers=headers).status_code == 404


def test_a_person_cannot_act_as_council_staff(
    engine: Engine, world: World, client: TestClient
) -> None:
    mine = place_package(engine, world)

    awaiting = client.get("/awaiting-care", headers=auth(mine.person_token))

    assert awaiting.status_code == 403
