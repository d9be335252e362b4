"""Brokerage rules in pure Python: referral and offer vocabulary, offer deadlines, and
the delegated tasks a referral may name and a provider's staff must be trained for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from enum import StrEnum

from homecare.calendar import add_office_hours
from homecare.pattern import task_words


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


def task_fault(task: str, lot_number: int, lot_name: str, lot_tasks: list[str]) -> str | None:
    """Why a visit may not name this delegated task, or None: only the lot's own tasks
    (its required skills) can be delegated under it."""
    if task in lot_tasks:
        return None
    listed = ", ".join(task_words(t) for t in lot_tasks) or "none"
    return (
        f"{task_words(task).capitalize()} is not a delegated task of Lot {lot_number} "
        f"({lot_name}); its tasks are: {listed}"
    )


def needed_skills(lot_skills: Iterable[str], tasks: Iterable[str | None]) -> list[str]:
    """What a provider's staff must hold between them: the lot's skills and every task
    the referral's visits name, each once, in the order first named."""
    return list(dict.fromkeys([*lot_skills, *(t for t in tasks if t)]))


def missing_skills(needed: Iterable[str], held: Iterable[Iterable[str]]) -> list[str]:
    """The needed skills no care worker holds: each worker's skills pooled, since one
    trained carer can lead a delegated task on a visit."""
    pooled = {skill for worker in held for skill in worker}
    return [skill for skill in dict.fromkeys(needed) if skill not in pooled]


def skills_reason(missing: list[str]) -> str:
    """'no care worker trained for catheter care or stoma care', as the cascade says it."""
    words = [task_words(s) for s in missing]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"no care worker trained for {listed}"
