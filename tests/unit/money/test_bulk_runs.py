"""Every provider's run drafted at once from frames equals each provider's run drafted
alone by `draft_run`: the same lines, exceptions, adjustments, totals and settlements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homecare.calendar import LONDON
from homecare.delivery.outcomes import VisitStatus
from homecare.money.bulk_runs import HOSPITAL_DAYS, VISITS, Paid, draft_period, price, run_of
from homecare.money.enhancements import Enhancement, EnhancementKind, fuel_grant
from homecare.money.payment_rules import PaymentRules, VisitToPay
from homecare.money.payment_runs import (
    Adjustment,
    HospitalDay,
    Period,
    approve,
    draft_run,
    paid_so_far,
)
from homecare.money.payment_terms import Basis, CommunityHours, Rounding, SecondCarer

PERIOD = Period(date(2026, 11, 30), date(2026, 12, 27))
RECORDED = (0, 5, 12, 14, 20, 27, 28, 30, 38, 44, 45, 58, 60, 75, 91, 130)
"""Recorded minutes around the planned ones, with a few far off."""
SWITCH = date(2026, 12, 14)
"""The day the second rule set of a package comes into force."""
ENHANCEMENTS = (
    fuel_grant(),
    Enhancement(
        name="Outer area",
        kind=EnhancementKind.AREA,
        funding_source="Area fund",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 20),
        pence_per_hour=150,
        lsoas=frozenset({"E01000001"}),
        postcodes=frozenset({"LS29"}),
    ),
    Enhancement(
        name="Nights",
        kind=EnhancementKind.NIGHT,
        funding_source="Night fund",
        starts_on=date(2026, 1, 1),
        percent=Decimal("12.5"),
    ),
    Enhancement(
        name="Weekend mornings",
        kind=EnhancementKind.TIME,
        funding_source="Weekend fund",
        starts_on=date(2026, 1, 1),
        pence_per_hour=75,
        from_time=time(7),
        to_time=time(10),
        weekdays=frozenset({5, 6}),
    ),
)

rules_st = st.builds(
    PaymentRules,
    basis=st.sampled_from(Basis),
    billing_unit_minutes=st.sampled_from([1, 15, 30, 60]),
    rounding=st.sampled_from(Rounding),
    second_carer=st.sampled_from(SecondCarer),
    minimum_minutes=st.sampled_from([0, 15, 30]),
    tolerance_minutes=st.integers(0, 10),
    wildly_off_percent=st.sampled_from([150, 200]),
    short_notice_hours=st.sampled_from([2, 24]),
    short_notice_paid_percent=st.sampled_from([0, 50, 100]),
    not_at_home_paid_percent=st.sampled_from([50, 100]),
    hospital_day_pence=st.sampled_from([0, 1500]),
    community_hours=st.sampled_from(CommunityHours),
)


@st.composite
def visit_st(draw: Any, visit_id: int) -> VisitToPay:
    day = PERIOD.starts_on + timedelta(days=draw(st.integers(-20, 34)))
    clock = time(draw(st.sampled_from([6, 8, 12, 22])), draw(st.sampled_from([0, 30])))
    return VisitToPay(
        visit_id=visit_id,
        package_id=draw(st.integers(1, 6)),
        day=day,
        starts_at=datetime.combine(day, clock, LONDON),
        planned_minutes=draw(st.sampled_from([15, 30, 45, 60])),
        carers=draw(st.integers(1, 2)),
        status=draw(st.sampled_from(VisitStatus)),
        hourly_rate_pence=draw(st.sampled_from([0, 1923, 2622])),
        actual_minutes=draw(
            st.none() | st.lists(st.sampled_from(RECORDED), min_size=1, max_size=3).map(tuple)
        ),
        notice_minutes=draw(st.none() | st.integers(0, 2000)),
        bank_holiday=draw(st.booleans()),
        night=draw(st.booleans()),
        lsoa=draw(st.sampled_from([None, "E01000001", "E01000002"])),
        postcode=draw(st.sampled_from([None, "LS29 8AA", "LS1 4AP"])),
        community=draw(st.booleans()),
    )


@st.composite
def case_st(draw: Any) -> dict[str, Any]:
    rules = draw(st.lists(rules_st, min_size=1, max_size=3))
    n = draw(st.integers(0, 40))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    visits = [draw(visit_st(i)) for i in ids]
    provider_of = {p: 1 + p % 3 for p in range(1, 7)}
    first = {p: draw(st.integers(0, len(rules) - 1)) for p in range(1, 7)}
    later = {p: draw(st.integers(0, len(rules) - 1)) for p in range(1, 7)}
    # The previous approved run paid some of these visits as they stood then.
    earlier = [
        replace(
            v,
            status=draw(st.sampled_from([v.status, VisitStatus.COMPLETED, VisitStatus.MISSED])),
            actual_minutes=draw(st.sampled_from([v.actual_minutes, (20,), (v.planned_minutes,)])),
        )
        for v in visits
        if draw(st.booleans())
    ]
    return {
        "rules": rules,
        "visits": visits,
        "earlier": earlier,
        "provider_of": provider_of,
        "rules_id": lambda package, day: (later if day >= SWITCH else first)[package],
        "enhancements": ENHANCEMENTS if draw(st.booleans()) else (),
        "since": draw(st.none() | st.just(PERIOD.starts_on - timedelta(days=7))),
        "adjust": draw(st.booleans()),
    }


def visits_frame(rows: Iterable[tuple[int, int, VisitToPay]]) -> pl.DataFrame:
    """(provider, rules index, visit) triples as the visits frame `price` takes."""
    return pl.DataFrame(
        [
            {
                "provider_id": provider,
                "visit_id": v.visit_id,
                "package_id": v.package_id,
                "day": v.day,
                "starts_at": v.starts_at.astimezone(UTC),
                "planned_minutes": v.planned_minutes,
                "carers": v.carers,
                "status": v.status.value,
                "hourly_rate_pence": v.hourly_rate_pence,
                "actual_minutes": None if v.actual_minutes is None else list(v.actual_minutes),
                "notice_minutes": v.notice_minutes,
                "bank_holiday": v.bank_holiday,
                "night": v.night,
                "lsoa": v.lsoa,
                "postcode": v.postcode,
                "community": v.community,
                "rules_id": rules_id,
            }
            for provider, rules_id, v in rows
        ],
        schema=VISITS,
    )


def _stays(visits: list[VisitToPay]) -> list[HospitalDay]:
    return sorted(
        {HospitalDay(v.package_id, v.day) for v in visits if v.status is VisitStatus.HOSPITAL},
        key=lambda d: (d.package_id, d.day),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_st())
def test_every_provider_drafted_at_once_equals_each_drafted_alone(case: dict[str, Any]) -> None:
    rules: list[PaymentRules] = case["rules"]
    rules_id = case["rules_id"]

    def rules_for(package: int, day: date) -> PaymentRules:
        return rules[int(rules_id(package, day))]

    since = case["since"]
    providers = (1, 2, 3)
    mine = {p: [v for v in case["visits"] if case["provider_of"][v.package_id] == p]
            for p in providers}  # fmt: skip
    windowed = {p: [v for v in vs if since is None or v.day >= since] for p, vs in mine.items()}
    adjustments = {
        p: [Adjustment(f"adjustment:{p}", 1 if p == 1 else p, "Agreed", 250 * p, "Sam", "Alex")]
        for p in providers
        if case["adjust"]
    }
    paid: dict[int, dict[str, int]] = {}
    for p in providers:
        before = [v for v in case["earlier"] if case["provider_of"][v.package_id] == p]
        previous = draft_run(
            PERIOD, str(p), before, rules_for, enhancements=case["enhancements"],
            hospital_days=_stays(before)[:1],
            adjustments=adjustments.get(p, [])[:1] if p == 2 else [],
        )  # fmt: skip
        paid[p] = paid_so_far(approve(previous, "Sam", "Alex"))

    priced = price(
        visits_frame(
            (case["provider_of"][v.package_id], rules_id(v.package_id, v.day), v)
            for v in case["visits"]
        ),
        rules,
        case["enhancements"],
    )
    stays = [
        {"provider_id": case["provider_of"][d.package_id], "package_id": d.package_id,
         "day": d.day, "rules_id": rules_id(d.package_id, d.day)}
        for p in providers for d in _stays(mine[p])
    ]  # fmt: skip
    drafted = draft_period(
        priced, PERIOD, Paid.of(paid), since=since, adjustments=adjustments, providers=providers,
        hospital_days=pl.DataFrame(stays, schema=HOSPITAL_DAYS),
    )  # fmt: skip

    for p in providers:
        alone = draft_run(
            PERIOD, str(p), windowed[p], rules_for, enhancements=case["enhancements"],
            already_paid=paid[p], adjustments=adjustments.get(p, []),
            hospital_days=_stays(windowed[p]),
        )  # fmt: skip
        assert run_of(drafted, p) == alone
        assert Paid.of(paid).then(drafted.settled).keys_of(p) == {**paid[p], **dict(alone.settled)}


def test_a_year_drafted_period_after_period_pays_nothing_twice() -> None:
    rules = [PaymentRules.leicester_framework()]
    visits = [
        VisitToPay(i, 1, day, datetime.combine(day, time(8), LONDON), 30, 1,
                   VisitStatus.COMPLETED, 2000, (28,))
        for i, day in enumerate((date(2026, 12, 1), date(2026, 12, 29), date(2027, 1, 5)), 1)
    ]  # fmt: skip
    priced = price(visits_frame((7, 0, v) for v in visits), rules)
    first = draft_period(priced, PERIOD)
    second = draft_period(priced, Period(date(2026, 12, 28), date(2027, 1, 24)), first.settled)

    # Each 28-minute visit is paid its 30 minutes (within 5 minutes of planned, a half hour
    # at least): 30 × 2000 ÷ 60 = 1000p; the first period pays one, the next the other two.
    assert run_of(first, 7).total_pence == 1000
    assert run_of(second, 7).total_pence == 2000
    assert [line.visit_ids for line in run_of(second, 7).lines] == [(2,), (3,)]
