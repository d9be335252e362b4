"""Care ends: the last day and reason recorded, later visits cancelled, round places
released, the package ended and its time bank settled; short-term care ending by itself
unless extended; and the refusals. Through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare.access import SYSTEM_ACTOR
from homecare.caseload.ending import finish_due_ends
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.delivery.tables import Visit
from homecare.packages.tables import Package
from homecare.rounds.tables import Round, RoundStop
from homecare.timebank.service import open_envelope
from homecare.timebank.tables import TimeBankEntry
from tests.conftest import auth
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import MONDAY_10AM, World

MONDAY = MONDAY_10AM.date()  # 5 October 2026


def visits_through(engine: Engine, last: date) -> None:
    with unit_of_work(engine) as s:
        generate_visits(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=MONDAY, end=last)


def visit_days(engine: Engine, package_id: int) -> list[date]:
    with engine.connect() as conn:
        return list(
            conn.scalars(
                select(Visit.day)
                .where(Visit.package_id == package_id)
                .distinct()
                .order_by(Visit.day)
            )
        )


def test_ending_care_cancels_the_visits_after_the_last_day_and_keeps_the_rest(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    visits_through(engine, MONDAY + timedelta(days=6))
    social_worker = auth(world.tokens["social_worker"])

    ended = client.post(
        f"/packages/{placed.package_id}/end",
        json={"last_day": "2026-10-07", "reason": "residential_or_nursing"},
        headers=social_worker,
    )

    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert (body["ends_on"], body["end_reason"], body["status"]) == (
        "2026-10-07", "residential_or_nursing", "active",  # care goes on to Wednesday
    )  # fmt: skip
    assert visit_days(engine, placed.package_id) == [MONDAY + timedelta(days=d) for d in range(3)]


def test_the_day_after_the_last_day_the_package_is_ended_and_its_time_bank_settled(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        open_envelope(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, package_id=placed.package_id,
                      starts_on=MONDAY)  # fmt: skip
    client.post(
        f"/packages/{placed.package_id}/end",
        json={"last_day": "2026-10-06", "reason": "died"},
        headers=auth(world.tokens["social_worker"]),
    )

    clock.set(MONDAY_10AM + timedelta(days=2))
    with unit_of_work(engine) as s:
        ended = finish_due_ends(s, at=clock.now())

    assert ended == 1
    with engine.connect() as conn:
        assert conn.scalar(select(Package.status)) == "ended"
        # The envelope's 4 weeks of 7 × 2 × 30 minutes = 1,680 minutes granted, then expired.
        left = conn.scalar(select(func.sum(TimeBankEntry.minutes)))
        kinds = set(conn.scalars(select(TimeBankEntry.kind)))
    assert left == 0 and {"grant", "expiry"} <= kinds
    second = client.post(
        f"/packages/{placed.package_id}/end",
        json={"last_day": "2026-10-06", "reason": "died"},
        headers=auth(world.tokens["social_worker"]),
    )
    assert second.status_code == 409
    assert "already ends" in second.json()["detail"]


def test_a_last_day_already_past_ends_the_package_at_once(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    clock.set(MONDAY_10AM + timedelta(days=10))

    ended = client.post(
        f"/packages/{placed.package_id}/end",
        json={"last_day": "2026-10-08", "reason": "moved_away"},
        headers=auth(world.tokens["broker"]),
    )

    assert ended.json()["status"] == "ended"


def test_ending_care_is_refused_with_reasons(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    url = f"/packages/{placed.package_id}/end"
    social_worker = auth(world.tokens["social_worker"])

    too_early = client.post(
        url, json={"last_day": "2026-08-01", "reason": "died"}, headers=social_worker
    )
    unknown = client.post(
        url, json={"last_day": "2026-10-07", "reason": "bored"}, headers=social_worker
    )
    the_platforms = client.post(
        url, json={"last_day": "2026-10-07", "reason": "short_term_ended"}, headers=social_worker
    )
    provider = client.post(
        url, json={"last_day": "2026-10-07", "reason": "died"},
        headers=auth(world.tokens["Aire Homecare"]),
    )  # fmt: skip
    other_council = client.post(
        url, json={"last_day": "2026-10-07", "reason": "died"},
        headers=auth(world.tokens["other_council_broker"]),
    )  # fmt: skip

    assert too_early.status_code == 422
    assert "last_day" in too_early.text and "when care ends before it starts" in too_early.text
    assert unknown.status_code == 422 and "reason" in unknown.text
    assert the_platforms.status_code == 403
    assert provider.status_code == 403
    assert other_council.status_code == 404


def test_short_term_care_ends_by_itself_unless_extended(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    short = place_package(engine, world, nhs_number="9990000026")
    extended = place_package(engine, world, nhs_number="9990000034")
    with unit_of_work(engine) as s:
        for package_id in (short.package_id, extended.package_id):
            package = s.get(Package, package_id)
            assert package is not None
            package.ends_on = MONDAY + timedelta(weeks=6) - timedelta(days=1)
    social_worker = auth(world.tokens["social_worker"])

    longer = client.post(
        f"/packages/{extended.package_id}/extend", json={"until": "2026-11-29"},
        headers=social_worker,
    )  # fmt: skip
    backwards = client.post(
        f"/packages/{extended.package_id}/extend", json={"until": "2026-11-01"},
        headers=social_worker,
    )  # fmt: skip
    clock.set(MONDAY_10AM + timedelta(weeks=6))
    with unit_of_work(engine) as s:
        finish_due_ends(s, at=clock.now())
    after = {
        p: client.get(f"/packages/{p}", headers=social_worker).json()
        for p in (short.package_id, extended.package_id)
    }

    assert longer.status_code == 200 and longer.json()["ends_on"] == "2026-11-29"
    assert backwards.status_code == 422
    assert (after[short.package_id]["status"], after[short.package_id]["end_reason"]) == (
        "ended", "short_term_ended",
    )  # fmt: skip
    assert after[extended.package_id]["status"] == "active"


def test_ending_care_releases_its_places_in_saved_rounds_after_the_last_day(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    hire_care_worker(engine, world)
    visits_through(engine, MONDAY + timedelta(days=2))
    manager = auth(world.tokens["Aire Homecare"])
    for day in ("2026-10-05", "2026-10-07"):
        planned = client.post(
            "/rounds/optimise", json={"day": day, "time_limit": 1}, headers=manager
        )
        assert planned.status_code == 200, planned.text

    client.post(
        f"/packages/{placed.package_id}/end",
        json={"last_day": "2026-10-06", "reason": "no_longer_needs_care"},
        headers=auth(world.tokens["social_worker"]),
    )

    with engine.connect() as conn:
        stops = dict(
            conn.execute(
                select(Round.day, func.count(RoundStop.id))
                .join(RoundStop, RoundStop.round_id == Round.id, isouter=True)
                .group_by(Round.day)
            ).all()
        )
    assert stops == {date(2026, 10, 5): 2, date(2026, 10, 7): 0}


def test_the_monitoring_return_counts_the_ended_package_in_its_week(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    client.post(
        f"/packages/{placed.package_id}/end",
        json={"last_day": "2026-10-07", "reason": "hospital_long_stay"},
        headers=auth(world.tokens["social_worker"]),
    )
    clock.set(MONDAY_10AM + timedelta(days=14))

    rows = client.get(
        "/monitoring/measures?period=2026-W41", headers=auth(world.tokens["commissioner"])
    ).json()["rows"]

    ended = {
        (r["provider_id"], r["lot"]): r["value"]
        for r in rows
        if (r["measure"], r["part"]) == (1, "ended")
    }
    # Wednesday 7 October is in ISO week 41 (5-11 October): one package, Aire's, lot 1.
    assert ended[(world.providers["Aire Homecare"], 1)] == 1
    assert ended[(None, None)] == 1
