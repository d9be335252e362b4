"""Measures 1-4, demand: packages started and ended, their hours, changes, reviews due.

Every test reports on 2026-P08: Monday 13 July to Sunday 9 August 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.monitoring.frames import AIRE, BRAMLEY, figure, measure, package, snapshot


def test_packages_count_as_started_or_ended_by_the_dates_inside_the_period() -> None:
    snap = snapshot(
        packages=[
            package(1, starts_on=date(2026, 7, 20), weekly_minutes=630),  # starts inside
            package(2, starts_on=date(2026, 7, 12)),  # the day before: not started in P08
            package(3, ends_on=date(2026, 8, 9), weekly_minutes=300),  # ends on the last day
            package(4, ends_on=date(2026, 8, 10)),  # the day after: not ended in P08
            package(5, provider=BRAMLEY, lot=2, starts_on=date(2026, 7, 13)),  # first day
        ]
    )

    rows = measure(snap, 1)

    # Started: packages 1 and 5; ended: package 3. Aire in Lot 1 started 1, Bramley Lot 2 1.
    assert figure(rows, "started")["value"] == 2
    assert figure(rows, "ended")["value"] == 1
    assert figure(rows, "started", AIRE, 1)["value"] == 1
    assert figure(rows, "started", BRAMLEY, 2)["value"] == 1
    assert figure(rows, "started", BRAMLEY, 1)["value"] == 0
    assert figure(rows, "ended", None, 2)["value"] == 0


def test_care_plan_hours_started_and_closed_are_the_packages_weekly_hours() -> None:
    snap = snapshot(
        packages=[
            package(1, starts_on=date(2026, 7, 20), weekly_minutes=630),
            package(3, ends_on=date(2026, 8, 9), weekly_minutes=300),
            package(4, ends_on=date(2026, 8, 10), weekly_minutes=900),
        ]
    )

    rows = measure(snap, 2)

    # 630 carer-minutes a week = 10.5 hours started; package 3's 300 minutes = 5 closed.
    assert figure(rows, "started_hours")["value"] == 10.5
    assert figure(rows, "ended_hours")["value"] == 5.0


def _change(change_id: int, **kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "change_id": change_id,
        "package_id": change_id,
        "from_weekly_minutes": 600,
        "to_weekly_minutes": 660,
        "within_parameters": True,
        "status": "in_trial",
        "effective_from": None,
        "decided_at": None,
        "decided_weekly_minutes": None,
    }
    base.update(kw)
    return base


def _on(day: int, month: int = 7, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_provider_led_changes_and_social_workers_decisions_count_with_their_net_hours() -> None:
    snap = snapshot(
        packages=[package(i) for i in range(1, 7)],
        changes=[
            # 1: the provider's +60 within parameters, effective in P08: a provider increase.
            _change(1, effective_from=date(2026, 7, 15)),
            # 2: the provider's -60 in P08, approved as it stood: the decision moves nothing.
            _change(
                2,
                to_weekly_minutes=540,
                effective_from=date(2026, 7, 16),
                status="approved",
                decided_at=_on(20),
                decided_weekly_minutes=540,
            ),
            # 3: beyond parameters, so never applied until the social worker approved 900
            # in P08: a social worker's +300.
            _change(
                3,
                to_weekly_minutes=900,
                within_parameters=False,
                status="approved",
                decided_at=_on(21),
                decided_weekly_minutes=900,
            ),
            # 4: the provider's +60 in June (before P08), amended to 630 in P08: -30.
            _change(
                4,
                effective_from=date(2026, 6, 1),
                status="amended",
                decided_at=_on(22),
                decided_weekly_minutes=630,
            ),
            # 5: the provider's -60 on 1 July, reversed in P08 back to 600: +60.
            _change(
                5,
                to_weekly_minutes=540,
                effective_from=date(2026, 7, 1),
                status="reversed",
                decided_at=_on(23),
                decided_weekly_minutes=600,
            ),
            # 6: beyond parameters and reversed: the package never moved.
            _change(
                6,
                within_parameters=False,
                status="reversed",
                decided_at=_on(24),
                decided_weekly_minutes=600,
            ),
        ],
    )

    rows = measure(snap, 3)

    assert figure(rows, "provider_increases")["value"] == 1  # change 1
    assert figure(rows, "provider_decreases")["value"] == 1  # change 2
    assert figure(rows, "social_worker_increases")["value"] == 2  # changes 3 and 5
    assert figure(rows, "social_worker_decreases")["value"] == 1  # change 4
    # Net: provider +60 - 60, social workers +300 - 30 + 60 = 330 minutes = 5.5 hours.
    assert figure(rows, "net_hours")["value"] == 5.5
    assert figure(rows, "net_hours", AIRE, 2)["value"] == 0


def test_a_decision_just_after_midnight_in_summer_counts_on_its_london_day() -> None:
    # 23:30 UTC on Sunday 9 August is 00:30 BST on Monday 10 August: after P08.
    snap = snapshot(
        packages=[package(3)],
        changes=[
            _change(
                3,
                to_weekly_minutes=900,
                within_parameters=False,
                status="approved",
                decided_at=datetime(2026, 8, 9, 23, 30, tzinfo=UTC),
                decided_weekly_minutes=900,
            )
        ],
    )

    assert figure(measure(snap, 3), "social_worker_increases")["value"] == 0


def _review(review_id: int, package_id: int, due_on: date, **kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "review_id": review_id,
        "package_id": package_id,
        "due_on": due_on,
        "done_on": None,
        "recorded_at": None,
        "wellbeing": None,
        "home": None,
        "community": None,
        "opted_out": False,
    }
    base.update(kw)
    return base


def test_packages_due_a_review_count_once_however_many_reviews_fall_due() -> None:
    snap = snapshot(
        packages=[package(1), package(2), package(3, lot=2)],
        reviews=[
            _review(1, 1, date(2026, 7, 14)),  # package 1, due in P08 ...
            _review(2, 1, date(2026, 8, 3)),  # ... and again, after a hospital stay
            _review(3, 2, date(2026, 8, 10)),  # the day after P08
            _review(4, 3, date(2026, 7, 31)),  # Lot 2, due in P08
        ],
    )

    rows = measure(snap, 4)

    # Packages 1 and 3: 2 in all; Lot 1 only package 1.
    assert figure(rows, "due")["value"] == 2
    assert figure(rows, "due", AIRE, 1)["value"] == 1
