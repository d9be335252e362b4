"""Durability under SIGKILL: a server killed mid-batch loses no acknowledged event.

    .venv/bin/python -m reliability.durability [--store sqlite|postgresql|both]
        [--kills 200] [--seed 7] [--phones 4] [--batch-size 50] [--postgres-url URL]

For each store the real server (`homecare serve`, a free loopback port) takes carers'
phone batches from a few threads here. Each batch is written to a side file (fsynced)
before it is sent and again once its 2xx has arrived. At seeded random moments the server
is SIGKILLed; the store is then checked while nothing runs: every batch that was in the
air is all there or not there at all (and on SQLite `PRAGMA integrity_check` says ok).
The server is started again and the phones send their unanswered batches again, as
phones do. At the end every acknowledged event is in the store exactly once, nothing is
there that was never sent, and every applied check-in has its attendance.

Without --postgres-url a throwaway PostgreSQL server is started (tests/support/pgserver).
Figures go to the table printed and, under "durability", to HOMECARE_RELIABILITY_REPORT.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

from homecare.db import make_engine
from homecare.delivery.tables import Attendance, CallEvent
from reliability.canaries import keep_server_log
from reliability.report import merge_into_report, table
from reliability.workload import Lane, free_port, lanes, prepare, start_server
from tests.support.pgserver import TemporaryPostgres

CHUNK = 500


@dataclass
class Figures:
    store: str
    kills: int = 0
    batches_sent: int = 0
    batches_acknowledged: int = 0
    events_acknowledged: int = 0
    in_flight_at_kill: int = 0
    whole_at_kill: int = 0
    half_applied: int = 0
    missing: int = 0
    duplicated: int = 0
    never_sent: int = 0
    refused_events: int = 0
    attendance_mismatch: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    integrity: str = "not checked"
    journal_mode: str = ""
    synchronous: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            self.kills > 0
            and self.half_applied == self.missing == self.duplicated == self.never_sent == 0
            and self.refused_events == self.attendance_mismatch == 0
            and self.integrity in ("ok", "not applicable")
        )


class Journal:
    """The phones' side file: each batch before it is sent, and once acknowledged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, separators=(",", ":")) + "\n").encode()
        with self._lock:
            os.write(self._fd, line)
            os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)

    def read(self) -> tuple[dict[str, list[str]], set[str]]:
        """Every batch sent (by id, its event ids) and the ids of those acknowledged."""
        sent: dict[str, list[str]] = {}
        acknowledged: set[str] = set()
        for line in self.path.read_text().splitlines():
            record = json.loads(line)
            if record["state"] == "sent":
                sent[record["batch"]] = record["events"]
            else:
                acknowledged.add(record["batch"])
        return sent, acknowledged


class Phone(threading.Thread):
    """Sends its lane's batches while the server is up; resends the one left unanswered."""

    def __init__(self, lane: Lane, size: int, journal: Journal, run: Run) -> None:
        super().__init__(daemon=True)
        self.lane = lane
        self.size = size
        self.journal = journal
        self.run_state = run
        self.pending: tuple[str, list[dict[str, Any]]] | None = None
        self.lock = threading.Lock()
        self.count = 0

    def run(self) -> None:
        while not self.run_state.stop.is_set():
            if not self.run_state.ready.wait(timeout=0.2):
                continue
            with self.lock:
                if self.pending is None and self.run_state.draining.is_set():
                    return
                if self.pending is None:
                    self.count += 1
                    batch_id = f"{self.lane.tag}-b{self.count}"
                    events = self.lane.batch(self.size)
                    ids = [e["client_event_id"] for e in events]
                    self.journal.write({"state": "sent", "batch": batch_id, "events": ids})
                    self.pending = (batch_id, events)
                batch_id, events = self.pending
            status, body = self._post(events)
            self.run_state.count_status(status)
            if status != "200":
                time.sleep(0.05)
                continue
            results = json.loads(body)["results"]
            refused = [r for r in results if r["result"] == "rejected"]
            self.run_state.refused(len(refused), refused[:1])
            with self.lock:
                self.journal.write({"state": "acknowledged", "batch": batch_id})
                self.run_state.acknowledged(len(events))
                self.pending = None

    def _post(self, events: list[dict[str, Any]]) -> tuple[str, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.run_state.port, timeout=120)
        try:
            connection.request(
                "POST",
                "/call-events",
                body=json.dumps({"events": events}),
                headers={
                    "Authorization": f"Bearer {self.lane.token}",
                    "Content-Type": "application/json",
                },
            )
            response = connection.getresponse()
            return str(response.status), response.read()
        except (OSError, http.client.HTTPException):
            return "no answer", b""
        finally:
            connection.close()


class Run:
    """What the phones share: whether the server is up, its port, and running totals."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.draining = threading.Event()
        """Set at the end: the phones resend what is unanswered and send nothing new."""
        self.port = 0
        self._lock = threading.Lock()
        self.first_refusal: list[dict[str, Any]] = []

    def count_status(self, status: str) -> None:
        with self._lock:
            self.figures.statuses[status] = self.figures.statuses.get(status, 0) + 1

    def acknowledged(self, events: int) -> None:
        with self._lock:
            self.figures.batches_acknowledged += 1
            self.figures.events_acknowledged += events

    def refused(self, count: int, sample: list[dict[str, Any]]) -> None:
        with self._lock:
            self.figures.refused_events += count
            if sample and not self.first_refusal:
                self.first_refusal = sample


def present(url: str, ids: list[str]) -> Counter[str]:
    """How many times each of these client event ids is stored."""
    engine = make_engine(url)
    found: Counter[str] = Counter()
    try:
        with engine.connect() as conn:
            for i in range(0, len(ids), CHUNK):
                rows = conn.execute(
                    select(CallEvent.client_event_id, func.count())
                    .where(CallEvent.client_event_id.in_(ids[i : i + CHUNK]))
                    .group_by(CallEvent.client_event_id)
                )
                found.update({cid: n for cid, n in rows})
    finally:
        engine.dispose()
    return found


def sqlite_state(url: str) -> tuple[str, str, str]:
    """integrity_check, the journal mode and synchronous as the platform's engine opens it."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            check = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            mode = str(conn.execute(text("PRAGMA journal_mode")).scalar())
            sync = {0: "off", 1: "normal", 2: "full", 3: "extra"}.get(
                int(conn.execute(text("PRAGMA synchronous")).scalar() or 0), "?"
            )
    finally:
        engine.dispose()
    return ("ok" if check == ["ok"] else "; ".join(check[:5])), mode, sync


def check_in_flight(url: str, phones: list[Phone], figures: Figures) -> None:
    """The batches the kill interrupted are each all there or not there."""
    for phone in phones:
        with phone.lock:
            pending = phone.pending
        if pending is None:
            continue
        ids = [e["client_event_id"] for e in pending[1]]
        found = present(url, ids)
        figures.in_flight_at_kill += 1
        if len(found) == len(ids):
            figures.whole_at_kill += 1
        elif found:
            figures.half_applied += 1


def final_check(url: str, journal: Journal, figures: Figures, sqlite: bool) -> None:
    sent, acknowledged = journal.read()
    figures.batches_sent = len(sent)
    every_sent = {cid for ids in sent.values() for cid in ids}
    found = present(url, sorted(every_sent))
    for batch, ids in sent.items():
        counts = [found.get(cid, 0) for cid in ids]
        if batch in acknowledged:
            figures.missing += sum(1 for n in counts if n == 0)
        figures.duplicated += sum(1 for n in counts if n > 1)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stored = set(conn.scalars(select(CallEvent.client_event_id)))
            figures.never_sent = len(stored - every_sent)
            check_ins = conn.scalar(
                select(func.count()).where(
                    CallEvent.kind == "check_in", CallEvent.result == "applied"
                )
            )
            attended = conn.scalar(
                select(func.count()).where(Attendance.checked_in_at.is_not(None))
            )
            figures.attendance_mismatch = abs(int(check_ins or 0) - int(attended or 0))
    finally:
        engine.dispose()
    if sqlite:
        figures.integrity, figures.journal_mode, figures.synchronous = sqlite_state(url)
    else:
        figures.integrity = "not applicable"


def battery(
    store: str, url: str, folder: Path, *, kills: int, seed: int, phones: int, size: int,
    longest: float,
) -> Figures:  # fmt: skip
    """Kills the server `kills` times under the phones' batches, then checks the store."""
    figures = Figures(store)
    started = time.monotonic()
    plan = prepare(url, carers=max(1, phones // 2), people=10, weeks=4)
    journal = Journal(folder / f"{store}-journal.jsonl")
    run = Run(figures)
    crew = [Phone(lane, size, journal, run) for lane in lanes(plan, phones, f"d{store[0]}")]
    log = folder / f"{store}-server.log"
    chance = random.Random(seed)
    for phone in crew:
        phone.start()
    server = None
    try:
        for _ in range(kills):
            run.port = free_port()
            server = start_server(url, run.port, log)
            run.ready.set()
            time.sleep(chance.uniform(0.05, longest))
            run.ready.clear()
            server.send_signal(signal.SIGKILL)
            server.wait()
            figures.kills += 1
            check_in_flight(url, crew, figures)
            if store == "sqlite" and figures.kills % 25 == 0:
                figures.integrity = sqlite_state(url)[0]
                if figures.integrity != "ok":
                    break
        run.draining.set()
        run.port = free_port()
        server = start_server(url, run.port, log)
        run.ready.set()
        for phone in crew:
            phone.join(timeout=120)
    finally:
        run.stop.set()
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        journal.close()
        keep_server_log(log, f"durability-{store}-server.log")
    final_check(url, journal, figures, store == "sqlite")
    if run.first_refusal:
        print(f"{store}: refused, e.g. {run.first_refusal[0]}", file=sys.stderr)
    figures.seconds = round(time.monotonic() - started, 1)
    return figures


@contextmanager
def postgres_database(admin_url: str | None) -> Iterator[str]:
    """An empty database: on the server named, or on a throwaway one started here."""
    server = None
    if admin_url is None:
        server = TemporaryPostgres().start()
        admin_url = server.url()
    name = f"durability_{os.getpid()}_{int(time.time())}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
        if server is not None:
            server.stop()


HEADERS = [
    "store", "kills", "batches acked", "events acked", "in flight", "whole", "half",
    "missing", "duplicated", "integrity", "journal", "sync", "seconds",
]  # fmt: skip


def row(f: Figures) -> list[object]:
    return [
        f.store, f.kills, f.batches_acknowledged, f.events_acknowledged, f.in_flight_at_kill,
        f.whole_at_kill, f.half_applied, f.missing, f.duplicated, f.integrity,
        f.journal_mode or "-", f.synchronous or "-", f.seconds,
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--phones", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument(
        "--longest", type=float, default=1.5, help="most seconds the server lives before a kill"
    )
    parser.add_argument("--postgres-url", help="an admin URL of a running PostgreSQL server")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server is stopped too
    stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="homecare-durability-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: list[Figures] = []
    options = {
        "kills": args.kills, "seed": args.seed, "phones": args.phones,
        "size": args.batch_size, "longest": args.longest,
    }  # fmt: skip
    for store in stores:
        if store == "sqlite":
            url = f"sqlite:///{folder / 'durability.db'}"
            results.append(battery(store, url, folder, **options))
        else:
            with postgres_database(args.postgres_url) as url:
                results.append(battery(store, url, folder, **options))
        print(table(HEADERS, [row(f) for f in results[-1:]]), flush=True)
    print()
    print(table(HEADERS, [row(f) for f in results]))
    for f in results:
        print(f"{f.store}: statuses {f.statuses}; {'OK' if f.ok else 'FAILED'}")
    merge_into_report(
        "durability",
        {f.store: {**asdict(f), "ok": f.ok, "seed": args.seed} for f in results},
    )
    return 0 if all(f.ok for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
