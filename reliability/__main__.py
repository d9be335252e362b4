"""The release battery: each battery in BATTERIES run in turn, then one table of figures.

    .venv/bin/python -m reliability [--quick] [--only KEY ...] [--strict]  (make reliability)

Each battery runs as its own process with HOMECARE_RELIABILITY_REPORT naming a JSON file
of its own (build/reliability/<key>.json), where it writes its figures under its key; its
output goes to the terminal and to build/reliability/<key>.log. The runner then gathers
every file into build/reliability/report.json and prints the figures BATTERIES asks for.
A battery whose module is not there, or that wrote no figures, shows as "not run" or
"not reported" with the reason: a figure is printed only when the battery wrote it.

To add a battery, add one Battery to BATTERIES: its key, the file that must exist, the
command (after `python`), the arguments --quick adds, and the figures to show.

Exit status: 1 when a battery failed (exit status not 0); with --strict, also when one
could not run or says its figures are partial ("complete": false, as the supply audit does
when it could not reach a vulnerability database). --quick runs each battery small, to
try the whole chain in minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reliability.canaries import LOGS_ENV
from reliability.report import REPORT_ENV, table

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "reliability"
ANY = "*"
"""In a figure's path: every key of the mapping there (each store, each lock...)."""


@dataclass(frozen=True)
class Figure:
    """One line of the table: a label and where its value sits in the battery's figures."""

    label: str
    path: tuple[str, ...]
    """Keys down into the battery's figures; ANY gives a line for each key found there."""


@dataclass(frozen=True)
class Battery:
    key: str
    needs: str
    """The file that must exist for the battery to run, relative to the repository."""
    command: tuple[str, ...]
    quick: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    junit: bool = False
    """A pytest run: the runner counts its tests from a JUnit file it asks pytest for."""


BATTERIES: tuple[Battery, ...] = (
    Battery(
        "supply",
        "reliability/supply.py",
        ("-m", "reliability.supply"),
        figures=(
            Figure("SBOM components", ("sbom", "components")),
            Figure("packages", ("locks", ANY, "packages")),
            Figure("packages audited", ("locks", ANY, "audited")),
            Figure("packages not audited", ("locks", ANY, "skipped")),
            Figure("known vulnerabilities", ("vulnerabilities",)),
            Figure("installed otherwise than dev.lock", ("drift_count",)),
        ),
    ),
    Battery(
        "hazards",
        "reliability/hazards.py",
        ("-m", "reliability.hazards"),
        figures=(
            Figure("hazards", ("hazards",)),
            Figure("open hazards", ("open",)),
            Figure("control tests passed", ("control_tests_passed",)),
            Figure("control tests not passed", ("control_tests_not_passed",)),
            Figure("controlled hazards not proven", ("controlled_without_passing_tests",)),
        ),
    ),
    Battery(
        "reliability_tests",
        "tests/reliability",
        ("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/reliability"),
        figures=(
            Figure("tests", ("tests",)),
            Figure("tests failed", ("failed",)),
            Figure("tenancy probes", ("tenancy_probes", ANY, "probes")),
            Figure("tenancy probe problems", ("tenancy_probes", ANY, "problems")),
        ),
        junit=True,
    ),
    Battery(
        "durability",
        "reliability/durability.py",
        ("-m", "reliability.durability", "--store", "both"),
        quick=("--kills", "3"),
        figures=(
            Figure("kills", (ANY, "kills")),
            Figure("acknowledged events lost", (ANY, "missing")),
            Figure("batches half-applied at a kill", (ANY, "half_applied")),
            Figure("events duplicated", (ANY, "duplicated")),
        ),
    ),
    Battery(
        "load",
        "reliability/load.py",
        ("-m", "reliability.load", "--workers", "2"),
        quick=("--run-time", "10"),
        figures=(
            Figure("events/s", (ANY, "events_per_second")),
            Figure("p99 ms", (ANY, "requests", ANY, "p99_ms")),
            Figure("failed requests", (ANY, "errors")),
            Figure("'database is locked' in the log", (ANY, "locked")),
        ),
    ),
    Battery(
        "fuzz",
        "reliability/fuzz.py",
        ("-m", "reliability.fuzz"),
        quick=("--examples", "3"),
        figures=(
            Figure("fuzzed requests", ("requests",)),
            Figure("5xx answers", ("server_errors",)),
            Figure("schema violations", ("schema_violations",)),
            Figure("undocumented statuses", ("undocumented_statuses",)),
            Figure("bodies leaking internals", ("leaking_bodies",)),
        ),
    ),
    Battery(
        "audit_queries",
        "benchmarks/audit_queries.py",
        ("-m", "benchmarks.audit_queries"),
        quick=("--rows", "20000"),
        figures=(
            Figure("audit checks", ("checks",)),
            Figure("audit checks over 2 s", ("slow",)),
        ),
    ),
    Battery(
        "canaries",
        "reliability/canaries.py",
        ("-m", "reliability.canaries"),
        figures=(
            Figure("canary values", ("canaries",)),
            Figure("logs searched", ("files",)),
            Figure("canaries found in logs", ("canaries_found",)),
        ),
    ),
)
"""The release battery, in the order it runs."""


@dataclass
class Run:
    """What happened to one battery."""

    key: str
    state: str = "not run"
    reason: str = ""
    exit_code: int | None = None
    seconds: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)


def junit_counts(path: Path) -> dict[str, int]:
    """Tests, failures and skips from a pytest JUnit file; nothing when there is none."""
    if not path.exists():
        return {}
    counts = {"tests": 0, "failed": 0, "skipped": 0}
    for suite in ElementTree.parse(path).getroot().iter("testsuite"):
        counts["tests"] += int(suite.get("tests", 0))
        counts["failed"] += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        counts["skipped"] += int(suite.get("skipped", 0))
    return counts


def read_figures(battery: Battery, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The battery's own figures and any other keys it wrote beside them."""
    if not path.exists() or not path.stat().st_size:
        return {}, {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError:
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    if battery.key in data:
        own = data.pop(battery.key)
        return (own if isinstance(own, dict) else {"value": own}), data
    return data, {}


def run_battery(
    battery: Battery, *, quick: bool, timeout: float | None
) -> tuple[Run, dict[str, Any]]:
    """Runs one battery as a process, its output to the terminal and its log."""
    run = Run(battery.key)
    if not (ROOT / battery.needs).exists():
        run.reason = f"{battery.needs} is not there"
        return run, {}
    report = OUT / f"{battery.key}.json"
    report.unlink(missing_ok=True)
    junit = OUT / f"{battery.key}.junit.xml"
    junit.unlink(missing_ok=True)
    command = [sys.executable, *battery.command, *(battery.quick if quick else ())]
    if battery.junit:
        command.append(f"--junitxml={junit}")
    print(f"\n=== {battery.key}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    log = OUT / f"{battery.key}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={
                **os.environ,
                REPORT_ENV: str(report),
                LOGS_ENV: str(OUT / "logs"),
                "PYTHONUNBUFFERED": "1",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        watchdog = threading.Timer(timeout or 0, process.kill)
        if timeout:
            watchdog.start()
        try:
            for line in process.stdout:
                out.write(line)
                print(f"[{battery.key}] {line}", end="", flush=True)
            run.exit_code = process.wait()
        finally:
            watchdog.cancel()
            process.kill()
    if timeout and time.monotonic() - started >= timeout:
        run.reason = f"stopped after {timeout:.0f} s"
    run.seconds = round(time.monotonic() - started, 1)
    run.figures, others = read_figures(battery, report)
    if battery.junit:
        run.figures = {**junit_counts(junit), **run.figures}
    run.state = "passed" if run.exit_code == 0 else "failed"
    if run.exit_code != 0 and not run.reason:
        run.reason = f"exit status {run.exit_code}, see {log.relative_to(ROOT)}"
    if run.state == "passed" and run.figures.get("complete") is False:
        run.state = "incomplete"
        run.reason = str(run.figures.get("reason") or "the battery says its figures are partial")
    return run, others


def expand(
    figures: Any, path: tuple[str, ...], names: tuple[str, ...] = ()
) -> list[tuple[str, Any]]:
    """The values at `path`, each with the keys ANY stood for ('sqlite', 'app.lock'...)."""
    if not path:
        return [(" ".join(names), figures)]
    if not isinstance(figures, dict):
        return []
    head, rest = path[0], path[1:]
    if head != ANY:
        return expand(figures[head], rest, names) if head in figures else []
    return [
        found
        for key, value in figures.items()
        if isinstance(value, dict) or not rest
        for found in expand(value, rest, (*names, str(key)))
    ]


def rows_for(battery: Battery, run: Run) -> list[list[object]]:
    """The battery's lines of the table: its figures, or why it has none."""
    if run.state == "not run":
        return [[battery.key, "not run", run.reason]]
    rows: list[list[object]] = []
    for figure in battery.figures:
        found = expand(run.figures, figure.path)
        if not found:
            rows.append([battery.key, figure.label, "not reported"])
        for names, value in found:
            label = f"{figure.label} ({names})" if names else figure.label
            if isinstance(value, list):
                value = ", ".join(map(str, value)) or "none"
            rows.append([battery.key, label, "not reported" if value is None else value])
    if run.state in ("failed", "incomplete"):
        rows.append([battery.key, run.state.upper(), run.reason])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="each battery small")
    parser.add_argument("--only", action="append", choices=[b.key for b in BATTERIES])
    parser.add_argument(
        "--strict", action="store_true", help="a battery not run or incomplete fails too"
    )
    parser.add_argument("--timeout", type=float, help="seconds each battery may take")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.only:  # a whole run: the canaries are searched for in this run's logs only
        shutil.rmtree(OUT / "logs", ignore_errors=True)
    chosen = [b for b in BATTERIES if not args.only or b.key in args.only]
    runs: list[tuple[Battery, Run]] = []
    combined: dict[str, Any] = {}
    for battery in chosen:
        run, others = run_battery(battery, quick=args.quick, timeout=args.timeout)
        runs.append((battery, run))
        combined.update(others)
        combined[battery.key] = {
            "state": run.state,
            "reason": run.reason,
            "exit_code": run.exit_code,
            "seconds": run.seconds,
            "quick": args.quick,
            "figures": run.figures,
        }
    (OUT / "report.json").write_text(json.dumps(combined, indent=2, sort_keys=True) + "\n")
    rows = [row for battery, run in runs for row in rows_for(battery, run)]
    print("\n" + table(["battery", "figure", "value"], rows))
    for _, verdict in expand(combined, ("supply", "figures", "locks", ANY, "verdict")):
        print(verdict)
    states = " ".join(f"{b.key}={r.state}" for b, r in runs)
    print(f"\n{states}; figures in {(OUT / 'report.json').relative_to(ROOT)}")
    failed = [r for _, r in runs if r.state == "failed"]
    missing = [r for _, r in runs if r.state in ("not run", "incomplete")]
    return 1 if failed or (args.strict and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
