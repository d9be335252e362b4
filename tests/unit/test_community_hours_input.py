"""What a request for community hours may hold: minutes, a day, a band, a place, dates.

The schema refuses these before any rule runs; tests/integration/test_community_hours_api.py
keeps one such refusal over HTTP to prove the 422 and that nothing is written. The body
is the API tests' Wednesday lunch club, an hour and a half a week.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from homecare.community.schemas import CommunityHoursCreate


def _body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "purpose": "Go to the Armley lunch club on her own",
        "place_name": "Armley Lunch Club",
        "postcode": "LS12 1AU",
        "day": "wed",
        "band": "lunch",
        "minutes": 90,
        "starts_on": "2026-10-05",
        "ends_on": "2026-11-11",
    }
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def test_the_lunch_club_passes_the_schema() -> None:
    CommunityHoursCreate.model_validate(_body())


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"minutes": 10}, "minutes"),  # under 15
        ({"minutes": 90.5}, "minutes"),  # not whole
        ({"day": "someday"}, "day"),
        ({"band": "midnight"}, "band"),
        ({"latitude": 40.0, "longitude": -1.5, "postcode": None}, "latitude"),  # not in Britain
        ({"starts_on": "soon"}, "starts_on"),
    ],
)
def test_malformed_community_hours_fail_the_schema_naming_the_field(
    extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        CommunityHoursCreate.model_validate(_body(**extra))

    locations = [error["loc"] for error in refused.value.errors()]
    assert any(field in loc for loc in locations), locations
