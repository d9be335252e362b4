"""The package lifecycle in pure Python: what a package may be, and how it moves between."""

from __future__ import annotations

from enum import StrEnum

from homecare.errors import Conflict


class PackageStatus(StrEnum):
    ACTIVE = "active"
    IN_HOSPITAL = "in_hospital"
    """Visits suspended while the person is in hospital."""
    AWAITING_REVIEW = "awaiting_review"
    """Home from hospital; visits held until the after-hospital review."""


class PackageEvent(StrEnum):
    ADMITTED = "admitted"
    RESUMED = "resumed"
    HELD_FOR_REVIEW = "held_for_review"
    REVIEWED = "reviewed"


SCHEDULED_PACKAGE_STATUSES = (
    PackageStatus.ACTIVE.value,
    PackageStatus.IN_HOSPITAL.value,
    PackageStatus.AWAITING_REVIEW.value,
)
"""Packages whose visits are scheduled, suspended ones included (their visits are marked)."""
SUSPENDED_PACKAGE_STATUSES = frozenset(
    {PackageStatus.IN_HOSPITAL.value, PackageStatus.AWAITING_REVIEW.value}
)
"""Packages whose new visits are generated already suspended."""
ADMITTABLE = (PackageStatus.ACTIVE.value, PackageStatus.AWAITING_REVIEW.value)
"""A person may go into hospital again before their after-hospital review."""

TRANSITIONS: dict[tuple[PackageStatus, PackageEvent], PackageStatus] = {
    (PackageStatus.ACTIVE, PackageEvent.ADMITTED): PackageStatus.IN_HOSPITAL,
    (PackageStatus.AWAITING_REVIEW, PackageEvent.ADMITTED): PackageStatus.IN_HOSPITAL,
    (PackageStatus.IN_HOSPITAL, PackageEvent.RESUMED): PackageStatus.ACTIVE,
    (PackageStatus.IN_HOSPITAL, PackageEvent.HELD_FOR_REVIEW): PackageStatus.AWAITING_REVIEW,
    (PackageStatus.AWAITING_REVIEW, PackageEvent.REVIEWED): PackageStatus.ACTIVE,
}


def next_status(current: str, event: PackageEvent) -> PackageStatus:
    """The status a package moves to on an event; anything else is a conflict."""
    moved = TRANSITIONS.get((PackageStatus(current), event))
    if moved is None:
        now = current.replace("_", " ")
        raise Conflict(f"a package that is {now} cannot be {event.value.replace('_', ' ')}")
    return moved
