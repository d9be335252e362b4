"""The rounds solver: a compiled large neighbourhood search behind a small Python face.

`solve` turns a `Problem` into flat arrays, runs the search (on several threads when
asked, each with its own seed), and gives back every carer's ordered tasks, their start
times, the cost, and each visit it could not place with the reason why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from homecare.rounds import _search
from homecare.rounds.model import ObjectiveKind, Problem, Solution, SyncKind

UNASSIGNED_PENALTY = 1e7


@dataclass
class Weights:
    """What a planner trades off; the benchmark objectives fix their own."""

    travel: float = 1.0
    lateness: float = 1.0
    max_lateness: float = 0.0
    unassigned: float = UNASSIGNED_PENALTY
    not_preferred: float = 0.0
    """Cost of giving a visit with preferred carers to someone else."""


@dataclass
class SolveResult:
    solution: Solution
    starts: list[float]
    objective: float
    distance: float
    tardiness: float
    max_tardiness: float
    extra: float
    feasible: bool
    iterations: int
    seconds: float
    components: dict[str, float] = field(default_factory=dict)
    breaks: dict[int, float] = field(default_factory=dict)
    """carer -> when their break starts (carers with a break rule)."""


def weights_for(problem: Problem) -> Weights:
    if problem.objective is ObjectiveKind.MANKOWSKA:
        return Weights(travel=1 / 3, lateness=1 / 3, max_lateness=1 / 3)
    if problem.objective is ObjectiveKind.SOLOMON:
        return Weights(travel=1.0, lateness=0.0, max_lateness=0.0)
    return Weights()


def _finite(value: float, fallback: float = 1e12) -> float:
    return value if math.isfinite(value) else fallback


def to_arrays(
    problem: Problem,
    weights: Weights,
    assign_cost: list[list[float]] | None = None,
    *,
    frozen: set[int] | None = None,
    unavailable: set[int] | None = None,
) -> dict[str, Any]:
    """The flat layout the compiled core reads (see csrc/instance.hpp)."""
    n_tasks, n_carers = len(problem.tasks), len(problem.carers)
    partner = [-1] * n_tasks
    is_first = [0] * n_tasks
    min_gap = [0.0] * n_tasks
    max_gap = [0.0] * n_tasks
    for visit in problem.visits:
        if len(visit.tasks) == 2:
            a, b = visit.tasks
            partner[a], partner[b] = b, a
            is_first[a] = 1
            if visit.sync is SyncKind.SEQUENTIAL:
                min_gap[a], max_gap[a] = visit.min_gap, visit.max_gap
    away = unavailable or set()
    qualified = [
        1 if k not in away and problem.qualified(t, k) else 0
        for t in range(n_tasks)
        for k in range(n_carers)
    ]
    extra = [0.0] * (n_tasks * n_carers)
    for t, task in enumerate(problem.tasks):
        preferred = problem.visits[task.visit].preferred_carers
        for k in range(n_carers):
            cost = assign_cost[t][k] if assign_cost else 0.0
            if preferred and k not in preferred:
                cost += weights.not_preferred
            extra[t * n_carers + k] = cost
    data = {
        "n_locations": len(problem.matrices[0]),
        "n_tasks": n_tasks,
        "n_visits": len(problem.visits),
        "n_carers": n_carers,
        "matrices": [[float(x) for row in m for x in row] for m in problem.matrices],
        "task_location": [problem.visits[t.visit].location for t in problem.tasks],
        "task_visit": [t.visit for t in problem.tasks],
        "task_partner": partner,
        "task_is_first": is_first,
        "task_duration": [t.duration for t in problem.tasks],
        "task_demand": [t.demand for t in problem.tasks],
        "task_earliest": [problem.visits[t.visit].earliest for t in problem.tasks],
        "task_latest": [_finite(problem.visits[t.visit].latest) for t in problem.tasks],
        "task_min_gap": min_gap,
        "task_max_gap": max_gap,
        "visit_tasks": [list(v.tasks) for v in problem.visits],
        "carer_start": [c.start_location for c in problem.carers],
        "carer_end": [c.end_location for c in problem.carers],
        "carer_matrix": [c.matrix for c in problem.carers],
        "carer_shift_start": [c.shift_start for c in problem.carers],
        "carer_shift_end": [_finite(c.shift_end) for c in problem.carers],
        "carer_capacity": [_finite(c.capacity) for c in problem.carers],
        "qualified": qualified,
        "carer_frozen": [1 if k in (frozen or set()) else 0 for k in range(n_carers)],
        "assign_cost": extra,
        "w_distance": weights.travel,
        "w_tardiness": weights.lateness,
        "w_max_tardiness": weights.max_lateness,
        "unassigned_penalty": weights.unassigned,
        "hard_time_windows": problem.hard_time_windows,
        "task_in_place": [0] * n_tasks,
        "task_hard": [0] * n_tasks,
        "visit_fixed": [0] * len(problem.visits),
    }
    _add_breaks(problem, data)
    return data


def _add_breaks(problem: Problem, data: dict[str, Any]) -> None:
    """Each carer's break as one more task of their own: taken where they are, inside its
    window, and never moved to anyone else."""
    n_carers = len(problem.carers)
    for k, carer in enumerate(problem.carers):
        window = carer.break_window()
        if window is None:
            continue
        task = data["n_tasks"]
        visit = data["n_visits"]
        data["n_tasks"] += 1
        data["n_visits"] += 1
        data["task_location"].append(carer.start_location)
        data["task_visit"].append(visit)
        data["task_partner"].append(-1)
        data["task_is_first"].append(0)
        data["task_duration"].append(carer.break_minutes)
        data["task_demand"].append(0.0)
        data["task_earliest"].append(window[0])
        data["task_latest"].append(window[1])
        data["task_min_gap"].append(0.0)
        data["task_max_gap"].append(0.0)
        data["task_in_place"].append(1)
        data["task_hard"].append(1)
        data["visit_tasks"].append([task])
        data["visit_fixed"].append(1)
        data["qualified"] += [1 if j == k else 0 for j in range(n_carers)]
        data["assign_cost"] += [0.0] * n_carers


def unassigned_reason(problem: Problem, task: int) -> str:
    """Why a task is left out: the first rule no carer can meet."""
    t = problem.tasks[task]
    visit = problem.visits[t.visit]
    able = [k for k in range(len(problem.carers)) if problem.qualified(task, k)]
    if not able:
        return f"no carer has the skill '{t.skill}'" if t.skill else "every carer is excluded"
    if (
        len(visit.tasks) == 2
        and len(
            {k for v in visit.tasks for k in range(len(problem.carers)) if problem.qualified(v, k)}
        )
        < 2
    ):
        return "a two-carer visit needs two different qualified carers"
    if all(problem.carers[k].shift_end < visit.earliest + t.duration for k in able):
        return "no qualified carer's shift covers the visit's time window"
    return "no qualified carer can fit it into their round without breaking a hard rule"


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 1,
    threads: int = 1,
    max_iterations: int | None = None,
    warm_start: list[list[int]] | None = None,
    weights: Weights | None = None,
    assign_cost: list[list[float]] | None = None,
    frozen: set[int] | None = None,
    unavailable: set[int] | None = None,
) -> SolveResult:
    """Best rounds found within the time limit (or exactly `max_iterations` per thread,
    which makes the result the same for the same seed)."""
    data = to_arrays(
        problem,
        weights or weights_for(problem),
        assign_cost,
        frozen=frozen,
        unavailable=unavailable,
    )
    out = _search.solve(
        data,
        time_limit,
        -1 if max_iterations is None else max_iterations,
        seed,
        threads,
        warm_start or [],
    )
    n_tasks = len(problem.tasks)
    breaks = {
        k: float(out["start"][t]) for k, r in enumerate(out["routes"]) for t in r if t >= n_tasks
    }
    routes: list[list[int]] = [[t for t in r if t < n_tasks] for r in out["routes"]]
    placed = {t for r in routes for t in r}
    solution = Solution(
        routes=routes,
        unassigned={
            t: unassigned_reason(problem, t) for t in range(len(problem.tasks)) if t not in placed
        },
    )
    starts = [float(s) if t in placed else math.nan for t, s in enumerate(out["start"][:n_tasks])]
    return SolveResult(
        solution=solution,
        starts=starts,
        objective=float(out["objective"]),
        distance=float(out["distance"]),
        tardiness=float(out["tardiness"]),
        max_tardiness=float(out["max_tardiness"]),
        extra=float(out["extra"]),
        feasible=bool(out["feasible"]),
        iterations=int(out["iterations"]),
        seconds=float(out["seconds"]),
        breaks=breaks,
    )


def replan(
    problem: Problem,
    previous: list[list[int]],
    *,
    unavailable: set[int] | None = None,
    time_limit: float = 5.0,
    max_iterations: int | None = None,
    seed: int = 1,
    weights: Weights | None = None,
    assign_cost: list[list[float]] | None = None,
) -> SolveResult:
    """Re-plans a day after a change and keeps every round the change does not touch.

    `previous` is the day's rounds (task indices of `problem`); visits in no round (new
    ones) and the rounds of `unavailable` carers (off sick) are to be placed. They go to
    their cheapest places first; then only the rounds that took them are improved, and
    every other round stays exactly as it was.
    """
    away = unavailable or set()
    known = set(range(len(problem.tasks)))
    warm = [
        [t for t in route if t in known] if k not in away else []
        for k, route in enumerate(previous)
    ]
    warm += [[] for _ in range(len(problem.carers) - len(warm))]
    placed = solve(
        problem,
        max_iterations=0,
        seed=seed,
        warm_start=warm,
        weights=weights,
        assign_cost=assign_cost,
        unavailable=away,
    )
    touched = {k for k, route in enumerate(placed.solution.routes) if route != warm[k]}
    if not touched:
        return placed
    frozen = set(range(len(problem.carers))) - touched
    return solve(
        problem,
        time_limit=time_limit,
        max_iterations=max_iterations,
        seed=seed,
        warm_start=placed.solution.routes,
        weights=weights,
        assign_cost=assign_cost,
        frozen=frozen,
        unavailable=away,
    )
