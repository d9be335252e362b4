"""Hospital stays in pure Python: what an admission and a discharge must say.

The provider tells the council's trusted assessors about an admission at once so they can
plan a timely discharge (004 §3.1.6); the subject line is all they see in their list, so
it says who, where, since when and how much care is on hold.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from homecare.calendar import LONDON
from homecare.errors import InvalidInput

TRUSTED_ASSESSORS = "trusted_assessors"
SUBJECT_LENGTH = 300


class DischargeDecision(StrEnum):
    RESUME = "resume"
    """The visits start again from the discharge."""
    REVIEW = "review"
    """The visits wait for an after-hospital review within three working days."""


def when(moment: datetime) -> str:
    """A moment as people in the council read it: 'Mon 3 Feb 2025 at 09:30', London time."""
    local = moment.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %Y} at {local:%H:%M}"


def check_moment(moment: datetime, at: datetime, field: str, what: str) -> None:
    """Stays are recorded after the fact, in a known timezone, or the hours freed are wrong."""
    if moment.tzinfo is None:
        raise InvalidInput(f"give {field} with a timezone", field=field)
    if moment > at:
        raise InvalidInput(f"record the {what} once it has happened", field=field)


def parse_decision(value: str) -> DischargeDecision:
    try:
        return DischargeDecision(value)
    except ValueError:
        raise InvalidInput("decide resume or review", field="decision") from None


def check_discharge(admitted_at: datetime, discharged_at: datetime) -> None:
    if discharged_at < admitted_at:
        raise InvalidInput(
            f"the discharge is before the admission on {when(admitted_at)}",
            field="discharged_at",
        )


def admission_subject(
    *, person: str, provider: str, hospital: str, admitted_at: datetime, visits: int, minutes: int
) -> str:
    """The plain-English line the trusted assessors read in their list."""
    carer_hours = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    text = (
        f"{person} was admitted to {hospital} on {when(admitted_at)}. {provider} has "
        f"suspended {visits} planned visit{'s' if visits != 1 else ''} ({carer_hours} carer "
        "hours) and is ready to plan the discharge with you."
    )
    return text if len(text) <= SUBJECT_LENGTH else text[: SUBJECT_LENGTH - 1] + "…"
