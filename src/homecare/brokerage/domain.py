"""Brokerage rules in pure Python: referral and offer vocabulary, offer deadlines."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from homecare.calendar import add_office_hours


class ReferralSource(StrEnum):
    SOCIAL_WORK = "social_work"
    HOSPITAL_DISCHARGE = "hospital_discharge"
    NHS_NEIGHBOURHOOD_TEAM = "nhs_neighbourhood_team"


class ReferralStatus(StrEnum):
    AWAITING_OFFER = "awaiting_offer"
    """No provider holds a live offer: nobody eligible, or the broker must act."""
    OFFERED = "offered"
    EXHAUSTED = "exhausted"
    """Every eligible provider declined or let the offer lapse."""
    PLACED = "placed"
    WITHDRAWN = "withdrawn"


NOT_PLACED = (ReferralStatus.AWAITING_OFFER, ReferralStatus.OFFERED, ReferralStatus.EXHAUSTED)


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class DeclineReason(StrEnum):
    NO_CAPACITY = "no_capacity"
    CANNOT_MEET_START_DATE = "cannot_meet_start_date"
    SKILLS_NOT_AVAILABLE = "skills_not_available"
    CANNOT_STAFF_VISIT_TIMES = "cannot_staff_visit_times"
    OUTSIDE_OPERATING_AREA = "outside_operating_area"
    OTHER = "other"


def response_deadline(
    offered_at: datetime,
    *,
    priority: bool,
    standard_hours: float,
    priority_hours: float,
    office_opens: time = time(8, 0),
    office_closes: time = time(20, 0),
) -> datetime:
    """When an unanswered offer lapses and the referral moves down the cascade.

    The clock runs only while provider offices are open, so nobody's offer lapses overnight.
    """
    hours = priority_hours if priority else standard_hours
    return add_office_hours(offered_at, hours, office_opens, office_closes)
