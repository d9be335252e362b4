"""Payment rules: each rule on one visit, with the amount worked out by hand in a comment.

Pence are minutes × hourly pence ÷ 60, rounded half up once for each line.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from homecare.calendar import LONDON
from homecare.delivery.outcomes import VisitStatus
from homecare.errors import InvalidInput
from homecare.money.enhancements import (
    DISCHARGE_FUNDING,
    FUEL_GRANT_FUNDING,
    Enhancement,
    EnhancementKind,
    fuel_grant,
    wharfedale_uplift,
    winter_on_par,
)
from homecare.money.envelopes import pay_banked_draw, pay_envelope, pay_hospital_days
from homecare.money.payment_rules import (
    ExceptionReason,
    PaidVisit,
    PaymentException,
    PaymentRules,
    VisitToPay,
    on_bank_holiday,
    pay_visit,
    round_minutes,
)
from homecare.money.payment_terms import (
    Basis,
    CommunityHours,
    EnvelopeBasis,
    Rounding,
    SecondCarer,
)

LEEDS_RATE = 2622  # £26.22 (000 §26)
LEICESTER_RATE = 2031  # £20.31, the highest Lot 1 rate (001)
TUESDAY = date(2026, 12, 1)


def a_visit(**changes: Any) -> VisitToPay:
    day = changes.pop("day", TUESDAY)
    at = changes.pop("at", time(8, 0))
    base = VisitToPay(
        visit_id=1,
        package_id=10,
        day=day,
        starts_at=datetime.combine(day, at, LONDON),
        planned_minutes=30,
        carers=1,
        status=VisitStatus.COMPLETED,
        hourly_rate_pence=LEEDS_RATE,
        actual_minutes=(30,),
    )
    return replace(base, **changes)


def by_the_minute(**changes: Any) -> PaymentRules:
    base = PaymentRules(
        basis=Basis.ACTUAL,
        billing_unit_minutes=1,
        rounding=Rounding.UP,
        second_carer=SecondCarer.IN_FULL,
        minimum_minutes=0,
    )
    return replace(base, **changes)


def paid(visit: VisitToPay, rules: PaymentRules, *extras: Enhancement) -> PaidVisit:
    result = pay_visit(visit, rules, extras)
    assert isinstance(result, PaidVisit), result
    return result


def held(visit: VisitToPay, rules: PaymentRules) -> PaymentException:
    result = pay_visit(visit, rules)
    assert isinstance(result, PaymentException), result
    return result


# Basis: planned, actual, actual within a tolerance of planned


def test_a_visit_paid_on_planned_minutes_ignores_the_actual_minutes() -> None:
    # 45 planned (38 actual) → 45 × 2622 ÷ 60 = 1966.5 → 1967p
    visit = a_visit(planned_minutes=45, actual_minutes=(38,))

    result = paid(visit, by_the_minute(basis=Basis.PLANNED))

    assert (result.payable_minutes, result.pence) == (45, 1967)


def test_a_visit_paid_on_actual_minutes_pays_what_call_monitoring_recorded() -> None:
    # 38 actual → 38 × 2622 ÷ 60 = 99636 ÷ 60 = 1660.6 → 1661p
    visit = a_visit(planned_minutes=45, actual_minutes=(38,))

    result = paid(visit, by_the_minute())

    assert (result.payable_minutes, result.pence) == (38, 1661)
    assert result.actual_minutes == 38


def test_actual_minutes_rounded_up_to_quarter_hours_say_so_in_words() -> None:
    # 38 actual → 45 (quarter hours, rounded up) × 2622 ÷ 60 = 1966.5 → 1967p
    visit = a_visit(planned_minutes=45, actual_minutes=(38,))

    result = paid(visit, by_the_minute(billing_unit_minutes=15))

    assert (result.payable_minutes, result.pence) == (45, 1967)
    assert "38 rounded up to 45 (quarter hours)" in result.decided_by
    assert result.decided_by.endswith("45 minutes × £26.22 an hour = £19.67")


@pytest.mark.parametrize(
    ("actual", "payable", "pence"),
    [
        (41, 45, 1967),  # 4 under, within 5 → planned 45 × 2622 ÷ 60 = 1966.5 → 1967p
        (40, 45, 1967),  # 5 under, still within 5 → planned 45 → 1967p
        (39, 39, 1704),  # 6 under → actual 39 × 2622 ÷ 60 = 1704.3 → 1704p
        (50, 45, 1967),  # over planned → paid as planned, 45 → 1967p
    ],
)
def test_actual_within_tolerance_pays_planned_when_close_and_actual_when_far_under(
    actual: int, payable: int, pence: int
) -> None:
    rules = by_the_minute(basis=Basis.ACTUAL_WITHIN_TOLERANCE, tolerance_minutes=5)

    result = paid(a_visit(planned_minutes=45, actual_minutes=(actual,)), rules)

    assert (result.payable_minutes, result.pence) == (payable, pence)


# Billing units and rounding


@pytest.mark.parametrize(
    ("minutes", "unit", "rounding", "expected"),
    [
        (38, 1, Rounding.UP, 38),
        (38, 15, Rounding.UP, 45),  # 2.53 quarter hours → 3
        (38, 15, Rounding.DOWN, 30),  # → 2
        (38, 15, Rounding.NEAREST, 45),  # 2.53 → 3
        (37, 15, Rounding.NEAREST, 30),  # 2.47 → 2
        (38, 30, Rounding.UP, 60),
        (38, 30, Rounding.DOWN, 30),
        (45, 30, Rounding.NEAREST, 60),  # exactly 1.5 half hours → 2 (half up)
        (44, 30, Rounding.NEAREST, 30),
        (38, 60, Rounding.UP, 60),
        (38, 60, Rounding.DOWN, 0),
        (30, 60, Rounding.NEAREST, 60),  # exactly half an hour → 1 hour (half up)
        (29, 60, Rounding.NEAREST, 0),
    ],
)
def test_minutes_round_to_each_billing_unit_by_the_contract_rounding(
    minutes: int, unit: int, rounding: Rounding, expected: int
) -> None:
    assert round_minutes(minutes, unit, rounding) == expected


def test_a_visit_billed_by_the_hour_is_paid_the_whole_hour_it_was_rounded_to() -> None:
    # 38 actual → 60 (hours, rounded up) × 2031 ÷ 60 = 2031p
    visit = a_visit(planned_minutes=45, actual_minutes=(38,), hourly_rate_pence=LEICESTER_RATE)

    result = paid(visit, by_the_minute(billing_unit_minutes=60))

    assert (result.payable_minutes, result.pence) == (60, 2031)


def test_a_billing_unit_that_is_not_a_minute_quarter_half_or_hour_is_refused() -> None:
    with pytest.raises(InvalidInput, match="quarter hour"):
        by_the_minute(billing_unit_minutes=20)


# The second carer of a double-up


def test_leicesters_second_carer_is_paid_fifteen_minutes() -> None:
    # First carer 58 actual, within 5 of 60 → 60 (half hours: 60); second carer 15 flat.
    # 75 × 2031 ÷ 60 = 152325 ÷ 60 = 2538.75 → 2539p
    visit = a_visit(planned_minutes=60, carers=2, actual_minutes=(58, 57),
                    hourly_rate_pence=LEICESTER_RATE)  # fmt: skip

    result = paid(visit, PaymentRules.leicester_framework())

    assert result.carer_minutes == (60, 15)
    assert result.pence == 2539
    assert "second carer paid 15 minutes" in result.decided_by


def test_a_second_carer_paid_in_full_is_paid_like_the_first() -> None:
    # Both carers 60 (within tolerance) → 120 × 2031 ÷ 60 = 4062p
    visit = a_visit(planned_minutes=60, carers=2, actual_minutes=(58, 57),
                    hourly_rate_pence=LEICESTER_RATE)  # fmt: skip
    rules = replace(PaymentRules.leicester_framework(), second_carer=SecondCarer.IN_FULL)

    result = paid(visit, rules)

    assert (result.carer_minutes, result.pence) == ((60, 60), 4062)


def test_a_second_carer_who_never_came_is_not_paid() -> None:
    # Only one carer checked in: 60 × 2031 ÷ 60 = 2031p
    visit = a_visit(planned_minutes=60, carers=2, actual_minutes=(60,),
                    hourly_rate_pence=LEICESTER_RATE)  # fmt: skip

    result = paid(visit, PaymentRules.leicester_framework())

    assert (result.carer_minutes, result.pence) == ((60,), 2031)


# The minimum a call


def test_a_call_is_paid_at_least_the_thirty_minute_minimum() -> None:
    # 20 actual → 15 (quarter hours, down) → raised to 30; 30 × 2031 ÷ 60 = 1015.5 → 1016p
    visit = a_visit(actual_minutes=(20,), hourly_rate_pence=LEICESTER_RATE)
    rules = by_the_minute(billing_unit_minutes=15, rounding=Rounding.DOWN, minimum_minutes=30)

    result = paid(visit, rules)

    assert (result.payable_minutes, result.pence) == (30, 1016)
    assert "raised to the 30-minute minimum" in result.decided_by


def test_leicester_pays_a_short_call_a_half_hour() -> None:
    # 30 planned, 12 actual: 18 under, beyond 5 → actual 12 → 30 (half hours, up) → 1016p
    visit = a_visit(actual_minutes=(12,), hourly_rate_pence=LEICESTER_RATE)

    assert paid(visit, PaymentRules.leicester_framework()).pence == 1016


# Cancellations, not at home, missed, hospital


def test_a_cancellation_at_short_notice_is_paid_its_share_of_planned_minutes() -> None:
    # 2 hours' notice < 24: 100% of 45 = 45 × 2031 ÷ 60 = 1523.25 → 1523p
    visit = a_visit(
        planned_minutes=45,
        status=VisitStatus.CANCELLED_BY_PERSON,
        actual_minutes=None,
        notice_minutes=120,
        hourly_rate_pence=LEICESTER_RATE,
    )

    assert paid(visit, PaymentRules.leicester_framework()).pence == 1523
    # At 50%: 45 × 50% = 22.5 → 23 minutes; 23 × 2031 ÷ 60 = 778.55 → 779p
    half = replace(PaymentRules.leicester_framework(), short_notice_paid_percent=50)
    assert (paid(visit, half).payable_minutes, paid(visit, half).pence) == (23, 779)


def test_a_cancellation_with_enough_notice_is_not_paid() -> None:
    # Exactly 24 hours' notice (1440 minutes) is enough: 0p
    visit = a_visit(status=VisitStatus.CANCELLED_BY_PERSON, actual_minutes=None,
                    notice_minutes=24 * 60)  # fmt: skip

    result = paid(visit, PaymentRules.leicester_framework())

    assert (result.payable_minutes, result.pence) == (0, 0)
    assert "24 hours' notice" in result.decided_by


def test_a_cancellation_without_its_notice_recorded_is_held_as_an_exception() -> None:
    visit = a_visit(status=VisitStatus.CANCELLED_BY_PERSON, actual_minutes=None)

    assert held(visit, by_the_minute()).reason is ExceptionReason.NO_NOTICE_RECORDED


def test_a_not_at_home_is_paid_the_contracts_share_of_planned_minutes() -> None:
    # 100% of 30 → 30 × 2622 ÷ 60 = 1311p; at 50% of 45 → 22.5 → 23 min → 1005.1 → 1005p
    visit = a_visit(status=VisitStatus.NOT_AT_HOME, actual_minutes=None)
    assert paid(visit, by_the_minute()).pence == 1311

    half = by_the_minute(not_at_home_paid_percent=50)
    assert paid(replace(visit, planned_minutes=45), half).pence == 1005


def test_a_missed_visit_is_not_paid() -> None:
    visit = a_visit(status=VisitStatus.MISSED, actual_minutes=None)

    assert paid(visit, by_the_minute()).pence == 0


def test_a_visit_suspended_in_hospital_is_not_paid_but_each_day_of_the_stay_is() -> None:
    # 5 days × £15.00 = £75.00 = 7500p
    rules = by_the_minute(hospital_day_pence=1500)
    visit = a_visit(status=VisitStatus.HOSPITAL, actual_minutes=None)

    assert paid(visit, rules).pence == 0
    stay = pay_hospital_days(5, rules)
    assert stay.pence == 7500
    assert stay.decided_by == "5 days in hospital × £15.00 a day = £75.00"


def test_community_hours_on_planned_need_no_call_monitoring() -> None:
    # 60 planned → 60 × 2622 ÷ 60 = 2622p
    visit = a_visit(planned_minutes=60, actual_minutes=None, community=True)
    rules = by_the_minute(community_hours=CommunityHours.ON_PLANNED)

    assert paid(visit, rules).pence == 2622
    assert held(visit, by_the_minute()).reason is ExceptionReason.NO_EVIDENCE
    assert paid(visit, by_the_minute(community_hours=CommunityHours.NOT_PAID)).pence == 0


# Envelopes and banked hours


def test_an_envelope_pays_delivered_minutes_only_up_to_the_envelope() -> None:
    # 700 delivered, envelope 600 → 600 × 2622 ÷ 60 = 26220p; 540 delivered → 23598p
    rules = by_the_minute()

    assert pay_envelope(700, 600, LEEDS_RATE, rules).pence == 26220
    assert pay_envelope(540, 600, LEEDS_RATE, rules).pence == 23598


def test_an_envelope_paid_whole_pays_the_envelope_whatever_was_delivered() -> None:
    # 600 × 2622 ÷ 60 = 26220p
    rules = by_the_minute(pay_envelopes_on=EnvelopeBasis.WHOLE_ENVELOPE)

    assert pay_envelope(540, 600, LEEDS_RATE, rules).pence == 26220


def test_banked_hours_are_paid_when_drawn_at_the_rate_of_the_day_drawn() -> None:
    # Banked at £26.22, drawn after a rise to £27.00: 90 × 2700 ÷ 60 = 4050p
    drawn = pay_banked_draw(90, 2700)

    assert (drawn.minutes, drawn.pence) == (90, 4050)


# Enhancements and grants


def test_a_bank_holiday_enhancement_reaches_only_bank_holiday_visits() -> None:
    # Christmas Day 2026: 30 × 2622 ÷ 60 = 1311p; 50% of £26.22 = 1311p an hour,
    # 30 × 1311 ÷ 60 = 655.5 → 656p
    christmas = date(2026, 12, 25)
    extra = Enhancement(name="Bank holiday", kind=EnhancementKind.BANK_HOLIDAY,
                        funding_source="Contract", starts_on=date(2026, 4, 1),
                        percent=Decimal(50))  # fmt: skip
    at = datetime.combine(christmas, time(8), LONDON)
    visit = a_visit(day=christmas, bank_holiday=on_bank_holiday(at))

    result = paid(visit, by_the_minute(), extra)

    assert [(e.name, e.pence) for e in result.enhancements] == [("Bank holiday", 656)]
    assert result.total_pence == 1311 + 656
    assert paid(a_visit(), by_the_minute(), extra).enhancements == ()


def test_a_night_enhancement_reaches_night_visits_and_a_time_band_runs_past_midnight() -> None:
    # Night, £2.00 an hour: 60 × 200 ÷ 60 = 200p. Late band 22:00-07:00 at £1.00: 100p.
    night = Enhancement(name="Night", kind=EnhancementKind.NIGHT, funding_source="Contract",
                        starts_on=date(2026, 1, 1), pence_per_hour=200)  # fmt: skip
    late = Enhancement(name="Late", kind=EnhancementKind.TIME, funding_source="Contract",
                       starts_on=date(2026, 1, 1), pence_per_hour=100,
                       from_time=time(22), to_time=time(7))  # fmt: skip
    at_eleven = a_visit(planned_minutes=60, actual_minutes=(60,), at=time(23), night=True)
    at_eight = a_visit(planned_minutes=60, actual_minutes=(60,))

    assert [e.pence for e in paid(at_eleven, by_the_minute(), night, late).enhancements] == [
        200,
        100,
    ]
    assert paid(at_eight, by_the_minute(), night, late).enhancements == ()


def test_the_wharfedale_uplift_applies_only_in_its_lsoas_and_until_its_end() -> None:
    # £1.50 an hour on 45 minutes: 45 × 150 ÷ 60 = 112.5 → 113p, paid from discharge money
    uplift = wharfedale_uplift({"E01000001", "E01000002"}, pence_per_hour=150)
    last_day = a_visit(day=date(2022, 3, 31), planned_minutes=45, actual_minutes=(45,),
                       lsoa="E01000002")  # fmt: skip

    lines = paid(last_day, by_the_minute(), uplift).enhancements

    assert [(e.pence, e.funding_source) for e in lines] == [(113, DISCHARGE_FUNDING)]
    after = replace(last_day, day=date(2022, 4, 1))
    assert paid(after, by_the_minute(), uplift).enhancements == ()
    elsewhere = replace(last_day, lsoa="E01099999")
    assert paid(elsewhere, by_the_minute(), uplift).enhancements == ()


def test_the_winter_rate_on_par_reaches_every_visit_until_the_end_of_march() -> None:
    # £2.00 an hour more on 30 minutes: 30 × 200 ÷ 60 = 100p
    winter = winter_on_par(200)

    assert [e.pence for e in paid(a_visit(day=date(2022, 1, 10)), by_the_minute(),
                                  winter).enhancements] == [100]  # fmt: skip
    assert paid(a_visit(day=date(2022, 4, 1)), by_the_minute(), winter).enhancements == ()


def test_the_fuel_grant_is_its_own_line_passed_to_staff_with_its_funding_source() -> None:
    # 28p an hour on 45 minutes: 45 × 28 ÷ 60 = 21p; the visit's own 45 × 2622 ÷ 60 → 1967p
    visit = a_visit(day=date(2022, 6, 1), planned_minutes=45, actual_minutes=(45,))

    result = paid(visit, by_the_minute(), fuel_grant())

    assert result.pence == 1967
    (grant,) = result.enhancements
    assert (grant.name, grant.pence, grant.minutes) == ("Fuel grant", 21, 45)
    assert grant.funding_source == FUEL_GRANT_FUNDING
    assert grant.passed_to_staff
    assert (
        paid(replace(visit, day=date(2022, 2, 28)), by_the_minute(), fuel_grant()).enhancements
        == ()
    )


def test_an_enhancement_given_both_pence_and_a_percentage_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not both"):
        Enhancement(name="Both", kind=EnhancementKind.TIME, funding_source="Contract",
                    starts_on=date(2026, 1, 1), pence_per_hour=10, percent=Decimal(5))  # fmt: skip


# Exceptions, not payment


def test_a_visit_whose_start_has_no_time_zone_is_refused() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        a_visit(starts_at=datetime(2026, 12, 1, 8, 0))


def test_a_delivered_visit_without_call_monitoring_evidence_is_an_exception() -> None:
    visit = a_visit(actual_minutes=None)

    exception = held(visit, PaymentRules.leicester_framework())

    assert exception.reason is ExceptionReason.NO_EVIDENCE
    assert "No call-monitoring" in exception.message
    assert held(visit, by_the_minute(basis=Basis.PLANNED)).reason is ExceptionReason.NO_EVIDENCE


def test_actual_minutes_wildly_off_planned_are_an_exception() -> None:
    # 30 planned, at most 200% = 60 recorded minutes; 61 is held, 60 is paid
    assert held(a_visit(actual_minutes=(61,)), by_the_minute()).reason is ExceptionReason.WILDLY_OFF
    assert paid(a_visit(actual_minutes=(60,)), by_the_minute()).payable_minutes == 60
    assert held(a_visit(actual_minutes=(0,)), by_the_minute()).reason is ExceptionReason.WILDLY_OFF


def test_more_carers_than_planned_or_a_visit_still_open_are_exceptions() -> None:
    assert held(a_visit(actual_minutes=(30, 30)), by_the_minute()).reason is (
        ExceptionReason.TOO_MANY_CARERS
    )
    assert held(a_visit(status=VisitStatus.IN_PROGRESS), by_the_minute()).reason is (
        ExceptionReason.STILL_OPEN
    )


# The contracts' rules in words


def test_leicesters_rules_are_the_seeds_figures_and_say_so_in_plain_words() -> None:
    rules = PaymentRules.leicester_framework()

    assert (rules.billing_unit_minutes, rules.minimum_minutes) == (30, 30)
    assert rules.second_carer is SecondCarer.FIFTEEN_MINUTES
    words = rules.describe()
    assert "in half hours rounded up" in words
    assert "at least 30 minutes paid a call" in words
    assert "a second carer is paid 15 minutes" in words
    assert "without call-monitoring evidence is held as an exception" in words


def test_the_leeds_pilot_pays_actual_minutes_with_no_minimum() -> None:
    # 20 actual by the minute, no minimum → 20 × 2622 ÷ 60 = 874p
    rules = PaymentRules.leeds_pilot()

    assert paid(a_visit(actual_minutes=(20,)), rules).pence == 874
    assert "by the minute" in rules.describe()
    assert "no minimum a call" in rules.describe()
