"""What the parts of a run of delivery share: the store, the area, one seeded generator
whose draws in a fixed order make the run repeatable, and what has happened so far."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from homecare.access import Actor, Role
from homecare.calendar import LONDON
from homecare.config import Settings
from homecare.packages.tables import Package
from homecare.scenario.area import Area


@dataclass
class DeliveryLog:
    """What happened, counted as it happened (the summary reads the store itself)."""

    days: int = 0
    events_sent: int = 0
    batches_resent: int = 0
    admissions: int = 0
    discharges: int = 0
    community_hours: int = 0
    reviews_recorded: int = 0
    extra: dict[str, int] = field(default_factory=Counter)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    """A moment of the simulated day, in the area's time."""
    return datetime.combine(day, time(hh, mm), LONDON)


@dataclass
class Stage:
    """One run of delivery, from `start` to `end`, and the state its parts carry over."""

    engine: Engine
    area: Area
    rng: random.Random
    settings: Settings
    start: date
    end: date
    log: DeliveryLog = field(default_factory=DeliveryLog)
    regulars: dict[int, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    """Visits each care worker has made to each person, so planners keep regular carers."""
    latent: dict[int, float] = field(default_factory=dict)
    """Each person's underlying wellbeing, which their reviews' ratings follow."""
    providers_by_id: dict[int, str] = field(init=False)

    def __post_init__(self) -> None:
        self.providers_by_id = {v: k for k, v in self.area.provider_ids.items()}

    def active_packages(self, session: Session) -> list[Package]:
        return list(
            session.scalars(
                select(Package)
                .where(Package.council_id == self.area.council_id, Package.status == "active")
                .order_by(Package.id)
            )
        )

    def manager(self, provider_id: int) -> Actor:
        """The provider's manager, who acts for it in the demo."""
        return self.area.actors[self.providers_by_id[provider_id]]

    def person_actor(self, person_id: int) -> Actor:
        """The person, or the family member acting for them, through their own account."""
        return Actor(
            user_id=None,
            organisation_id=self.area.council_id,
            organisation_kind="council",
            role=Role.PERSON,
            person_id=person_id,
        )
