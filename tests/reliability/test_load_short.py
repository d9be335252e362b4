"""Phones posting at once: no failed request, no locked store, no race between batches.

`python -m reliability.load` runs locust against the real server for a few seconds here;
the release battery runs it for a minute on both stores and reports the timings, which no
test asserts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from homecare.access import SYSTEM_ACTOR, Actor, Role
from homecare.db import unit_of_work
from homecare.delivery.call_events import apply_events
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.schemas import CallEventIn
from homecare.delivery.tables import Visit, WorkedDay
from tests.support.caseload import daily_pattern, hire_care_worker, place_package
from tests.support.world import MONDAY_10AM, World

ROOT = Path(__file__).resolve().parents[2]
TUESDAY = date(2026, 10, 6)


def test_a_few_seconds_of_phones_on_sqlite_fail_no_request_and_never_find_the_store_locked(
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.json"
    done = subprocess.run(
        [
            sys.executable, "-m", "reliability.load", "--store", "sqlite", "--users", "4",
            "--spawn-rate", "4", "--run-time", "5", "--carers", "2", "--people", "8",
            "--weeks", "2", "--keep", str(tmp_path / "work"),
        ],
        cwd=ROOT,
        env={**os.environ, "HOMECARE_RELIABILITY_REPORT": str(report)},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(report.read_text())["load"]["sqlite"]
    assert figures["errors"] == 0, figures["failures"]
    assert figures["locked"] == 0
    assert figures["events"] > 0
    assert set(figures["requests"]) == {"1 event", "50 events"}
    assert all(r["requests"] > 0 and r["failures"] == 0 for r in figures["requests"].values())


def _tuesday_stint(
    visit: Visit, carer: int, tag: str, provider_id: int
) -> tuple[Actor, list[CallEventIn]]:
    start = visit.window_start + timedelta(minutes=5)
    events = [
        CallEventIn(client_event_id=f"{tag}-in", visit_id=visit.id, kind="check_in",
                    occurred_at=start),
        CallEventIn(client_event_id=f"{tag}-out", visit_id=visit.id, kind="check_out",
                    occurred_at=start + timedelta(minutes=25)),
    ]  # fmt: skip
    actor = Actor(None, provider_id, "provider", Role.CARE_WORKER, care_worker_id=carer)
    return actor, events


def _waiting_on_a_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        waiting = conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)


def test_two_batches_completing_the_same_carers_day_at_once_both_apply_and_the_day_counts_both(
    engine: Engine, world: World
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its batches cannot race")
    placed = place_package(engine, world, pattern=daily_pattern())
    carer = hire_care_worker(engine, world).care_worker_id
    provider_id = world.providers["Aire Homecare"]
    with unit_of_work(engine) as s:
        generate_visits(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=TUESDAY, end=TUESDAY)
        visits = s.scalars(
            select(Visit).where(Visit.package_id == placed.package_id).order_by(Visit.id)
        ).all()
        for visit in visits:
            assign_carers(
                s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, visit_id=visit.id, care_worker_ids=[carer]
            )
    morning, bed = visits
    at = datetime(2026, 10, 6, 22, 0, tzinfo=UTC)
    second: list[object] = []

    def send_bed() -> None:
        try:
            with unit_of_work(engine) as s:
                actor, events = _tuesday_stint(bed, carer, "bed", provider_id)
                second.extend(apply_events(s, actor=actor, at=at, events=events))
        except Exception as error:  # the assertion below names it
            second.append(error)

    with unit_of_work(engine) as s:
        actor, events = _tuesday_stint(morning, carer, "morning", provider_id)
        first = apply_events(s, actor=actor, at=at, events=events)
        racer = threading.Thread(target=send_bed)
        racer.start()
        for _ in range(200):
            if _waiting_on_a_lock(engine) or not racer.is_alive():
                break
            time.sleep(0.05)
        assert racer.is_alive(), second
    racer.join(timeout=60)
    assert [r.result for r in first] == ["applied", "applied"]
    assert [getattr(r, "result", r) for r in second] == ["applied", "applied"]
    with unit_of_work(engine) as s:
        days = s.scalars(select(WorkedDay).where(WorkedDay.care_worker_id == carer)).all()
    assert [(d.day, d.stints) for d in days] == [(TUESDAY, 2)]
