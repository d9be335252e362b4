"""Workforce queries: which care workers an actor may read."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable, scoped
from homecare.paging import ListQuery, Slice, fetch_slice, words_match
from homecare.pattern import Day
from homecare.workforce.tables import CareWorker


def readable_care_workers(actor: Actor) -> Select[Any]:
    """A provider's managers see its care workers; a care worker sees themselves."""
    return scoped(
        actor,
        select(CareWorker),
        provider=lambda org: CareWorker.provider_id == org,
        care_worker=lambda worker_id: CareWorker.id == worker_id,
    )


def load_care_worker(session: Session, actor: Actor, care_worker_id: int) -> CareWorker:
    """One care worker the actor may read; another provider's is "not found"."""
    return load_readable(
        session, readable_care_workers(actor), CareWorker, care_worker_id, "care worker"
    )


def working_on(day: date) -> ColumnElement[bool]:
    """Care workers who still work for the provider on the day (`domain.still_working`)."""
    return or_(CareWorker.left_on.is_(None), CareWorker.left_on > day)


def care_workers_by_name(session: Session, actor: Actor, *, on: date) -> list[CareWorker]:
    """The care workers the actor may read who still work on the day, by name: the choice
    of carers for a visit on it."""
    stmt = readable_care_workers(actor).where(working_on(on))
    return list(session.scalars(stmt.order_by(CareWorker.name, CareWorker.id)))


CARE_WORKER_SORTS: dict[str, list[Any]] = {
    "name": [CareWorker.name],
    "hours": [CareWorker.weekly_contracted_minutes],
    "travel": [CareWorker.travel_mode],
}


def care_worker_list(
    session: Session, actor: Actor, query: ListQuery, *, today: date
) -> Slice[CareWorker]:
    """One window of the care workers the actor may read, searched by name or home
    postcode; the shift filter asks who works on `today`'s weekday, or who does not. Only
    those still working today, unless the staff filter asks for those who have left."""
    stmt = readable_care_workers(actor)
    if query.filters.get("staff") == "left":
        stmt = stmt.where(~working_on(today))
    else:
        stmt = stmt.where(working_on(today))
    if (mode := query.filters.get("travel")) is not None:
        stmt = stmt.where(CareWorker.travel_mode == mode)
    shift = query.filters.get("shift")
    if shift in ("on", "off"):
        day = list(Day)[today.weekday()].value
        works = CareWorker.shift_pattern[day].as_string().is_not(None)
        stmt = stmt.where(works if shift == "on" else ~works)
    if (match := words_match(query.q, CareWorker.name, CareWorker.home_postcode)) is not None:
        stmt = stmt.where(match)
    return fetch_slice(
        session, stmt, query, sorts=CARE_WORKER_SORTS, default=[], tiebreak=CareWorker.id
    )
