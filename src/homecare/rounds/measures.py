"""What a day's rounds cost and how good they are, in the terms a provider reports.

Travel minutes per hour of direct care is monitoring measure 14 (000 Appendix 2); the
share of paid shift time spent with people is the other side of the rota gap the
salaried model pays for (000 §26).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from homecare.rounds.model import Problem


@dataclass
class RotaMeasures:
    visits: int
    two_handed_visits: int
    unassigned_visits: int
    carers_on_shift: int
    carers_used: int
    travel_minutes: float
    contact_minutes: float
    paid_minutes: float
    travel_per_care_hour: float
    contact_share_of_paid: float
    late_visits: int
    total_lateness: float
    max_lateness: float
    unsynchronised_double_ups: int

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 3) for k, v in asdict(self).items()}


def measure(
    problem: Problem, routes: Sequence[Sequence[int]], starts: Sequence[float]
) -> RotaMeasures:
    travel = 0.0
    for carer, route in enumerate(routes):
        if not route:
            continue
        at = problem.carers[carer].start_location
        for task in route:
            location = problem.visits[problem.tasks[task].visit].location
            travel += problem.travel(carer, at, location)
            at = location
        travel += problem.travel(carer, at, problem.carers[carer].end_location)
    routed = {t for r in routes for t in r}
    contact = sum(problem.tasks[t].duration for t in routed)
    paid = sum(
        c.shift_end - c.shift_start - (c.break_minutes if c.break_window() else 0.0)
        for c in problem.carers
        if math.isfinite(c.shift_end)
    )
    late_visits, total_late, max_late, unsynced, unassigned = 0, 0.0, 0.0, 0, 0
    for visit in problem.visits:
        if not all(t in routed for t in visit.tasks):
            unassigned += 1
            continue
        lateness = [max(0.0, starts[t] - visit.latest) for t in visit.tasks]
        total_late += sum(lateness)
        max_late = max(max_late, *lateness)
        if max(lateness) > 1e-6:
            late_visits += 1
        if len(visit.tasks) == 2 and visit.min_gap == visit.max_gap == 0:
            a, b = visit.tasks
            if abs(starts[a] - starts[b]) > 1e-6:
                unsynced += 1
    return RotaMeasures(
        visits=len(problem.visits),
        two_handed_visits=sum(1 for v in problem.visits if len(v.tasks) == 2),
        unassigned_visits=unassigned,
        carers_on_shift=len(problem.carers),
        carers_used=sum(1 for r in routes if r),
        travel_minutes=travel,
        contact_minutes=contact,
        paid_minutes=paid,
        travel_per_care_hour=travel / (contact / 60) if contact else 0.0,
        contact_share_of_paid=contact / paid if paid else 0.0,
        late_visits=late_visits,
        total_lateness=total_late,
        max_lateness=max_late,
        unsynchronised_double_ups=unsynced,
    )
