"""Optimising a provider's rounds for a day and saving them: the `roster` action.

Soft rules a planner weighs: travel, lateness, continuity of carer (someone outside the
person's carers of the past week costs extra) and language (a carer who does not speak
the person's first language costs extra). Last week's rounds for the same weekday, when
saved, warm-start the search, so a stable rota stays stable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, Role, require
from homecare.errors import Forbidden, InvalidInput
from homecare.market.tables import Organisation
from homecare.rounds.day import DayProblem, at_minutes, build_day
from homecare.rounds.evaluate import schedule
from homecare.rounds.greedy import greedy_routes
from homecare.rounds.measures import RotaMeasures, measure
from homecare.rounds.solver import SolveResult, Weights, solve
from homecare.rounds.tables import Round, RoundPlan, RoundStop, UnassignedVisit
from homecare.rounds.travel import TravelMatrixSource


@dataclass(frozen=True)
class RotaWeights:
    """Minutes of travel a planner would trade for each of the other goods."""

    travel: float = 1.0
    lateness_per_minute: float = 3.0
    new_carer: float = 10.0
    language_mismatch: float = 30.0


@dataclass
class DayOutcome:
    plan: RoundPlan
    ours: RotaMeasures
    greedy: RotaMeasures


def _history(session: Session, provider_id: int, day: date) -> dict[int, set[int]]:
    """Who has visited each person in the seven days before `day` (saved rounds)."""
    rows = session.execute(
        select(RoundStop.person_id, Round.care_worker_id)
        .join(Round, RoundStop.round_id == Round.id)
        .where(
            Round.provider_id == provider_id, Round.day >= day - timedelta(days=7), Round.day < day
        )
    ).all()
    seen: dict[int, set[int]] = defaultdict(set)
    for person_id, worker_id in rows:
        seen[person_id].add(worker_id)
    return seen


def soft_costs(
    dp: DayProblem, history: dict[int, set[int]], weights: RotaWeights
) -> list[list[float]]:
    problem = dp.problem
    costs = []
    for task in problem.tasks:
        person = dp.visit_people[task.visit]
        visit = problem.visits[task.visit]
        usual = history.get(person.id, set())
        row = []
        for k, carer in enumerate(problem.carers):
            cost = 0.0
            if usual and dp.workers[k].id not in usual:
                cost += weights.new_carer
            if visit.language and visit.language not in carer.languages:
                cost += weights.language_mismatch
            row.append(cost)
        costs.append(row)
    return costs


def _warm_start(session: Session, dp: DayProblem) -> list[list[int]] | None:
    """Last week's rounds for this weekday, mapped onto today's visits and carers."""
    previous = session.scalar(
        select(RoundPlan).where(
            RoundPlan.provider_id == dp.provider_id, RoundPlan.day == dp.day - timedelta(days=7)
        )
    )
    if previous is None:
        return None
    carer_of = {w.id: k for k, w in enumerate(dp.workers)}
    tasks_of: dict[int, list[int]] = {
        ref.id: list(dp.problem.visits[v].tasks) for v, ref in enumerate(dp.visit_refs)
    }
    routes: list[list[int]] = [[] for _ in dp.workers]
    for old in previous.rounds:
        k = carer_of.get(old.care_worker_id)
        if k is None:
            continue
        for stop in old.stops:
            free = tasks_of.get(stop.package_visit_id)
            if free:
                routes[k].append(free.pop(0))
    return routes


def planning_provider(actor: Actor) -> int:
    """The provider whose rounds the actor plans: only a provider's manager plans, its own."""
    require(actor, Permission.MANAGE_WORKFORCE)
    if actor.role is not Role.PROVIDER_MANAGER or actor.organisation_id is None:
        raise Forbidden("only a provider's manager plans rounds")
    return actor.organisation_id


@dataclass
class PreparedDay:
    """A day read from the store and ready to search, holding no transaction open."""

    dp: DayProblem
    costs: list[list[float]]
    warm_start: list[list[int]] | None
    weights: RotaWeights


def prepare_day(
    session: Session,
    *,
    actor: Actor,
    provider_id: int,
    day: date,
    travel: TravelMatrixSource,
    weights: RotaWeights | None = None,
) -> PreparedDay:
    """Reads what the search needs: the visits, the carers, last week's rounds."""
    require(actor, Permission.MANAGE_WORKFORCE)
    if actor.role is Role.PROVIDER_MANAGER and actor.organisation_id != provider_id:
        raise Forbidden("a provider plans only its own rounds")
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != "provider":
        raise InvalidInput(f"no provider {provider_id}", field="provider_id")
    weights = weights or RotaWeights()
    dp = build_day(session, provider_id, day, travel)
    costs = soft_costs(dp, _history(session, provider_id, day), weights)
    return PreparedDay(dp, costs, _warm_start(session, dp), weights)


def search_day(
    prepared: PreparedDay,
    *,
    time_limit: float = 10.0,
    seed: int = 1,
    threads: int = 2,
    max_iterations: int | None = None,
) -> SolveResult:
    """The search itself: no store, so it can run while others read and write."""
    weights = prepared.weights
    return solve(
        prepared.dp.problem,
        time_limit=time_limit,
        seed=seed,
        threads=threads,
        max_iterations=max_iterations,
        warm_start=prepared.warm_start,
        weights=Weights(
            travel=weights.travel,
            lateness=weights.lateness_per_minute,
            max_lateness=0.0,
            unassigned=1e6,
        ),
        assign_cost=prepared.costs,
    )


def save_day(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    prepared: PreparedDay,
    result: SolveResult,
    seed: int = 1,
) -> DayOutcome:
    """Saves the searched plan in place of the day's, with its measures, and audits it."""
    dp = prepared.dp
    ours = measure(dp.problem, result.solution.routes, result.starts)
    baseline = greedy_routes(dp.problem)
    greedy = measure(dp.problem, baseline, schedule(dp.problem, baseline))
    plan = _save(session, dp, result, ours, greedy, at=at, seed=seed)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="rounds.optimised",
        entity="round_plan",
        entity_id=plan.id,
        provider_id=dp.provider_id,
        day=dp.day.isoformat(),
        visits=ours.visits,
        unassigned=ours.unassigned_visits,
    )
    return DayOutcome(plan, ours, greedy)


def optimise_day(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    provider_id: int,
    day: date,
    travel: TravelMatrixSource,
    time_limit: float = 10.0,
    seed: int = 1,
    threads: int = 2,
    weights: RotaWeights | None = None,
    max_iterations: int | None = None,
) -> DayOutcome:
    """Plans and saves the provider's rounds for the day, replacing any earlier plan."""
    prepared = prepare_day(
        session, actor=actor, provider_id=provider_id, day=day, travel=travel, weights=weights
    )
    result = search_day(
        prepared, time_limit=time_limit, seed=seed, threads=threads, max_iterations=max_iterations
    )
    return save_day(session, actor=actor, at=at, prepared=prepared, result=result, seed=seed)


def _save(
    session: Session,
    dp: DayProblem,
    result: SolveResult,
    ours: RotaMeasures,
    greedy: RotaMeasures,
    *,
    at: datetime,
    seed: int,
) -> RoundPlan:
    old = session.scalar(
        select(RoundPlan).where(RoundPlan.provider_id == dp.provider_id, RoundPlan.day == dp.day)
    )
    if old is not None:
        session.delete(old)
        session.flush()
    problem = dp.problem
    plan = RoundPlan(
        provider_id=dp.provider_id,
        day=dp.day,
        optimised_at=at,
        seed=seed,
        seconds=round(result.seconds, 2),
        measures={**ours.as_dict(), **{f"greedy_{k}": v for k, v in greedy.as_dict().items()}},
    )
    owner = {t: k for k, route in enumerate(result.solution.routes) for t in route}
    for k, route in enumerate(result.solution.routes):
        if not route:
            continue
        worker, carer = dp.workers[k], problem.carers[k]
        stops, at_location, travel_total = [], carer.start_location, 0.0
        for sequence, task in enumerate(route):
            visit = problem.visits[problem.tasks[task].visit]
            leg = problem.travel(k, at_location, visit.location)
            travel_total += leg
            at_location = visit.location
            partner = next((owner[t] for t in visit.tasks if t != task and t in owner), None)
            person = dp.visit_people[problem.tasks[task].visit]
            stops.append(
                RoundStop(
                    sequence=sequence,
                    package_visit_id=dp.visit_refs[problem.tasks[task].visit].id,
                    person_id=person.id,
                    planned_start=at_minutes(dp.day, result.starts[task]),
                    window_start=at_minutes(dp.day, visit.earliest),
                    window_end=at_minutes(dp.day, visit.latest),
                    minutes=int(problem.tasks[task].duration),
                    travel_minutes=round(leg, 1),
                    carers=len(visit.tasks),
                    partner_care_worker_id=dp.workers[partner].id if partner is not None else None,
                    latitude=person.latitude,
                    longitude=person.longitude,
                )
            )
        travel_total += problem.travel(k, at_location, carer.end_location)
        plan.rounds.append(
            Round(
                provider_id=dp.provider_id,
                care_worker_id=worker.id,
                day=dp.day,
                shift_start=at_minutes(dp.day, carer.shift_start),
                shift_end=at_minutes(dp.day, carer.shift_end),
                travel_mode=worker.travel_mode,
                break_start=(at_minutes(dp.day, result.breaks[k]) if k in result.breaks else None),
                break_minutes=int(carer.break_minutes) if k in result.breaks else 0,
                travel_minutes=round(travel_total, 1),
                contact_minutes=sum(problem.tasks[t].duration for t in route),
                stops=stops,
            )
        )
    seen: set[int] = set()
    for task, reason in result.solution.unassigned.items():
        v = problem.tasks[task].visit
        if v in seen:
            continue
        seen.add(v)
        plan.unassigned.append(
            UnassignedVisit(
                package_visit_id=dp.visit_refs[v].id,
                person_id=dp.visit_people[v].id,
                reason=reason,
                details={"window": f"{problem.visits[v].earliest:g}-{problem.visits[v].latest:g}"},
            )
        )
    session.add(plan)
    session.flush()
    return plan
