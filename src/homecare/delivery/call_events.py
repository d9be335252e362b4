"""Electronic call monitoring: phones' event batches, visit closing, the sweep, cancelling.

A carer's phone records events while offline and sends them later, perhaps twice, perhaps
out of order, perhaps alongside another phone's. Each event is applied once: its key is
(provider, client_event_id) and a retry with the same content answers "duplicate". A batch
is applied in the order events occurred, and attendances only ever gain facts, so a
reordered batch ends exactly where an ordered one does.

A check-in while the carer is still checked in to another visit is refused only when it
is sent live (received within `domain.LIVE_WITHIN` of happening): the carer can check out
first. One from an offline queue already happened, so it is applied, and an audit row
"visit.overlapping_check_in" names the other visit for the office to look at.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, Role, require
from homecare.calendar import local_date
from homecare.config import Settings, get_settings
from homecare.delivery.closing import (
    KnownFacts,
    draw_deliveries,
    raise_alert,
    settle_visit,
)
from homecare.delivery.domain import OpenStint, Overlap, overlap, overlap_reason
from homecare.delivery.outcomes import (
    Thresholds,
    VisitStatus,
    is_very_late,
)
from homecare.delivery.repository import readable_visits, stored_events
from homecare.delivery.schemas import CallEventIn, EventKind
from homecare.delivery.tables import Attendance, CallEvent, Visit
from homecare.delivery.worked_days import refresh_worked_days
from homecare.errors import Forbidden, InvalidInput
from homecare.geo.distance import metres_between
from homecare.timebank.tables import TimeBankAccount
from homecare.workforce.tables import CareWorker

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


# --- a batch from a phone ----------------------------------------------------------------

_SQLITE_TURNS: dict[str, threading.Lock] = {}
_TURNS_LOCK = threading.Lock()


@contextmanager
def ingest_turn(engine: Engine) -> Iterator[None]:
    """On SQLite, one batch at a time per store in this process, waiting on a lock.

    SQLite has one writer anyway; left to its busy handler, waiting writers poll with
    growing sleeps and the unlucky one waits seconds. A lock hands the store over as soon
    as the writer before commits. PostgreSQL batches run side by side, as row locks allow.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with _TURNS_LOCK:
        turn = _SQLITE_TURNS.setdefault(str(engine.url), threading.Lock())
    with turn:
        yield


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


@dataclass(frozen=True)
class _Seen:
    """What a duplicate is compared with: an event stored before, or earlier in the batch."""

    payload_sha256: str
    result: str
    reason: str | None


@dataclass
class _Batch:
    """One phone's batch being applied: the visits it names and the events seen before."""

    session: Session
    actor: Actor
    at: datetime
    thresholds: Thresholds
    visits: dict[int, Visit]
    known: KnownFacts
    stored: dict[tuple[int, str], _Seen]
    completed_days: set[tuple[int, date]] = field(default_factory=set)
    """(care worker, London day) of the stints this batch completed: their worked days."""
    new_events: list[dict[str, object]] = field(default_factory=list)
    """The batch's call-event rows, written in one statement at the end."""
    stints: dict[int, dict[int, Attendance]] = field(default_factory=dict)
    """Carer, then visit: the batch's carers' attendances that may be open (any visit)."""

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
        stmt = stored_events(actor, {e.client_event_id for e in events})
        stored = {
            (c.provider_id, c.client_event_id): _Seen(c.payload_sha256, c.result, c.reason)
            for c in session.scalars(stmt)
        }
        batch = cls(
            session, actor, at, thresholds, visits, KnownFacts.load(session, sorted(visits)), stored
        )
        batch.stints = _open_attendances(session, {batch.carer_of(e) for e in events})
        return batch

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
        if event.kind is EventKind.CHECK_IN:
            verdict, blocking = self._overlap(visit, event, carer)
            if verdict is Overlap.REFUSE and blocking is not None:
                return overlap_reason(blocking)
        return None

    def _overlap(
        self, visit: Visit, event: CallEventIn, carer: int
    ) -> tuple[Overlap, OpenStint | None]:
        """A check-in while the carer is still checked in to another visit."""
        open_now = [
            OpenStint(visit_id, row.checked_in_at)
            for visit_id, row in self.stints.get(carer, {}).items()
            if row.checked_in_at is not None and row.checked_out_at is None
        ]
        return overlap(open_now, visit.id, event.occurred_at.astimezone(UTC), self.at)

    def _flag_overlap(self, visit: Visit, event: CallEventIn, carer: int) -> None:
        """An offline check-in made while checked in elsewhere: applied, and flagged for
        the office with the other visit (`visit_id` in the audit row's detail)."""
        _, blocking = self._overlap(visit, event, carer)
        if blocking is None:
            return
        audit.record(
            self.session,
            actor=self.actor,
            at=self.at,
            action="visit.overlapping_check_in",
            entity="visit",
            entity_id=visit.id,
            visit_id=blocking.visit_id,
            care_worker_id=carer,
            client_event_id=event.client_event_id,
        )

    def _attendance(self, visit: Visit, carer: int) -> Attendance:
        rows = self.known.attendance[visit.id]
        if carer not in rows:
            rows[carer] = Attendance(visit_id=visit.id, care_worker_id=carer)
            self.session.add(rows[carer])
        self.stints.setdefault(carer, {})[visit.id] = rows[carer]
        return rows[carer]

    def _record(self, visit: Visit, event: CallEventIn, carer: int) -> None:
        moment = event.occurred_at.astimezone(UTC)
        if event.kind is EventKind.CHECK_IN:
            self._flag_overlap(visit, event, carer)
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
                raise_alert(
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
        settle_visit(
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
        result = "applied" if reason is None else "rejected"
        self.new_events.append(
            {
                "provider_id": provider,
                "client_event_id": event.client_event_id,
                "payload_sha256": digest,
                "visit_id": event.visit_id,
                "care_worker_id": carer,
                "kind": EventKind(event.kind).value,
                "occurred_at": event.occurred_at.astimezone(UTC),
                "received_at": self.at,
                "latitude": event.latitude,
                "longitude": event.longitude,
                "note": event.note,
                "result": result,
                "reason": reason,
            }
        )
        self.stored[(provider, event.client_event_id)] = _Seen(digest, result, reason)

    def write(self) -> None:
        """The new events in one multi-row insert, not one ORM row each."""
        if self.new_events:
            self.session.execute(insert(CallEvent), self.new_events)
            self.new_events = []


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
    batch.write()
    _skip_packages_without_envelope(session, batch.known)
    draw_deliveries(session, actor=actor, at=at, known=batch.known)
    _lock_carers(session, batch.completed_days)
    refresh_worked_days(session, batch.completed_days)
    session.flush()
    return [results[i] for i in range(len(events))]


def _open_attendances(
    session: Session, carers: set[int | None]
) -> dict[int, dict[int, Attendance]]:
    """The carers' check-ins without a check-out, on any visit: a live check-in elsewhere
    is refused while one of these is open."""
    found: dict[int, dict[int, Attendance]] = {}
    ids = sorted(c for c in carers if c is not None)
    if not ids:
        return found
    for row in session.scalars(
        select(Attendance).where(
            Attendance.care_worker_id.in_(ids),
            Attendance.checked_in_at.is_not(None),
            Attendance.checked_out_at.is_(None),
        )
    ):
        found.setdefault(row.care_worker_id, {})[row.visit_id] = row
    return found


def _skip_packages_without_envelope(session: Session, known: KnownFacts) -> None:
    """Only packages with a time bank envelope have minutes to draw: one query for the
    batch finds them, instead of a locking read per delivered visit."""
    packages = {visit.package_id for visit in known.delivered}
    if not packages:
        return
    with_envelope = set(
        session.scalars(
            select(TimeBankAccount.package_id).where(TimeBankAccount.package_id.in_(packages))
        )
    )
    known.delivered = [v for v in known.delivered if v.package_id in with_envelope]


def _lock_carers(session: Session, days: set[tuple[int, date]]) -> None:
    """Two batches completing the same carer's day queue here, so the second reads the
    first's stints and updates the day's row instead of inserting it again (a 409).

    Rows lock in id order after the visits, the same order for every batch. FOR NO KEY
    UPDATE: the batch's own inserts already hold key-share locks on their carers (foreign
    keys), which a plain FOR UPDATE would wait on, deadlocking two batches of one carer.
    SQLite takes no row locks and already has one writer at a time.
    """
    carers = sorted({carer for carer, _ in days})
    if carers:
        session.execute(
            select(CareWorker.id)
            .where(CareWorker.id.in_(carers))
            .order_by(CareWorker.id)
            .with_for_update(key_share=True)
        )
