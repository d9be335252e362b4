"""A store with carers and past visits, and the phones' event batches sent to it.

Both batteries drive the real server with what carers' phones send: for each visit a
check-in, a note and a check-out, then notes on visits already done once a lane has used up
its visits, so every event is applied and none is refused. Lanes that share a carer take
that carer's visits in turn, so two of them post for the same carer and day at once.

    .venv/bin/python -m reliability.workload --database-url URL --out plan.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from homecare.access import SYSTEM_ACTOR
from homecare.db import make_engine, unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.delivery.tables import Visit, VisitCarer
from homecare.migrate import upgrade
from reliability.canaries import seed_canaries
from tests.support.caseload import daily_pattern, hire_care_worker, place_package
from tests.support.world import build_world

ROOT = Path(__file__).resolve().parents[1]
HOMECARE = ROOT / ".venv" / "bin" / "homecare"
PROVIDER = "Aire Homecare"
RUN_SECRET = secrets.token_hex(32)
"""The server's key unless one is configured: a shared store refuses to start without."""


@dataclass(frozen=True)
class PlannedVisit:
    id: int
    window_start: str
    planned_minutes: int
    latitude: float
    longitude: float


@dataclass
class Carer:
    care_worker_id: int
    token: str
    visits: list[PlannedVisit] = field(default_factory=list)


@dataclass
class Plan:
    """What the batteries need to know of the store: the carers, their tokens and visits."""

    database_url: str
    carers: list[Carer]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        raw = json.loads(text)
        carers = [
            Carer(c["care_worker_id"], c["token"], [PlannedVisit(**v) for v in c["visits"]])
            for c in raw["carers"]
        ]
        return cls(raw["database_url"], carers)


def nhs_number(serial: int) -> str:
    """A valid NHS number (modulus 11) in the 999 test range, one per serial."""
    for n in itertools.count(serial * 11):
        body = f"999{n:06d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(body))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return body + str(check)
    raise AssertionError("unreachable")


def first_day(weeks: int, today: date | None = None) -> date:
    """The Monday `weeks` whole weeks before this week: every visit is in the past."""
    today = today or datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=weeks)


def prepare(database_url: str, *, carers: int, people: int, weeks: int) -> Plan:
    """Migrates an empty store and fills it: the test world, people, carers, past visits."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        world = build_world(engine)
        seed_canaries(engine, world)
        start = first_day(weeks)
        for serial in range(people):
            place_package(
                engine, world, nhs_number=nhs_number(serial), pattern=daily_pattern(),
                starts_on=start,
            )  # fmt: skip
        hired = [hire_care_worker(engine, world, name=f"Carer {n:03d}") for n in range(carers)]
        plan = Plan(database_url, [Carer(w.care_worker_id, w.token) for w in hired])
        with unit_of_work(engine) as s:
            generate_visits(
                s,
                actor=SYSTEM_ACTOR,
                at=datetime.now(UTC),
                start=start,
                end=start + timedelta(weeks=weeks, days=-1),
                provider_id=world.providers[PROVIDER],
            )
            visits = s.scalars(select(Visit).order_by(Visit.window_start, Visit.id)).all()
            rows = []
            for index, visit in enumerate(visits):
                carer = plan.carers[index % carers]
                rows.append({"visit_id": visit.id, "care_worker_id": carer.care_worker_id})
                carer.visits.append(
                    PlannedVisit(
                        visit.id,
                        visit.window_start.isoformat(),
                        visit.planned_minutes,
                        visit.latitude,
                        visit.longitude,
                    )
                )
            s.execute(insert(VisitCarer), rows)
        return plan
    finally:
        engine.dispose()


class Lane:
    """One phone's stream of events: unique ids, each visit in, note, out, then notes."""

    def __init__(self, tag: str, carer: Carer, visits: list[PlannedVisit]) -> None:
        self.tag = tag
        self.token = carer.token
        self.visits = visits
        self._events = self._stream()
        self.sent = 0

    def _stream(self) -> Iterator[dict[str, Any]]:
        for visit in self.visits:
            start = datetime.fromisoformat(visit.window_start) + timedelta(minutes=5)
            yield self._event(visit, "check_in", start, visit.latitude, visit.longitude)
            yield self._event(visit, "note", start + timedelta(minutes=10), note="All well.")
            yield self._event(visit, "check_out", start + timedelta(minutes=visit.planned_minutes))
        for round_ in itertools.count(1):
            for visit in self.visits:
                moment = datetime.fromisoformat(visit.window_start) + timedelta(hours=2)
                yield self._event(visit, "note", moment, note=f"Follow-up {round_}.")

    def _event(
        self,
        visit: PlannedVisit,
        kind: str,
        at: datetime,
        latitude: float | None = None,
        longitude: float | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        self.sent += 1
        event: dict[str, Any] = {
            "client_event_id": f"{self.tag}-{self.sent}",
            "visit_id": visit.id,
            "kind": kind,
            "occurred_at": at.isoformat(),
        }
        if latitude is not None and longitude is not None:
            event["latitude"] = round(latitude + 0.0002, 6)
            event["longitude"] = round(longitude - 0.0002, 6)
        if note is not None:
            event["note"] = note
        return event

    def batch(self, size: int) -> list[dict[str, Any]]:
        return [next(self._events) for _ in range(size)]


def lanes(plan: Plan, count: int, tag: str) -> list[Lane]:
    """`count` phones over the plan's carers; phones sharing a carer take its visits in turn."""
    sharing = [
        [i for i in range(count) if i % len(plan.carers) == c] for c in range(len(plan.carers))
    ]
    made: dict[int, Lane] = {}
    for carer, members in zip(plan.carers, sharing, strict=True):
        for position, lane in enumerate(members):
            own = carer.visits[position :: len(members)]
            made[lane] = Lane(f"{tag}-{lane}", carer, own)
    return [made[i] for i in range(count)]


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    database_url: str, port: int, log: Path, *, workers: int = 1
) -> subprocess.Popen[bytes]:
    """`homecare serve` on loopback, its output appended to `log`; back once /health answers."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                str(HOMECARE),
                "serve",
                "--port",
                str(port),
                "--database-url",
                database_url,
                "--workers",
                str(workers),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={"HOMECARE_SECRET_KEY": RUN_SECRET, **os.environ, "PYTHONUNBUFFERED": "1"},
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the server did not answer within two minutes; see {log}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--carers", type=int, default=4)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=4)
    args = parser.parse_args(argv)
    plan = prepare(args.database_url, carers=args.carers, people=args.people, weeks=args.weeks)
    args.out.write_text(plan.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
