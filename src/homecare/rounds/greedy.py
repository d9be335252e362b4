"""The hand planner's method, as the baseline our rounds are measured against.

Visit by visit in time order, give each to the nearest carer who can do it: qualified,
on shift, and able to arrive in the window (or, if nobody can, the one who arrives
soonest); a double-up goes to the two nearest such carers and starts when both are
there. Nothing is ever reordered afterwards.
"""

from __future__ import annotations

from homecare.rounds.model import Problem


def greedy_routes(problem: Problem) -> list[list[int]]:
    n = len(problem.carers)
    free_at = [c.shift_start for c in problem.carers]
    at = [c.start_location for c in problem.carers]
    routes: list[list[int]] = [[] for _ in range(n)]
    order = sorted(
        range(len(problem.visits)),
        key=lambda v: (problem.visits[v].earliest, problem.visits[v].latest, v),
    )
    for v in order:
        visit = problem.visits[v]
        options = []
        for k in range(n):
            if not all(problem.qualified(t, k) for t in visit.tasks[:1]):
                continue
            travel = problem.travel(k, at[k], visit.location)
            arrive = max(free_at[k] + travel, visit.earliest)
            options.append((arrive > visit.latest, travel, arrive, k))
        options.sort()
        chosen = _first_that_fit(
            problem, visit_index=v, options=[k for *_, k in options], free_at=free_at, at=at
        )
        if chosen is None:
            continue
        start = max(
            max(free_at[k] + problem.travel(k, at[k], visit.location), visit.earliest)
            for k in chosen
        )
        duration = max(problem.tasks[t].duration for t in visit.tasks)
        for task, k in zip(visit.tasks, chosen, strict=True):
            routes[k].append(task)
            free_at[k] = start + duration
            at[k] = visit.location
    return routes


def _first_that_fit(
    problem: Problem, *, visit_index: int, options: list[int], free_at: list[float], at: list[int]
) -> list[int] | None:
    """The nearest carers, in the order given, who are qualified and can finish the visit
    and get home before their shift ends."""
    visit = problem.visits[visit_index]
    duration = max(problem.tasks[t].duration for t in visit.tasks)
    chosen: list[int] = []
    for k in options:
        task = visit.tasks[len(chosen)]
        if not problem.qualified(task, k):
            continue
        start = max(
            free_at[k] + problem.travel(k, at[k], visit.location),
            visit.earliest,
            *(free_at[j] + problem.travel(j, at[j], visit.location) for j in chosen),
        )
        home = problem.travel(k, visit.location, problem.carers[k].end_location)
        if start + duration + home > problem.carers[k].shift_end + 1e-9:
            continue
        if any(
            start + duration + problem.travel(j, visit.location, problem.carers[j].end_location)
            > problem.carers[j].shift_end + 1e-9
            for j in chosen
        ):
            continue
        chosen.append(k)
        if len(chosen) == len(visit.tasks):
            return chosen
    return None
