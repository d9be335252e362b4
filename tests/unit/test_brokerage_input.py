"""What a referral and an answer to an offer may hold: weekly hours, two-handed visits,
decline reasons.

The referral is the one the API tests send (tests/support/payloads.py): four calls a day
on weekdays, a 45-minute morning and three half-hour calls, with Monday's morning and bed
calls two-handed. Its pattern is checked here as the referral service checks it; the
HTTP tests (tests/integration/test_bad_input_api.py) keep one refusal of each kind.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from homecare.brokerage.schemas import DeclineOffer, ReferralCreate
from homecare.errors import InvalidInput
from homecare.pattern import PlannedVisit, build_pattern, check_weekly_hours
from tests.support import payloads


def _referral(**extra: Any) -> ReferralCreate:
    return ReferralCreate.model_validate(payloads.referral(1, **extra))


def _pattern(referral: ReferralCreate) -> list[PlannedVisit]:
    """As the referral service builds it from the request."""
    return build_pattern([(v.day, v.band, v.minutes) for v in referral.visits], referral.two_handed)


def _schema_refuses(model: type[BaseModel], body: Any, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body)
    locations = [error["loc"] for error in refused.value.errors()]
    assert any(field in loc for loc in locations), locations


# --- weekly hours ------------------------------------------------------------------------


def test_the_test_referral_adds_up_to_twelve_and_a_half_carer_hours() -> None:
    # 5 days x (45 + 30 + 30 + 30) = 675 minutes, and Monday's 45 + 30 again for the second
    # carer: 750 carer-minutes, 12.5 hours.
    assert check_weekly_hours(None, _pattern(_referral())) == 750


@pytest.mark.parametrize("weekly_hours", [-12.5, -0.25, 0, 168.01, 169, 1000])
def test_weekly_hours_of_zero_or_less_or_over_a_week_are_refused(weekly_hours: float) -> None:
    referral = _referral(weekly_hours=weekly_hours)

    with pytest.raises(InvalidInput) as refused:
        check_weekly_hours(referral.weekly_hours, _pattern(referral))

    assert refused.value.field == "weekly_hours"


@pytest.mark.parametrize("weekly_hours", [12.0, 12.76, 13.0, 20, 2.5])
def test_weekly_hours_more_than_a_quarter_hour_from_the_pattern_are_refused_naming_its_hours(
    weekly_hours: float,
) -> None:
    # 12.0 is 30 minutes short of 750 and 12.76 is 15.6 minutes over: both beyond 15.
    referral = _referral(weekly_hours=weekly_hours)

    with pytest.raises(InvalidInput) as refused:
        check_weekly_hours(referral.weekly_hours, _pattern(referral))

    assert refused.value.field == "weekly_hours"
    assert "12.5" in refused.value.message


@pytest.mark.parametrize("weekly_hours", [12.25, 12.75, None])
def test_weekly_hours_within_a_quarter_hour_of_the_pattern_or_left_out_give_the_patterns_hours(
    weekly_hours: float | None,
) -> None:
    referral = _referral(weekly_hours=weekly_hours)

    assert check_weekly_hours(referral.weekly_hours, _pattern(referral)) == 750


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_weekly_hours_that_are_not_a_finite_number_fail_the_schema_on_weekly_hours(
    value: str,
) -> None:
    # The body as the API reads it: JSON that Python's parser turns into a float.
    text = json.dumps(payloads.referral(1, weekly_hours=12.5))
    text = text.replace('"weekly_hours": 12.5', f'"weekly_hours": {value}')

    _schema_refuses(ReferralCreate, json.loads(text), "weekly_hours")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_weekly_hours_that_are_not_a_finite_number_are_refused_by_the_rule_as_well(
    value: float,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_weekly_hours(value, _pattern(_referral()))

    assert refused.value.field == "weekly_hours"


# --- two-handed visits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("two_handed", "field"),
    [
        (["sun-morning"], "two_handed.0"),
        (["mon-morning", "sat-bed"], "two_handed.1"),
        (["mon-breakfast"], "two_handed.0"),
    ],
    ids=["a-day-without-visits", "the-second-flag", "a-band-that-does-not-exist"],
)
def test_a_two_handed_flag_on_a_visit_that_is_not_in_the_pattern_is_refused_naming_the_flag(
    two_handed: list[str], field: str
) -> None:
    referral = _referral(two_handed=two_handed, weekly_hours=None)

    with pytest.raises(InvalidInput) as refused:
        _pattern(referral)

    assert refused.value.field == field


# --- answering an offer ------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["too_busy", "NO_CAPACITY", ""])
def test_a_decline_with_an_unknown_reason_code_fails_the_schema_on_the_reason(
    reason: str,
) -> None:
    _schema_refuses(DeclineOffer, {"reason": reason}, "reason")
