"""Community hours queries: an uplift is visible exactly when its package is."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable
from homecare.community.tables import CommunityHours
from homecare.packages.repository import readable_by_package, readable_packages
from homecare.packages.tables import Package


def readable_community_hours(actor: Actor) -> Select[Any]:
    """The uplifts on the packages the actor may read."""
    return readable_by_package(actor, CommunityHours)


def community_hours_of(session: Session, *, actor: Actor, package_id: int) -> list[CommunityHours]:
    """A package's uplifts, for whoever may read the package (404 for anybody else)."""
    load_readable(session, readable_packages(actor), Package, package_id, "package")
    stmt = (
        readable_community_hours(actor)
        .where(CommunityHours.package_id == package_id)
        .order_by(CommunityHours.id)
    )
    return list(session.scalars(stmt))


def due_to_end(session: Session, *, actor: Actor, today: date) -> list[CommunityHours]:
    """Active uplifts whose last day is before `today`, locked so only one sweep ends them."""
    return list(
        session.scalars(
            readable_community_hours(actor)
            .where(CommunityHours.status == "active", CommunityHours.ends_on < today)
            .order_by(CommunityHours.id)
            .with_for_update()
        ).all()
    )


def load_for_outcome(session: Session, *, actor: Actor, community_hours_id: int) -> CommunityHours:
    """One uplift, locked, so two outcomes recorded at once cannot both close it."""
    return load_readable(
        session,
        readable_community_hours(actor).with_for_update(),
        CommunityHours,
        community_hours_id,
        "community hours",
    )
