"""Re-optimising a day as a job, and going back to the plan it replaced.

A search takes seconds, so it is not run inside the manager's request: asking for one
writes a `RoundSearch` (waiting), the job runs it in its own transaction and records the
plan's figures before and after, and the replaced plan written out whole. Undo puts that
plan back, but only while the search's plan is still the day's plan, so nothing a later
search or undo saved is lost without the manager seeing it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.db import unit_of_work
from homecare.errors import Conflict, NotFound
from homecare.rounds.day import due_visits, on_shift, split_night
from homecare.rounds.plan_copy import plan_from_copy, plan_to_copy
from homecare.rounds.service import planning_provider, prepare_day, save_day, search_day
from homecare.rounds.tables import RoundPlan, RoundSearch
from homecare.rounds.travel import TravelMatrixSource

RUNNING = ("waiting", "searching")
GRACE = timedelta(minutes=5)
"""A search still "running" this long after its time limit has stopped without finishing
(its server was stopped), and no longer blocks a new one."""


def cannot_plan(session: Session, provider_id: int, day: date) -> str | None:
    """Why a search would have nothing to do, in words, before it is asked to run."""
    when = f"{day:%A} {day.day} {day:%B %Y}"
    calls, night = split_night(due_visits(session, provider_id, day))
    if not calls:
        staffed_apart = " (night care is staffed apart from the rounds)" if night else ""
        return f"There are no visits due on {when}, so there is nothing to plan{staffed_apart}"
    if not on_shift(session, provider_id, day):
        return f"No care workers are on shift on {when}, so nobody can make the visits"
    return None


def is_stalled(search: RoundSearch, now: datetime) -> bool:
    """A search the job never finished: still running well past its time limit."""
    if search.state not in RUNNING:
        return False
    since = search.started_at or search.requested_at
    return now > since + timedelta(seconds=search.seconds) + GRACE


def current_plan(session: Session, provider_id: int, day: date) -> RoundPlan | None:
    return session.scalar(
        select(RoundPlan).where(RoundPlan.provider_id == provider_id, RoundPlan.day == day)
    )


def start_search(
    session: Session, *, actor: Actor, at: datetime, day: date, seconds: float
) -> RoundSearch:
    """Records the asked-for search; the caller runs `run_search` after this commits."""
    provider_id = planning_provider(actor)
    if problem := cannot_plan(session, provider_id, day):
        raise Conflict(problem)
    running = session.scalars(
        select(RoundSearch).where(
            RoundSearch.provider_id == provider_id,
            RoundSearch.day == day,
            RoundSearch.state.in_(RUNNING),
        )
    ).all()
    for other in running:
        if is_stalled(other, at):
            other.state, other.finished_at = "failed", at
            other.message = "The search stopped without finishing. Start it again."
        else:
            raise Conflict(
                "A search for this day is already running. Wait for it to finish, then look "
                "at its rounds"
            )
    search = RoundSearch(
        provider_id=provider_id,
        day=day,
        requested_by=actor.user_id,
        requested_at=at,
        seconds=seconds,
        state="waiting",
        message="",
        before={},
        after={},
    )
    session.add(search)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="rounds.search_started",
        entity="round_search",
        entity_id=search.id,
        provider_id=provider_id,
        day=day.isoformat(),
        seconds=seconds,
    )
    return search


def run_search(
    engine: Engine,
    search_id: int,
    *,
    actor: Actor,
    now: Callable[[], datetime],
    travel: TravelMatrixSource,
) -> None:
    """The job: marks the search as searching, optimises the day and saves the plan, all
    or nothing; a failure is written down in its own transaction, in words."""
    with unit_of_work(engine) as session:
        search = session.get(RoundSearch, search_id)
        if search is None or search.state != "waiting":
            return
        search.state, search.started_at = "searching", now()
    try:
        # Read, search with no transaction open (so the pages stay free to read and write),
        # then save: the plan replaced is the one that is the day's at that moment.
        with unit_of_work(engine) as session:
            search = session.get(RoundSearch, search_id)
            assert search is not None
            prepared = prepare_day(
                session, actor=actor, provider_id=search.provider_id, day=search.day,
                travel=travel,
            )  # fmt: skip
            seconds = search.seconds
        result = search_day(prepared, time_limit=seconds)
        with unit_of_work(engine) as session:
            search = session.get(RoundSearch, search_id)
            assert search is not None
            old = current_plan(session, search.provider_id, search.day)
            search.before = dict(old.measures) if old is not None else {}
            search.previous = plan_to_copy(old) if old is not None else None
            outcome = save_day(session, actor=actor, at=now(), prepared=prepared, result=result)
            outcome.plan.search_id = search.id
            search.after = dict(outcome.plan.measures)
            search.plan_id = outcome.plan.id
            search.state, search.finished_at = "done", now()
    except Exception as exc:  # any failure is the manager's to read, not a lost job
        with unit_of_work(engine) as session:
            search = session.get(RoundSearch, search_id)
            if search is not None:
                search.state, search.finished_at = "failed", now()
                search.message = f"The search could not finish: {exc}"[:300]


def undo_search(session: Session, *, actor: Actor, at: datetime, day: date) -> RoundSearch:
    """Puts back the plan that the search which saved the day's plan replaced (or no plan,
    if there was none). A plan put back by undo keeps the search that first saved it, so
    undo can go back more than one step."""
    provider_id = planning_provider(actor)
    latest = session.scalars(
        select(RoundSearch)
        .where(RoundSearch.provider_id == provider_id, RoundSearch.day == day)
        .order_by(RoundSearch.id.desc())
    ).first()
    if latest is None:
        raise NotFound(f"no re-optimisation of {day.isoformat()} to undo")
    plan = current_plan(session, provider_id, day)
    search = session.get(RoundSearch, plan.search_id) if plan and plan.search_id else None
    if plan is None or search is None or search.state != "done":
        if latest.state == "undone" and (plan is None or plan.search_id is None):
            raise Conflict("That re-optimisation has already been undone")
        raise Conflict("The rounds have changed since that re-optimisation, so it cannot be undone")
    session.delete(plan)
    session.flush()
    restored = None
    if search.previous is not None:
        restored = plan_from_copy(search.previous)
        session.add(restored)
        session.flush()
    search.state = "undone"
    audit.record(
        session,
        actor=actor,
        at=at,
        action="rounds.undone",
        entity="round_search",
        entity_id=search.id,
        provider_id=provider_id,
        day=day.isoformat(),
        replaced=restored is not None,
    )
    return search


def search_figures(search: RoundSearch) -> list[dict[str, Any]]:
    """The plan's figures before and after, for the page and the API alike."""
    rows = []
    for key, label, better in FIGURES:
        before = search.before.get(key) if search.before else None
        after = search.after.get(key) if search.after else None
        rows.append(
            {"key": key, "label": label, "before": before, "after": after, "better": better}
        )
    return rows


FIGURES = (
    ("visits", "Visits due", ""),
    ("unassigned_visits", "Visits not placed", "fewer"),
    ("late_visits", "Late visits", "fewer"),
    ("total_lateness", "Minutes late in all", "fewer"),
    ("travel_minutes", "Planned travel (minutes)", "fewer"),
    ("travel_per_care_hour", "Travel per hour of care (minutes)", "fewer"),
    ("carers_used", "Care workers with visits", "fewer"),
)
"""(measure, words, which way is better) in the order a manager reads them."""
