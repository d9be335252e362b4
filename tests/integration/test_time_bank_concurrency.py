"""Fifty draws at the same moment against one hour in the bank, on PostgreSQL.

Each draw is its own transaction on its own connection, all released together by a
barrier. With the account row locked before the balance is read, the draws queue on the
lock: the first six take 10 minutes each, the other forty-four see an empty bank and are
refused, and the ledger still sums to the balance.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, func, select

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.service import actor_for_token
from homecare.db import make_engine, unit_of_work
from homecare.errors import Conflict
from homecare.timebank import service
from homecare.timebank.tables import TimeBankEntry
from tests.support.caseload import place_package
from tests.support.world import build_world

DRAWS = 50
AT = datetime(2026, 10, 6, 9, 0, tzinfo=UTC)


def test_fifty_simultaneous_draws_against_an_hour_let_exactly_six_through(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip(
            "SQLite has no row locks and serialises whole-database writers, so it cannot show "
            "draws racing for one account; this runs on PostgreSQL"
        )
    setup = make_engine(db_url)
    world = build_world(setup)
    placed = place_package(setup, world)
    with unit_of_work(setup) as s:
        service.open_envelope(
            s,
            actor=SYSTEM_ACTOR,
            at=AT,
            package_id=placed.package_id,
            starts_on=date(2026, 10, 5),
            overdraft_minutes=0,
        )
        person = actor_for_token(s, placed.person_token)
        service.bank(s, actor=person, at=AT, package_id=placed.package_id, minutes=60)
    setup.dispose()

    engine = create_engine(db_url, pool_size=DRAWS, max_overflow=0)
    barrier = threading.Barrier(DRAWS)

    def draw_once() -> str:
        barrier.wait(timeout=60)
        try:
            with unit_of_work(engine) as s:
                service.draw(s, actor=person, at=AT, package_id=placed.package_id, minutes=10)
        except Conflict as refusal:
            assert refusal.field == "minutes"
            return "refused"
        return "drawn"

    try:
        with ThreadPoolExecutor(max_workers=DRAWS) as pool:
            results = Counter(pool.map(lambda _: draw_once(), range(DRAWS)))
        with unit_of_work(engine) as s:
            statement = service.balance(s, actor=SYSTEM_ACTOR, package_id=placed.package_id)
            bank_sum = s.scalar(
                select(func.sum(TimeBankEntry.minutes)).where(TimeBankEntry.pot == "bank")
            )
            draws = s.scalar(
                select(func.count()).where(
                    TimeBankEntry.pot == "bank", TimeBankEntry.kind == "draw"
                )
            )
    finally:
        engine.dispose()

    assert results == Counter({"drawn": 6, "refused": 44})
    assert statement.bank_minutes == bank_sum == 0
    assert draws == 6
