"""Workforce queries: which care workers an actor may read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable, scoped
from homecare.workforce.tables import CareWorker


def readable_care_workers(actor: Actor) -> Select[Any]:
    """A provider's managers see its care workers; a care worker sees themselves."""
    return scoped(
        actor,
        select(CareWorker),
        provider=lambda org: CareWorker.provider_id == org,
        care_worker=lambda worker_id: CareWorker.id == worker_id,
    )


def care_workers_by_name(session: Session, actor: Actor) -> list[CareWorker]:
    """The care workers the actor may read, in the order a manager looks them up."""
    return list(session.scalars(readable_care_workers(actor).order_by(CareWorker.name)))


def load_care_worker(session: Session, actor: Actor, care_worker_id: int) -> CareWorker:
    """One care worker the actor may read; another provider's is "not found"."""
    return load_readable(
        session, readable_care_workers(actor), CareWorker, care_worker_id, "care worker"
    )


def care_workers_of(session: Session, actor: Actor) -> list[CareWorker]:
    """The care workers the actor may read, in the order they were hired."""
    return list(session.scalars(readable_care_workers(actor).order_by(CareWorker.id)))
