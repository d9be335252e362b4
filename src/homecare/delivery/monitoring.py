"""Electronic call monitoring: phones' event batches, visit closing, the sweep, cancelling.

A carer's phone records events while offline and sends them later, perhaps twice, perhaps
out of order, perhaps alongside another phone's. Each event is applied once: its key is
(provider, client_event_id) and a retry with the same content answers "duplicate". A batch
is applied in the order events occurred, and attendances only ever gain facts, so a
reordered batch ends exactly where an ordered one does.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import (
    Actor,
    Permission,
    Role,
    load_readable,
    readable_alerts,
    readable_visits,
    require,
)
from homecare.calendar import local_date
from homecare.config import Settings, get_settings
from homecare.delivery.outcomes import (
    DELIVERED,
    OPEN,
    SET_ELSEWHERE,
    UNDELIVERED,
    Outcome,
    Stint,
    Thresholds,
    VisitFacts,
    VisitStatus,
    is_very_late,
    settle,
)
from homecare.delivery.schemas import CallEventIn, EventKind
from homecare.delivery.tables import Alert, Attendance, CallEvent, Visit, VisitCarer
from homecare.delivery.worked_days import refresh_worked_days
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.rounds.travel import great_circle_km
from homecare.timebank import service as timebank

FUTURE_TOLERANCE = timedelta(minutes=5)
"""Phone clocks drift a little; an event further ahead than this is refused."""

VISIT_NOT_FOUND = "visit not found"
DIFFERENT_CONTENT = "client_event_id already used with different content"

_KIND_ORDER = {
    EventKind.CHECK_IN: 0,
    EventKind.NOTE: 1,
    EventKind.NOT_AT_HOME: 2,
    EventKind.CHECK_OUT: 3,
}
"""At the same instant a check-in comes before anything else and a check-out after."""

_AUDIT_ACTION = {
    EventKind.CHECK_IN: "visit.checked_in",
    EventKind.CHECK_OUT: "visit.checked_out",
    EventKind.NOT_AT_HOME: "visit.not_at_home",
    EventKind.NOTE: "visit.note_added",
}

_CHUNK = 1000
"""Ids per IN list, well inside SQLite's limit on bound parameters."""

Result = Literal["applied", "duplicate", "rejected"]


@dataclass(frozen=True)
class EventResult:
    """What became of one event; a duplicate's reason says what the first copy got."""

    client_event_id: str
    result: Result
    reason: str | None = None


def payload_sha256(event: CallEventIn, care_worker_id: int | None) -> str:
    """The event's content as canonical JSON, hashed: one instant has one spelling."""
    fields = {
        "client_event_id": event.client_event_id,
        "visit_id": event.visit_id,
        "kind": EventKind(event.kind).value,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "latitude": event.latitude,
        "longitude": event.longitude,
        "note": event.note,
        "care_worker_id": care_worker_id,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance in metres between two (latitude, longitude) points."""
    return great_circle_km(a, b) * 1000


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i : i + _CHUNK])


# --- what the store knows about a set of visits ------------------------------------------


@dataclass
class _Known:
    """Carers planned, attendances and not-at-home reports of some visits, loaded at once."""

    assigned: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    attendance: dict[int, dict[int, Attendance]] = field(default_factory=lambda: defaultdict(dict))
    """Visit id, then care worker id."""
    not_at_home: set[int] = field(default_factory=set)
    alerts: set[tuple[int, str]] = field(default_factory=set)
    """(visit id, kind) of the alerts already raised."""
    delivered: list[Visit] = field(default_factory=list)
    """Visits closed as delivered whose minutes the time bank has still to draw."""

    @classmethod
    def load(cls, session: Session, visit_ids: Sequence[int]) -> _Known:
        known = cls()
        for ids in _chunks(visit_ids):
            for visit_id, worker_id in session.execute(
                select(VisitCarer.visit_id, VisitCarer.care_worker_id).where(
                    VisitCarer.visit_id.in_(ids)
                )
            ):
                known.assigned[visit_id].add(worker_id)
            for row in session.scalars(select(Attendance).where(Attendance.visit_id.in_(ids))):
                known.attendance[row.visit_id][row.care_worker_id] = row
            known.not_at_home.update(
                session.scalars(
                    select(CallEvent.visit_id).where(
                        CallEvent.visit_id.in_(ids),
                        CallEvent.kind == EventKind.NOT_AT_HOME.value,
                        CallEvent.result == "applied",
                    )
                )
            )
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


def _raise_alert(
    session: Session, *, actor: Actor, at: datetime, visit: Visit, kind: str, known: _Known
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


def _close(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    visit: Visit,
    outcome: Outcome,
    known: _Known,
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
        _raise_alert(session, actor=actor, at=at, visit=visit, kind="missed", known=known)
    if outcome.status in DELIVERED:
        known.delivered.append(visit)


def _draw_deliveries(session: Session, *, actor: Actor, at: datetime, known: _Known) -> None:
    """The time bank draws the delivered visits once the batch's rows are all written.

    Drawing at the end lets the whole batch go to the store in one flush, instead of one
    flush per visit when the time bank first reads its account.
    """
    for visit in known.delivered:
        timebank.record_delivery(session, actor=actor, at=at, visit=visit)
    known.delivered.clear()


def _reopen(session: Session, *, actor: Actor, at: datetime, visit: Visit) -> None:
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


def _settle(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    visit: Visit,
    known: _Known,
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
            _reopen(session, actor=actor, at=at, visit=visit)
        return
    if outcome.status is not status:
        _close(session, actor=actor, at=at, visit=visit, outcome=outcome, known=known)


# --- a batch from a phone ----------------------------------------------------------------


def _check_batch(actor: Actor, events: Sequence[CallEventIn]) -> None:
    """Whose events these may be, and fields that only make sense together; 422 otherwise."""
    if actor.role is Role.CARE_WORKER:
        require(actor, Permission.RECORD_VISITS)
        if actor.care_worker_id is None:
            raise Forbidden("this account is not linked to a care worker")
    else:
        require(actor, Permission.MANAGE_DELIVERY)
    for index, event in enumerate(events):
        where = f"events.{index}"
        if actor.role is Role.CARE_WORKER:
            if event.care_worker_id not in (None, actor.care_worker_id):
                raise InvalidInput(
                    "a care worker records only their own visits",
                    field=f"{where}.care_worker_id",
                )
        elif event.care_worker_id is None:
            raise InvalidInput(
                "name the care worker whose event this is", field=f"{where}.care_worker_id"
            )
        if (event.latitude is None) != (event.longitude is None):
            missing = "latitude" if event.latitude is None else "longitude"
            raise InvalidInput("give both coordinates or neither", field=f"{where}.{missing}")


@dataclass
class _Batch:
    """One phone's batch being applied: the visits it names and the events seen before."""

    session: Session
    actor: Actor
    at: datetime
    thresholds: Thresholds
    visits: dict[int, Visit]
    known: _Known
    stored: dict[tuple[int, str], CallEvent]
    completed_days: set[tuple[int, date]] = field(default_factory=set)
    """(care worker, London day) of the stints this batch completed: their worked days."""

    @classmethod
    def load(
        cls,
        session: Session,
        *,
        actor: Actor,
        at: datetime,
        thresholds: Thresholds,
        events: Sequence[CallEventIn],
    ) -> _Batch:
        """The visits the actor may record on (locked), and events already received."""
        visit_ids = sorted({e.visit_id for e in events})
        visits = {
            v.id: v
            for v in session.scalars(
                readable_visits(actor)
                .where(Visit.id.in_(visit_ids))
                .order_by(Visit.id)
                .with_for_update()
            )
        }
        stmt = select(CallEvent).where(
            CallEvent.client_event_id.in_({e.client_event_id for e in events})
        )
        if actor.is_provider:
            stmt = stmt.where(CallEvent.provider_id == actor.organisation_id)
        stored = {(c.provider_id, c.client_event_id): c for c in session.scalars(stmt)}
        return cls(
            session, actor, at, thresholds, visits, _Known.load(session, sorted(visits)), stored
        )

    def carer_of(self, event: CallEventIn) -> int | None:
        if self.actor.role is Role.CARE_WORKER:
            return self.actor.care_worker_id
        return event.care_worker_id

    def apply(self, event: CallEventIn) -> EventResult:
        """Duplicate or changed content first, then whose visit it is, then the rules.

        Refusals of an event that reached none of the actor's visits are not stored (it
        may name no visit at all); answering them again gives the same answer anyway.
        """
        cid = event.client_event_id
        visit = self.visits.get(event.visit_id)
        provider = self.actor.organisation_id if self.actor.is_provider else None
        if provider is None and visit is not None:
            provider = visit.provider_id
        if provider is None:
            return EventResult(cid, "rejected", VISIT_NOT_FOUND)
        carer = self.carer_of(event)
        digest = payload_sha256(event, carer)
        earlier = self.stored.get((provider, cid))
        if earlier is not None:
            if earlier.payload_sha256 != digest:
                return EventResult(cid, "rejected", DIFFERENT_CONTENT)
            said = earlier.result + (f" ({earlier.reason})" if earlier.reason else "")
            return EventResult(cid, "duplicate", f"already received: {said}")
        if visit is None:
            return EventResult(cid, "rejected", VISIT_NOT_FOUND)
        if carer is None or carer not in self.known.assigned.get(visit.id, set()):
            return EventResult(cid, "rejected", f"care worker {carer} is not on this visit")
        reason = self._refusal(visit, event, carer)
        if reason is None:
            self._record(visit, event, carer)
        self._store(provider, event, carer, digest, reason)
        return EventResult(cid, "applied" if reason is None else "rejected", reason)

    def _refusal(self, visit: Visit, event: CallEventIn, carer: int) -> str | None:
        """Why a well-addressed event cannot be applied; kept, so a retry answers the same."""
        if event.kind is not EventKind.NOTE:
            if visit.status == VisitStatus.CANCELLED_BY_PERSON:
                return "the visit was cancelled by the person"
            if visit.status == VisitStatus.HOSPITAL:
                return "the visit is suspended while the person is in hospital"
        if event.occurred_at > self.at + FUTURE_TOLERANCE:
            return "occurred_at is in the future"
        attendance = self.known.attendance.get(visit.id, {}).get(carer)
        if attendance is not None:
            if event.kind is EventKind.CHECK_IN and attendance.checked_in_at is not None:
                return "already checked in"
            if event.kind is EventKind.CHECK_OUT and attendance.checked_out_at is not None:
                return "already checked out"
        return None

    def _attendance(self, visit: Visit, carer: int) -> Attendance:
        rows = self.known.attendance[visit.id]
        if carer not in rows:
            rows[carer] = Attendance(visit_id=visit.id, care_worker_id=carer)
            self.session.add(rows[carer])
        return rows[carer]

    def _record(self, visit: Visit, event: CallEventIn, carer: int) -> None:
        moment = event.occurred_at.astimezone(UTC)
        if event.kind is EventKind.CHECK_IN:
            attendance = self._attendance(visit, carer)
            attendance.checked_in_at = moment
            if event.latitude is not None and event.longitude is not None:
                attendance.check_in_latitude = event.latitude
                attendance.check_in_longitude = event.longitude
                attendance.check_in_metres_from_place = round(
                    metres_between(
                        (event.latitude, event.longitude), (visit.latitude, visit.longitude)
                    ),
                    1,
                )
            if is_very_late(visit.window_end, moment, self.thresholds):
                _raise_alert(
                    self.session,
                    actor=self.actor,
                    at=self.at,
                    visit=visit,
                    kind="very_late",
                    known=self.known,
                )
        elif event.kind is EventKind.CHECK_OUT:
            self._attendance(visit, carer).checked_out_at = moment
        if event.kind in (EventKind.CHECK_IN, EventKind.CHECK_OUT):
            stint = self._attendance(visit, carer)
            if stint.checked_in_at is not None and stint.checked_out_at is not None:
                self.completed_days.add((carer, local_date(stint.checked_in_at)))
        elif event.kind is EventKind.NOT_AT_HOME:
            self.known.not_at_home.add(visit.id)
        audit.record(
            self.session,
            actor=self.actor,
            at=self.at,
            action=_AUDIT_ACTION[event.kind],
            entity="visit",
            entity_id=visit.id,
            client_event_id=event.client_event_id,
            care_worker_id=carer,
            occurred_at=moment.isoformat(),
        )
        if event.kind is EventKind.NOTE:
            return
        if visit.status == VisitStatus.PLANNED and event.kind is not EventKind.NOT_AT_HOME:
            visit.status = VisitStatus.IN_PROGRESS.value
        _settle(
            self.session,
            actor=self.actor,
            at=self.at,
            visit=visit,
            known=self.known,
            thresholds=self.thresholds,
        )

    def _store(
        self, provider: int, event: CallEventIn, carer: int, digest: str, reason: str | None
    ) -> None:
        row = CallEvent(
            provider_id=provider,
            client_event_id=event.client_event_id,
            payload_sha256=digest,
            visit_id=event.visit_id,
            care_worker_id=carer,
            kind=EventKind(event.kind).value,
            occurred_at=event.occurred_at.astimezone(UTC),
            received_at=self.at,
            latitude=event.latitude,
            longitude=event.longitude,
            note=event.note,
            result="applied" if reason is None else "rejected",
            reason=reason,
        )
        self.session.add(row)
        self.stored[(provider, event.client_event_id)] = row


def apply_events(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    events: Sequence[CallEventIn],
    settings: Settings | None = None,
) -> list[EventResult]:
    """Applies a phone's batch in the order the events occurred; results in the sent order.

    A care worker records on visits they are planned on; a provider manager records for
    their own carers (each event names `care_worker_id`). Events that reach no visit of
    theirs answer "visit not found" exactly as for a visit that does not exist.
    """
    _check_batch(actor, events)
    if not events:
        return []
    thresholds = Thresholds.from_settings(settings or get_settings())
    batch = _Batch.load(session, actor=actor, at=at, thresholds=thresholds, events=events)
    order = sorted(
        range(len(events)),
        key=lambda i: (
            events[i].occurred_at,
            _KIND_ORDER[EventKind(events[i].kind)],
            events[i].client_event_id,
            i,
        ),
    )
    results: dict[int, EventResult] = {}
    for index in order:
        results[index] = batch.apply(events[index])
    _draw_deliveries(session, actor=actor, at=at, known=batch.known)
    refresh_worked_days(session, batch.completed_days)
    session.flush()
    return [results[i] for i in range(len(events))]


# --- the sweep ---------------------------------------------------------------------------


def close_visits(
    session: Session, *, actor: Actor, at: datetime, settings: Settings
) -> dict[str, int]:
    """Closes visits whose missed deadline has passed: missed, not at home or delivered.

    A visit with a carer still checked in stays open (counted as "open") for the
    manager to close by recording the check-out on the carer's behalf.
    """
    require(actor, Permission.MANAGE_DELIVERY)
    thresholds = Thresholds.from_settings(settings)
    cutoff = at - timedelta(minutes=thresholds.missed_after_minutes)
    visits = session.scalars(
        readable_visits(actor)
        .where(Visit.status.in_([s.value for s in OPEN]), Visit.window_end <= cutoff)
        .order_by(Visit.id)
        .with_for_update()
    ).all()
    counts = {"closed": 0, "open": 0}
    counts.update({s.value: 0 for s in sorted(DELIVERED | UNDELIVERED)})
    for start in range(0, len(visits), _CHUNK):
        chunk = visits[start : start + _CHUNK]
        known = _Known.load(session, [v.id for v in chunk])
        for visit in chunk:
            outcome = settle(known.facts(visit), thresholds, at)
            if outcome is None:
                counts["open"] += 1
                continue
            _close(session, actor=actor, at=at, visit=visit, outcome=outcome, known=known)
            counts[outcome.status.value] += 1
            counts["closed"] += 1
        _draw_deliveries(session, actor=actor, at=at, known=known)
    session.flush()
    return counts


# --- the person's choice, and alerts -----------------------------------------------------


def cancel_visit(
    session: Session, *, actor: Actor, at: datetime, visit_id: int, bank: bool
) -> Visit:
    """The person (or their provider for them) calls off a visit before its window opens.

    With `bank`, its hours go to the time bank; a package without an envelope of time
    banks nothing and `banked` stays false, but the visit is still cancelled.
    """
    if actor.role not in (Role.PERSON, Role.PROVIDER_MANAGER, Role.SYSTEM):
        raise Forbidden(f"the {actor.role.value} role may not cancel visits")
    visit = load_readable(
        session, readable_visits(actor).with_for_update(), Visit, visit_id, "visit"
    )
    if visit.status != VisitStatus.PLANNED:
        raise Conflict(
            f"visit {visit.id} is {visit.status}; only a planned visit can be cancelled",
            field="visit_id",
        )
    if at >= visit.window_start:
        raise Conflict("the visit's window has already opened", field="visit_id")
    visit.status = VisitStatus.CANCELLED_BY_PERSON.value
    visit.closed_at = at
    if bank:
        timebank.bank_cancelled_visit(session, actor=actor, at=at, visit=visit)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="visit.cancelled_by_person",
        entity="visit",
        entity_id=visit.id,
        bank=bank,
        banked=visit.banked,
    )
    session.flush()
    return visit


def acknowledge_alert(session: Session, *, actor: Actor, at: datetime, alert_id: int) -> Alert:
    """The provider has seen the alert and is acting on it."""
    require(actor, Permission.MANAGE_DELIVERY)
    alert = load_readable(session, readable_alerts(actor), Alert, alert_id, "alert")
    if alert.acknowledged_at is not None:
        raise Conflict(f"alert {alert.id} is already acknowledged", field="alert_id")
    alert.acknowledged_at = at
    alert.acknowledged_by = actor.user_id
    audit.record(
        session,
        actor=actor,
        at=at,
        action="alert.acknowledged",
        entity="alert",
        entity_id=alert.id,
        visit_id=alert.visit_id,
    )
    session.flush()
    return alert
