"""What our search is measured against, solved on the same instances in the same run.

- Home care instances (Mankowska, Italian): OR-Tools routing with the synchronisation
  written as side constraints on the time dimension (two carers at a double-up start
  within the gap, on different vehicles), skills as allowed vehicles, lateness as soft
  upper bounds, guided local search for the time given.
- Solomon: VROOM, a fast routing engine with time windows and capacity (no
  synchronisation, which Solomon does not need).
Both answers are re-scored by our own evaluator so the figures are comparable.
"""

from __future__ import annotations

import math
from typing import Any

from homecare.rounds.model import Problem, SyncKind

SCALE = 100
"""OR-Tools works in integers: times and distances are scaled by this and rounded up."""


def _int(value: float) -> int:
    return math.ceil(value * SCALE - 1e-6)


def ortools_routes(problem: Problem, time_limit: float) -> list[list[int]] | None:
    """OR-Tools' routes, as task indices per carer, or None if it found none in time."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n_tasks, n_carers = len(problem.tasks), len(problem.carers)
    depot_start = [n_tasks + k for k in range(n_carers)]
    depot_end = [n_tasks + n_carers + k for k in range(n_carers)]
    n_nodes = n_tasks + 2 * n_carers

    def location(node: int) -> int:
        if node < n_tasks:
            return problem.visits[problem.tasks[node].visit].location
        if node < n_tasks + n_carers:
            return problem.carers[node - n_tasks].start_location
        return problem.carers[node - n_tasks - n_carers].end_location

    def duration(node: int) -> float:
        return problem.tasks[node].duration if node < n_tasks else 0.0

    manager = pywrapcp.RoutingIndexManager(n_nodes, n_carers, depot_start, depot_end)
    routing = pywrapcp.RoutingModel(manager)
    matrix = problem.matrices[0]
    locations = [location(i) for i in range(n_nodes)]

    def distance_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return _int(matrix[locations[a]][locations[b]])

    def time_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return _int(matrix[locations[a]][locations[b]] + duration(a))

    dist_index = routing.RegisterTransitCallback(distance_cb)
    time_index = routing.RegisterTransitCallback(time_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(dist_index)
    horizon = _int(max(v.latest for v in problem.visits if math.isfinite(v.latest)) * 3 + 10_000)
    routing.AddDimension(time_index, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for task_index, task in enumerate(problem.tasks):
        visit = problem.visits[task.visit]
        index = manager.NodeToIndex(task_index)
        time_dim.CumulVar(index).SetMin(_int(visit.earliest))
        if problem.hard_time_windows:
            time_dim.CumulVar(index).SetMax(_int(visit.latest))
        else:
            time_dim.SetCumulVarSoftUpperBound(index, _int(visit.latest), 1)
        allowed = [k for k in range(n_carers) if problem.qualified(task_index, k)]
        routing.VehicleVar(index).SetValues(allowed)
    solver = routing.solver()
    for visit in problem.visits:
        if len(visit.tasks) != 2:
            continue
        a, b = (manager.NodeToIndex(t) for t in visit.tasks)
        lo = _int(visit.min_gap if visit.sync is SyncKind.SEQUENTIAL else 0)
        hi = _int(visit.max_gap if visit.sync is SyncKind.SEQUENTIAL else 0)
        solver.Add(time_dim.CumulVar(b) >= time_dim.CumulVar(a) + lo)
        solver.Add(time_dim.CumulVar(b) <= time_dim.CumulVar(a) + hi)
        solver.Add(routing.VehicleVar(a) != routing.VehicleVar(b))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(time_limit * 1000))
    found = routing.SolveWithParameters(params)
    if found is None:
        return None
    routes: list[list[int]] = []
    for k in range(n_carers):
        index = routing.Start(k)
        route: list[int] = []
        index = found.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = found.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def vroom_routes(problem: Problem, time_limit: float) -> list[list[int]] | None:
    """VROOM's routes for a single-carer-per-visit problem (Solomon), or None."""
    import vroom

    matrix = problem.matrices[0]
    scaled = [[_int(x) for x in row] for row in matrix]
    model: Any = vroom.Input()
    model.set_durations_matrix(profile="car", matrix_input=scaled)
    model.set_costs_matrix(profile="car", matrix_input=scaled)
    for k, carer in enumerate(problem.carers):
        model.add_vehicle(
            vroom.Vehicle(
                id=k,
                start=carer.start_location,
                end=carer.end_location,
                capacity=[int(carer.capacity)] if math.isfinite(carer.capacity) else [],
                time_window=vroom.TimeWindow(_int(carer.shift_start), _int(carer.shift_end)),
            )
        )
    for t, task in enumerate(problem.tasks):
        visit = problem.visits[task.visit]
        model.add_job(
            vroom.Job(
                id=t,
                location=visit.location,
                default_service=_int(task.duration),
                delivery=[int(task.demand)],
                time_windows=[vroom.TimeWindow(_int(visit.earliest), _int(visit.latest))],
            )
        )
    solution = model.solve(exploration_level=5, nb_threads=2)
    routes: list[list[int]] = [[] for _ in problem.carers]
    frame = solution.routes
    for row in frame.itertuples():
        if row.type == "job":
            routes[int(row.vehicle_id)].append(int(row.id))
    return routes
