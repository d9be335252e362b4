"""The caseload and the market changing over the month, as they do in a real area: some
people's care ends (they die, move into a care home, no longer need it, take a direct
payment), a few people's care moves to another provider, one uplift of the rates takes
effect, and CQC publishes one provider's new rating.

Each change goes through the same service the API calls, as the demo user who would do it
(the social worker, the commissioner), or as the platform for CQC's nightly refresh. The
events are planned up front from their own random stream, so the referrals and the
providers' answers play exactly as they would without them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON, local_date
from homecare.caseload.ending import end_package, finish_due_ends
from homecare.caseload.moving import move_package
from homecare.caseload.repository import move_choices
from homecare.db import unit_of_work
from homecare.errors import DomainError
from homecare.market.contracts import apply_due_versions
from homecare.market.domain import CqcRating
from homecare.market.rates import uplift_council
from homecare.market.rating_tables import RatingChange
from homecare.market.ratings import raise_alerts, record_rating
from homecare.market.tables import Contract, ContractVersion, Lot, Organisation
from homecare.packages.domain import EndReason, MoveReason
from homecare.packages.tables import Package
from homecare.scenario.area import Area
from homecare.scenario.needs import weighted

MOVE_SHARE_PER_MONTH = 0.01
"""A few move provider: about one in a hundred a month."""
DAYS_IN_A_MONTH = 30.44
MOVE_TRIES = 20
"""People picked at random until one whose care has another provider to move to."""

END_REASONS = (
    (EndReason.DIED, 0.32),
    (EndReason.RESIDENTIAL_OR_NURSING, 0.24),
    (EndReason.NO_LONGER_NEEDS_CARE, 0.18),
    (EndReason.HOSPITAL_LONG_STAY, 0.1),
    (EndReason.DIRECT_PAYMENT, 0.08),
    (EndReason.MOVED_AWAY, 0.08),
)
MOVE_REASONS = (
    (MoveReason.PERSONS_CHOICE, 0.6),
    (MoveReason.CONTRACT_CHANGE, 0.25),
    (MoveReason.SAFEGUARDING, 0.15),
)
UPLIFT = Decimal("2.5")
UPLIFT_REASON = "Lot 2 uplift: delegated healthcare training and supervision costs"


@dataclass(frozen=True)
class Planned:
    at: datetime
    kind: str
    payload: object = None


@dataclass(frozen=True)
class Window:
    """Where a phase of the demo (its month of brokerage, its weeks of delivery) plays the
    changes: from `start`, with the market's two events in the four weeks up to the
    story's `today`, whichever phase that falls in."""

    start: datetime
    today: date
    overnight: bool
    """Run the server's overnight turn as events (the weeks of delivery run it each
    morning themselves)."""


def plan(
    engine: Engine, area: Area, rng: random.Random, window: Window, until: datetime
) -> list[Planned]:
    """The phase's ends and moves at random times, in proportion to the caseload and the
    days, and the uplift and the rating change where they fall in it."""
    start = window.start
    with unit_of_work(engine) as session:
        live = session.scalar(
            select(func.count(Package.id)).where(
                Package.council_id == area.council_id, Package.status == "active"
            )
        )
    days = max(1, (until - start).days)
    span = (until - start).total_seconds()

    def some_time() -> datetime:
        moment = start + timedelta(seconds=rng.uniform(0, span))
        return moment.astimezone(LONDON).replace(hour=rng.randint(9, 16))

    share = days / DAYS_IN_A_MONTH
    ends = round((live or 0) * area.profile.ends_per_month * share)
    moves = round((live or 0) * MOVE_SHARE_PER_MONTH * share + 0.5)
    events = [Planned(some_time(), "end_care") for _ in range(ends)]
    events += [Planned(some_time(), "move_care") for _ in range(moves)]
    first = start.astimezone(LONDON).date()
    if window.overnight:
        events += [
            Planned(datetime.combine(first + timedelta(days=n), time(0, 5), LONDON), "overnight")
            for n in range(1, days + 1)
        ]
    today = window.today
    events.append(Planned(datetime.combine(today - timedelta(days=21), time(10), LONDON),
                          "uplift", today - timedelta(days=14)))  # fmt: skip
    events.append(Planned(datetime.combine(today - timedelta(days=10), time(7), LONDON), "rating"))
    return [e for e in events if start < e.at < until]


def overnight(engine: Engine, at: datetime) -> None:
    """What the server's background turn does: care past its last day ended, contract
    changes whose day has come applied."""
    with unit_of_work(engine) as session:
        finish_due_ends(session, at=at)
        apply_due_versions(session, actor=SYSTEM_ACTOR, at=at)


def _live_ids(session: Session, area: Area, day: date) -> list[int]:
    """Packages whose care may end or move today: running, no end recorded yet."""
    return list(
        session.scalars(
            select(Package.id)
            .where(
                Package.council_id == area.council_id,
                Package.status == "active",
                Package.end_reason.is_(None),
                Package.starts_on < day,
            )
            .order_by(Package.id)
        )
    )


def end_care(engine: Engine, area: Area, rng: random.Random, at: datetime) -> bool:
    """A social worker records that one person's care ends, on the day or a day or two
    before (a death is often recorded the next working day)."""
    day = local_date(at)
    with unit_of_work(engine) as session:
        live = _live_ids(session, area, day)
        if not live:
            return False
        package = session.get(Package, rng.choice(live))
        assert package is not None
        last_day = max(package.starts_on, day - timedelta(days=rng.randint(0, 2)))
        try:
            with session.begin_nested():
                end_package(session, actor=area.actors["social_worker"], at=at,
                            package_id=package.id, last_day=last_day,
                            reason=weighted(rng, END_REASONS))  # fmt: skip
        except DomainError:
            return False
    return True


def move_care(engine: Engine, area: Area, rng: random.Random, at: datetime) -> bool:
    """A social worker moves one person's care to another provider in the same lot and
    zone, from a handover day a week or two ahead."""
    day = local_date(at)
    with unit_of_work(engine) as session:
        live = _live_ids(session, area, day)
        for package_id in rng.sample(live, k=min(MOVE_TRIES, len(live))):
            package = session.get(Package, package_id)
            assert package is not None
            choices = move_choices(session, package, day)
            if package.moved_from_package_id is None and choices:
                break
        else:
            return False
        contract_id, _name = rng.choice(choices)
        try:
            with session.begin_nested():
                move_package(session, actor=area.actors["social_worker"], at=at,
                             package_id=package.id, contract_id=contract_id,
                             handover_day=day + timedelta(days=rng.randint(7, 14)),
                             reason=weighted(rng, MOVE_REASONS),
                             handover_visits=rng.random() < 0.5)  # fmt: skip
        except DomainError:
            return False
    return True


def uplift(engine: Engine, area: Area, at: datetime, effective_from: date) -> int:
    """The commissioner records the Lot 2 uplift, effective from a Monday ahead."""
    with unit_of_work(engine) as session:
        lot = session.scalar(
            select(Lot.id).where(Lot.council_id == area.council_id, Lot.number == 2)
        )
        done = uplift_council(session, actor=area.actors["commissioner"], at=at,
                              council_id=area.council_id, percent=UPLIFT,
                              effective_from=effective_from, reason=UPLIFT_REASON,
                              lot_id=lot)  # fmt: skip
    return len(done)


def rating_change(engine: Engine, area: Area, rng: random.Random, at: datetime) -> bool:
    """CQC publishes a framework provider's inspection: rated Inadequate for Safe and
    overall, which the nightly refresh picks up and the commissioner is alerted to."""
    with unit_of_work(engine) as session:
        framework = [
            p
            for p in session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(area.provider_ids.values()))
                .order_by(Organisation.id)
            )
            if p.id not in area.primary_ids and p.rating_overall in ("good", "requires_improvement")
        ]
        if not framework:
            return False
        provider = rng.choice(framework)
        published = local_date(at) - timedelta(days=2)
        for question in ("safe", "overall"):
            change = record_rating(session, actor=SYSTEM_ACTOR, at=at, provider=provider,
                                   question=question, rating=CqcRating.INADEQUATE,
                                   published_on=published, source="cqc-api")  # fmt: skip
            if change is not None and question == "overall":
                raise_alerts(session, actor=SYSTEM_ACTOR, at=at, provider=provider, change=change)
    return True


def turnover_summary(
    session: Session, *, council_id: int, start: date, end: date
) -> dict[str, dict[str, Any]]:
    """The month's changes as the demo's summary reports them, from the store."""
    packages = list(session.scalars(select(Package).where(Package.council_id == council_id)))
    in_month = [p for p in packages if p.ends_on and start <= p.ends_on <= end and p.end_reason]
    moved = [p for p in in_month if p.end_reason == EndReason.MOVED.value]
    ended = [p for p in in_month if p.end_reason != EndReason.MOVED.value]
    by_reason: dict[str, int] = {}
    for p in ended:
        by_reason[str(p.end_reason)] = by_reason.get(str(p.end_reason), 0) + 1

    def weekly_hours_on(day: date) -> float:
        minutes = sum(
            p.weekly_minutes
            for p in packages
            if p.starts_on <= day
            and (p.ends_on is None or p.ends_on > day
                 or (p.ends_on == day and p.end_reason != EndReason.MOVED.value))
        )  # fmt: skip
        return round(minutes / 60, 1)

    contracts = select(Contract.id).where(Contract.council_id == council_id)
    rate_changes = session.scalar(
        select(func.count(ContractVersion.id)).where(
            ContractVersion.contract_id.in_(contracts),
            ContractVersion.change == "rate_changed",
            ContractVersion.applied_on.is_not(None),
            ContractVersion.effective_from.between(start, end),
        )
    )
    held = select(Contract.provider_id).where(Contract.council_id == council_id)
    rating_changes = session.scalar(
        select(func.count(func.distinct(RatingChange.provider_id))).where(
            RatingChange.provider_id.in_(held),
            RatingChange.recorded_at >= datetime.combine(start, time(0), LONDON),
            RatingChange.recorded_at < datetime.combine(end + timedelta(days=1), time(0), LONDON),
        )
    )
    return {
        "packages": {
            "started": sum(
                1 for p in packages if start <= p.starts_on <= end and not p.moved_from_package_id
            ),
            "ended": len(ended),
            "moved": len(moved),
            "ended_by_reason": dict(sorted(by_reason.items())),
            "weekly_hours_start": weekly_hours_on(start),
            "weekly_hours_end": weekly_hours_on(end),
        },
        "contracts": {
            "rate_changes": int(rate_changes or 0),
            "rating_changes": int(rating_changes or 0),
        },
    }
