"""Offers lapse once however many server processes serve the store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

from homecare.api.app import LAPSE_LOCK_KEY, _lapse_once
from homecare.brokerage.tables import Offer
from homecare.clock import FixedClock
from tests.conftest import auth
from tests.support import payloads
from tests.support.world import World


def _refer(client: TestClient, world: World) -> None:
    person = client.post(
        "/people", json=payloads.person(), headers=auth(world.tokens["social_worker"])
    )
    referral = client.post(
        "/referrals",
        json=payloads.referral(person.json()["id"]),
        headers=auth(world.tokens["social_worker"]),
    )
    assert referral.status_code == 201, referral.text


def _lapsed(engine: Engine) -> int:
    with engine.connect() as connection:
        return (
            connection.scalar(
                select(func.count()).select_from(Offer).where(Offer.status == "expired")
            )
            or 0
        )


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_server_process_skips_its_turn_while_another_holds_the_lapsing_lock(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _refer(client, world)
    clock.set(clock.now() + timedelta(hours=5))  # past the 4-hour answer time

    with engine.connect() as other_process:
        other_process.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LAPSE_LOCK_KEY})
        _lapse_once(client.app)  # type: ignore[arg-type]
        skipped = _lapsed(engine)
        other_process.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LAPSE_LOCK_KEY})
        other_process.commit()
    _lapse_once(client.app)  # type: ignore[arg-type]

    assert (skipped, _lapsed(engine)) == (0, 1)
