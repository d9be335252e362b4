"""Review queries shared by the reviews area and the areas that open reviews."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable
from homecare.packages.repository import readable_by_package
from homecare.reviews.tables import Review


def open_review(session: Session, package_id: int) -> Review | None:
    """The package's review not yet done, if any: a package has at most one open."""
    return session.scalars(
        select(Review)
        .where(Review.package_id == package_id, Review.done_on.is_(None))
        .order_by(Review.due_on, Review.id)
    ).first()


def load_review(session: Session, actor: Actor, review_id: int) -> Review:
    """A review of a package the actor may read; anybody else's is "not found"."""
    return load_readable(session, readable_by_package(actor, Review), Review, review_id, "review")
