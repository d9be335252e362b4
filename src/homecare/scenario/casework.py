"""Casework through the weeks: providers adjusting packages with consent and social
workers deciding after the trial, and reviews with the person's outcome ratings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from random import Random

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.changes import service as changes
from homecare.changes.patterns import of_visits, same_pattern
from homecare.changes.tables import ProviderChange
from homecare.db import unit_of_work
from homecare.errors import InvalidInput
from homecare.packages.tables import Package
from homecare.pattern import Day, PlannedVisit, TimeBand
from homecare.people.tables import Person
from homecare.reviews import service as reviews
from homecare.reviews.tables import Review
from homecare.scenario.stage import Stage, at

CHANGE_PER_PACKAGE_DAY = 0.0015
FIRST_DAY_CHANGES = 0.05
REVIEWED_ON_THE_DAY = 0.85
CONNECTIONS = (
    ("family", "Daughter", "weekly"),
    ("family", "Son", "monthly"),
    ("friend", "Friend from church", "weekly"),
    ("neighbour", "Next-door neighbour", "daily"),
    ("group", "Lunch club", "weekly"),
    ("faith", "Mosque", "weekly"),
)
OPEN_CHANGES = ("in_trial", "submitted", "awaiting_social_worker")


def bring_review_history(stage: Stage) -> None:
    """A caseload moved in from the council's old system brings its last review, so
    reviews fall due through the interval rather than all at once."""
    interval = 7 * stage.settings.review_interval_weeks
    first = timedelta(weeks=stage.settings.first_review_weeks)
    with unit_of_work(stage.engine) as session:
        reviewed = set(session.scalars(select(Review.package_id)))
        for package in stage.active_packages(session):
            if package.id in reviewed or package.starts_on + first > stage.start:
                continue
            done = stage.start - timedelta(days=stage.rng.randint(1, interval - 1))
            score = stage.latent.setdefault(package.person_id, stage.rng.uniform(2.2, 3.8))
            session.add(
                Review(
                    package_id=package.id,
                    person_id=package.person_id,
                    kind="scheduled",
                    due_on=done,
                    done_on=done,
                    done_by_role="social_worker",
                    wellbeing=round(score),
                    home=round(score),
                    community=round(score),
                    outcomes_achieved="partially",
                    notes="Brought across from the council's previous case system",
                    recorded_at=at(done, 12),
                )
            )


def provider_changes(stage: Stage, day: date) -> None:
    """Providers adjust a few packages a week; more on the first day, as they settle the
    caseload they took on into the new model."""
    chance = FIRST_DAY_CHANGES if day == stage.start else CHANGE_PER_PACKAGE_DAY
    with unit_of_work(stage.engine) as session:
        busy = set(
            session.scalars(
                select(ProviderChange.package_id).where(ProviderChange.status.in_(OPEN_CHANGES))
            )
        )
        for package in stage.active_packages(session):
            if package.id in busy or stage.rng.random() >= chance:
                continue
            _propose_change(stage, session, package, at(day, 11))


def _longer(visits: list[PlannedVisit], band: TimeBand, minutes: int) -> list[PlannedVisit]:
    """Every visit in the band `minutes` longer (shorter when negative)."""
    return [replace(v, minutes=v.minutes + minutes) if v.band == band else v for v in visits]


def _pattern_change(rng: Random, package: Package) -> tuple[list[PlannedVisit], str] | None:
    """A new weekly pattern a provider might propose, and why; None when none fits."""
    now = of_visits(package.visits)
    bands = {v.band for v in now}
    days = sorted({v.day for v in now}, key=list(Day).index)
    draw = rng.random()
    if draw < 0.3 and TimeBand.LUNCH not in bands:
        lunch = [PlannedVisit(d, TimeBand.LUNCH, rng.choice((30, 30, 45)), 1) for d in days]
        return now + lunch, "Needs help with a hot meal at lunchtime since coming home"
    mornings = [v for v in now if v.band == TimeBand.MORNING]
    if draw < 0.6 and mornings and max(v.minutes for v in mornings) <= 60:
        return _longer(now, TimeBand.MORNING, 15), (
            "Needs more time in the mornings to wash and dress since a fall"
        )
    if draw < 0.85 and mornings and min(v.minutes for v in mornings) >= 45:
        # 15 minutes off leaves 30 at the least: shorter needs the person's own request.
        return _longer(now, TimeBand.MORNING, -15), (
            "Dresses themselves again; the morning visit needs less time"
        )
    weekend_tea = [v for v in now if v.band == TimeBand.TEA and v.day in (Day.SAT, Day.SUN)]
    if weekend_tea and len(now) > len(weekend_tea):
        return [v for v in now if v not in weekend_tea], "Family are there at teatime at weekends"
    return None


def _propose_change(stage: Stage, session: Session, package: Package, when: datetime) -> None:
    """Providers propose new visit patterns (a lunch visit added, mornings lengthened or
    shortened, weekend teas dropped), agreed with the person, or whoever may consent for
    them, two hours before."""
    rng = stage.rng
    person = session.get(Person, package.person_id)
    assert person is not None
    proposal = _pattern_change(rng, package)
    if proposal is None or same_pattern(proposal[0], of_visits(package.visits)):
        return
    visits, reason = proposal
    if person.consent_by_name:
        consenter = (person.consent_by_name, person.consent_by_relationship or "")
    else:
        consenter = (f"{person.given_name} {person.family_name}", "self")
    changes.propose_change(
        session,
        actor=stage.manager(package.provider_id),
        at=when,
        package_id=package.id,
        visits=visits,
        reason=reason,
        consent_by_name=consenter[0],
        consent_by_relationship=consenter[1],
        consent_method=rng.choice(("in_person", "in_person", "phone")),
        consent_at=when - timedelta(hours=2),
        settings=stage.settings,
    )


def social_workers_decide(stage: Stage, day: date, share: float = 0.4) -> None:
    """Providers submit after the trial; social workers decide within a few days."""
    when = at(day, 15)
    social_worker = stage.area.actors["social_worker"]
    with unit_of_work(stage.engine) as session:
        due = session.scalars(
            select(ProviderChange).where(
                ProviderChange.status == "in_trial", ProviderChange.submit_from <= day
            )
        ).all()
        for change in due:
            changes.submit_change(
                session, actor=stage.manager(change.provider_id), at=when, change_id=change.id
            )
        waiting = session.scalars(
            select(ProviderChange).where(
                ProviderChange.status.in_(("submitted", "awaiting_social_worker"))
            )
        ).all()
        for change in waiting:
            if stage.rng.random() > share:
                continue
            draw = stage.rng.random()
            decision = "approve" if draw < 0.8 else "amend" if draw < 0.9 else "reverse"
            amended = None
            if decision == "amend":
                amended = round((change.from_weekly_minutes + change.to_weekly_minutes) / 30) * 15
            try:
                changes.decide_change(
                    session,
                    actor=social_worker,
                    at=when,
                    change_id=change.id,
                    decision=decision,
                    weekly_minutes=amended,
                    note="Discussed with the provider and the family",
                )
            except InvalidInput:
                # The visits cannot be scaled to that amendment (a call would go under 30
                # minutes unasked, or a night be cut): refused before anything changed, so
                # the social worker approves the change as proposed instead.
                changes.decide_change(
                    session,
                    actor=social_worker,
                    at=when,
                    change_id=change.id,
                    decision="approve",
                    note="Discussed with the provider and the family",
                )


def morning_after(stage: Stage, day: date) -> None:
    """The day after the last: changes whose four weeks are up are submitted and decided."""
    social_workers_decide(stage, day, share=1.0)


def hold_reviews(stage: Stage, day: date) -> None:
    """Most reviews due by today are held today; the rest slip to another day."""
    when = at(day, 13)
    with unit_of_work(stage.engine) as session:
        due = session.scalars(
            select(Review).where(Review.done_on.is_(None), Review.due_on <= day).order_by(Review.id)
        ).all()
        for review in due:
            if stage.rng.random() > REVIEWED_ON_THE_DAY:
                continue
            package = session.get(Package, review.package_id)
            assert package is not None
            _record_review(stage, session, review, package, when)


def _record_review(
    stage: Stage, session: Session, review: Review, package: Package, when: datetime
) -> None:
    """Ratings around the person's wellbeing, which drifts up a little with each review;
    a first review also records the person's social connections."""
    rng = stage.rng
    base = stage.latent.setdefault(package.person_id, rng.uniform(2.2, 3.8))
    base = min(5.0, max(1.0, base + rng.gauss(0.25, 0.4)))
    stage.latent[package.person_id] = base
    opted_out = rng.random() < 0.05

    def score() -> int:
        return min(5, max(1, round(base + rng.gauss(0, 0.5))))

    ratings = None if opted_out else {"wellbeing": score(), "home": score(), "community": score()}
    connections = []
    if review.kind == "first":
        for kind, name, how_often in rng.sample(CONNECTIONS, rng.randint(1, 3)):
            connections.append({"kind": kind, "name": name, "how_often": how_often})
    reviews.record_review(
        session,
        actor=stage.manager(package.provider_id),
        at=when,
        review_id=review.id,
        ratings=ratings,
        opted_out=opted_out,
        outcomes_achieved=(
            rng.choice(("fully", "partially", "partially", "not")) if opted_out else None
        ),
        notes="Reviewed with the person at home",
        social_connections=connections,
        settings=stage.settings,
    )
    stage.log.reviews_recorded += 1
