"""What a request to open an envelope of time, or to bank or draw minutes, may hold.

The schema refuses these before any rule runs; tests/integration/test_time_bank_api.py
keeps one such refusal per route over HTTP to prove the 422 and that nothing is written.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from homecare.timebank.schemas import EnvelopeOpen, TimeBankMove


def _schema_refuses(model: type[BaseModel], body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body)
    locations = [error["loc"] for error in refused.value.errors()]
    assert any(field in loc for loc in locations), locations


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"period_weeks": 0}, "period_weeks"),
        ({"carry_over_share": 1.5}, "carry_over_share"),
        ({"minutes_per_period": -60}, "minutes_per_period"),
        ({"overdraft_minutes": "an hour"}, "overdraft_minutes"),
    ],
)
def test_impossible_envelope_terms_fail_the_schema_naming_the_term(
    terms: dict[str, Any], field: str
) -> None:
    _schema_refuses(EnvelopeOpen, {"starts_on": "2026-10-05", **terms}, field)


def test_the_envelope_terms_the_api_tests_use_pass_the_schema() -> None:
    EnvelopeOpen.model_validate({"starts_on": "2026-10-05"})
    EnvelopeOpen.model_validate({"starts_on": "2026-10-05", "minutes_per_period": 120})


@pytest.mark.parametrize("minutes", [0, -30, 1.5, "ten", True, None, 10**9])
def test_minutes_that_are_not_a_positive_whole_number_fail_the_schema(minutes: Any) -> None:
    _schema_refuses(TimeBankMove, {"minutes": minutes}, "minutes")


def test_a_move_without_minutes_fails_the_schema_on_the_minutes() -> None:
    _schema_refuses(TimeBankMove, {"note": "hello"}, "minutes")


def test_a_positive_whole_number_of_minutes_with_a_note_passes_the_schema() -> None:
    move = TimeBankMove.model_validate({"minutes": 90, "note": "My daughter is visiting"})

    assert (move.minutes, move.note) == (90, "My daughter is visiting")
