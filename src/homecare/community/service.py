"""Community hours: the provider starts an uplift, the platform ends it, the provider closes it.

Each action audits itself, so the council can see every introduction to a community place
from its start to how it went (000 §10).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, require
from homecare.calendar import local_date
from homecare.community.domain import (
    check_coordinates,
    check_dates,
    check_slot,
    check_words,
    parse_outcome,
)
from homecare.community.repository import due_to_end, load_for_outcome
from homecare.community.tables import CommunityHours
from homecare.errors import Conflict, InvalidInput
from homecare.geo.postcodes import normalise_postcode
from homecare.geo.repository import lookup
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package
from homecare.pattern import Day, TimeBand


def start_community_hours(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    purpose: str,
    place_name: str,
    day: str,
    band: str,
    minutes: int,
    starts_on: date,
    ends_on: date,
    latitude: float | None = None,
    longitude: float | None = None,
    postcode: str | None = None,
) -> CommunityHours:
    """The provider adds weekly community hours to one of its own packages, for a while.

    The place is given by its coordinates or by a postcode in the directory.
    """
    require(actor, Permission.MANAGE_DELIVERY)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    if package.status != "active":
        raise Conflict(f"package {package_id} is {package.status}", field="package_id")
    check_words(purpose=purpose, place_name=place_name)
    check_slot(day, band, minutes)
    check_dates(package.starts_on, starts_on, ends_on, local_date(at))
    lat, lon = _place(session, latitude, longitude, postcode)
    uplift = CommunityHours(
        package_id=package_id,
        purpose=purpose.strip(),
        place_name=place_name.strip(),
        latitude=lat,
        longitude=lon,
        day=Day(day).value,
        band=TimeBand(band).value,
        minutes=minutes,
        starts_on=starts_on,
        ends_on=ends_on,
        status="active",
        created_at=at,
    )
    session.add(uplift)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="community_hours.started",
        entity="community_hours",
        entity_id=uplift.id,
        package_id=package_id,
        purpose=uplift.purpose,
        place_name=uplift.place_name,
        minutes=minutes,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    return uplift


def end_due_community_hours(session: Session, *, actor: Actor, at: datetime) -> int:
    """Ends every active uplift whose last day has passed; returns how many ended."""
    require(actor, Permission.MANAGE_DELIVERY)
    due = due_to_end(session, actor=actor, today=local_date(at))
    for uplift in due:
        uplift.status = "ended"
        audit.record(
            session,
            actor=actor,
            at=at,
            action="community_hours.ended",
            entity="community_hours",
            entity_id=uplift.id,
            package_id=uplift.package_id,
            ends_on=uplift.ends_on.isoformat(),
            early=False,
        )
    session.flush()
    return len(due)


def record_community_outcome(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    community_hours_id: int,
    outcome: str,
    note: str,
) -> CommunityHours:
    """Closes an uplift with how it went; recording it on an active one ends it early."""
    require(actor, Permission.MANAGE_DELIVERY)
    uplift = load_for_outcome(session, actor=actor, community_hours_id=community_hours_id)
    if uplift.status == "closed":
        raise Conflict(f"the outcome was already recorded: {uplift.outcome}", field="outcome")
    result = parse_outcome(outcome)
    if not note.strip():
        raise InvalidInput("say how it went", field="note")
    was = uplift.status
    uplift.status = "closed"
    uplift.outcome = result.value
    uplift.outcome_note = note.strip()
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="community_hours.closed",
        entity="community_hours",
        entity_id=uplift.id,
        package_id=uplift.package_id,
        outcome=result.value,
        ended_early=was == "active",
        planned_ends_on=uplift.ends_on.isoformat(),
    )
    return uplift


def _place(
    session: Session, latitude: float | None, longitude: float | None, postcode: str | None
) -> tuple[float, float]:
    """The community place's coordinates, as given or from the postcode directory."""
    if latitude is not None and longitude is not None:
        return check_coordinates(latitude, longitude)
    if postcode is None:
        raise InvalidInput(
            "give the place's postcode, or its latitude and longitude", field="postcode"
        )
    point = lookup(session, normalise_postcode(postcode, field="postcode"))
    if point is None:
        raise InvalidInput(
            f"{postcode} is not in the postcode directory: give latitude and longitude",
            field="postcode",
        )
    return point.latitude, point.longitude
