"""The person's own outcomes rating, given on their page before the review is done.

The Outcomes Tool is the person's rating of their own life (000 §37), so they, or family
acting for them, may give the three 1-5 ratings, or say they would rather not, while the
review is due. The answers go on the open review itself: the provider's review record shows
them straight away, with who gave them and when, and the reviewer confirms them when the
review is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Role, load_readable
from homecare.errors import Conflict, Forbidden
from homecare.packages.repository import readable_by_package
from homecare.reviews.domain import check_ratings
from homecare.reviews.tables import Review


def open_review_for(session: Session, *, actor: Actor, package_id: int) -> Review | None:
    """The package's review still to be done, if the actor may see the package."""
    return session.scalars(
        readable_by_package(actor, Review)
        .where(Review.package_id == package_id, Review.done_on.is_(None))
        .order_by(Review.due_on, Review.id)
    ).first()


def latest_done_review(session: Session, *, actor: Actor, package_id: int) -> Review | None:
    return session.scalars(
        readable_by_package(actor, Review)
        .where(Review.package_id == package_id, Review.done_on.is_not(None))
        .order_by(Review.done_on.desc(), Review.id.desc())
    ).first()


def rate_own_outcomes(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    review_id: int,
    rated_by: str,
    ratings: Mapping[str, int | None] | None,
    opted_out: bool = False,
) -> Review:
    """Puts the person's ratings (or their opting out) on a review still to be done."""
    if actor.role is not Role.PERSON:
        raise Forbidden("only the person, or family acting for them, gives their own rating")
    review = load_readable(session, readable_by_package(actor, Review), Review, review_id, "review")
    session.refresh(review, with_for_update=True)
    if review.done_on is not None:
        raise Conflict(
            f"the review was done on {review.done_on.isoformat()}: rate at the next one",
            field="review_id",
        )
    rating = check_ratings(ratings, opted_out=opted_out)
    review.wellbeing, review.home, review.community = (
        rating.wellbeing,
        rating.home,
        rating.community,
    )
    review.opted_out = rating.opted_out
    review.rated_by = rated_by
    review.rated_at = at
    audit.record(
        session,
        actor=actor,
        at=at,
        action="review.rated_by_person",
        entity="review",
        entity_id=review.id,
        package_id=review.package_id,
        opted_out=review.opted_out,
        wellbeing=review.wellbeing,
        home=review.home,
        community=review.community,
    )
    return review
