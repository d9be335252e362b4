"""Benchmark runs: our search and a baseline on the same instances, in the same run.

Benchmarks are not tests: they print figures (objective, components, best-known, gap,
time) for a person to read, and write them as JSON for the record.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from homecare.rounds.baselines import ortools_routes, vroom_routes
from homecare.rounds.evaluate import (
    InfeasibleSchedule,
    check,
    mankowska_cost,
    schedule,
    solomon_distance,
    write_ceschia_solution,
)
from homecare.rounds.loaders import best_known, load_instance
from homecare.rounds.model import ObjectiveKind, Problem, Solution
from homecare.rounds.solver import solve

SKIP_NAMES = {"best_known.csv", "README.md"}


@dataclass
class BenchRow:
    instance: str
    objective: float
    best_known: float | None
    gap_pct: float | None
    seconds: float
    feasible: bool
    distance: float
    tardiness: float
    max_tardiness: float
    unassigned: int
    iterations: int
    baseline: str | None = None
    baseline_objective: float | None = None
    baseline_feasible: bool | None = None
    baseline_gap_pct: float | None = None
    baseline_seconds: float | None = None


def instance_files(paths: Iterable[Path]) -> list[Path]:
    """Each path is an instance file or a folder of them (solution folders are skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.name not in SKIP_NAMES
                and p.suffix in (".txt", ".json")
                and not p.name.startswith("sol-")
            )
        else:
            files.append(path)
    return files


def score(problem: Problem, routes: list[list[int]]) -> tuple[float, bool, float, float, float]:
    """Objective, whether every hard rule holds, and the components, by our evaluator."""
    try:
        starts = schedule(problem, routes)
    except InfeasibleSchedule:
        return math.inf, False, math.nan, math.nan, math.nan
    placed = {t for r in routes for t in r}
    unassigned = {t: "" for t in range(len(problem.tasks)) if t not in placed}
    feasible = not check(problem, Solution(routes, unassigned), starts) and not unassigned
    if problem.objective is ObjectiveKind.SOLOMON:
        distance = solomon_distance(problem, routes)
        return distance, feasible, distance, 0.0, 0.0
    cost = mankowska_cost(problem, routes, starts)
    return cost.objective, feasible, cost.distance, cost.total_tardiness, cost.max_tardiness


def gap(value: float, best: float | None) -> float | None:
    if best is None or not math.isfinite(value) or best <= 0:
        return None
    return round(100.0 * (value / best - 1.0), 2)


def run_instance(
    path: Path,
    *,
    time_limit: float,
    threads: int,
    seed: int,
    baseline: bool,
    solutions: Path | None,
) -> BenchRow:
    problem = load_instance(path)
    best = best_known(path)
    result = solve(problem, time_limit=time_limit, seed=seed, threads=threads)
    objective, feasible, distance, tardiness, max_tardiness = score(problem, result.solution.routes)
    row = BenchRow(
        instance=path.name,
        objective=round(objective, 4),
        best_known=best,
        gap_pct=gap(objective, best),
        seconds=round(result.seconds, 2),
        feasible=feasible,
        distance=round(distance, 4),
        tardiness=round(tardiness, 4),
        max_tardiness=round(max_tardiness, 4),
        unassigned=len(result.solution.unassigned),
        iterations=result.iterations,
    )
    if solutions is not None and problem.objective is not ObjectiveKind.SOLOMON:
        solutions.mkdir(parents=True, exist_ok=True)
        write_ceschia_solution(
            problem,
            result.solution.routes,
            result.starts,
            solutions / f"sol-{path.stem}-{seed}.json",
        )
    if baseline:
        _run_baseline(problem, row, time_limit, best)
    return row


def _run_baseline(problem: Problem, row: BenchRow, time_limit: float, best: float | None) -> None:
    started = time.perf_counter()
    if problem.objective is ObjectiveKind.SOLOMON:
        row.baseline, routes = "vroom", vroom_routes(problem, time_limit)
    else:
        row.baseline, routes = "ortools", ortools_routes(problem, time_limit)
    row.baseline_seconds = round(time.perf_counter() - started, 2)
    if routes is None:
        row.baseline_objective, row.baseline_feasible = None, False
        return
    objective, feasible, *_ = score(problem, routes)
    row.baseline_objective = round(objective, 4) if math.isfinite(objective) else None
    row.baseline_feasible = feasible
    row.baseline_gap_pct = gap(objective, best)


def run(
    paths: Iterable[Path],
    *,
    time_limit: float,
    threads: int = 2,
    seed: int = 1,
    baseline: bool = True,
    solutions: Path | None = None,
    on_row: Callable[[BenchRow], None] | None = None,
) -> list[BenchRow]:
    rows = []
    for path in instance_files(paths):
        row = run_instance(
            path,
            time_limit=time_limit,
            threads=threads,
            seed=seed,
            baseline=baseline,
            solutions=solutions,
        )
        rows.append(row)
        if on_row:
            on_row(row)
    return rows


def as_json(rows: list[BenchRow]) -> list[dict[str, object]]:
    return [asdict(r) for r in rows]
