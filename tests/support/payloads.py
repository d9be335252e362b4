"""Request bodies used across the API tests."""

from __future__ import annotations

from typing import Any

from tests.support.world import ARMLEY_POSTCODE

VALID_NHS_NUMBERS = ["9990000018", "9990000026", "9990000034", "9990000042", "9990000050"]
OUTSIDE_EVERY_ZONE_POSTCODE = "LS12 5DP"  # Farnley & Wortley, LSOA E01011728: no zone
EMPTY_ZONE_POSTCODE = "LS13 2BR"  # Bramley zone: no contracts


def person(
    nhs_number: str = VALID_NHS_NUMBERS[0], postcode: str = ARMLEY_POSTCODE, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nhs_number": nhs_number,
        "given_name": "Margaret",
        "family_name": "Holroyd",
        "date_of_birth": "1938-04-12",
        "address": "14 Town Street, Armley, Leeds",
        "postcode": postcode,
        "languages": ["English"],
    }
    body.update(extra)
    return body


def referral(person_id: int, **extra: Any) -> dict[str, Any]:
    """Four calls a day on weekdays, morning and bed two-handed on Monday: 12.5 carer hours."""
    visits = [
        {"day": day, "band": band, "minutes": minutes}
        for day in ("mon", "tue", "wed", "thu", "fri")
        for band, minutes in (("morning", 45), ("lunch", 30), ("tea", 30), ("bed", 30))
    ]
    body: dict[str, Any] = {
        "person_id": person_id,
        "source": "social_work",
        "priority": False,
        "lot": 1,
        "weekly_hours": 12.5,
        "visits": visits,
        "two_handed": ["mon-morning", "mon-bed"],
        "outcomes_sought": ["Get up and dressed each morning", "Go to the lunch club on Fridays"],
        "required_start": "2026-10-06",
    }
    body.update(extra)
    return body
