"""KPIs 1-7 with their targets, exclusions and the cases behind each miss.

Every test reports on 2026-P08 (Monday 13 July to Sunday 9 August 2026) as at 20 August,
unless it says otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from homecare.brokerage.kpi_rules import ReferralFacts
from homecare.brokerage.kpi_rules import compute_kpis as brokerage_kpis
from homecare.calendar import LONDON
from homecare.monitoring.data import Snapshot
from tests.unit.monitoring.frames import AFTER_P08, AIRE, BRAMLEY, kpi, package, snapshot

MON_10AM = datetime(2026, 7, 13, 10, 0, tzinfo=LONDON)


def _referral(
    referral_id: int, referred_at: datetime = MON_10AM, **kw: object
) -> dict[str, object]:
    base: dict[str, object] = {
        "referral_id": referral_id,
        "lot": 1,
        "priority": False,
        "authorised_delay": None,
        "status": "placed",
        "referred_at": referred_at,
    }
    base.update(kw)
    return base


def _placed(
    package_id: int, referral: int, agreed: datetime, starts: date, provider: int = AIRE
) -> dict[str, object]:
    return package(
        package_id, referral=referral, agreed_at=agreed, starts_on=starts, provider=provider
    )


def _brokerage_snapshot() -> Snapshot:
    return snapshot(
        referrals=[
            _referral(1),  # agreed Tue 09:00, start Thu: meets 2 and 3
            _referral(2),  # agreed Tue 11:00, after Mon 10:00 + 1 working day; starts Fri
            _referral(3, authorised_delay="The family asked for a later start"),
            _referral(4, datetime(2026, 7, 20, 10, tzinfo=LONDON), priority=True),  # in 48 h
            _referral(5, datetime(2026, 7, 20, 10, tzinfo=LONDON), priority=True),  # 3 days
            _referral(6, status="exhausted"),  # nobody took it
            _referral(7, status="withdrawn"),  # counts for nothing
            _referral(8, datetime(2026, 8, 10, 10, tzinfo=LONDON)),  # after P08
        ],
        packages=[
            _placed(1, 1, datetime(2026, 7, 14, 9, tzinfo=LONDON), date(2026, 7, 16)),
            _placed(2, 2, datetime(2026, 7, 14, 11, tzinfo=LONDON), date(2026, 7, 17)),
            _placed(3, 3, datetime(2026, 7, 20, 11, tzinfo=LONDON), date(2026, 7, 30)),
            _placed(4, 4, datetime(2026, 7, 20, 12, tzinfo=LONDON), date(2026, 7, 22)),
            _placed(5, 5, datetime(2026, 7, 20, 12, tzinfo=LONDON), date(2026, 7, 23), BRAMLEY),
            _placed(8, 8, datetime(2026, 8, 10, 12, tzinfo=LONDON), date(2026, 8, 12)),
        ],
    )


def test_conversion_counts_started_referrals_and_misses_those_nobody_took() -> None:
    row = kpi(_brokerage_snapshot(), 1)

    # Eligible: 1-6 (7 withdrawn, 8 after P08); 1-5 started by 20 August: 5/6 = 83.3%,
    # below 95% by more than 5 points: red. The miss is referral 6.
    assert (row["eligible"], row["met"], row["value_pct"], row["rag"]) == (6, 5, 83.3, "red")
    assert (row["case_kind"], row["missed_ids"]) == ("referral", [6])


def test_start_agreed_within_a_working_day_leaves_out_priority_and_authorised_delay() -> None:
    row = kpi(_brokerage_snapshot(), 2)

    # Standard, no delay: 1 (met), 2 (agreed an hour late), 6 (never agreed): 1/3.
    assert (row["eligible"], row["met"], row["missed_ids"]) == (3, 1, [2, 6])
    assert row["value_pct"] == 33.3


def test_start_within_72_hours_leaves_out_authorised_delay() -> None:
    row = kpi(_brokerage_snapshot(), 3)

    # 72 hours from Monday 10:00 is Thursday: 1 starts Thursday (met), 2 on Friday.
    assert (row["eligible"], row["met"], row["missed_ids"]) == (3, 1, [2, 6])


def test_priority_starts_within_48_hours_split_by_provider() -> None:
    snap = _brokerage_snapshot()

    overall = kpi(snap, 4)
    aire = kpi(snap, 4, provider=AIRE)
    bramley = kpi(snap, 4, provider=BRAMLEY, lot=1)

    # 4 starts Wednesday (met); 5, with Bramley, on Thursday (missed).
    assert (overall["eligible"], overall["met"], overall["missed_ids"]) == (2, 1, [5])
    assert (aire["eligible"], aire["met"], aire["rag"]) == (1, 1, "green")
    assert (bramley["eligible"], bramley["met"], bramley["missed_ids"]) == (1, 0, [5])


def test_kpis_1_to_4_agree_with_the_brokerage_rules_they_reuse() -> None:
    facts = [
        ReferralFacts(
            1,
            MON_10AM,
            False,
            False,
            "Lot 1",
            "placed",
            datetime(2026, 7, 14, 9, tzinfo=LONDON),
            date(2026, 7, 16),
            "Aire",
        ),
        ReferralFacts(
            2,
            MON_10AM,
            False,
            False,
            "Lot 1",
            "placed",
            datetime(2026, 7, 14, 11, tzinfo=LONDON),
            date(2026, 7, 17),
            "Aire",
        ),
        ReferralFacts(
            3,
            MON_10AM,
            False,
            True,
            "Lot 1",
            "placed",
            datetime(2026, 7, 20, 11, tzinfo=LONDON),
            date(2026, 7, 30),
            "Aire",
        ),
        ReferralFacts(
            4,
            datetime(2026, 7, 20, 10, tzinfo=LONDON),
            True,
            False,
            "Lot 1",
            "placed",
            datetime(2026, 7, 20, 12, tzinfo=LONDON),
            date(2026, 7, 22),
            "Aire",
        ),
        ReferralFacts(
            5,
            datetime(2026, 7, 20, 10, tzinfo=LONDON),
            True,
            False,
            "Lot 1",
            "placed",
            datetime(2026, 7, 20, 12, tzinfo=LONDON),
            date(2026, 7, 23),
            "Bramley",
        ),
        ReferralFacts(6, MON_10AM, False, False, "Lot 1", "exhausted"),
        ReferralFacts(7, MON_10AM, False, False, "Lot 1", "withdrawn"),
    ]
    expected = {r.number: r for r in brokerage_kpis(facts, AFTER_P08)["all"]}
    snap = _brokerage_snapshot()

    for number in (1, 2, 3, 4):
        row = kpi(snap, number)
        want = expected[number]
        assert (row["eligible"], row["met"], row["value_pct"]) == (
            want.eligible_count,
            want.met_count,
            want.value_pct,
        )
        assert row["missed_ids"] == sorted(want.missed_referral_ids)


def _review(
    review_id: int, package_id: int, due_on: date, done_on: date | None = None, **kw: object
) -> dict[str, object]:
    base: dict[str, object] = {
        "review_id": review_id,
        "package_id": package_id,
        "due_on": due_on,
        "done_on": done_on,
        "recorded_at": datetime.combine(done_on, datetime.min.time(), UTC) if done_on else None,
        "wellbeing": 3 if done_on else None,
        "home": 3 if done_on else None,
        "community": 3 if done_on else None,
        "opted_out": False,
    }
    base.update(kw)
    return base


def _review_snapshot() -> Snapshot:
    return snapshot(
        packages=[package(i) for i in range(1, 5)] + [package(5, ends_on=date(2026, 8, 1))],
        reviews=[
            _review(1, 1, date(2026, 8, 1), date(2026, 8, 5)),  # done before 9 August
            _review(2, 2, date(2026, 8, 1)),  # not done: overdue
            _review(3, 3, date(2026, 8, 9)),  # due on the as-at day: not overdue yet
            _review(4, 4, date(2026, 7, 20), date(2026, 8, 12)),  # done after 9 August
            _review(5, 5, date(2026, 7, 1)),  # overdue, but the package ended
        ],
    )


def test_reviews_up_to_date_counts_people_with_no_review_overdue_at_the_period_end() -> None:
    row = kpi(_review_snapshot(), 5)

    # Active on 9 August: packages 1-4. Overdue then: 2 and 4. 2/4 = 50%.
    assert (row["eligible"], row["met"], row["value_pct"], row["rag"]) == (4, 2, 50.0, "red")
    assert (row["case_kind"], row["missed_ids"]) == ("package", [2, 4])


def test_reviews_up_to_date_for_a_period_not_yet_over_are_as_at_today() -> None:
    row = kpi(_review_snapshot(), 5, as_of=datetime(2026, 8, 3, 12, tzinfo=UTC))

    # As at 3 August: package 5 has ended; 1, 2 (due 1 August, done later or never) and
    # 4 are overdue; 3 is not due yet. 1/4.
    assert (row["eligible"], row["met"], row["missed_ids"]) == (4, 1, [1, 2, 4])


def test_outcomes_monitoring_leaves_out_opted_out_people_new_starts_and_lot_2() -> None:
    jan = date(2026, 1, 5)
    snap = snapshot(
        packages=[
            package(1, starts_on=jan),
            package(2, starts_on=jan),
            package(3, starts_on=jan),
            package(4, starts_on=date(2026, 7, 1)),  # first review due 12 August: not yet
            package(5, starts_on=jan, lot=2),  # Lot 2: not this KPI's
            package(6, starts_on=jan),
            package(7, starts_on=date(2026, 6, 1)),  # first review was due 13 July
        ],
        reviews=[
            _review(1, 1, date(2026, 6, 1), date(2026, 6, 1)),  # rated within 12 weeks
            _review(2, 2, date(2026, 5, 10), date(2026, 5, 10)),  # rated 13 weeks before
            _review(
                3,
                3,
                date(2026, 7, 1),
                date(2026, 7, 1),
                opted_out=True,
                wellbeing=None,
                home=None,
                community=None,
            ),
            _review(
                4,
                6,
                date(2026, 3, 1),
                date(2026, 3, 1),
                opted_out=True,
                wellbeing=None,
                home=None,
                community=None,
            ),
            _review(5, 6, date(2026, 6, 20), date(2026, 6, 20)),  # rated since opting out
        ],
    )

    row = kpi(snap, 6, lot=1)
    everyone = kpi(snap, 6)

    # 12 weeks before 9 August is 17 May. Eligible: 1, 2, 6, 7 (3 opted out, 4 too new,
    # 5 in Lot 2). Up to date: 1 and 6: 2/4 = 50%, target 75%: red.
    assert (row["eligible"], row["met"], row["missed_ids"]) == (4, 2, [2, 7])
    assert (row["value_pct"], row["target_pct"], row["rag"]) == (50.0, 75.0, "red")
    assert everyone["eligible"] == 4


def _visit(visit_id: int, status: str, day: date = date(2026, 7, 20)) -> dict[str, object]:
    return {
        "visit_id": visit_id,
        "package_id": 1,
        "day": day,
        "status": status,
        "community": False,
        "minutes": 30,
    }


def test_visits_completed_leave_out_person_led_cancellations_not_at_home_and_hospital() -> None:
    snap = snapshot(
        packages=[package(1)],
        visits=[
            _visit(1, "completed"),
            _visit(2, "late"),
            _visit(3, "short"),
            _visit(4, "missed"),
            _visit(5, "missed"),
            _visit(6, "cancelled_by_person"),
            _visit(7, "not_at_home"),
            _visit(8, "hospital"),
            _visit(9, "planned"),  # not closed yet: pending
            _visit(10, "missed", date(2026, 8, 10)),  # after P08
        ],
    )

    row = kpi(snap, 7)

    # Counted: 1-5; completed, late or short: 3. 3/5 = 60%.
    assert (row["eligible"], row["met"], row["value_pct"], row["rag"]) == (5, 3, 60.0, "red")
    assert (row["case_kind"], row["missed_ids"]) == ("visit", [4, 5])


def test_a_kpi_within_five_points_of_its_target_is_amber_and_one_with_no_cases_has_no_colour() -> (
    None
):
    snap = snapshot(
        packages=[package(1)],
        visits=[_visit(i, "completed") for i in range(1, 98)]
        + [_visit(98, "missed"), _visit(99, "missed"), _visit(100, "missed")],
    )

    row = kpi(snap, 7)
    nobody = kpi(snap, 7, provider=BRAMLEY)

    # 97 of 100 = 97.0%, one point under 98%: amber.
    assert (row["value_pct"], row["rag"]) == (97.0, "amber")
    assert (nobody["eligible"], nobody["value_pct"], nobody["rag"], nobody["missed_ids"]) == (
        0,
        None,
        None,
        [],
    )


def test_a_referral_re_offered_after_every_provider_declined_stays_a_kpi_1_miss() -> None:
    # Referral 1: Aire declined at 11:00 and Bramley at 12:00 on Monday 13 July, which
    # ended its first round; the broker's second round is still with a provider (offered).
    # Referral 2 is with its first provider. As at 20 August: 1 missed, 2 pending.
    # As at 11:30 that Monday, before the first round ended, 1 was pending too.
    snap = snapshot(
        referrals=[
            _referral(1, status="offered", cascade_round=2),
            _referral(2, status="offered"),
        ],
        first_offers=[
            {
                "referral_id": 1,
                "responded_at": datetime(2026, 7, 13, hour, tzinfo=LONDON),
                "respond_by": datetime(2026, 7, 13, 14, tzinfo=LONDON),
            }
            for hour in (11, 12)
        ],
    )

    after = kpi(snap, 1)
    during = kpi(snap, 1, as_of=datetime(2026, 7, 13, 11, 30, tzinfo=LONDON))

    assert (after["eligible"], after["met"], after["missed_ids"]) == (1, 0, [1])
    assert (during["eligible"], during["missed_ids"]) == (0, [])
