"""Measures 5-11, capacity: people supported, care outside the home, hospital stays,
referral to start, total hours and Lot 1 reviews on time.

Every test reports on 2026-P08: Monday 13 July to Sunday 9 August 2026 (summer time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.monitoring.frames import AIRE, BRAMLEY, figure, measure, package, snapshot


def _visit(
    visit_id: int,
    package_id: int,
    day: date,
    status: str = "completed",
    minutes: int = 30,
    community: bool = False,
) -> dict[str, object]:
    return {
        "visit_id": visit_id,
        "package_id": package_id,
        "day": day,
        "status": status,
        "community": community,
        "minutes": minutes,
    }


JULY_20 = date(2026, 7, 20)


def test_people_supported_are_the_distinct_people_with_a_delivered_visit() -> None:
    snap = snapshot(
        packages=[package(1, person=100), package(2, person=101), package(3, person=102, lot=2)],
        visits=[
            _visit(1, 1, JULY_20, "completed"),
            _visit(2, 1, date(2026, 7, 21), "late"),  # person 100 again: counted once
            _visit(3, 2, JULY_20, "missed"),  # person 101 had nothing delivered ...
            _visit(4, 2, JULY_20, "cancelled_by_person"),  # ... nor here
            _visit(5, 3, date(2026, 8, 9), "short"),  # person 102, Lot 2: short is care given
            _visit(6, 2, date(2026, 8, 10), "completed"),  # person 101, but after P08
        ],
    )

    rows = measure(snap, 5)

    assert figure(rows, "people")["value"] == 2  # people 100 and 102
    assert figure(rows, "people", AIRE, 1)["value"] == 1
    assert figure(rows, "people", None, 2)["value"] == 1


def test_care_outside_the_home_is_the_delivered_minutes_of_community_visits() -> None:
    snap = snapshot(
        packages=[package(1)],
        visits=[
            _visit(1, 1, JULY_20, "completed", minutes=90, community=True),
            _visit(2, 1, JULY_20, "missed", minutes=0, community=True),
            _visit(3, 1, JULY_20, "completed", minutes=30),  # at home
        ],
    )

    # 90 delivered minutes in the community = 1.5 hours.
    assert figure(measure(snap, 6), "hours")["value"] == 1.5


def _stay(
    stay_id: int, package_id: int, admitted: datetime, discharged: datetime | None
) -> dict[str, object]:
    return {
        "stay_id": stay_id,
        "package_id": package_id,
        "admitted_at": admitted,
        "discharged_at": discharged,
    }


def test_people_in_hospital_are_those_whose_stay_overlaps_the_period_in_london_dates() -> None:
    snap = snapshot(
        packages=[package(i, person=100 + i) for i in range(1, 6)],
        hospital_stays=[
            # Discharged on the first day of P08: counts.
            _stay(1, 1, datetime(2026, 7, 1, 9, tzinfo=UTC), datetime(2026, 7, 13, 9, tzinfo=UTC)),
            # 22:30 UTC on 9 August is 23:30 BST, still the last day: counts.
            _stay(2, 2, datetime(2026, 8, 9, 22, 30, tzinfo=UTC), None),
            # Discharged 23:30 UTC on 12 July = 00:30 BST on 13 July: counts.
            _stay(
                3, 3, datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 7, 12, 23, 30, tzinfo=UTC)
            ),
            # Discharged 22:30 UTC on 12 July = 23:30 BST the same day: before P08.
            _stay(
                4, 4, datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 7, 12, 22, 30, tzinfo=UTC)
            ),
            # Admitted 23:30 UTC on 9 August = 00:30 BST on 10 August: after P08.
            _stay(5, 5, datetime(2026, 8, 9, 23, 30, tzinfo=UTC), None),
        ],
    )

    assert figure(measure(snap, 7), "people")["value"] == 3  # stays 1, 2 and 3


def test_hours_freed_by_hospital_stays_are_suspended_visits_carer_minutes() -> None:
    snap = snapshot(
        packages=[package(1)],
        visits=[
            _visit(1, 1, JULY_20, "hospital", minutes=60),  # 30 minutes × 2 carers
            _visit(2, 1, date(2026, 7, 21), "hospital", minutes=45),
            _visit(3, 1, date(2026, 8, 10), "hospital", minutes=60),  # after P08
            _visit(4, 1, JULY_20, "completed", minutes=30),
        ],
    )

    # 60 + 45 = 105 carer-minutes = 1.75 hours.
    assert figure(measure(snap, 8), "hours")["value"] == 1.75


def _referral(referral_id: int, referred_at: datetime) -> dict[str, object]:
    return {
        "referral_id": referral_id,
        "lot": 1,
        "priority": False,
        "authorised_delay": None,
        "status": "placed",
        "referred_at": referred_at,
    }


def test_days_from_referral_to_start_are_listed_per_case_with_median_and_mean() -> None:
    snap = snapshot(
        referrals=[
            _referral(501, datetime(2026, 7, 10, 9, tzinfo=UTC)),  # Fri 10 July, 10:00 BST
            _referral(502, datetime(2026, 7, 19, 23, 30, tzinfo=UTC)),  # 00:30 BST, 20 July
            _referral(503, datetime(2026, 7, 1, 9, tzinfo=UTC)),
            _referral(504, datetime(2026, 7, 1, 9, tzinfo=UTC)),
        ],
        packages=[
            package(1, referral=501, starts_on=date(2026, 7, 14)),  # 4 days
            package(2, referral=502, starts_on=date(2026, 7, 27)),  # 7 days (London dates)
            package(3, referral=503, starts_on=date(2026, 7, 21), provider=BRAMLEY),  # 20
            package(4, referral=504, starts_on=date(2026, 8, 10)),  # starts after P08
            package(5, starts_on=date(2026, 7, 20)),  # transferred in: no referral
        ],
    )

    rows = measure(snap, 9)

    median = figure(rows, "median_days")
    # Days 4, 7 and 20: median 7, mean 31 / 3.
    assert (median["value"], median["denominator"]) == (7.0, 3.0)
    assert [(c["case_id"], c["value"]) for c in median["cases"]] == [
        (501, 4.0),
        (502, 7.0),
        (503, 20.0),
    ]
    assert abs(figure(rows, "mean_days")["value"] - 31 / 3) < 1e-12
    assert figure(rows, "median_days", AIRE, None)["value"] == 5.5  # days 4 and 7
    assert figure(rows, "median_days", BRAMLEY, 2)["value"] is None  # no cases: no median


def test_total_care_plan_hours_are_those_of_packages_active_on_the_periods_last_day() -> None:
    snap = snapshot(
        packages=[
            package(1, weekly_minutes=600),
            package(2, weekly_minutes=300, ends_on=date(2026, 8, 9)),  # ends on the last day
            package(3, weekly_minutes=120, ends_on=date(2026, 8, 8)),  # ended the day before
            package(4, weekly_minutes=240, starts_on=date(2026, 8, 10)),  # not started yet
        ]
    )

    # 600 + 300 = 900 carer-minutes a week = 15 hours.
    assert figure(measure(snap, 10), "hours")["value"] == 15.0


def _review(
    review_id: int, package_id: int, due_on: date, done_on: date | None
) -> dict[str, object]:
    return {
        "review_id": review_id,
        "package_id": package_id,
        "due_on": due_on,
        "done_on": done_on,
        "recorded_at": None,
        "wellbeing": None,
        "home": None,
        "community": None,
        "opted_out": False,
    }


def test_lot_1_packages_reviewed_within_timescale_count_reviews_done_by_their_due_date() -> None:
    snap = snapshot(
        packages=[package(1), package(2), package(3), package(4, lot=2)],
        reviews=[
            _review(1, 1, JULY_20, JULY_20),  # on the due day: on time
            _review(2, 2, date(2026, 7, 21), date(2026, 7, 25)),  # four days late
            _review(3, 3, date(2026, 8, 1), None),  # not done
            _review(4, 4, JULY_20, JULY_20),  # Lot 2: not this measure's
        ],
    )

    rows = measure(snap, 11)

    row = figure(rows, "reviewed_on_time", AIRE, 1)
    assert (row["value"], row["numerator"], row["denominator"]) == (1, 1, 3)
    assert figure(rows, "reviewed_on_time")["denominator"] == 3
    assert rows.filter(rows["lot"] == 2).height == 0  # Lot 1 only
