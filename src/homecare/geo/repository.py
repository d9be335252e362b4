"""Postcode directory reads. The directory is public reference data: anyone may look up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.geo.tables import PostcodePoint


def lookup(session: Session, postcode: str) -> PostcodePoint | None:
    """The directory's point, ward and LSOA for a normalised postcode, if it is known."""
    return session.get(PostcodePoint, postcode)


def points_within(
    session: Session, west: float, south: float, east: float, north: float
) -> list[tuple[float, float, str]]:
    """(longitude, latitude, LSOA) of every known postcode in the box, for drawing a map's
    sense of place."""
    stmt = select(PostcodePoint.longitude, PostcodePoint.latitude, PostcodePoint.lsoa_code).where(
        PostcodePoint.longitude.between(west, east), PostcodePoint.latitude.between(south, north)
    )
    return [(x, y, code) for x, y, code in session.execute(stmt)]
