"""Community hours in pure Python: what an uplift may be, and how it ends.

The contract lets the care worker go with a person to, say, a lunch club until they have
the confidence to go themselves (000 §10). An uplift therefore always has a purpose, a
place and an end: it is active between its dates (the visit generator plans its visits
only then), ends by itself once its last day has passed, and is closed when the provider
records how it went.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from enum import StrEnum

from homecare.errors import InvalidInput
from homecare.pattern import Day, TimeBand

MAX_WEEKS = 12
"""An introduction, not a permanent increase: longer needs a review of the package."""
MIN_MINUTES, MAX_MINUTES = 15, 240


class Outcome(StrEnum):
    GOES_INDEPENDENTLY = "goes_independently"
    GOES_WITH_SUPPORT = "goes_with_support"
    DID_NOT_CONTINUE = "did_not_continue"


def check_words(**values: str) -> None:
    """Purpose and place are what make an uplift an introduction, so neither may be blank."""
    for field, value in values.items():
        if not value.strip():
            raise InvalidInput(f"{field.replace('_', ' ')} is required", field=field)


def check_slot(day: str, band: str, minutes: int) -> None:
    """The weekly visit the uplift adds must fit the pattern's days and time bands."""
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


def check_dates(package_starts_on: date, starts_on: date, ends_on: date, today: date) -> None:
    """Starts no earlier than today and the package; ends after it starts, within 12 weeks."""
    earliest = max(today, package_starts_on)
    if starts_on < earliest:
        raise InvalidInput(
            f"community hours start on or after {earliest.isoformat()}", field="starts_on"
        )
    if ends_on <= starts_on:
        raise InvalidInput("community hours end after they start", field="ends_on")
    if ends_on - starts_on > timedelta(weeks=MAX_WEEKS):
        raise InvalidInput(
            f"community hours last at most {MAX_WEEKS} weeks: review the package for more",
            field="ends_on",
        )


def check_coordinates(latitude: float, longitude: float) -> tuple[float, float]:
    """Coordinates given by hand are checked, since the visit planner travels to them."""
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise InvalidInput("latitude is between -90 and 90", field="latitude")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise InvalidInput("longitude is between -180 and 180", field="longitude")
    return latitude, longitude


def parse_outcome(value: str) -> Outcome:
    """The outcome as recorded, or a 422 that lists the outcomes there are."""
    try:
        return Outcome(value)
    except ValueError:
        known = ", ".join(o.value for o in Outcome)
        raise InvalidInput(f"the outcome is one of {known}", field="outcome") from None
