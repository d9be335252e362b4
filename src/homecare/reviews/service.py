"""Reviews: due on a timetable, recorded by the provider or a social worker, with outcomes.

Provider-led reviews release social work capacity (001, "Provider led reviews"); KPI 5
wants 95% of people up to date with them and KPI 6 75% with outcomes monitoring, so
every active package always has its next review due, and every recorded review sets the
one after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable
from homecare.calendar import local_date
from homecare.config import Settings, get_settings
from homecare.delivery import suspension
from homecare.errors import Conflict, Forbidden
from homecare.packages.domain import PackageEvent, PackageStatus
from homecare.packages.repository import readable_by_package, readable_packages
from homecare.packages.service import move_status
from homecare.packages.tables import Package
from homecare.people.repository import readable_people
from homecare.people.tables import Person
from homecare.reviews.domain import (
    Connection,
    Progress,
    Rating,
    Recorded,
    ReviewKind,
    after_hospital_due,
    check_connection,
    check_ratings,
    first_review_due,
    next_review_due,
    progress_over,
    reconcile,
)
from homecare.reviews.repository import open_review
from homecare.reviews.tables import Review, SocialConnection


def _may_review(actor: Actor) -> None:
    """The provider's manager or a council social worker does reviews (001; 000 §11)."""
    if not (actor.may(Permission.MANAGE_DELIVERY) or actor.may(Permission.DECIDE_CHANGES)):
        raise Forbidden(f"the {actor.role.value} role may not do reviews")


def _last_done(session: Session, package_id: int) -> Review | None:
    return session.scalars(
        select(Review)
        .where(Review.package_id == package_id, Review.done_on.is_not(None))
        .order_by(Review.done_on.desc(), Review.id.desc())
    ).first()


def _schedule_next(
    session: Session, *, actor: Actor, at: datetime, package: Package, settings: Settings
) -> Review | None:
    """The package's next review, unless one is open or the package is not active."""
    if package.status != "active" or open_review(session, package.id) is not None:
        return None
    last = _last_done(session, package.id)
    if last is None:
        kind = ReviewKind.FIRST
        due = first_review_due(package.starts_on, settings.first_review_weeks)
    else:
        assert last.done_on is not None
        kind = ReviewKind.SCHEDULED
        due = next_review_due(last.done_on, settings.review_interval_weeks)
    review = Review(package_id=package.id, person_id=package.person_id, kind=kind.value, due_on=due)
    session.add(review)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="review.due",
        entity="review",
        entity_id=review.id,
        package_id=package.id,
        kind=kind.value,
        due_on=due.isoformat(),
    )
    return review


def ensure_reviews_due(
    session: Session, *, actor: Actor, at: datetime, settings: Settings | None = None
) -> int:
    """Gives every active package the actor may see, with no open review, its next one."""
    _may_review(actor)
    settings = settings or get_settings()
    packages = session.scalars(
        readable_packages(actor).where(Package.status == "active").order_by(Package.id)
    )
    created = 0
    for package in list(packages):
        if _schedule_next(session, actor=actor, at=at, package=package, settings=settings):
            created += 1
    return created


def open_after_hospital_review(
    session: Session, *, package: Package, discharged_on: date
) -> Review:
    """The review due within three working days of a discharge that asked for one.

    A review already open is brought forward and becomes it, so a package never has two
    reviews open at once. The discharge that asks for it audits it.
    """
    due = after_hospital_due(discharged_on)
    review = open_review(session, package.id)
    if review is None:
        review = Review(package_id=package.id, person_id=package.person_id, due_on=due)
        session.add(review)
    review.kind = ReviewKind.AFTER_HOSPITAL.value
    review.due_on = min(review.due_on, due)
    session.flush()
    return review


def resume_after_review(session: Session, *, package: Package, at: datetime) -> int:
    """After the after-hospital review, care resumes from now; returns the visits resumed.

    Only while the package awaits that review: someone readmitted before it stays suspended.
    """
    if package.status != PackageStatus.AWAITING_REVIEW:
        return 0
    move_status(package, PackageEvent.REVIEWED)
    resumed = suspension.resume_visits(session, package_id=package.id, since=at)
    suspension.recount_stay_held_for_review(session, package_id=package.id)
    return resumed


def _check_connections(
    connections: Sequence[Mapping[str, str]] | None,
) -> list[Connection] | None:
    if connections is None:
        return None
    return [
        check_connection(c.get("kind", ""), c.get("name", ""), c.get("how_often", ""), i)
        for i, c in enumerate(connections)
    ]


def judged_outcomes(rating: Rating) -> str | None:
    """Outcomes met as the ratings say, when the reviewer gives no judgement of their own."""
    scores = [rating.wellbeing, rating.home, rating.community]
    if rating.opted_out or any(score is None for score in scores):
        return None
    if all(score is not None and score >= 4 for score in scores):
        return "fully"
    if any(score is not None and score >= 3 for score in scores):
        return "partially"
    return "not"


def record_review(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    review_id: int,
    ratings: Mapping[str, int | None] | None,
    opted_out: bool = False,
    notes: str | None = None,
    social_connections: Sequence[Mapping[str, str]] | None = None,
    settings: Settings | None = None,
    outcomes_achieved: str | None = None,
) -> Review:
    """Records a review's outcome ratings and connections; the next review falls due.

    `social_connections`, when given, is the person's list as it stands now (see
    `reconcile`); left out, the plan's connections stay as they were.
    """
    _may_review(actor)
    review = load_readable(session, readable_by_package(actor, Review), Review, review_id, "review")
    package = session.get(Package, review.package_id)
    assert package is not None
    session.refresh(package, with_for_update=True)
    session.refresh(review)
    if review.done_on is not None:
        raise Conflict(
            f"review {review.id} was recorded on {review.done_on.isoformat()}", field="review_id"
        )
    rating = check_ratings(ratings, opted_out=opted_out)
    connections = _check_connections(social_connections)
    review.wellbeing, review.home, review.community = (
        rating.wellbeing,
        rating.home,
        rating.community,
    )
    review.opted_out = rating.opted_out
    review.outcomes_achieved = outcomes_achieved or judged_outcomes(rating)
    review.notes = notes.strip() if notes and notes.strip() else None
    review.done_on = local_date(at)
    review.done_by_role = actor.role.value
    review.done_by = actor.user_id
    review.recorded_at = at
    ended, added = (
        _record_connections(session, review, connections, at) if connections is not None else (0, 0)
    )
    resumed = 0
    if review.kind == ReviewKind.AFTER_HOSPITAL:
        resumed = resume_after_review(session, package=package, at=at)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="review.recorded",
        entity="review",
        entity_id=review.id,
        package_id=package.id,
        kind=review.kind,
        opted_out=review.opted_out,
        wellbeing=review.wellbeing,
        home=review.home,
        community=review.community,
        connections_added=added,
        connections_ended=ended,
        resumed_visits=resumed,
    )
    _schedule_next(
        session, actor=actor, at=at, package=package, settings=settings or get_settings()
    )
    return review


def _record_connections(
    session: Session, review: Review, connections: list[Connection], at: datetime
) -> tuple[int, int]:
    """Brings the plan's connections in line with the review; returns (ended, added)."""
    current = list(
        session.scalars(
            select(SocialConnection).where(
                SocialConnection.person_id == review.person_id,
                SocialConnection.ended_on.is_(None),
            )
        )
    )
    recorded = [Recorded(c.id, check_connection(c.kind, c.name, c.how_often, 0)) for c in current]
    ended_ids, added = reconcile(recorded, connections)
    today = local_date(at)
    for row in current:
        if row.id in ended_ids:
            row.ended_on = today
    for connection in added:
        session.add(
            SocialConnection(
                person_id=review.person_id,
                kind=connection.kind.value,
                name=connection.name,
                how_often=connection.how_often.value,
                review_id=review.id,
                recorded_at=at,
            )
        )
    return len(ended_ids), len(added)


def list_reviews(
    session: Session,
    *,
    actor: Actor,
    due_before: date | None = None,
    package_id: int | None = None,
    done: bool | None = None,
) -> list[Review]:
    """Reviews the actor may see, by due date; `due_before` is strictly before that day."""
    stmt = readable_by_package(actor, Review).order_by(Review.due_on, Review.id)
    if due_before is not None:
        stmt = stmt.where(Review.due_on < due_before)
    if package_id is not None:
        stmt = stmt.where(Review.package_id == package_id)
    if done is True:
        stmt = stmt.where(Review.done_on.is_not(None))
    elif done is False:
        stmt = stmt.where(Review.done_on.is_(None))
    return list(session.scalars(stmt))


def rating_of(review: Review) -> Rating:
    return Rating(review.wellbeing, review.home, review.community, opted_out=review.opted_out)


@dataclass(frozen=True)
class Outcomes:
    """A package's done reviews in order, each with its progress since the last rating."""

    package: Package
    reviews: list[tuple[Review, Progress]]
    next_review: Review | None


def outcomes_for(session: Session, *, actor: Actor, package_id: int) -> Outcomes:
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    done = list(
        session.scalars(
            select(Review)
            .where(Review.package_id == package.id, Review.done_on.is_not(None))
            .order_by(Review.done_on, Review.recorded_at, Review.id)
        )
    )
    progress = progress_over([rating_of(r) for r in done])
    return Outcomes(
        package, list(zip(done, progress, strict=True)), open_review(session, package.id)
    )


def progress_of(session: Session, review: Review) -> Progress | None:
    """One done review's progress, looking back over its package's earlier reviews."""
    if review.done_on is None:
        return None
    earlier = list(
        session.scalars(
            select(Review)
            .where(Review.package_id == review.package_id, Review.done_on.is_not(None))
            .order_by(Review.done_on, Review.recorded_at, Review.id)
        )
    )
    position = next(i for i, r in enumerate(earlier) if r.id == review.id)
    return progress_over([rating_of(r) for r in earlier[: position + 1]])[-1]


def social_connections_for(
    session: Session, *, actor: Actor, person_id: int, include_ended: bool = False
) -> list[SocialConnection]:
    """The connections in a person's plan: current ones, or their whole history."""
    person = load_readable(session, readable_people(actor), Person, person_id, "person")
    stmt = select(SocialConnection).where(SocialConnection.person_id == person.id)
    if not include_ended:
        stmt = stmt.where(SocialConnection.ended_on.is_(None))
    return list(session.scalars(stmt.order_by(SocialConnection.recorded_at, SocialConnection.id)))
