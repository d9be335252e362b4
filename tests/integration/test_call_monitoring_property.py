"""Offline phones, driven at random through the real call-monitoring service and store.

Three carers' phones send batches of their events: any subset, duplicated, shuffled,
retried whole, or with an event's content changed under the same id. Two Aire carers
share a two-handed visit; a Bramley carer uses exactly the same client ids as Aire's on
her own visit. Whatever the phones do:

- each distinct event is stored once and keeps the content it first came with;
- every attendance is exactly what its applied events say, and a carer has at most one
  applied check-in (and check-out) per visit;
- Bramley's events never touch Aire's records, nor Aire's Bramley's;
- every batch, applied shuffled to one store and in time order to a twin store, leaves
  both stores the same.
"""

from __future__ import annotations

import random
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR, Actor, Role
from homecare.db import make_engine, unit_of_work
from homecare.delivery.call_events import (
    DIFFERENT_CONTENT,
    EventResult,
    apply_events,
    payload_sha256,
)
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.schemas import CallEventIn
from homecare.delivery.tables import Alert, Attendance, CallEvent, Visit
from tests.support.caseload import daily_pattern, hire_care_worker, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.world import build_world

TUESDAY = date(2026, 10, 6)
SENT_AT = datetime(2026, 10, 6, 18, 30, tzinfo=UTC)
"""When the phones reach the server: after every event below, before the bed deadline."""

KINDS = {"in": "check_in", "in-again": "check_in", "out": "check_out", "note": "note"}
MINUTES_IN = {"in": 10, "in-again": 12, "note": 20, "out": 40}
"""Minutes after the window opens; a second check-in a moment after the first."""


@dataclass(frozen=True)
class Spec:
    """One event a phone may hold, by name; the store's ids are filled in per run."""

    phone: str
    visit: str
    kind: str

    @property
    def client_event_id(self) -> str:
        # Cara's morning ids are Aisha's morning ids: same client ids, other provider.
        if self.visit in ("morning", "bramley"):
            return f"morning-{self.kind}"
        return f"{self.visit}-{self.phone}-{self.kind}"


PHONES = {
    "aisha": [Spec("aisha", v, k) for v in ("morning", "bed") for k in KINDS],
    "ben": [Spec("ben", "bed", k) for k in KINDS],
    "cara": [Spec("cara", "bramley", k) for k in KINDS],
}


@dataclass(frozen=True)
class Snapshot:
    """A store with the world, the caseload, Tuesday's visits and carers on them."""

    path: Path
    providers: dict[str, int]
    """Phone to provider id."""
    workers: dict[str, int]
    """Phone to care worker id."""
    visits: dict[str, tuple[int, datetime, float, float]]
    """Visit name to id, window start and place."""


def build_snapshot(template: Path, folder: Path) -> Snapshot:
    path = folder / "snapshot.db"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    world = build_world(engine)
    aire = place_package(engine, world, pattern=daily_pattern(two_handed_bed=True))
    bramley = place_package(engine, world, provider="Bramley Care", nhs_number=VALID_NHS_NUMBERS[1])
    workers = {
        "aisha": hire_care_worker(engine, world, name="Aisha Khan").care_worker_id,
        "ben": hire_care_worker(engine, world, name="Ben Hall").care_worker_id,
        "cara": hire_care_worker(
            engine, world, provider="Bramley Care", name="Cara Lee"
        ).care_worker_id,
    }
    at = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
    visits: dict[str, tuple[int, datetime, float, float]] = {}
    with unit_of_work(engine) as session:
        generate_visits(session, actor=SYSTEM_ACTOR, at=at, start=TUESDAY, end=TUESDAY)
        plan = {
            "morning": (aire.package_id, "morning", ["aisha"]),
            "bed": (aire.package_id, "bed", ["aisha", "ben"]),
            "bramley": (bramley.package_id, "morning", ["cara"]),
        }
        for name, (package_id, band, phones) in plan.items():
            visit = session.scalars(
                select(Visit).where(Visit.package_id == package_id, Visit.band == band)
            ).one()
            assign_carers(
                session,
                actor=SYSTEM_ACTOR,
                at=at,
                visit_id=visit.id,
                care_worker_ids=[workers[p] for p in phones],
            )
            visits[name] = (visit.id, visit.window_start, visit.latitude, visit.longitude)
    engine.dispose()
    aire_id, bramley_id = world.providers["Aire Homecare"], world.providers["Bramley Care"]
    return Snapshot(
        path=path,
        providers={"aisha": aire_id, "ben": aire_id, "cara": bramley_id},
        workers=workers,
        visits=visits,
    )


def _state(engine: Engine) -> dict[str, Any]:
    """Everything call monitoring writes, in a form two stores can be compared by."""
    with unit_of_work(engine) as session:
        return {
            "events": sorted(
                (
                    e.provider_id,
                    e.client_event_id,
                    e.care_worker_id,
                    e.visit_id,
                    e.result,
                    e.reason,
                    e.payload_sha256,
                    e.occurred_at,
                )
                for e in session.scalars(select(CallEvent))
            ),
            "attendances": sorted(
                (a.visit_id, a.care_worker_id, a.checked_in_at, a.checked_out_at)
                for a in session.scalars(select(Attendance))
            ),
            "visits": sorted(
                (v.id, v.status, v.delivered_minutes, v.arrived_late_minutes)
                for v in session.scalars(select(Visit))
            ),
            "alerts": sorted((a.visit_id, a.kind) for a in session.scalars(select(Alert))),
        }


class OfflinePhones(RuleBasedStateMachine):
    def __init__(self, snapshot: Snapshot, folder: Path, run: int) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.engines: list[Engine] = []
        for twin in ("shuffled", "ordered"):
            path = folder / f"run-{run}-{twin}.db"
            shutil.copy(snapshot.path, path)
            self.engines.append(make_engine(f"sqlite:///{path}"))
        self.sent: dict[tuple[int, str], Spec] = {}
        """Every distinct event sent, by (provider, client id)."""
        self.applied_results = 0
        self.last: tuple[str, list[CallEventIn]] | None = None

    # --- events -------------------------------------------------------------------------

    def event(self, spec: Spec, note: str | None = None) -> CallEventIn:
        visit_id, opens, latitude, longitude = self.snapshot.visits[spec.visit]
        offset = MINUTES_IN[spec.kind] + (3 if spec.phone == "ben" else 0)
        return CallEventIn(
            client_event_id=spec.client_event_id,
            visit_id=visit_id,
            kind=KINDS[spec.kind],
            occurred_at=opens + timedelta(minutes=offset),
            latitude=latitude if spec.kind.startswith("in") else None,
            longitude=longitude if spec.kind.startswith("in") else None,
            note=note or ("Left a note for the family" if spec.kind == "note" else None),
        )

    def actor(self, phone: str) -> Actor:
        return Actor(
            user_id=None,
            organisation_id=self.snapshot.providers[phone],
            organisation_kind="provider",
            role=Role.CARE_WORKER,
            care_worker_id=self.snapshot.workers[phone],
        )

    def send(self, phone: str, events: list[CallEventIn]) -> list[EventResult]:
        """The batch as sent to one store, and in time order to its twin: same answers."""
        with unit_of_work(self.engines[0]) as session:
            results = apply_events(session, actor=self.actor(phone), at=SENT_AT, events=events)
        in_order = sorted(events, key=lambda e: e.occurred_at)
        with unit_of_work(self.engines[1]) as session:
            twin = apply_events(session, actor=self.actor(phone), at=SENT_AT, events=in_order)
        assert Counter(results) == Counter(twin)
        self.applied_results += sum(r.result == "applied" for r in results)
        return results

    # --- rules --------------------------------------------------------------------------

    @rule(
        phone=st.sampled_from(sorted(PHONES)),
        picks=st.lists(st.integers(min_value=0, max_value=7), min_size=1, max_size=8),
        shuffle=st.randoms(use_true_random=False),
    )
    def a_phone_sends_a_batch(self, phone: str, picks: list[int], shuffle: random.Random) -> None:
        specs = [PHONES[phone][i % len(PHONES[phone])] for i in picks]
        shuffle.shuffle(specs)
        provider = self.snapshot.providers[phone]
        seen_before = {s for s in specs if (provider, s.client_event_id) in self.sent}

        events = [self.event(s) for s in specs]
        results = self.send(phone, events)
        self.last = (phone, events)

        for spec, result in zip(specs, results, strict=True):
            if spec in seen_before:
                assert result.result == "duplicate", (spec, result)
        for spec in set(specs) - seen_before:
            answers = [r.result for s, r in zip(specs, results, strict=True) if s == spec]
            assert answers.count("duplicate") == len(answers) - 1, (spec, answers)
            self.sent[(provider, spec.client_event_id)] = spec

    @precondition(lambda self: self.last is not None)
    @rule()
    def the_last_batch_is_sent_again(self) -> None:
        assert self.last is not None
        phone, events = self.last

        results = self.send(phone, events)

        assert {r.result for r in results} == {"duplicate"}

    @precondition(lambda self: bool(self.sent))
    @rule(pick=st.integers(min_value=0, max_value=100))
    def an_event_comes_back_changed_under_the_same_id(self, pick: int) -> None:
        spec = sorted(self.sent.values(), key=lambda s: (s.phone, s.client_event_id))[
            pick % len(self.sent)
        ]

        [result] = self.send(spec.phone, [self.event(spec, note="Written again, differently")])

        assert (result.result, result.reason) == ("rejected", DIFFERENT_CONTENT)

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def the_shuffled_and_the_ordered_store_agree(self) -> None:
        assert _state(self.engines[0]) == _state(self.engines[1])

    @invariant()
    def each_distinct_event_is_stored_once_with_its_first_content(self) -> None:
        with unit_of_work(self.engines[0]) as session:
            stored = {
                (e.provider_id, e.client_event_id): e for e in session.scalars(select(CallEvent))
            }
        assert set(stored) == set(self.sent)
        for key, spec in self.sent.items():
            row = stored[key]
            assert row.payload_sha256 == payload_sha256(
                self.event(spec), self.snapshot.workers[spec.phone]
            )
            assert row.care_worker_id == self.snapshot.workers[spec.phone]
            assert row.visit_id == self.snapshot.visits[spec.visit][0]
        assert self.applied_results == sum(e.result == "applied" for e in stored.values())

    @invariant()
    def attendances_are_exactly_what_the_applied_events_say(self) -> None:
        with unit_of_work(self.engines[0]) as session:
            applied = session.scalars(select(CallEvent).where(CallEvent.result == "applied")).all()
            attendances = {
                (a.visit_id, a.care_worker_id): (a.checked_in_at, a.checked_out_at)
                for a in session.scalars(select(Attendance))
            }
        ins = Counter((e.visit_id, e.care_worker_id) for e in applied if e.kind == "check_in")
        outs = Counter((e.visit_id, e.care_worker_id) for e in applied if e.kind == "check_out")
        assert max(ins.values(), default=0) <= 1, "two check-ins for one carer at one visit"
        assert max(outs.values(), default=0) <= 1
        expected: dict[tuple[int, int], list[datetime | None]] = {}
        for e in applied:
            if e.kind in ("check_in", "check_out"):
                times = expected.setdefault((e.visit_id, e.care_worker_id), [None, None])
                times[0 if e.kind == "check_in" else 1] = e.occurred_at
        assert attendances == {k: tuple(v) for k, v in expected.items()}
        sent_in = {
            (self.snapshot.visits[s.visit][0], self.snapshot.workers[s.phone])
            for s in self.sent.values()
            if KINDS[s.kind] == "check_in"
        }
        assert set(ins) == sent_in, "a carer who sent a check-in has exactly one applied"

    @invariant()
    def neither_provider_touches_the_others_records(self) -> None:
        bramley_visit = self.snapshot.visits["bramley"][0]
        cara = self.snapshot.workers["cara"]
        with unit_of_work(self.engines[0]) as session:
            for e in session.scalars(select(CallEvent)):
                theirs = e.provider_id == self.snapshot.providers["cara"]
                assert theirs == (e.visit_id == bramley_visit) == (e.care_worker_id == cara)
            for a in session.scalars(select(Attendance)):
                assert (a.visit_id == bramley_visit) == (a.care_worker_id == cara)

    def teardown(self) -> None:
        for engine in self.engines:
            engine.dispose()


def test_offline_batches_apply_each_event_once_whatever_the_phones_do(
    sqlite_template: Path, tmp_path: Path
) -> None:
    snapshot = build_snapshot(sqlite_template, tmp_path)
    runs = iter(range(10_000))

    class OnThisSnapshot(OfflinePhones):
        def __init__(self) -> None:
            super().__init__(snapshot, tmp_path, next(runs))

    run_state_machine_as_test(
        OnThisSnapshot, settings=settings(max_examples=25, stateful_step_count=8, deadline=None)
    )
