"""Closing a visit once its facts say how it went: delivered, missed, not at home.

Call events and the sweep both load what the store knows about a set of visits at once
(`KnownFacts`), then close, reopen or leave each visit; alerts are raised once per kind, and
the time bank draws the delivered minutes at the end of the batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.delivery.away import standing_reports
from homecare.delivery.outcomes import (
    DELIVERED,
    SET_ELSEWHERE,
    UNDELIVERED,
    Outcome,
    Stint,
    Thresholds,
    VisitFacts,
    VisitStatus,
    settle,
)
from homecare.delivery.tables import Alert, Attendance, Visit, VisitCarer
from homecare.timebank import service as timebank

CHUNK = 1000
"""Ids per IN list, well inside SQLite's limit on bound parameters."""


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i : i + CHUNK])


# --- what the store knows about a set of visits ------------------------------------------


@dataclass
class KnownFacts:
    """Carers planned, attendances and not-at-home reports (not undone) of some visits."""

    assigned: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    attendance: dict[int, dict[int, Attendance]] = field(default_factory=lambda: defaultdict(dict))
    """Visit id, then care worker id."""
    not_at_home: set[int] = field(default_factory=set)
    alerts: set[tuple[int, str]] = field(default_factory=set)
    """(visit id, kind) of the alerts already raised."""
    delivered: list[Visit] = field(default_factory=list)
    """Visits closed as delivered whose minutes the time bank has still to draw."""

    @classmethod
    def load(cls, session: Session, visit_ids: Sequence[int]) -> KnownFacts:
        known = cls()
        for ids in chunks(visit_ids):
            for visit_id, worker_id in session.execute(
                select(VisitCarer.visit_id, VisitCarer.care_worker_id).where(
                    VisitCarer.visit_id.in_(ids)
                )
            ):
                known.assigned[visit_id].add(worker_id)
            for row in session.scalars(select(Attendance).where(Attendance.visit_id.in_(ids))):
                known.attendance[row.visit_id][row.care_worker_id] = row
            known.not_at_home.update(standing_reports(session, ids))
            known.alerts.update(
                (visit_id, kind)
                for visit_id, kind in session.execute(
                    select(Alert.visit_id, Alert.kind).where(Alert.visit_id.in_(ids))
                )
            )
        return known

    def facts(self, visit: Visit) -> VisitFacts:
        rows = self.attendance.get(visit.id, {})
        stints = tuple(Stint(rows[w].checked_in_at, rows[w].checked_out_at) for w in sorted(rows))
        return VisitFacts(
            window_end=visit.window_end,
            planned_minutes=visit.planned_minutes,
            carers=visit.carers,
            assigned=len(self.assigned.get(visit.id, ())),
            stints=stints,
            not_at_home=visit.id in self.not_at_home,
        )


# --- closing a visit ---------------------------------------------------------------------


def raise_alert(
    session: Session, *, actor: Actor, at: datetime, visit: Visit, kind: str, known: KnownFacts
) -> None:
    """At most one alert of a kind per visit: the provider needs to hear once, not twice."""
    if (visit.id, kind) in known.alerts:
        return
    known.alerts.add((visit.id, kind))
    session.add(Alert(provider_id=visit.provider_id, visit_id=visit.id, kind=kind, raised_at=at))
    audit.record(
        session,
        actor=actor,
        at=at,
        action="alert.raised",
        entity="visit",
        entity_id=visit.id,
        kind=kind,
    )


def close_visit(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    visit: Visit,
    outcome: Outcome,
    known: KnownFacts,
) -> None:
    visit.status = outcome.status.value
    visit.delivered_minutes = outcome.delivered_minutes
    visit.arrived_late_minutes = outcome.arrived_late_minutes
    visit.closed_at = at
    audit.record(
        session,
        actor=actor,
        at=at,
        action="visit.closed",
        entity="visit",
        entity_id=visit.id,
        status=visit.status,
        delivered_minutes=visit.delivered_minutes,
        arrived_late_minutes=visit.arrived_late_minutes,
    )
    if outcome.status is VisitStatus.MISSED:
        raise_alert(session, actor=actor, at=at, visit=visit, kind="missed", known=known)
    if outcome.status in DELIVERED:
        known.delivered.append(visit)


def draw_deliveries(session: Session, *, actor: Actor, at: datetime, known: KnownFacts) -> None:
    """The time bank draws the delivered visits once the batch's rows are all written.

    Drawing at the end lets the whole batch go to the store in one flush, instead of one
    flush per visit when the time bank first reads its account.
    """
    for visit in known.delivered:
        timebank.record_delivery(session, actor=actor, at=at, visit=visit)
    known.delivered.clear()


def reopen_visit(session: Session, *, actor: Actor, at: datetime, visit: Visit) -> None:
    """A check-in reached us after the visit was closed as missed or not at home."""
    was = visit.status
    visit.status = VisitStatus.IN_PROGRESS.value
    visit.delivered_minutes = None
    visit.arrived_late_minutes = None
    visit.closed_at = None
    audit.record(
        session,
        actor=actor,
        at=at,
        action="visit.reopened",
        entity="visit",
        entity_id=visit.id,
        was=was,
    )


def settle_visit(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    visit: Visit,
    known: KnownFacts,
    thresholds: Thresholds,
) -> None:
    """Closes, reopens or leaves the visit as its facts now say.

    A delivered visit is final: the time bank has drawn its minutes.
    """
    status = VisitStatus(visit.status)
    if status in SET_ELSEWHERE or status in DELIVERED:
        return
    outcome = settle(known.facts(visit), thresholds, at)
    if outcome is None:
        if status in UNDELIVERED:
            reopen_visit(session, actor=actor, at=at, visit=visit)
        return
    if outcome.status is not status:
        close_visit(session, actor=actor, at=at, visit=visit, outcome=outcome, known=known)
