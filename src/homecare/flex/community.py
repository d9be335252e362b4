"""Community hours: a temporary uplift to introduce someone to a community resource.

The contract lets the care worker go with a person to, say, a lunch club until they have
the confidence to go themselves (000 §10). An uplift therefore always has a purpose, a
place and an end: it is active between its dates (the visit generator plans its visits
only then), ends by itself once its last day has passed, and is closed when the provider
records how it went.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import (
    Actor,
    Permission,
    load_readable,
    readable_by_package,
    readable_packages,
    require,
)
from homecare.brokerage.domain import Day, TimeBand
from homecare.calendar import local_date
from homecare.errors import Conflict, InvalidInput
from homecare.flex.tables import CommunityHours
from homecare.geo.directory import lookup
from homecare.packages.tables import Package
from homecare.people.domain import normalise_postcode

MAX_WEEKS = 12
"""An introduction, not a permanent increase: longer needs a review of the package."""
MIN_MINUTES, MAX_MINUTES = 15, 240


class Outcome(StrEnum):
    GOES_INDEPENDENTLY = "goes_independently"
    GOES_WITH_SUPPORT = "goes_with_support"
    DID_NOT_CONTINUE = "did_not_continue"


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
    _check_words(purpose=purpose, place_name=place_name)
    _check_slot(day, band, minutes)
    _check_dates(package, starts_on, ends_on, local_date(at))
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


def community_hours_of(session: Session, *, actor: Actor, package_id: int) -> list[CommunityHours]:
    """A package's uplifts, for whoever may read the package (404 for anybody else)."""
    load_readable(session, readable_packages(actor), Package, package_id, "package")
    stmt = (
        readable_by_package(actor, CommunityHours)
        .where(CommunityHours.package_id == package_id)
        .order_by(CommunityHours.id)
    )
    return list(session.scalars(stmt))


def end_due_community_hours(session: Session, *, actor: Actor, at: datetime) -> int:
    """Ends every active uplift whose last day has passed; returns how many ended."""
    require(actor, Permission.MANAGE_DELIVERY)
    today = local_date(at)
    due = session.scalars(
        readable_by_package(actor, CommunityHours)
        .where(CommunityHours.status == "active", CommunityHours.ends_on < today)
        .order_by(CommunityHours.id)
        .with_for_update()
    ).all()
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
    uplift = load_readable(
        session,
        readable_by_package(actor, CommunityHours).with_for_update(),
        CommunityHours,
        community_hours_id,
        "community hours",
    )
    if uplift.status == "closed":
        raise Conflict(f"the outcome was already recorded: {uplift.outcome}", field="outcome")
    try:
        result = Outcome(outcome)
    except ValueError:
        known = ", ".join(o.value for o in Outcome)
        raise InvalidInput(f"the outcome is one of {known}", field="outcome") from None
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


# --- checks ------------------------------------------------------------------------------


def _check_words(**values: str) -> None:
    for field, value in values.items():
        if not value.strip():
            raise InvalidInput(f"{field.replace('_', ' ')} is required", field=field)


def _check_slot(day: str, band: str, minutes: int) -> None:
    if day not in {d.value for d in Day}:
        raise InvalidInput(f"'{day}' is not a day: use mon to sun", field="day")
    if band not in {b.value for b in TimeBand}:
        known = ", ".join(b.value for b in TimeBand)
        raise InvalidInput(f"'{band}' is not a time band: use {known}", field="band")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"community hours are {MIN_MINUTES} to {MAX_MINUTES} minutes a visit",
            field="minutes",
        )


def _check_dates(package: Package, starts_on: date, ends_on: date, today: date) -> None:
    """Starts no earlier than today and the package; ends after it starts, within 12 weeks."""
    if starts_on < max(today, package.starts_on):
        raise InvalidInput(
            f"community hours start on or after {max(today, package.starts_on).isoformat()}",
            field="starts_on",
        )
    if ends_on <= starts_on:
        raise InvalidInput("community hours end after they start", field="ends_on")
    if ends_on - starts_on > timedelta(weeks=MAX_WEEKS):
        raise InvalidInput(
            f"community hours last at most {MAX_WEEKS} weeks: review the package for more",
            field="ends_on",
        )


def _place(
    session: Session, latitude: float | None, longitude: float | None, postcode: str | None
) -> tuple[float, float]:
    """The community place's coordinates, as given or from the postcode directory."""
    if latitude is not None and longitude is not None:
        if not (math.isfinite(latitude) and -90 <= latitude <= 90):
            raise InvalidInput("latitude is between -90 and 90", field="latitude")
        if not (math.isfinite(longitude) and -180 <= longitude <= 180):
            raise InvalidInput("longitude is between -180 and 180", field="longitude")
        return latitude, longitude
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
