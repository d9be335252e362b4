"""Provider-led change rules without a database: parameters, scaling, reversal, consent."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.changes.domain import (
    MIN_VISIT_MINUTES,
    ChangeStatus,
    Impact,
    Slot,
    consent_relationship,
    impact_of,
    least_weekly_minutes,
    restore,
    scale_pattern,
    snapshot,
    weekly_minutes,
    with_minutes,
    within_parameters,
)
from homecare.changes.patterns import carried_over, check_pattern, scale_to, scaled
from homecare.errors import InvalidInput
from homecare.pattern import (
    FIFTEEN_NEEDS_SECOND_CARER,
    SHORT_NEEDS_REQUEST,
    Day,
    PlannedVisit,
    TimeBand,
    VisitKind,
)
from homecare.units import minute_pence, pounds_from_minute_pence

DAILY = [Slot(i, 30, 1) for i in range(1, 15)]
"""Morning and bed calls every day, 30 minutes each: 14 × 30 = 420 carer-minutes (7 h)."""


def test_a_change_up_to_the_contract_limits_is_within_parameters() -> None:
    # 420 minutes ± 20%: from 336 (420 × 0.8) to 504 (420 × 1.2), both ends included.
    assert within_parameters(420, 504, up_percent=20, down_percent=20)
    assert within_parameters(420, 336, up_percent=20, down_percent=20)
    assert not within_parameters(420, 505, up_percent=20, down_percent=20)
    assert not within_parameters(420, 335, up_percent=20, down_percent=20)


def test_the_up_and_down_limits_are_separate() -> None:
    # 10% up allows 462 at most; 30% down allows 294 at least.
    assert within_parameters(420, 462, up_percent=10, down_percent=30)
    assert not within_parameters(420, 463, up_percent=10, down_percent=30)
    assert within_parameters(420, 294, up_percent=10, down_percent=30)
    assert not within_parameters(420, 293, up_percent=10, down_percent=30)


def test_scaling_up_spreads_the_extra_minutes_in_five_minute_steps() -> None:
    # 420 → 480: each visit's exact share is 30 × 480/420 = 34.29; all round down to 30
    # (420), and the 60 minutes left go 5 at a time to the first 12 visits: 12 × 35 + 2 × 30.
    scaled = scale_pattern(DAILY, 480)

    assert sorted(scaled.values()) == [30, 30] + [35] * 12
    assert [scaled[i] for i in (1, 12, 13, 14)] == [35, 35, 30, 30]
    assert weekly_minutes(with_minutes(DAILY, scaled)) == 480


def test_scaling_down_keeps_the_proportions() -> None:
    # 420 → 360: exact share 25.71 each; 14 × 25 = 350, the 10 left go to two visits.
    scaled = scale_pattern(DAILY, 360)

    assert sorted(scaled.values()) == [25] * 12 + [30, 30]
    assert weekly_minutes(with_minutes(DAILY, scaled)) == 360


def test_a_two_handed_visit_moves_in_steps_of_ten_carer_minutes() -> None:
    # Morning 45 × 1 carer and bed 30 × 2 carers = 105 carer-minutes; +20% → 126.
    # Exact shares 54 and 36 → 50 and 35 (50 + 70 = 120); 6 left: the morning visit has the
    # bigger remainder (4 against 1) and takes 5 → 55. Bed would need 10 and only 1 is left.
    pattern = [Slot(1, 45, 1), Slot(2, 30, 2)]

    assert scale_pattern(pattern, 126) == {1: 55, 2: 35}


def test_no_visit_is_scaled_below_fifteen_minutes() -> None:
    # 20 + 60 = 80 → 64: shares 16 and 48 → 15 and 45 (60); the 4 left is under a step.
    assert scale_pattern([Slot(1, 20, 1), Slot(2, 60, 1)], 64) == {1: 15, 2: 45}
    # 15 + 45 = 60 → 48: the 12-minute share is held at 15, so the other visit shares the
    # 33 left: 33 → 30 (45 in all; the 3 left is under a step, and never over the target).
    assert scale_pattern([Slot(1, 15, 1), Slot(2, 45, 1)], 48) == {1: 15, 2: 30}


def test_the_least_a_pattern_can_shrink_to_counts_every_carer() -> None:
    # Seven single mornings and seven two-handed beds: 7 × 15 + 7 × 15 × 2 = 315.
    pattern = [Slot(i, 30, 1) for i in range(7)] + [Slot(i, 30, 2) for i in range(7, 14)]

    assert least_weekly_minutes(pattern) == 315


def test_reversing_restores_the_exact_minutes_even_when_they_were_not_fives() -> None:
    original = [Slot(1, 33, 1), Slot(2, 47, 2)]
    previous = snapshot(original)
    changed = with_minutes(original, scale_pattern(original, 150))

    assert previous == {"1": 33, "2": 47}
    assert restore(previous, changed) == {1: 33, 2: 47}


def test_an_unchanged_target_leaves_the_pattern_alone() -> None:
    assert scale_pattern([Slot(1, 33, 1)], 33) == {1: 33}


slots = st.lists(
    st.builds(Slot, id=st.just(0), minutes=st.integers(15, 240), carers=st.integers(1, 2)),
    min_size=1,
    max_size=28,
).map(lambda xs: [Slot(i, s.minutes, s.carers) for i, s in enumerate(xs, start=1)])


@given(pattern=slots, data=st.data())
def test_scaling_then_reversing_restores_the_pattern_exactly(
    pattern: list[Slot], data: st.DataObject
) -> None:
    current = weekly_minutes(pattern)
    target = data.draw(st.integers(least_weekly_minutes(pattern), current * 2), label="target")
    previous = snapshot(pattern)

    changed = with_minutes(pattern, scale_pattern(pattern, target))
    again = with_minutes(changed, scale_pattern(changed, target))  # an amendment on top

    assert with_minutes(again, restore(previous, again)) == pattern


@given(pattern=slots, data=st.data())
def test_scaled_visits_are_fives_near_their_share_and_sum_just_under_the_target(
    pattern: list[Slot], data: st.DataObject
) -> None:
    current = weekly_minutes(pattern)
    target = data.draw(st.integers(least_weekly_minutes(pattern), current * 2), label="target")
    if target == current:
        return
    scaled = scale_pattern(pattern, target)

    floored = False
    for slot in pattern:
        share = Fraction(slot.minutes * target, current)
        assert scaled[slot.id] % 5 == 0
        assert scaled[slot.id] >= MIN_VISIT_MINUTES
        if share < MIN_VISIT_MINUTES:
            floored = True
            assert scaled[slot.id] == MIN_VISIT_MINUTES
    if not floored:
        for slot in pattern:
            share = Fraction(slot.minutes * target, current)
            assert abs(scaled[slot.id] - share) < 5
    # A visit held at its floor leaves the rest of the target to the others, so the week
    # still comes to just under the target, never over it.
    shortfall = target - weekly_minutes(with_minutes(pattern, scaled))
    assert 0 <= shortfall < 5 * max(s.carers for s in pattern)


def test_someone_with_capacity_consents_for_themselves() -> None:
    assert (
        consent_relationship(
            person_name="Margaret Holroyd",
            named_consenter=None,
            given_name="Margaret Holroyd",
            given_relationship="Self",
        )
        == "self"
    )


def test_consent_is_required() -> None:
    with pytest.raises(InvalidInput) as refused:
        consent_relationship(
            person_name="Margaret Holroyd",
            named_consenter=None,
            given_name=None,
            given_relationship=None,
        )
    assert refused.value.field == "consent_by_name"


def test_family_cannot_consent_for_someone_who_consents_for_themselves() -> None:
    with pytest.raises(InvalidInput) as refused:
        consent_relationship(
            person_name="Margaret Holroyd",
            named_consenter=None,
            given_name="Susan Holroyd",
            given_relationship="daughter",
        )
    assert refused.value.field == "consent_by_name"
    assert "consents for themselves" in refused.value.message


def test_only_the_named_consenter_may_consent_for_someone_lacking_capacity() -> None:
    with pytest.raises(InvalidInput) as refused:
        consent_relationship(
            person_name="Margaret Holroyd",
            named_consenter="Susan Holroyd",
            given_name="Peter Holroyd",
            given_relationship="son",
        )
    assert refused.value.field == "consent_by_name"
    assert "only Susan Holroyd may consent" in refused.value.message

    assert (
        consent_relationship(
            person_name="Margaret Holroyd",
            named_consenter="Susan Holroyd",
            given_name="  susan   HOLROYD ",
            given_relationship="daughter",
        )
        == "daughter"
    )


def test_the_named_consenter_is_not_the_person_themselves() -> None:
    with pytest.raises(InvalidInput) as refused:
        consent_relationship(
            person_name="Margaret Holroyd",
            named_consenter="Susan Holroyd",
            given_name="Susan Holroyd",
            given_relationship="self",
        )
    assert refused.value.field == "consent_by_relationship"


def test_the_impact_of_a_change_follows_its_decision() -> None:
    # 420 → 480 proposed (+60); the package carries 480 while on trial.
    common = {"from_minutes": 420, "to_minutes": 480, "package_minutes": 480}
    trial = impact_of(status=ChangeStatus.IN_TRIAL, decided_minutes=None, **common)
    amended = impact_of(status=ChangeStatus.AMENDED, decided_minutes=450, **common)
    reversed_ = impact_of(status=ChangeStatus.REVERSED, decided_minutes=420, **common)
    waiting = impact_of(
        status=ChangeStatus.AWAITING_SOCIAL_WORKER,
        decided_minutes=None,
        from_minutes=420,
        to_minutes=600,
        package_minutes=420,
    )

    assert trial == Impact(proposed=60, decided=None, in_effect=60)
    assert amended == Impact(proposed=60, decided=30, in_effect=30)
    assert reversed_ == Impact(proposed=60, decided=0, in_effect=0)
    assert waiting == Impact(proposed=180, decided=None, in_effect=0)


def test_weekly_pounds_are_hours_at_the_package_rate() -> None:
    # One hour a week more at £26.22 an hour is £26.22 a week; 50 minutes less is −£21.85.
    assert pounds_from_minute_pence(minute_pence(60, 2622)) == Decimal("26.22")
    assert pounds_from_minute_pence(minute_pence(-50, 2622)) == Decimal("-21.85")
    # Summing minute-pence first keeps totals exact: 3 × 10 minutes at £26.22 = £13.11.
    assert pounds_from_minute_pence(3 * minute_pence(10, 2622)) == Decimal("13.11")


# --- the visit rules a change keeps: short calls and whole nights -------------------------

MORNING = PlannedVisit(Day.MON, TimeBand.MORNING, 30, 1)
SLEEP_IN = PlannedVisit(Day.MON, TimeBand.NIGHT, 600, 1, kind=VisitKind.SLEEP_IN)


BED = TimeBand.BED


def _week(*, short_requested: bool = False) -> list[PlannedVisit]:
    """Morning and bed calls of 30 minutes every day: 14 visits, 420 minutes."""
    return [
        PlannedVisit(d, b, 30, 1, short_requested=short_requested)
        for d in Day
        for b in (TimeBand.MORNING, BED)
    ]


def test_a_change_to_a_fifteen_minute_single_carer_call_is_refused() -> None:
    # 15 minutes is only for a second carer joining a two-handed visit.
    with pytest.raises(InvalidInput) as refused:
        check_pattern([MORNING, replace(MORNING, band=BED, minutes=15, short_requested=True)])

    assert refused.value.field == "visits.1.minutes"
    assert refused.value.message == FIFTEEN_NEEDS_SECOND_CARER
    assert check_pattern([replace(MORNING, minutes=15, carers=2, short_requested=True)])


def test_a_change_to_an_unrequested_twenty_five_minute_call_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_pattern([replace(MORNING, minutes=25)])

    assert refused.value.field == "visits.0.minutes"
    assert refused.value.message == SHORT_NEEDS_REQUEST


def test_a_twenty_five_minute_call_the_person_asked_for_is_allowed_and_kept() -> None:
    asked = replace(MORNING, minutes=25, short_requested=True)

    assert check_pattern([asked]) == [asked]
    # A form or an older client sends the visit plain; it keeps the request on record.
    assert carried_over([asked], [replace(MORNING, minutes=20)]) == [replace(asked, minutes=20)]


def test_scaling_keeps_a_night_sitting_whole_and_scales_the_care_calls() -> None:
    # 14 calls × 30 = 420 plus a 600-minute sleep-in: 1020. To 1090: the sleep-in keeps
    # its 600, so the calls share 490, exactly 35 each (14 × 35 = 490).
    pattern = [*_week(), SLEEP_IN]

    result = scale_to(pattern, 1090, field="to_weekly_minutes", package_id=1)

    assert result[-1] == SLEEP_IN
    assert {v.minutes for v in result[:-1]} == {35}
    assert sum(v.carer_minutes for v in result) == 1090


def test_a_new_total_no_more_than_the_nights_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        scale_to([MORNING, SLEEP_IN], 600, field="weekly_minutes", package_id=1)

    assert refused.value.field == "weekly_minutes"
    assert "keep their whole nights, 10 hours of carers' time a week" in refused.value.message


def test_scaling_holds_an_unrequested_call_at_thirty_and_shares_the_rest() -> None:
    # 7 mornings of 30 and 7 lunches of 60: 630 → 560. The mornings' share, 30 × 560/630 =
    # 26.67, is under 30, so they stay at 30 (210); the lunches share the 350 left: 50 each.
    pattern = [
        *(replace(MORNING, day=d) for d in Day),
        *(PlannedVisit(d, TimeBand.LUNCH, 60, 1) for d in Day),
    ]

    result = scaled(pattern, 560)

    assert [v.minutes for v in result] == [30] * 7 + [50] * 7


def test_calls_the_person_asked_to_be_shorter_may_be_scaled_under_thirty() -> None:
    # 420 → 360: share 25.71 each → 25 (350), the 10 left make two of them 30.
    result = scaled(_week(short_requested=True), 360)

    assert sorted(v.minutes for v in result) == [25] * 12 + [30] * 2
    assert all(v.short_requested for v in result)


def test_a_total_the_unrequested_calls_cannot_shrink_to_is_refused_in_hours() -> None:
    # 14 calls none asked to be shorter stay at 30 at the least: 7 hours a week.
    with pytest.raises(InvalidInput) as refused:
        scale_to(_week(), 400, field="to_weekly_minutes", package_id=1)

    assert refused.value.field == "to_weekly_minutes"
    assert "needs at least 7 hours of carers' time a week" in refused.value.message


def test_a_call_agreed_short_before_the_rule_keeps_its_length_when_the_week_is_scaled() -> None:
    # Monday morning 25 (unrequested, from before the rule) and bed 60: 85 → 90. Shares
    # 26.47 → 25 and 63.53 → 60; the 5 left go to bed (the larger remainder): 25 and 65.
    # The 25 stands as agreed: scaling neither shortens it nor lengthens it unasked.
    pattern = [replace(MORNING, minutes=25), PlannedVisit(Day.MON, BED, 60, 1)]

    result = scale_to(pattern, 90, field="to_weekly_minutes", package_id=1)

    assert [v.minutes for v in result] == [25, 65]


def test_a_call_agreed_short_before_the_rule_stands_but_a_new_short_call_is_refused() -> None:
    # The package has Monday morning 25 minutes, unrequested (agreed before the rule). A
    # change that keeps it and adds a 20-minute Tuesday morning: the 25 stands, the new
    # 20 is refused on its own field, visits.1.minutes.
    current = [replace(MORNING, minutes=25)]
    proposed = [replace(MORNING, minutes=25), replace(MORNING, day=Day.TUE, minutes=20)]

    assert check_pattern(current, current) == current
    with pytest.raises(InvalidInput) as refused:
        check_pattern(proposed, current)

    assert refused.value.field == "visits.1.minutes"
