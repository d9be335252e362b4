"""For any sequence of moves, ends and rate changes, a person's care has exactly one
responsible provider on every day it is live: the newest package covering the day, with two
packages covering a day only when both carers attend its handover visits. And the weekly
spend is always the sum over live packages at the rate in force that day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.market.contracts import apply_due_versions
from homecare.market.rates import rate_book
from homecare.market.repository import places
from homecare.monitoring.repository import committed_spend
from homecare.packages.repository import readable_active_packages
from homecare.packages.tables import Package
from homecare.people.domain import nhs_check_digit
from tests.conftest import auth
from tests.support.caseload import place_package
from tests.support.world import MONDAY_10AM, World

PROVIDERS = ("Aire Homecare", "Kirkstall Care", "Bramley Care", "Wortley Care")
numbers = count(999_300_000)


def fresh_nhs_number() -> str:
    while True:
        first_nine = f"{next(numbers):09d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


step = st.one_of(
    st.tuples(st.just("move"), st.integers(1, 20), st.booleans(), st.sampled_from(PROVIDERS)),
    st.tuples(st.just("end"), st.integers(0, 30), st.just(False), st.just("")),
    st.tuples(st.just("wait"), st.integers(1, 15), st.just(False), st.just("")),
    st.tuples(st.just("rate"), st.integers(0, 20), st.booleans(), st.sampled_from(PROVIDERS)),
)


def check_weekly_spend(engine: Engine, world: World, today: date) -> None:
    """The spend page's figure against one worked from the contracts' versions alone."""
    with unit_of_work(engine) as s:
        apply_due_versions(s, actor=SYSTEM_ACTOR, at=datetime.combine(today, time(6), LONDON))
        where = places(s, SYSTEM_ACTOR)
        page = committed_spend(s, SYSTEM_ACTOR, where, today).total.pence
        live = list(s.scalars(readable_active_packages(SYSTEM_ACTOR, today)))
        rates = rate_book(s, [p.contract_id for p in live])
        worked = sum(
            (Decimal(p.weekly_minutes) * rates.rate(p.contract_id, today) / 60 for p in live),
            Decimal(0),
        )
    assert page == worked


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=6))
def test_each_day_of_care_has_exactly_one_responsible_provider(
    client: TestClient,
    engine: Engine,
    world: World,
    clock: FixedClock,
    steps: list[tuple[str, int, bool, str]],
) -> None:
    # Examples share one store, so the clock only goes forward: a rate change applied in
    # one example is never in the future of the next.
    clock.set(max(clock.now(), MONDAY_10AM))
    placed = place_package(engine, world, nhs_number=fresh_nhs_number())
    social_worker = auth(world.tokens["social_worker"])
    commissioner = auth(world.tokens["commissioner"])
    current = placed.package_id
    for kind, days, joint, provider in steps:
        today = clock.now().date()
        if kind == "wait":
            clock.set(clock.now() + timedelta(days=days))
            check_weekly_spend(engine, world, clock.now().date())
        elif kind == "rate":
            changed = client.post(
                f"/contracts/{world.contracts[f'{provider}/1']}/rate-changes",
                json={"hourly_rate": f"{24 + days / 4 + joint:.2f}",
                      "effective_from": (today + timedelta(days=days)).isoformat(),
                      "reason": "Uplift"},
                headers=commissioner,
            )  # fmt: skip
            assert changed.status_code in (201, 409), changed.text
        elif kind == "move":
            moved = client.post(
                f"/packages/{current}/move",
                json={"contract_id": world.contracts[f"{provider}/1"],
                      "handover_day": (today + timedelta(days=days)).isoformat(),
                      "reason": "contract_change", "handover_visits": joint},
                headers=social_worker,
            )  # fmt: skip
            assert moved.status_code in (201, 409, 422), moved.text
            if moved.status_code == 201:
                current = moved.json()["id"]
        else:
            ended = client.post(
                f"/packages/{current}/end",
                json={"last_day": (today + timedelta(days=days)).isoformat(), "reason": "died"},
                headers=social_worker,
            )
            assert ended.status_code in (200, 409, 422), ended.text

    check_weekly_spend(engine, world, clock.now().date())
    with engine.connect() as conn:
        spans = conn.execute(
            select(
                Package.id, Package.starts_on, Package.ends_on, Package.moved_from_package_id
            ).where(Package.person_id == placed.person_id)
        ).all()
    first = min(s.starts_on for s in spans)
    for offset in range(120):
        day: date = first + timedelta(days=offset)
        covering = [
            s for s in spans if s.starts_on <= day and (s.ends_on is None or day <= s.ends_on)
        ]
        if not covering:
            # Care ended: no package covers any later day either.
            assert all(s.ends_on is not None and s.ends_on < day for s in spans)
            continue
        newest = max(s.starts_on for s in covering)
        responsible = [s for s in covering if s.starts_on == newest]
        assert len(responsible) == 1, (day, spans)
        if len(covering) == 2:  # a handover day with both carers: the old ends as the new starts
            older = next(s for s in covering if s is not responsible[0])
            assert older.ends_on == day == responsible[0].starts_on
            assert responsible[0].moved_from_package_id == older.id
        assert len(covering) <= 2
