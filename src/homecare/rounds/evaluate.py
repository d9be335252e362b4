"""An independent, plain-Python judge of rounds solutions.

The search core is fast and complicated; this module is slow and simple so that its
answers can be trusted: it times routes, prices them with the benchmark objectives,
lists every hard rule a solution breaks, and reads and writes the Ceschia et al. JSON
solution format so published solutions can check it and a third party can check ours.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homecare.rounds.model import Problem, Solution, SyncKind, Visit

Routes = Sequence[Sequence[int]]

TOLERANCE = 1e-6
"""Slack allowed when comparing times, so float noise is not reported as a broken rule."""

_CHANGE = 1e-9
"""Smallest raise of a start time that counts as progress while propagating."""


class InfeasibleSchedule(ValueError):
    """The routes admit no start times: synchronised carers wait for each other in a cycle."""


@dataclass(frozen=True)
class Cost:
    """The Mankowska objective and its parts, kept apart so reports can show each."""

    distance: float
    total_tardiness: float
    max_tardiness: float

    @property
    def objective(self) -> float:
        return (self.distance + self.total_tardiness + self.max_tardiness) / 3.0


def _positions(problem: Problem, routes: Routes) -> dict[int, int]:
    """task -> carer, refusing a task placed twice (it would have two start times)."""
    if len(routes) > len(problem.carers):
        raise ValueError(f"{len(routes)} routes for {len(problem.carers)} carers")
    carer_of: dict[int, int] = {}
    for carer, route in enumerate(routes):
        for task in route:
            if not 0 <= task < len(problem.tasks):
                raise ValueError(f"route of carer {carer} holds unknown task {task}")
            if task in carer_of:
                raise ValueError(f"task {task} is placed more than once")
            carer_of[task] = carer
    return carer_of


def _is_pair(visit: Visit) -> bool:
    return visit.sync is not SyncKind.NONE and len(visit.tasks) == 2


def _gap_bounds(visit: Visit) -> tuple[float, float]:
    """[min, max] of second start - first start; a double-up must start together."""
    if visit.sync is SyncKind.SEQUENTIAL:
        return visit.min_gap, visit.max_gap
    return 0.0, 0.0


def schedule(problem: Problem, routes: Routes) -> list[float]:
    """Earliest start of every task; NaN for tasks in no route.

    Each route is timed forwards (wait for the window, travel from the previous place),
    then each synchronised pair pushes its late side: the second task up to
    first + min_gap, the first up to second - max_gap. Start times only rise, so
    repeating this reaches the least fixpoint, which is the earliest schedule and the
    one with least tardiness. Like Bellman-Ford, a fixpoint needs at most one pass per
    task; still moving after that means a cycle of waits, which no times can satisfy.
    """
    carer_of = _positions(problem, routes)
    n = len(problem.tasks)
    lower = [-math.inf] * n
    starts = [math.nan] * n
    pairs = [
        (v.tasks[0], v.tasks[1], *_gap_bounds(v))
        for v in problem.visits
        if _is_pair(v) and v.tasks[0] in carer_of and v.tasks[1] in carer_of
    ]
    for _ in range(n + 2):
        for carer, route in enumerate(routes):
            person = problem.carers[carer]
            place, ready = person.start_location, person.shift_start
            for task in route:
                visit = problem.visits[problem.tasks[task].visit]
                arrive = ready + problem.travel(carer, place, visit.location)
                start = max(visit.earliest, arrive, lower[task])
                starts[task] = start
                ready, place = start + problem.tasks[task].duration, visit.location
        changed = False
        for first, second, min_gap, max_gap in pairs:
            if starts[second] < starts[first] + min_gap - _CHANGE:
                lower[second] = starts[first] + min_gap
                changed = True
            if starts[first] < starts[second] - max_gap - _CHANGE:
                lower[first] = starts[second] - max_gap
                changed = True
        if not changed:
            return starts
    raise InfeasibleSchedule("synchronised tasks wait for each other in a cycle")


def route_distance(problem: Problem, carer: int, route: Sequence[int]) -> float:
    """Travel from the carer's start place through the route to their end place."""
    if not route:
        return 0.0
    person = problem.carers[carer]
    total, place = 0.0, person.start_location
    for task in route:
        here = problem.visits[problem.tasks[task].visit].location
        total += problem.travel(carer, place, here)
        place = here
    return total + problem.travel(carer, place, person.end_location)


def solomon_distance(problem: Problem, routes: Routes) -> float:
    """Total distance, the Solomon objective (empty routes, i.e. unused vehicles, cost 0)."""
    return sum(route_distance(problem, carer, route) for carer, route in enumerate(routes))


def mankowska_cost(problem: Problem, routes: Routes, starts: Sequence[float] | None = None) -> Cost:
    """(distance + total tardiness + max tardiness) / 3, timed by `schedule` unless given."""
    if starts is None:
        starts = schedule(problem, routes)
    tardiness = [
        max(0.0, starts[task] - problem.visits[problem.tasks[task].visit].latest)
        for route in routes
        for task in route
        if not math.isnan(starts[task])
    ]
    return Cost(
        distance=solomon_distance(problem, routes),
        total_tardiness=sum(tardiness),
        max_tardiness=max(tardiness, default=0.0),
    )


def _name(problem: Problem, task: int) -> str:
    t = problem.tasks[task]
    skill = f" {t.skill}" if t.skill else ""
    return f"task {task} ({problem.visits[t.visit].ident}{skill})"


def check(
    problem: Problem,
    solution: Solution,
    starts: Sequence[float] | None = None,
    *,
    tolerance: float = TOLERANCE,
    complete: bool = False,
) -> list[str]:
    """Every hard rule the solution breaks, as readable sentences; empty means feasible.

    `starts` are judged as given (e.g. a published solution's times); without them the
    earliest schedule is used. `complete` also demands every task be routed, as the
    benchmarks do; the product allows unassigned tasks with a reason.
    """
    problems: list[str] = []
    routes = solution.routes
    if len(routes) > len(problem.carers):
        return [f"{len(routes)} routes for {len(problem.carers)} carers"]
    carers_of: dict[int, list[int]] = {}
    for carer, route in enumerate(routes):
        for task in route:
            if not 0 <= task < len(problem.tasks):
                problems.append(f"route of {problem.carers[carer].ident} holds unknown task {task}")
                continue
            carers_of.setdefault(task, []).append(carer)
    if problems:
        return problems
    for task, carers in sorted(carers_of.items()):
        if len(carers) > 1:
            names = ", ".join(problem.carers[c].ident for c in carers)
            problems.append(f"{_name(problem, task)} is placed more than once ({names})")
    if starts is None:
        try:
            starts = schedule(problem, routes)
        except (InfeasibleSchedule, ValueError) as exc:
            return [*problems, f"no schedule: {exc}"]

    for visit in problem.visits:
        placed = [t for t in visit.tasks if t in carers_of]
        if placed and len(placed) < len(visit.tasks):
            missing = ", ".join(_name(problem, t) for t in visit.tasks if t not in carers_of)
            problems.append(f"visit {visit.ident} is partly assigned: {missing} has no carer")
        if len(placed) == len(visit.tasks) == 2:
            first, second = visit.tasks
            if set(carers_of[first]) & set(carers_of[second]):
                problems.append(f"visit {visit.ident} has the same carer for both of its tasks")
    if complete:
        problems.extend(
            f"{_name(problem, t)} is unassigned"
            for t in range(len(problem.tasks))
            if t not in carers_of
        )

    for carer, route in enumerate(routes):
        person = problem.carers[carer]
        place, ready, load = person.start_location, person.shift_start, 0.0
        for task in route:
            t = problem.tasks[task]
            visit = problem.visits[t.visit]
            who = f"{_name(problem, task)} by {person.ident}"
            if not problem.qualified(task, carer):
                problems.append(f"{who}: carer not qualified")
            start = starts[task]
            if math.isnan(start):
                problems.append(f"{who}: no start time")
                continue
            if start < visit.earliest - tolerance:
                problems.append(
                    f"{who}: starts {start:g} before the window opens {visit.earliest:g}"
                )
            if problem.hard_time_windows and start > visit.latest + tolerance:
                problems.append(f"{who}: starts {start:g} after the window closes {visit.latest:g}")
            arrive = ready + problem.travel(carer, place, visit.location)
            if start < arrive - tolerance:
                problems.append(f"{who}: starts {start:g} before the carer can arrive {arrive:g}")
            load += t.demand
            ready, place = start + t.duration, visit.location
        if route and not math.isnan(ready):
            back = ready + problem.travel(carer, place, person.end_location)
            if back > person.shift_end + tolerance:
                problems.append(
                    f"{person.ident}: back at {back:g}, after the shift ends {person.shift_end:g}"
                )
        if load > person.capacity + tolerance:
            problems.append(f"{person.ident}: load {load:g} exceeds capacity {person.capacity:g}")

    for visit in problem.visits:
        if not _is_pair(visit):
            continue
        first, second = visit.tasks
        if first not in carers_of or second not in carers_of:
            continue
        gap = starts[second] - starts[first]
        lo, hi = _gap_bounds(visit)
        if not lo - tolerance <= gap <= hi + tolerance:
            problems.append(
                f"visit {visit.ident}: second task starts {gap:g} after the first, "
                f"outside [{lo:g}, {hi:g}]"
            )
    return problems


def _task_lookup(problem: Problem) -> dict[tuple[str, str], list[int]]:
    lookup: dict[tuple[str, str], list[int]] = {}
    for task, t in enumerate(problem.tasks):
        lookup.setdefault((problem.visits[t.visit].ident, t.skill or ""), []).append(task)
    return lookup


def read_ceschia_solution(
    problem: Problem, path: str | Path
) -> tuple[list[list[int]], list[float]]:
    """Routes and published start times from a Ceschia et al. (2024) solution file."""
    data: dict[str, Any] = json.loads(Path(path).read_text())
    carer_index = {c.ident: k for k, c in enumerate(problem.carers)}
    lookup = _task_lookup(problem)
    used: set[int] = set()
    routes: list[list[int]] = [[] for _ in problem.carers]
    starts = [math.nan] * len(problem.tasks)
    for entry in data["routes"]:
        ident = str(entry["caregiver_id"])
        if ident not in carer_index:
            raise ValueError(f"unknown caregiver {ident!r}")
        route = routes[carer_index[ident]]
        for stop in entry.get("locations", []):
            key = (str(stop["patient"]), str(stop["service"]))
            # A patient may need the same service twice: take the first task not yet seen.
            free = [t for t in lookup.get(key, []) if t not in used]
            if not free:
                raise ValueError(f"no unplaced task for patient {key[0]} service {key[1]}")
            task = free[0]
            used.add(task)
            route.append(task)
            starts[task] = float(stop["arrival_time"])
    return routes, starts


def write_ceschia_solution(
    problem: Problem, routes: Routes, starts: Sequence[float], path: str | Path
) -> None:
    """Write our solution in the Ceschia et al. format so their validator can judge it."""
    out_routes: list[dict[str, Any]] = []
    first_start: dict[str, float] = {}
    for carer, route in enumerate(routes):
        entry: dict[str, Any] = {"caregiver_id": problem.carers[carer].ident}
        if route:
            stops = []
            for task in route:
                t = problem.tasks[task]
                patient = problem.visits[t.visit].ident
                start = starts[task]
                stops.append(
                    {
                        "arrival_time": start,
                        "departure_time": start + t.duration,
                        "patient": patient,
                        "service": t.skill or "",
                    }
                )
                first_start[patient] = min(start, first_start.get(patient, math.inf))
            entry["locations"] = stops
        out_routes.append(entry)
    ordering = sorted(first_start, key=lambda p: (first_start[p], p))
    Path(path).write_text(
        json.dumps({"global_ordering": ordering, "routes": out_routes}, indent=2) + "\n"
    )
