"""Creating organisations through the HTTP API: a council may add providers to its market,
never another council or an NHS trust; only the platform creates those."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import auth
from tests.support.rows import row_counts
from tests.support.world import World

BODIES: dict[str, dict[str, Any]] = {
    "council": {"kind": "council", "name": "Wakefield Council", "la_code": "E08000036"},
    "nhs_trust": {"kind": "nhs_trust", "name": "Wakefield NHS Trust", "ods_code": "RXF"},
    "provider": {"kind": "provider", "name": "Calder Care", "cqc_location_id": "1-2000000001"},
}


def _names_field(body: Any, field: str) -> bool:
    """Whether an error body names the field, wherever its shape puts the name."""
    if isinstance(body, dict):
        return any(v == field or _names_field(v, field) for v in body.values())
    if isinstance(body, list):
        return any(_names_field(v, field) for v in body)
    return False


@pytest.mark.parametrize("kind", ["council", "nhs_trust"])
def test_a_commissioner_cannot_create_a_council_or_a_trust(
    client: TestClient, world: World, engine: Engine, kind: str
) -> None:
    before = row_counts(engine)

    response = client.post(
        "/organisations", json=BODIES[kind], headers=auth(world.tokens["commissioner"])
    )

    assert response.status_code == 403, response.text
    assert _names_field(response.json(), "kind")
    assert row_counts(engine) == before


def test_a_commissioner_may_register_a_provider(client: TestClient, world: World) -> None:
    response = client.post(
        "/organisations", json=BODIES["provider"], headers=auth(world.tokens["commissioner"])
    )

    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "provider"


@pytest.mark.parametrize("role", ["broker", "nurse", "Aire Homecare"])
@pytest.mark.parametrize("kind", ["council", "provider"])
def test_nobody_without_the_market_to_manage_creates_any_organisation(
    client: TestClient, world: World, engine: Engine, role: str, kind: str
) -> None:
    before = row_counts(engine)

    response = client.post("/organisations", json=BODIES[kind], headers=auth(world.tokens[role]))

    assert response.status_code == 403, response.text
    assert row_counts(engine) == before
