"""The package lifecycle: which moves a package may make, and which it may not."""

from __future__ import annotations

import pytest

from homecare.errors import Conflict
from homecare.packages.domain import (
    ADMITTABLE,
    SCHEDULED_PACKAGE_STATUSES,
    SUSPENDED_PACKAGE_STATUSES,
    TRANSITIONS,
    PackageEvent,
    PackageStatus,
    next_status,
)


def test_an_admission_suspends_an_active_package() -> None:
    assert next_status("active", PackageEvent.ADMITTED) is PackageStatus.IN_HOSPITAL


def test_a_person_readmitted_before_their_review_goes_back_into_hospital() -> None:
    assert next_status("awaiting_review", PackageEvent.ADMITTED) is PackageStatus.IN_HOSPITAL


def test_a_discharge_either_resumes_care_or_holds_it_for_a_review() -> None:
    assert next_status("in_hospital", PackageEvent.RESUMED) is PackageStatus.ACTIVE
    assert next_status("in_hospital", PackageEvent.HELD_FOR_REVIEW) is (
        PackageStatus.AWAITING_REVIEW
    )


def test_the_after_hospital_review_makes_the_package_active_again() -> None:
    assert next_status("awaiting_review", PackageEvent.REVIEWED) is PackageStatus.ACTIVE


@pytest.mark.parametrize(
    ("status", "event"),
    [
        ("in_hospital", PackageEvent.ADMITTED),
        ("active", PackageEvent.RESUMED),
        ("active", PackageEvent.REVIEWED),
        ("awaiting_review", PackageEvent.RESUMED),
    ],
)
def test_a_move_the_lifecycle_does_not_allow_is_a_conflict(
    status: str, event: PackageEvent
) -> None:
    with pytest.raises(Conflict) as refused:
        next_status(status, event)

    assert status.replace("_", " ") in refused.value.message


def test_every_status_a_package_can_reach_has_its_visits_scheduled_until_it_ends() -> None:
    reachable = {moved.value for moved in TRANSITIONS.values()}

    assert reachable - {"ended"} <= set(SCHEDULED_PACKAGE_STATUSES)
    assert "ended" not in SCHEDULED_PACKAGE_STATUSES
    # Ended is the end: no event moves a package out of it.
    assert not [event for (status, event) in TRANSITIONS if status.value == "ended"]


def test_suspended_packages_are_those_a_hospital_stay_put_on_hold() -> None:
    assert {"in_hospital", "awaiting_review"} == SUSPENDED_PACKAGE_STATUSES
    assert set(ADMITTABLE) == {"active", "awaiting_review"}
