"""A month of referrals streamed through brokerage, with providers answering as they do.

Events run in time order on a simulated clock, each in its own transaction, through the
same service functions the API calls: a referral arrives (the social worker or nurse
records the person and refers), providers answer offers after a realistic delay (accept,
decline with a reason, or say nothing until the offer lapses), and lapsed offers cascade.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.brokerage import service
from homecare.brokerage.domain import DeclineReason, OfferStatus, ReferralSource
from homecare.brokerage.schemas import ReferralCreate, VisitIn
from homecare.brokerage.tables import Offer, Referral
from homecare.calendar import LONDON, local_date
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.people.service import record_person
from homecare.scenario import turnover
from homecare.scenario.area import Area
from homecare.scenario.needs import as_referred
from homecare.scenario.plans import ReferralPlan, person_create

LATE_IN_DAY = time(15, 0)


@dataclass(order=True)
class Event:
    at: datetime
    seq: int
    kind: str = field(compare=False)
    payload: object = field(compare=False, default=None)


@dataclass
class MonthLog:
    referrals: int = 0
    offers: int = 0
    accepted: int = 0
    declined: int = 0
    lapsed: int = 0


class MonthSimulation:
    def __init__(
        self,
        engine: Engine,
        area: Area,
        *,
        seed: int,
        settings: Settings,
        until: datetime,
        changes: turnover.Window | None = None,
    ) -> None:
        self.engine = engine
        self.area = area
        self.rng = random.Random(seed + 1)
        self.settings = settings
        self.until = until
        self.queue: list[Event] = []
        self.seq = itertools.count()
        self.scheduled_offers: set[int] = set()
        self.log = MonthLog()
        self.started = False
        self.changes = changes
        self.turnover_rng = random.Random(seed + 17)
        """Its own stream, so the referrals and answers play as they would without it."""

    def push(self, at: datetime, kind: str, payload: object = None) -> None:
        heapq.heappush(self.queue, Event(at, next(self.seq), kind, payload))

    def run(self, on_step: Callable[[], None] | None = None) -> MonthLog:
        return self.advance(self.until, on_step)

    def advance(self, until: datetime, on_step: Callable[[], None] | None = None) -> MonthLog:
        """Plays the events due by `until` (and no later than the run's end); call again
        with a later time to go on, as the weeks of delivery do day by day."""
        if not self.started:
            self.started = True
            for plan in self.area.referrals:
                self.push(plan.at, "refer", plan)
            if self.changes is not None:
                for change in turnover.plan(
                    self.engine, self.area, self.turnover_rng, self.changes, self.until
                ):
                    self.push(change.at, change.kind, change.payload)
        while self.queue and self.queue[0].at <= min(until, self.until):
            event = heapq.heappop(self.queue)
            getattr(self, f"_on_{event.kind}")(event)
            self._schedule_new_offers()
            if on_step and event.kind == "refer":
                on_step()
        return self.log

    # --- events -----------------------------------------------------------------------

    def _on_refer(self, event: Event) -> None:
        plan = event.payload
        assert isinstance(plan, ReferralPlan) and self.area.nhs_numbers is not None
        nhs = plan.source is ReferralSource.NHS_NEIGHBOURHOOD_TEAM
        actor = self.area.actors["nurse" if nhs else "social_worker"]
        with unit_of_work(self.engine) as session:
            person = record_person(
                session,
                actor=actor,
                at=event.at,
                data=person_create(
                    plan.person, self.area.nhs_numbers(), self.area.council_id if nhs else None
                ),
            )
            pattern = as_referred(plan.person.need.pattern)
            service.refer(
                session,
                actor=actor,
                at=event.at,
                settings=self.settings,
                data=ReferralCreate(
                    person_id=person.id,
                    source=plan.source,
                    priority=plan.priority,
                    authorised_delay=plan.authorised_delay,
                    lot=plan.person.need.lot,
                    weekly_hours=sum(v.carer_minutes for v in pattern) / 60,
                    visits=[
                        VisitIn(
                            day=v.day,
                            band=v.band,
                            minutes=v.minutes,
                            short_requested=v.short_requested,
                            task=v.skill,
                        )
                        for v in pattern
                    ],
                    two_handed=[v.key for v in pattern if v.carers == 2],
                    outcomes_sought=plan.person.outcomes,
                    required_start=plan.required_start,
                ),
            )
        self.log.referrals += 1

    # The month's other changes (`turnover`): the summary counts them from the store.

    def _on_end_care(self, event: Event) -> None:
        turnover.end_care(self.engine, self.area, self.turnover_rng, event.at)

    def _on_move_care(self, event: Event) -> None:
        turnover.move_care(self.engine, self.area, self.turnover_rng, event.at)

    def _on_overnight(self, event: Event) -> None:
        turnover.overnight(self.engine, event.at)

    def _on_uplift(self, event: Event) -> None:
        assert isinstance(event.payload, date)
        turnover.uplift(self.engine, self.area, event.at, event.payload)

    def _on_rating(self, event: Event) -> None:
        turnover.rating_change(self.engine, self.area, self.turnover_rng, event.at)

    def _on_answer(self, event: Event) -> None:
        assert isinstance(event.payload, tuple)
        offer_id: int = event.payload[0]
        decision: str = event.payload[1]
        with unit_of_work(self.engine) as session:
            offer = session.get(Offer, offer_id)
            if offer is None or offer.status != OfferStatus.OPEN.value:
                return
            provider = next(k for k, v in self.area.provider_ids.items() if v == offer.provider_id)
            actor = self.area.actors[provider]
            if decision == "accept":
                service.accept_offer(
                    session,
                    actor=actor,
                    at=event.at,
                    offer_id=offer_id,
                    agreed_start=self._agreed_start(offer.referral, event.at),
                )
                self.log.accepted += 1
            else:
                service.decline_offer(
                    session,
                    actor=actor,
                    at=event.at,
                    offer_id=offer_id,
                    reason=DeclineReason(decision),
                    settings=self.settings,
                )
                self.log.declined += 1

    def _on_lapse(self, event: Event) -> None:
        with unit_of_work(self.engine) as session:
            self.log.lapsed += service.lapse_overdue_offers(
                session, actor=SYSTEM_ACTOR, at=event.at, settings=self.settings
            )

    # --- provider behaviour -----------------------------------------------------------

    def _schedule_new_offers(self) -> None:
        with unit_of_work(self.engine) as session:
            fresh = list(
                session.scalars(select(Offer).where(Offer.status == OfferStatus.OPEN.value))
            )
            for offer in fresh:
                if offer.id in self.scheduled_offers:
                    continue
                self.scheduled_offers.add(offer.id)
                self.log.offers += 1
                self.push(offer.respond_by + timedelta(minutes=1), "lapse")
                decision, delay = self._decide(offer, offer.referral)
                if decision is not None:
                    self.push(offer.offered_at + delay, "answer", (offer.id, decision))

    def _decide(self, offer: Offer, referral: Referral) -> tuple[str | None, timedelta]:
        """Primary providers take most of their zone's work; the framework is choosier."""
        primary = offer.provider_id in self.area.primary_ids
        window = offer.respond_by - offer.offered_at
        draw = self.rng.random()
        if draw < 0.06:
            return None, window
        accept = 0.82 if primary else 0.55
        if referral.priority:
            accept -= 0.1
        median = 0.35 if referral.priority else 1.2
        hours = min(self.rng.lognormvariate(0, 0.6) * median, window.total_seconds() / 3600)
        delay = timedelta(hours=hours) * 0.95
        if self.rng.random() < accept:
            return "accept", delay
        reason = self.rng.choice(
            (
                DeclineReason.NO_CAPACITY,
                DeclineReason.NO_CAPACITY,
                DeclineReason.CANNOT_STAFF_VISIT_TIMES,
                DeclineReason.CANNOT_MEET_START_DATE,
                DeclineReason.SKILLS_NOT_AVAILABLE,
            )
        )
        return reason.value, delay

    def _agreed_start(self, referral: Referral, at: datetime) -> date:
        today = local_date(at)
        late = at.astimezone(LONDON).time() >= LATE_IN_DAY
        if referral.priority:
            lead = self.rng.choice((0, 0, 1)) + (1 if late else 0)
        else:
            lead = self.rng.choice((1, 1, 2, 3, 4))
        return max(referral.required_start, today + timedelta(days=lead))


def run_month(
    engine: Engine,
    area: Area,
    *,
    seed: int,
    settings: Settings,
    until: datetime,
    on_step: Callable[[], None] | None = None,
    changes: turnover.Window | None = None,
) -> MonthLog:
    """The month's referrals; with `changes`, the caseload's and market's changes too."""
    return MonthSimulation(
        engine, area, seed=seed, settings=settings, until=until, changes=changes
    ).run(on_step)
