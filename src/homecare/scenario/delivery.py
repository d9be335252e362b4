"""Weeks of delivery after brokerage, played day by day through the platform's services.

Each simulated day: period ends, community hours and reviews falling due; the day's
visits generated from the packages; people cancelling (and banking) a few visits and
drawing banked hours; admissions and discharges; the day's carers put on the visits by
the provider's planner (the person's regular carers first); every carer's phone sending
its check-ins and check-outs (some batches twice, as offline phones do); the night's
sweep closing the visits; providers adjusting packages with consent, submitting them
after four weeks and social workers deciding; reviews with outcome ratings. The noise
is drawn from a seeded generator, so the same seed plays the same weeks.

The parts live beside this module: `carers` (visits and phones), `flexibility` (time
bank, community hours, hospital stays), `casework` (changes and reviews), sharing one
`stage.Stage`; `delivery_summary` reads the weeks back from the store.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.community import service as community
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.delivery import schedule, visit_actions
from homecare.geo.directory import SHIPPED, read_csv
from homecare.reviews import service as reviews
from homecare.scenario import carers, casework, flexibility, turnover
from homecare.scenario.area import Area
from homecare.scenario.delivery_summary import delivery_summary as delivery_summary
from homecare.scenario.plans import plan_people, plan_referrals
from homecare.scenario.quality import QualityRecords
from homecare.scenario.simulate import MonthSimulation
from homecare.scenario.stage import DeliveryLog, Stage, at
from homecare.timebank import service as timebank

DAYS_IN_A_MONTH = 30.44


class DeliverySimulation:
    """The weeks from `start`, day by day, with brokerage running on beside them and the
    providers' quality records kept as they go."""

    def __init__(
        self,
        engine: Engine,
        area: Area,
        *,
        seed: int,
        settings: Settings,
        start: date,
        until: datetime,
    ) -> None:
        self.until = until
        last = until.astimezone(LONDON).date()
        end = last if until > at(last, 0) else last - timedelta(days=1)
        self.stage = Stage(engine, area, random.Random(seed + 7), settings, start, end)
        self.records = QualityRecords(engine, area, random.Random(seed + 11))
        self.brokerage = self._referrals_arriving(seed)

    @property
    def today(self) -> date | None:
        """The day the run stops in, part played; None when it stops at a midnight."""
        day = self.until.astimezone(LONDON).date()
        return day if self.until > at(day, 0) else None

    @property
    def log(self) -> DeliveryLog:
        return self.stage.log

    def run(self, on_day: Callable[[date], None] | None = None) -> DeliveryLog:
        """Plays every whole day before the stopping day; `play_today` plays the rest."""
        stage = self.stage
        casework.bring_review_history(stage)
        flexibility.open_envelopes(stage)
        flexibility.start_community_hours(stage)
        day = stage.start
        last_whole = self.today - timedelta(days=1) if self.today else stage.end
        while day <= last_whole:
            self._play_day(day)
            stage.log.days += 1
            if on_day:
                on_day(day)
            day += timedelta(days=1)
        if self.today is None:
            casework.morning_after(stage, stage.end + timedelta(days=1))
        if last_whole > stage.start:  # a spend return needs a period of two days or more
            self.records.period_end(stage.start, last_whole, latest=self.until)
        return stage.log

    def play_today(self) -> DeliveryLog:
        """The stopping day up to the clock: its visits made and carers put on them (by the
        saved rounds where there are some, by the planner otherwise), the phones' events
        that have happened so far sent, and the sweep run, as a live day stands at that
        time. Nothing is dated after the clock."""
        stage, day, now = self.stage, self.today, self.until
        if day is None:
            return stage.log
        self._housekeeping(day, latest=now)
        with unit_of_work(stage.engine) as session:
            schedule.generate_visits(
                session, actor=SYSTEM_ACTOR, at=min(at(day, 5), now), start=day, end=day
            )
        flexibility.people_choose(stage, day)
        carers.plan_carers(stage, day, only_without_carers=True)
        carers.phones_send(stage, day, until=now)
        with unit_of_work(stage.engine) as session:
            visit_actions.close_visits(session, actor=SYSTEM_ACTOR, at=now, settings=stage.settings)
        self.brokerage.advance(now)
        stage.log.days += 1
        return stage.log

    def _play_day(self, day: date) -> None:
        stage = self.stage
        self._housekeeping(day)
        with unit_of_work(stage.engine) as session:
            schedule.generate_visits(session, actor=SYSTEM_ACTOR, at=at(day, 5), start=day, end=day)
        flexibility.people_choose(stage, day)
        flexibility.admissions_and_discharges(stage, day)
        carers.plan_carers(stage, day)
        carers.phones_send(stage, day)
        with unit_of_work(stage.engine) as session:
            visit_actions.close_visits(
                session,
                actor=SYSTEM_ACTOR,
                at=at(day + timedelta(days=1), 0, 30),
                settings=stage.settings,
            )
        casework.provider_changes(stage, day)
        casework.social_workers_decide(stage, day)
        casework.hold_reviews(stage, day)
        self.records.day(day, first_week=day < stage.start + timedelta(days=7))
        self.brokerage.advance(at(day + timedelta(days=1), 0))

    def _housekeeping(self, day: date, latest: datetime | None = None) -> None:
        """Before the day starts: periods, community hours and reviews falling due."""
        stage = self.stage
        early = min(at(day, 4), latest) if latest else at(day, 4)
        turnover.overnight(stage.engine, early)
        with unit_of_work(stage.engine) as session:
            timebank.end_due_periods(session, actor=SYSTEM_ACTOR, at=early)
            community.end_due_community_hours(session, actor=SYSTEM_ACTOR, at=early)
            reviews.ensure_reviews_due(
                session, actor=SYSTEM_ACTOR, at=early, settings=stage.settings
            )
        flexibility.community_outcomes(stage, day)

    def _referrals_arriving(self, seed: int) -> MonthSimulation:
        """New people keep being referred while care is delivered: brokerage runs on,
        at the area's monthly rate, and the packages it places join the schedule."""
        stage = self.stage
        rng = random.Random(seed + 13)
        points = read_csv(SHIPPED[stage.area.profile.postcodes])
        days = (stage.end - stage.start).days + 1
        profile = replace(
            stage.area.profile,
            referrals_per_month=round(
                stage.area.profile.referrals_per_month * days / DAYS_IN_A_MONTH
            ),
        )
        people = plan_people(rng, profile, points, stage.start)
        plans = plan_referrals(rng, profile, people, stage.start, stage.end)
        return MonthSimulation(
            stage.engine,
            replace(stage.area, referrals=plans),
            seed=seed + 13,
            settings=stage.settings,
            until=self.until,
            changes=turnover.Window(
                at(stage.start, 0), self.until.astimezone(LONDON).date(), overnight=False
            ),
        )


def run_delivery(
    engine: Engine,
    area: Area,
    *,
    seed: int,
    settings: Settings,
    start: date,
    until: datetime,
    on_day: Callable[[date], None] | None = None,
) -> DeliveryLog:
    """Plays from `start` to the moment `until` and returns what happened; `on_day` hears
    of each whole day played."""
    simulation = DeliverySimulation(
        engine, area, seed=seed, settings=settings, start=start, until=until
    )
    simulation.run(on_day)
    return simulation.play_today()
