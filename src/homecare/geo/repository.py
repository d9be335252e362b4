"""Postcode directory reads. The directory is public reference data: anyone may look up."""

from __future__ import annotations

from sqlalchemy.orm import Session

from homecare.geo.tables import PostcodePoint


def lookup(session: Session, postcode: str) -> PostcodePoint | None:
    """The directory's point, ward and LSOA for a normalised postcode, if it is known."""
    return session.get(PostcodePoint, postcode)
