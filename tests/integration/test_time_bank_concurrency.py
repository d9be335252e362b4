"""Fifty acceptances at the same moment against an hour and a half in the bank, on
PostgreSQL.

Hours leave the bank only when the provider accepts a request to use them (the person's
direct draw was retired, ADR 0021). The person asks for fifty quarter-hour extra visits,
each checked against the bank when asked but nothing drawn; then the provider accepts all
fifty at once, each acceptance its own transaction on its own connection, all released
together by a barrier. With the account row locked before the balance is read, the draws
queue on the lock: the first six take 15 minutes each and book their visits, the other
forty-four see an empty bank and are refused (their requests still waiting, no visit
booked), and the ledger still sums to the balance, which never goes below nothing. A
withdrawal racing an acceptance of the same request settles it once, either way.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.service import actor_for_token
from homecare.db import make_engine, unit_of_work
from homecare.delivery.tables import Visit
from homecare.errors import Conflict
from homecare.timebank import drawing, service
from homecare.timebank.care_rules import CARE_BANDS, CareKind
from homecare.timebank.tables import TimeBankEntry, TimeBankRequest
from tests.support.caseload import place_package
from tests.support.world import build_world

TAKERS = 50
AT = datetime(2026, 10, 6, 9, 0, tzinfo=UTC)
FIRST_DAY = date(2026, 10, 6)


def test_fifty_simultaneous_acceptances_against_ninety_minutes_let_exactly_six_through(
    db_url: str,
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip(
            "SQLite has no row locks and serialises whole-database writers, so it cannot show "
            "acceptances racing for one account; this runs on PostgreSQL"
        )
    setup = make_engine(db_url)
    world = build_world(setup)
    placed = place_package(setup, world)
    slots = [
        (FIRST_DAY + timedelta(days=n // len(CARE_BANDS)), CARE_BANDS[n % len(CARE_BANDS)].value)
        for n in range(TAKERS)
    ]
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
        manager = actor_for_token(s, world.tokens["Aire Homecare"])
        service.bank(s, actor=person, at=AT, package_id=placed.package_id, minutes=90)
        asks = [
            drawing.ask_for_care(
                s,
                actor=person,
                at=AT,
                package_id=placed.package_id,
                kind=CareKind.EXTRA_VISIT,
                minutes=15,
                day=day,
                band=band,
            ).id
            for day, band in slots
        ]
    setup.dispose()

    engine = create_engine(db_url, pool_size=TAKERS, max_overflow=0)
    barrier = threading.Barrier(TAKERS)

    def accept_once(ask_id: int) -> str:
        barrier.wait(timeout=60)
        try:
            with unit_of_work(engine) as s:
                drawing.accept_request(s, actor=manager, at=AT, request_id=ask_id)
        except Conflict as refusal:
            assert refusal.field == "minutes"
            return "refused"
        return "accepted"

    try:
        with ThreadPoolExecutor(max_workers=TAKERS) as pool:
            results = Counter(pool.map(accept_once, asks))
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
            statuses = Counter(s.scalars(select(TimeBankRequest.status)))
            booked = s.scalar(select(func.count()).where(Visit.source == drawing.EXTRA_SOURCE))
    finally:
        engine.dispose()

    assert results == Counter({"accepted": 6, "refused": 44})
    assert statement.bank_minutes == bank_sum == 0
    assert draws == 6
    assert statuses == Counter({"accepted": 6, "asked": 44})
    assert booked == 6


def test_a_withdrawal_and_an_acceptance_at_the_same_moment_settle_the_request_once(
    db_url: str,
) -> None:
    """The person withdraws while the provider accepts: the request row is locked by both,
    so one wins and the other is refused, and the bank is drawn exactly when it was
    accepted."""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has no row locks; this runs on PostgreSQL")
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
        manager = actor_for_token(s, world.tokens["Aire Homecare"])
        service.bank(s, actor=person, at=AT, package_id=placed.package_id, minutes=60)
        ask_id = drawing.ask_for_care(
            s,
            actor=person,
            at=AT,
            package_id=placed.package_id,
            kind=CareKind.EXTRA_VISIT,
            minutes=30,
            day=FIRST_DAY,
            band="tea",
        ).id
    setup.dispose()

    engine = create_engine(db_url, pool_size=2, max_overflow=0)
    barrier = threading.Barrier(2)

    def settle(withdraw: bool) -> str:
        barrier.wait(timeout=60)
        try:
            with unit_of_work(engine) as s:
                if withdraw:
                    drawing.withdraw_request(s, actor=person, at=AT, request_id=ask_id)
                else:
                    drawing.accept_request(s, actor=manager, at=AT, request_id=ask_id)
        except Conflict:
            return "refused"
        return "withdrawn" if withdraw else "accepted"

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = sorted(pool.map(settle, (True, False)))
        with unit_of_work(engine) as s:
            status = s.scalar(select(TimeBankRequest.status).where(TimeBankRequest.id == ask_id))
            statement = service.balance(s, actor=SYSTEM_ACTOR, package_id=placed.package_id)
    finally:
        engine.dispose()

    assert results in (["accepted", "refused"], ["refused", "withdrawn"])
    winner = next(r for r in results if r != "refused")
    assert status == winner
    assert statement.bank_minutes == (30 if winner == "accepted" else 60)
