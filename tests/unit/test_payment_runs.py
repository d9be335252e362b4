"""Payment runs: lines per package and week, exceptions, adjustments, a second person's
approval, and the properties that keep money right across runs."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecare.calendar import LONDON
from homecare.delivery.outcomes import VisitStatus
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.money.enhancements import FUEL_GRANT_FUNDING, fuel_grant
from homecare.money.payment_rules import PaymentRules, VisitToPay
from homecare.money.payment_runs import (
    CONTRACT_FUNDING,
    HOSPITAL_FUNDING,
    RULES_AUTHOR,
    Adjustment,
    HospitalDay,
    Period,
    Run,
    approve,
    draft_run,
    paid_so_far,
)
from homecare.money.payment_terms import (
    Basis,
    CommunityHours,
    EnvelopeBasis,
    Rounding,
    SecondCarer,
)

RATE = 2622  # £26.22
DECEMBER = Period(date(2026, 11, 30), date(2026, 12, 13))  # ISO weeks 49 and 50
TUESDAY = date(2026, 12, 1)
RULES = PaymentRules(
    basis=Basis.ACTUAL,
    billing_unit_minutes=1,
    rounding=Rounding.UP,
    second_carer=SecondCarer.IN_FULL,
    minimum_minutes=0,
    hospital_day_pence=1500,
)


def a_visit(visit_id: int, day: date, **changes: Any) -> VisitToPay:
    base = VisitToPay(
        visit_id=visit_id,
        package_id=10,
        day=day,
        starts_at=datetime.combine(day, time(8), LONDON),
        planned_minutes=30,
        carers=1,
        status=VisitStatus.COMPLETED,
        hourly_rate_pence=RATE,
        actual_minutes=(30,),
    )
    return replace(base, **changes)


def test_a_run_has_one_line_per_package_and_iso_week() -> None:
    # Package 10: Mon 30 Nov (30 min) + Tue 1 Dec (45 min) in week 49 = 75 × 2622 ÷ 60
    #   = 1311 + 1966.5 → 1311 + 1967 = 3278p (each visit rounded once); Mon 7 Dec, 30 min,
    #   week 50 = 1311p. Package 11: Tue 1 Dec, 60 min = 2622p. Total 3278 + 1311 + 2622 = 7211p
    visits = [
        a_visit(1, date(2026, 11, 30)),
        a_visit(2, date(2026, 12, 1), planned_minutes=45, actual_minutes=(45,)),
        a_visit(3, date(2026, 12, 7)),
        a_visit(4, date(2026, 12, 1), package_id=11, planned_minutes=60, actual_minutes=(60,)),
    ]

    run = draft_run(DECEMBER, "Aire Homecare", visits, RULES)

    assert [(line.package_id, line.iso_week, line.visit_ids, line.pence) for line in run.lines] == [
        (10, "2026-W49", (1, 2), 3278),
        (10, "2026-W50", (3,), 1311),
        (11, "2026-W49", (4,), 2622),
    ]
    assert run.lines[0].payable_minutes == 75
    assert run.lines[0].decided_by == ("Paid on actual minutes, by the minute",)
    assert run.total_pence == 7211


def test_a_visit_without_evidence_is_listed_as_an_exception_and_not_paid() -> None:
    visits = [a_visit(1, date(2026, 12, 1)), a_visit(2, date(2026, 12, 2), actual_minutes=None)]

    run = draft_run(DECEMBER, "Aire Homecare", visits, RULES)

    assert [e.visit_id for e in run.exceptions] == [2]
    assert dict(run.settled) == {"visit:1": 1311}
    assert run.total_pence == 1311


def test_a_visit_after_the_period_waits_for_its_own_run() -> None:
    run = draft_run(DECEMBER, "Aire Homecare", [a_visit(1, date(2026, 12, 14))], RULES)

    assert run.lines == () and run.total_pence == 0


def test_a_visit_paid_in_an_approved_run_is_not_paid_again() -> None:
    visits = [a_visit(1, date(2026, 12, 1))]
    first = approve(draft_run(DECEMBER, "Aire Homecare", visits, RULES), "Sam", "Alex")

    second = draft_run(DECEMBER, "Aire Homecare", visits, RULES, already_paid=paid_so_far(first))

    assert second.lines == () and second.adjustments == () and second.total_pence == 0


def test_a_late_check_out_after_approval_is_paid_as_an_adjustment_in_the_next_run() -> None:
    # Paid 38 minutes: 38 × 2622 ÷ 60 = 1660.6 → 1661p. The late check-out makes it 45:
    # 1966.5 → 1967p. The next run pays the difference, 1967 − 1661 = 306p.
    before = a_visit(1, date(2026, 12, 1), planned_minutes=45, actual_minutes=(38,))
    first = approve(draft_run(DECEMBER, "Aire Homecare", [before], RULES), "Sam", "Alex")
    kept = dataclasses.replace(first)
    after = replace(before, actual_minutes=(45,))

    second = draft_run(DECEMBER, "Aire Homecare", [after], RULES, already_paid=paid_so_far(first))

    (correction,) = second.adjustments
    assert (correction.pence, correction.by) == (306, RULES_AUTHOR)
    assert "paid £16.61 in an approved run, payable now £19.67" in correction.reason
    assert second.total_pence == 306
    assert first == kept and first.total_pence == 1661
    third = draft_run(DECEMBER, "Aire Homecare", [after], RULES,
                      already_paid=paid_so_far(first, approve(second, "Sam", "Alex")))  # fmt: skip
    assert third.total_pence == 0


def test_an_approved_run_cannot_be_changed() -> None:
    run = approve(draft_run(DECEMBER, "Aire Homecare", [a_visit(1, TUESDAY)], RULES), "Sam", "Alex")

    with pytest.raises(dataclasses.FrozenInstanceError):
        run.total_pence = 0  # type: ignore[misc]


def test_the_person_who_drafted_a_run_cannot_approve_it() -> None:
    run = draft_run(DECEMBER, "Aire Homecare", [a_visit(1, TUESDAY)], RULES)

    with pytest.raises(Forbidden, match="a second person must approve it"):
        approve(run, "Alex", "Alex")
    approved = approve(run, "Sam", "Alex")
    assert approved.approved_by == "Sam" and run.approved_by is None
    with pytest.raises(Conflict, match="already approved by Sam"):
        approve(approved, "Kim", "Alex")


def test_only_an_approved_run_counts_as_paid() -> None:
    run = draft_run(DECEMBER, "Aire Homecare", [a_visit(1, TUESDAY)], RULES)

    with pytest.raises(Conflict, match="approve it first"):
        paid_so_far(run)


def test_a_hand_made_adjustment_needs_a_second_person_and_is_paid_once() -> None:
    # £12.50 for a missed mileage claim, asked by Alex, approved by Sam: 1311 + 1250 = 2561p
    mileage = Adjustment(key="adjustment:7", package_id=10, reason="Mileage to a rural visit",
                         pence=1250, by="Alex", approved_by="Sam")  # fmt: skip
    visits = [a_visit(1, TUESDAY)]

    run = draft_run(DECEMBER, "Aire Homecare", visits, RULES, adjustments=[mileage])

    assert run.total_pence == 2561
    with pytest.raises(Forbidden, match="second person"):
        draft_run(DECEMBER, "Aire Homecare", visits, RULES,
                  adjustments=[replace(mileage, approved_by="Alex")])  # fmt: skip
    with pytest.raises(InvalidInput, match="approval"):
        draft_run(DECEMBER, "Aire Homecare", visits, RULES,
                  adjustments=[replace(mileage, approved_by=None)])  # fmt: skip
    paid = paid_so_far(approve(run, "Sam", "Alex"))
    again = draft_run(
        DECEMBER, "Aire Homecare", visits, RULES, already_paid=paid, adjustments=[mileage]
    )
    assert again.total_pence == 0


def test_hospital_days_are_paid_on_the_packages_weekly_line() -> None:
    # 3 days × £15.00 = 4500p in week 49, beside no visits
    days = [HospitalDay(10, date(2026, 12, d)) for d in (2, 3, 4)]

    run = draft_run(DECEMBER, "Aire Homecare", [], RULES, hospital_days=days)

    (line,) = run.lines
    assert (line.hospital_days, line.hospital_pence, run.total_pence) == (3, 4500, 4500)
    assert run.totals_by_funding()[HOSPITAL_FUNDING] == 4500


def test_the_fuel_grant_is_totalled_under_its_own_funding_source() -> None:
    # Two 45-minute visits: 1967p each at the contract rate = 3934p; grant 45 × 28 ÷ 60 = 21p
    # each = 42p from the fuel grant. Total 3976p.
    visits = [a_visit(i, date(2026, 12, i), planned_minutes=45, actual_minutes=(45,))
              for i in (1, 2)]  # fmt: skip

    run = draft_run(DECEMBER, "Aire Homecare", visits, RULES, enhancements=[fuel_grant()])

    (extra,) = run.lines[0].extras
    assert (extra.name, extra.pence, extra.minutes, extra.passed_to_staff) == (
        "Fuel grant",
        42,
        90,
        True,
    )
    assert run.totals_by_funding() == {CONTRACT_FUNDING: 3934, FUEL_GRANT_FUNDING: 42}
    assert run.total_pence == 3976


def test_a_visit_given_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match="paid once"):
        draft_run(DECEMBER, "Aire Homecare", [a_visit(1, TUESDAY)] * 2, RULES)


# Properties

rules_strategy = st.builds(
    PaymentRules,
    basis=st.sampled_from(Basis),
    billing_unit_minutes=st.sampled_from((1, 15, 30, 60)),
    rounding=st.sampled_from(Rounding),
    second_carer=st.sampled_from(SecondCarer),
    minimum_minutes=st.sampled_from((0, 15, 30)),
    tolerance_minutes=st.integers(0, 10),
    short_notice_paid_percent=st.integers(0, 100),
    not_at_home_paid_percent=st.integers(0, 100),
    hospital_day_pence=st.integers(0, 3000),
    community_hours=st.sampled_from(CommunityHours),
)


@st.composite
def visit_strategy(draw: st.DrawFn, visit_id: int) -> VisitToPay:
    day = DECEMBER.starts_on + timedelta(days=draw(st.integers(0, 16)))
    planned = draw(st.sampled_from((15, 30, 45, 60, 90)))
    carers = draw(st.integers(1, 2))
    evidence = draw(
        st.none() | st.lists(st.integers(0, 2 * planned + 10), min_size=1, max_size=carers)
    )
    return a_visit(
        visit_id,
        day,
        package_id=draw(st.integers(1, 3)),
        planned_minutes=planned,
        carers=carers,
        status=draw(st.sampled_from(VisitStatus)),
        hourly_rate_pence=draw(st.integers(1500, 3000)),
        actual_minutes=None if evidence is None else tuple(evidence),
        notice_minutes=draw(st.none() | st.integers(0, 3 * 24 * 60)),
        bank_holiday=draw(st.booleans()),
        community=draw(st.booleans()),
    )


visits_strategy = st.lists(st.integers(1, 60), unique=True, max_size=12).flatmap(
    lambda ids: st.tuples(*(visit_strategy(i) for i in ids))
)
days_strategy = st.lists(
    st.builds(HospitalDay, st.integers(1, 3), st.dates(DECEMBER.starts_on, DECEMBER.ends_on)),
    max_size=4,
)


def _lines_sum(run: Run) -> int:
    return sum(line.pence for line in run.lines) + sum(a.pence for a in run.adjustments)


@settings(max_examples=100, deadline=None)
@given(visits=visits_strategy, rules=rules_strategy, days=days_strategy)
def test_a_runs_total_is_the_sum_of_its_lines(
    visits: tuple[VisitToPay, ...], rules: PaymentRules, days: list[HospitalDay]
) -> None:
    run = draft_run(
        DECEMBER, "Aire Homecare", visits, rules, enhancements=[fuel_grant()], hospital_days=days
    )

    assert run.total_pence == _lines_sum(run)
    assert sum(run.totals_by_funding().values()) == run.total_pence


@settings(max_examples=100, deadline=None)
@given(visits=visits_strategy, rules=rules_strategy, split=st.integers(0, 12), days=days_strategy)
def test_nothing_is_paid_twice_across_consecutive_runs(
    visits: tuple[VisitToPay, ...], rules: PaymentRules, split: int, days: list[HospitalDay]
) -> None:
    first = approve(
        draft_run(DECEMBER, "A", visits[:split], rules, hospital_days=days[:1]), "Sam", "Alex"
    )

    second = draft_run(DECEMBER, "A", visits, rules, already_paid=paid_so_far(first),
                       hospital_days=days)  # fmt: skip

    first_ids = {v for line in first.lines for v in line.visit_ids}
    second_ids = {v for line in second.lines for v in line.visit_ids}
    assert not first_ids & second_ids
    assert not dict(first.settled).keys() & dict(second.settled).keys()
    assert second.adjustments == ()
    alone = draft_run(DECEMBER, "A", visits, rules, hospital_days=days)
    assert first.total_pence + second.total_pence == alone.total_pence


@settings(max_examples=100, deadline=None)
@given(visits=visits_strategy, rules=rules_strategy, extra=st.integers(1, 30))
def test_an_approved_run_is_unchanged_and_a_late_correction_is_the_next_runs_adjustment(
    visits: tuple[VisitToPay, ...], rules: PaymentRules, extra: int
) -> None:
    first = approve(
        draft_run(DECEMBER, "A", visits, rules, enhancements=[fuel_grant()]), "Sam", "Alex"
    )
    kept = dataclasses.replace(first)
    corrected = tuple(
        replace(v, actual_minutes=tuple(m + extra for m in v.actual_minutes))
        if v.actual_minutes
        else v
        for v in visits
    )

    second = draft_run(
        DECEMBER,
        "A",
        corrected,
        rules,
        enhancements=[fuel_grant()],
        already_paid=paid_so_far(first),
    )

    assert first == kept
    paid_first = {v for line in first.lines for v in line.visit_ids}
    assert all(v not in paid_first for line in second.lines for v in line.visit_ids)
    # What the two runs paid against each visit is what a fresh run pays now; a visit the
    # correction turned into an exception keeps what it was paid, for someone to look at.
    both = dict(first.settled) | dict(second.settled)
    fresh = dict(draft_run(DECEMBER, "A", corrected, rules, enhancements=[fuel_grant()]).settled)
    assert all(both[key] == pence for key, pence in fresh.items())
    assert first.total_pence + second.total_pence == sum(both.values())


@settings(max_examples=100, deadline=None)
@given(visits=visits_strategy, rules=rules_strategy, order=st.randoms(use_true_random=False))
def test_drafting_the_same_inputs_twice_gives_an_equal_run(
    visits: tuple[VisitToPay, ...], rules: PaymentRules, order: Any
) -> None:
    shuffled = list(visits)
    order.shuffle(shuffled)

    assert draft_run(DECEMBER, "A", visits, rules) == draft_run(DECEMBER, "A", shuffled, rules)


# --- envelopes of time -----------------------------------------------------------------------

WEEK_49 = (10, "2026-W49")


def test_minutes_delivered_over_the_weeks_envelope_are_not_paid() -> None:
    # Four 40-minute visits in week 49 = 160 minutes; the envelope allows 120 that week.
    # Each visit: 40 × 2622 ÷ 60 = 1748p, so 6992p delivered; the 40 minutes over the
    # envelope come off at the same rate: −1748p. Paid 5244p, exactly 120 minutes' worth.
    visits = [
        a_visit(
            n, date(2026, 11, 30) + timedelta(days=n - 1), planned_minutes=40, actual_minutes=(40,)
        )
        for n in range(1, 5)
    ]

    run = draft_run(DECEMBER, "Aire Homecare", visits, RULES, envelopes={WEEK_49: 120})

    (line,) = run.lines
    (over,) = line.extras
    assert (over.minutes, over.pence, over.funding_source) == (-40, -1748, CONTRACT_FUNDING)
    assert line.care_pence == 6992 and line.pence == 5244 and run.total_pence == 5244
    assert dict(run.settled)["envelope:10:2026-W49"] == -1748
    assert run.totals_by_funding() == {CONTRACT_FUNDING: 5244}


def test_a_week_within_its_envelope_is_paid_as_delivered_and_the_rest_stays_banked() -> None:
    # Two 40-minute visits = 80 minutes of a 120-minute envelope: 2 × 1748 = 3496p; the
    # 40 minutes not used are banked, paid only when drawn.
    visits = [
        a_visit(n, date(2026, 11, 29) + timedelta(days=n), planned_minutes=40, actual_minutes=(40,))
        for n in (1, 2)
    ]

    run = draft_run(DECEMBER, "Aire Homecare", visits, RULES, envelopes={WEEK_49: 120})

    assert run.lines[0].extras == () and run.total_pence == 3496


def test_a_contract_that_pays_the_envelope_whole_tops_the_week_up() -> None:
    # Whole-envelope rules: 80 delivered minutes of 120; 40 more at 2622 an hour = 1748p.
    whole = replace(RULES, pay_envelopes_on=EnvelopeBasis.WHOLE_ENVELOPE)
    visits = [
        a_visit(n, date(2026, 11, 29) + timedelta(days=n), planned_minutes=40, actual_minutes=(40,))
        for n in (1, 2)
    ]

    run = draft_run(DECEMBER, "Aire Homecare", visits, whole, envelopes={WEEK_49: 120})

    assert [(e.minutes, e.pence) for e in run.lines[0].extras] == [(40, 1748)]
    assert run.total_pence == 3496 + 1748


def test_a_week_whose_envelope_was_settled_pays_a_late_visit_as_a_visit() -> None:
    # Week 49's envelope was settled by the first run (three 40-minute visits, capped at
    # 100 minutes: 5244 − 874 = 4370p). Visit 4, still open then, is paid now as a visit.
    visits = [
        a_visit(n, date(2026, 11, 29) + timedelta(days=n), planned_minutes=40, actual_minutes=(40,))
        for n in (1, 2, 3)
    ]
    late = a_visit(4, date(2026, 12, 3), planned_minutes=40, actual_minutes=(40,))
    envelopes = {WEEK_49: 100}
    first = draft_run(
        DECEMBER,
        "Aire Homecare",
        [*visits, replace(late, status=VisitStatus.IN_PROGRESS)],
        RULES,
        envelopes=envelopes,
    )
    approved = approve(first, "Sam", "Alex")

    second = draft_run(
        DECEMBER,
        "Aire Homecare",
        [*visits, late],
        RULES,
        envelopes=envelopes,
        already_paid=paid_so_far(approved),
    )

    assert first.total_pence == 4370
    assert second.total_pence == 1748 and second.lines[0].extras == ()
