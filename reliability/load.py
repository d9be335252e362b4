"""Call-monitoring ingest under load: carers' phones posting events, driven by locust.

    .venv/bin/python -m reliability.load [--store sqlite|postgresql|both] [--users 4]
        [--spawn-rate 4] [--run-time 60] [--carers 2] [--batch-size 50] [--workers 1]
        [--postgres-url URL]

For each store a fresh store is filled (reliability.workload), the real server is started
on a loopback port (`homecare serve`), and locust runs headless in this process for the
time given: each user is a phone that posts single events and batches, with no pause
between requests. Users outnumber carers, so two phones post for the same carer and day
at once. Reported per store: events/s, p50 and p99 per request type, failures by status,
and how many times "database is locked" appears in the server's log. Figures go to the
table printed and, under "load", to HOMECARE_RELIABILITY_REPORT.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reliability.canaries import keep_server_log
from reliability.durability import postgres_database
from reliability.report import merge_into_report, table
from reliability.workload import ROOT, Lane, Plan, free_port, lanes, start_server

LOCKED = "database is locked"


@dataclass
class RequestFigures:
    requests: int
    failures: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    per_second: float


@dataclass
class StoreFigures:
    store: str
    users: int
    workers: int
    """Server processes (`homecare serve --workers`)."""
    seconds: float
    events: int = 0
    events_per_second: float = 0.0
    requests: dict[str, RequestFigures] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    """By what went wrong: an HTTP status, refused events, or no answer."""
    locked: int = 0
    """Lines of the server's log saying "database is locked"."""
    server_cpu_seconds: float = 0.0
    events_per_cpu_second: float = 0.0
    """Events over the server's CPU time: a figure other work on the machine disturbs less."""

    @property
    def errors(self) -> int:
        return sum(self.failures.values())


def fill(url: str, folder: Path, *, carers: int, people: int, weeks: int) -> Plan:
    """A filled store, made in a child process: locust's patches stay out of its way."""
    out = folder / "plan.json"
    subprocess.run(
        [
            sys.executable, "-m", "reliability.workload", "--database-url", url,
            "--out", str(out), "--carers", str(carers), "--people", str(people),
            "--weeks", str(weeks),
        ],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    return Plan.from_json(out.read_text())


def drive(
    store: str, plan: Plan, log: Path, *, users: int, spawn_rate: float, run_time: float,
    batch_size: int, workers: int,
) -> StoreFigures:  # fmt: skip
    """Starts the server on the plan's store and runs locust against it for `run_time`."""
    import gevent
    from locust import HttpUser, constant, task
    from locust.env import Environment

    phones = lanes(plan, users, f"l{store[0]}")
    events_done = [0]

    class Phone(HttpUser):
        wait_time = constant(0)

        def on_start(self) -> None:
            self.lane: Lane = phones.pop(0)
            self.headers = {"Authorization": f"Bearer {self.lane.token}"}

        def _post(self, name: str, size: int) -> None:
            events = self.lane.batch(size)
            with self.client.post(
                "/call-events", json={"events": events}, headers=self.headers, name=name,
                catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code != 200:
                    response.failure(f"status {response.status_code or 'no answer'}")
                    return
                results = response.json()["results"]
                refused = sum(1 for r in results if r["result"] != "applied")
                if refused:
                    response.failure(f"{refused} events not applied")
                    return
                events_done[0] += size

        @task
        def one_event(self) -> None:
            self._post("1 event", 1)

        @task
        def batch(self) -> None:
            self._post(f"{batch_size} events", batch_size)

    port = free_port()
    server = start_server(plan.database_url, port, log, workers=workers)
    cpu_at_start = cpu_seconds(server.pid)
    try:
        env = Environment(user_classes=[Phone], host=f"http://127.0.0.1:{port}")
        runner = env.create_local_runner()
        started = time.monotonic()
        runner.start(users, spawn_rate=spawn_rate)
        gevent.spawn_later(run_time, runner.quit)
        runner.greenlet.join()
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(server.pid) - cpu_at_start
    finally:
        server.terminate()
        server.wait(timeout=60)
        keep_server_log(log, f"load-{store}-server.log")
    figures = StoreFigures(store, users, workers, round(elapsed, 1), events_done[0])
    figures.events_per_second = round(events_done[0] / elapsed, 1)
    figures.server_cpu_seconds = round(cpu, 1)
    figures.events_per_cpu_second = round(events_done[0] / cpu, 1) if cpu else 0.0
    for (name, _method), entry in sorted(env.stats.entries.items()):
        figures.requests[name] = RequestFigures(
            entry.num_requests,
            entry.num_failures,
            float(entry.get_response_time_percentile(0.5) or 0),
            float(entry.get_response_time_percentile(0.99) or 0),
            float(entry.max_response_time or 0),
            round(entry.num_requests / elapsed, 1),
        )
    for error in env.stats.errors.values():
        reason = str(error.error)
        figures.failures[reason] = figures.failures.get(reason, 0) + error.occurrences
    figures.locked = sum(
        line.count(LOCKED) for line in log.read_text(errors="replace").splitlines()
    )
    return figures


def cpu_seconds(pid: int) -> float:
    """User and system CPU time so far of a process and every process under it (its server
    workers), from /proc; 0 for a process that is not there."""
    stats: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks = int(fields[11]) + int(fields[12])
        stats[int(stat.parent.name)] = (int(fields[1]), ticks / os.sysconf("SC_CLK_TCK"))
    tree, total, grew = {pid}, 0.0, True
    while grew:
        grew = False
        for child, (parent, _) in stats.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grew = True
    for member in tree:
        total += stats.get(member, (0, 0.0))[1]
    return total


HEADERS = [
    "store", "workers", "request", "requests", "failures", "req/s", "p50 ms", "p99 ms", "max ms",
]  # fmt: skip


def rows(f: StoreFigures) -> list[list[object]]:
    timings = ("p50_ms", "p99_ms", "max_ms")
    return [
        [f.store, f.workers, name, r.requests, r.failures, r.per_second]
        + [getattr(r, t) for t in timings]
        for name, r in f.requests.items()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--spawn-rate", type=float, default=4.0)
    parser.add_argument("--run-time", type=float, default=60.0, help="seconds")
    parser.add_argument("--carers", type=int, default=2, help="fewer than users: shared carers")
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes for PostgreSQL (SQLite: 1)"
    )
    parser.add_argument("--postgres-url", help="an admin URL of a running PostgreSQL server")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server is stopped too
    stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="homecare-load-"))
    results: list[StoreFigures] = []
    with ExitStack() as stack:
        plans: dict[str, Plan] = {}
        for store in stores:
            place = folder / store
            place.mkdir(parents=True, exist_ok=True)
            url = (
                f"sqlite:///{place / 'load.db'}"
                if store == "sqlite"
                else stack.enter_context(postgres_database(args.postgres_url))
            )
            plans[store] = fill(
                url, place, carers=args.carers, people=args.people, weeks=args.weeks
            )
        for store in stores:
            results.append(
                drive(
                    store, plans[store], folder / store / "server.log", users=args.users,
                    spawn_rate=args.spawn_rate, run_time=args.run_time,
                    batch_size=args.batch_size,
                    workers=args.workers if store == "postgresql" else 1,
                )
            )  # fmt: skip
    print(table(HEADERS, [r for f in results for r in rows(f)]))
    for f in results:
        print(
            f"{f.store}: {f.events:,} events in {f.seconds:.0f} s = {f.events_per_second:,.1f}"
            f" events/s ({f.events_per_cpu_second:,.0f} per server CPU second);"
            f" failures {f.failures or 'none'}; {LOCKED!r} {f.locked} times"
        )
    merge_into_report(
        "load",
        {f.store: {**asdict(f), "errors": f.errors} for f in results},
    )
    print(json.dumps({f.store: f.events_per_second for f in results}))
    return 0 if all(f.errors == 0 and f.locked == 0 for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
