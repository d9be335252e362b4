"""Read the published benchmark sets into the rounds `Problem`.

The solver is judged against the literature, so each loader follows its source's own
conventions exactly (see the READMEs under the shared benchmarks folder); the files are
read where they are and never copied into the project.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from homecare.config import Settings, get_settings
from homecare.rounds.model import Carer, ObjectiveKind, Problem, SyncKind, Task, Visit

_MANKOWSKA_KEYWORDS = frozenset(
    {"nbNodes", "nbVehi", "nbServi", "r", "DS", "a", "x", "y", "d", "p", "mind", "maxd", "e", "l"}
)


class BenchmarkFormatError(ValueError):
    """A benchmark file does not have the layout its README describes."""


def _sections(text: str) -> dict[str, list[str]]:
    """Split the Mankowska text into keyword -> tokens; data tokens are all numeric."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for token in text.split():
        if token in _MANKOWSKA_KEYWORDS:
            current = sections.setdefault(token, [])
        elif current is None:
            raise BenchmarkFormatError(f"data before the first keyword: {token!r}")
        else:
            current.append(token)
    missing = _MANKOWSKA_KEYWORDS - {"DS"} - sections.keys()
    if missing:
        raise BenchmarkFormatError(f"missing sections: {sorted(missing)}")
    return sections


def _floats(tokens: Sequence[str], count: int, what: str) -> list[float]:
    if len(tokens) != count:
        raise BenchmarkFormatError(f"{what}: expected {count} values, found {len(tokens)}")
    return [float(t) for t in tokens]


def _rows(values: list[float], width: int) -> list[list[float]]:
    return [values[i : i + width] for i in range(0, len(values), width)]


def load_mankowska(path: str | Path) -> Problem:
    """Mankowska et al. (2014): soft windows, skills, simultaneous or ordered double services."""
    path = Path(path)
    sec = _sections(path.read_text())
    n_nodes = int(sec["nbNodes"][0])
    n_carers = int(sec["nbVehi"][0])
    n_services = int(sec["nbServi"][0])
    n_patients = n_nodes - 2
    end_depot = n_nodes - 1

    required = _rows(_floats(sec["r"], n_nodes * n_services, "r"), n_services)
    abilities = _rows(_floats(sec["a"], n_carers * n_services, "a"), n_services)
    dist = _rows(_floats(sec["d"], n_nodes * n_nodes, "d"), n_nodes)
    proc = _rows(_floats(sec["p"], n_nodes * n_carers * n_services, "p"), n_services)
    min_gap = _floats(sec["mind"], n_nodes, "mind")
    max_gap = _floats(sec["maxd"], n_nodes, "maxd")
    earliest = _floats(sec["e"], n_nodes, "e")
    latest = _floats(sec["l"], n_nodes, "l")
    double_nodes = {int(t) - 1 for t in sec.get("DS", [])}

    visits: list[Visit] = []
    tasks: list[Task] = []
    for node in range(1, n_patients + 1):
        services = [s for s in range(n_services) if required[node][s] > 0.5]
        if len(services) not in (1, 2):
            raise BenchmarkFormatError(f"node {node} requires {len(services)} services")
        if (len(services) == 2) != (node in double_nodes):
            raise BenchmarkFormatError(f"node {node}: r and DS disagree")
        visit_index = len(visits)
        task_ids: list[int] = []
        for s in services:  # ascending: the lower service index is the first task
            task_ids.append(len(tasks))
            duration = proc[node * n_carers][s]  # carer 0's row; all carers' rows agree
            tasks.append(Task(visit=visit_index, skill=f"s{s + 1}", duration=duration))
        sync = SyncKind.NONE
        lo = hi = 0.0
        if len(services) == 2:
            lo, hi = min_gap[node], max_gap[node]
            sync = SyncKind.SIMULTANEOUS if lo == 0.0 and hi == 0.0 else SyncKind.SEQUENTIAL
        visits.append(
            Visit(
                ident=f"p{node}",
                location=node,
                earliest=earliest[node],
                latest=latest[node],
                tasks=tuple(task_ids),
                sync=sync,
                min_gap=lo,
                max_gap=hi,
            )
        )

    carers = [
        Carer(
            ident=f"c{k + 1}",
            skills=frozenset(f"s{s + 1}" for s in range(n_services) if abilities[k][s] > 0.5),
            start_location=0,
            end_location=end_depot,
        )
        for k in range(n_carers)
    ]
    names = ["start depot", *(f"p{i}" for i in range(1, n_patients + 1)), "end depot"]
    return Problem(
        name=path.stem,
        visits=visits,
        tasks=tasks,
        carers=carers,
        matrices=[dist],
        objective=ObjectiveKind.MANKOWSKA,
        hard_time_windows=False,
        location_names=names,
    )


def load_solomon(path: str | Path) -> Problem:
    """Solomon (1987) VRPTW: hard windows, capacity, return to the depot by its due date."""
    path = Path(path)
    lines = [line.split() for line in path.read_text().splitlines()]
    lines = [parts for parts in lines if parts]
    try:
        vehicle_at = next(i for i, parts in enumerate(lines) if parts[0].upper() == "VEHICLE")
        n_vehicles, capacity = int(lines[vehicle_at + 2][0]), float(lines[vehicle_at + 2][1])
        customer_at = next(i for i, parts in enumerate(lines) if parts[0].upper() == "CUSTOMER")
    except (StopIteration, IndexError, ValueError) as exc:
        raise BenchmarkFormatError(f"{path.name}: not a Solomon file") from exc
    rows = [parts for parts in lines[customer_at + 1 :] if parts[0].isdigit()]
    if not rows or int(rows[0][0]) != 0:
        raise BenchmarkFormatError(f"{path.name}: the depot row (customer 0) is missing")
    xs = [float(r[1]) for r in rows]
    ys = [float(r[2]) for r in rows]
    matrix = [
        [math.hypot(xs[i] - xs[j], ys[i] - ys[j]) for j in range(len(rows))]
        for i in range(len(rows))
    ]
    horizon = float(rows[0][5])
    visits: list[Visit] = []
    tasks: list[Task] = []
    for loc, r in enumerate(rows[1:], start=1):
        tasks.append(Task(visit=len(visits), skill=None, duration=float(r[6]), demand=float(r[3])))
        visits.append(
            Visit(
                ident=r[0],
                location=loc,
                earliest=float(r[4]),
                latest=float(r[5]),
                tasks=(len(tasks) - 1,),
            )
        )
    carers = [
        Carer(
            ident=f"v{k + 1}",
            skills=frozenset(),
            start_location=0,
            end_location=0,
            shift_start=float(rows[0][4]),
            shift_end=horizon,
            capacity=capacity,
        )
        for k in range(n_vehicles)
    ]
    return Problem(
        name=lines[0][0],
        visits=visits,
        tasks=tasks,
        carers=carers,
        matrices=[matrix],
        objective=ObjectiveKind.SOLOMON,
        hard_time_windows=True,
        location_names=["depot", *(r[0] for r in rows[1:])],
    )


def load_italian(path: str | Path) -> Problem:
    """Ceschia et al. (2024) JSON: real road minutes, same objective as Mankowska."""
    path = Path(path)
    data: dict[str, Any] = json.loads(path.read_text())
    patients: list[dict[str, Any]] = data["patients"]
    matrix = [[float(v) for v in row] for row in data["distances"]]
    if len(matrix) != len(patients) + 1:
        raise BenchmarkFormatError(
            f"{path.name}: {len(matrix)} matrix rows for {len(patients)} patients + 1 office"
        )
    visits: list[Visit] = []
    tasks: list[Task] = []
    for loc, patient in enumerate(patients, start=1):
        task_ids: list[int] = []
        for need in patient["required_caregivers"]:
            task_ids.append(len(tasks))
            tasks.append(
                Task(
                    visit=len(visits), skill=str(need["service"]), duration=float(need["duration"])
                )
            )
        sync = SyncKind.NONE
        lo = hi = 0.0
        rule: dict[str, Any] | None = patient.get("synchronization")
        if len(task_ids) == 2:
            if rule is None or rule["type"] == "simultaneous":
                sync = SyncKind.SIMULTANEOUS
            elif rule["type"] == "sequential":
                sync = SyncKind.SEQUENTIAL
                lo, hi = float(rule["distance"][0]), float(rule["distance"][1])
            else:
                raise BenchmarkFormatError(f"{patient['id']}: unknown sync {rule['type']!r}")
        elif len(task_ids) != 1:
            raise BenchmarkFormatError(f"{patient['id']} needs {len(task_ids)} carers")
        window = patient["time_window"]
        visits.append(
            Visit(
                ident=str(patient["id"]),
                location=loc,
                earliest=float(window[0]),
                latest=float(window[1]),
                tasks=tuple(task_ids),
                sync=sync,
                min_gap=lo,
                max_gap=hi,
            )
        )
    carers = [
        Carer(
            ident=str(c["id"]),
            skills=frozenset(str(s) for s in c["abilities"]),
            start_location=0,
            end_location=0,
        )
        for c in data["caregivers"]
    ]
    offices = data.get("central_offices") or [{"id": "office"}]
    return Problem(
        name=path.stem,
        visits=visits,
        tasks=tasks,
        carers=carers,
        matrices=[matrix],
        objective=ObjectiveKind.MANKOWSKA,
        hard_time_windows=False,
        location_names=[str(offices[0]["id"]), *(str(p["id"]) for p in patients)],
    )


def _looks_like_solomon(path: Path) -> bool:
    with path.open() as handle:
        head = [handle.readline() for _ in range(6)]
    return any(line.strip().upper() == "VEHICLE" for line in head)


def load_instance(path: str | Path) -> Problem:
    """Pick the loader from the file itself, so callers can pass any benchmark path."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return load_italian(path)
    if _looks_like_solomon(path):
        return load_solomon(path)
    return load_mankowska(path)


def _project_root(start: Path) -> Path | None:
    for folder in start.resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def benchmarks_root(settings: Settings | None = None) -> Path | None:
    """Where the benchmark sets live; None when absent (tests then skip, not fail)."""
    settings = settings or get_settings()
    if settings.benchmarks:
        candidate: Path | None = Path(settings.benchmarks)
    else:
        root = _project_root(Path(__file__))
        candidate = None if root is None else root.parent / "shared" / "benchmarks"
    if candidate is None or not candidate.is_dir():
        return None
    return candidate


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="") as handle:
        yield from csv.DictReader(handle)


def best_known(path: str | Path) -> float | None:
    """The value a solver should be measured against, from the `best_known.csv` beside it.

    Mankowska: the best known value over all published sources (`bks`; stricter than the
    best with a public solution file where the two differ, B6 and C9). Solomon: the proven
    minimum-distance optimum. The Italian sample has no table: its README gives the value
    in bold on the instance's row.
    """
    path = Path(path)
    table = path.parent / "best_known.csv"
    if not table.is_file():
        return _best_known_from_readme(path)
    for row in _csv_rows(table):
        if row.get("file") != path.name:
            continue
        for column in ("bks", "ceschia2024_with_solution_file", "mindist_opt_distance_trunc1"):
            value = (row.get(column) or "").strip()
            if value:
                return float(value)
        return None
    return None


def _best_known_from_readme(path: Path) -> float | None:
    readme = path.parent / "README.md"
    if not readme.is_file():
        return None
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and path.stem in line:
            bold = re.findall(r"\*\*([0-9.]+)\*\*", line)
            if bold:
                return float(bold[-1])
    return None


def published_solution_cost(path: str | Path) -> float | None:
    """The cost of the best solution with a public file (Mankowska `best_known.csv`)."""
    path = Path(path)
    table = path.parent / "best_known.csv"
    if not table.is_file():
        return None
    for row in _csv_rows(table):
        if row.get("file") == path.name:
            value = (row.get("ceschia2024_with_solution_file") or "").strip()
            return float(value) if value else None
    return None
