"""Measures 14-19, the workforce: travel, staffing spend, sickness, turnover, the staff
survey and training. Provider-wide records: rows per provider and the total, no lots.

Every test reports on 2026-P08: Monday 13 July to Sunday 9 August 2026 (20 weekdays).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.unit.monitoring.frames import AIRE, BRAMLEY, figure, measure, snapshot


def _at(day: int, hour: int, minute: int = 0, month: int = 7) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _stint(carer: int, checked_in: datetime, checked_out: datetime) -> dict[str, object]:
    return {"care_worker_id": carer, "checked_in_at": checked_in, "checked_out_at": checked_out}


@pytest.mark.parametrize("seven", [7, 7 + 2**21])  # the second too big for the packed sort
def test_travel_is_the_capped_gaps_between_a_carers_visits_and_nothing_else(
    seven: int,
) -> None:
    snap = snapshot(
        care_workers=[
            {"care_worker_id": seven, "provider_id": AIRE},
            {"care_worker_id": 8, "provider_id": AIRE},
        ],
        attendance=[
            # Carer 7 on Tuesday 14 July (times UTC; London is an hour ahead):
            _stint(seven, _at(14, 7), _at(14, 7, 30)),
            _stint(seven, _at(14, 7, 40), _at(14, 8, 10)),  # 10 minutes' travel
            _stint(seven, _at(14, 9, 30), _at(14, 10)),  # an 80-minute gap: a break, counts 60
            _stint(seven, _at(14, 9, 50), _at(14, 10, 20)),  # overlaps the last one: 0
            _stint(seven, _at(14, 10, 30), _at(14, 11)),  # 10 minutes
            # 23:30 UTC is 00:30 BST on Wednesday 15 July: another day, so no gap from
            # 11:00; counted by UTC date it would have added another capped 60 minutes.
            _stint(seven, _at(14, 23, 30), _at(14, 23, 50)),
        ],
    )

    rows = measure(snap, 14)

    # Travel: 10 + 60 + 0 + 10 on the 14th = 80 minutes.
    # Direct care: 5 × 30 + 20 = 170 minutes = 2.833 hours.
    per_hour = figure(rows, "travel_minutes_per_care_hour", AIRE)
    assert figure(rows, "travel_hours", AIRE)["value"] == pytest.approx(80 / 60)
    assert per_hour["value"] == pytest.approx(80 / (170 / 60))
    assert (per_hour["numerator"], per_hour["denominator"]) == pytest.approx((80, 170 / 60))
    assert figure(rows, "travel_hours", BRAMLEY)["value"] == 0
    assert figure(rows, "travel_minutes_per_care_hour", BRAMLEY)["value"] is None


def _spend(first: date, last: date, direct: int, indirect: int, total: int) -> dict[str, object]:
    return {
        "provider_id": AIRE,
        "period_start": first,
        "period_end": last,
        "direct_pence": direct,
        "indirect_pence": indirect,
        "total_pence": total,
    }


def test_staffing_spend_shares_take_each_record_pro_rata_by_its_days_in_the_period() -> None:
    snap = snapshot(
        spend=[
            # July (31 days), 19 of them in P08 (13-31 July): 19/31 of each figure.
            _spend(date(2026, 7, 1), date(2026, 7, 31), 31_000, 6_200, 46_500),
            # August, 9 days in P08 (1-9 August): 9/31.
            _spend(date(2026, 8, 1), date(2026, 8, 31), 31_000, 0, 31_000),
        ]
    )

    rows = measure(snap, 15)

    # Direct 19,000 + 9,000 = 28,000; indirect 3,800; total 28,500 + 9,000 = 37,500.
    direct = figure(rows, "direct_pct", AIRE)
    assert (direct["numerator"], direct["denominator"]) == pytest.approx((28_000, 37_500))
    assert direct["value"] == pytest.approx(28_000 / 37_500 * 100)
    assert figure(rows, "indirect_pct", AIRE)["value"] == pytest.approx(3_800 / 37_500 * 100)
    assert figure(rows, "direct_pct", BRAMLEY)["value"] is None


def _workers(*ids: int, provider: int = AIRE) -> list[dict[str, object]]:
    return [{"care_worker_id": i, "provider_id": provider} for i in ids]


def test_sickness_days_are_pro_rata_and_a_share_of_headcount_times_weekdays() -> None:
    snap = snapshot(
        care_workers=_workers(1, 2, 3, 4),
        sickness=[
            # 6-15 July, 8 working days over 10 calendar days; 13-15 July are in P08:
            # 8 × 3 / 10 = 2.4 days.
            {
                "provider_id": AIRE,
                "first_day": date(2026, 7, 6),
                "last_day": date(2026, 7, 15),
                "working_days": 8,
            },
            {
                "provider_id": AIRE,
                "first_day": date(2026, 7, 20),
                "last_day": date(2026, 7, 21),
                "working_days": 2,
            },
        ],
    )

    rows = measure(snap, 16)

    # 4.4 days over 4 staff × 20 weekdays = 80 working days: 5.5%.
    assert figure(rows, "sickness_days", AIRE)["value"] == pytest.approx(4.4)
    pct = figure(rows, "sickness_pct", AIRE)
    assert pct["denominator"] == 80
    assert pct["value"] == pytest.approx(5.5)


def _move(worker: int | None, kind: str, on: date) -> dict[str, object]:
    return {"provider_id": AIRE, "care_worker_id": worker, "kind": kind, "on": on}


def test_turnover_is_leavers_over_the_average_of_the_first_and_last_days_headcount() -> None:
    snap = snapshot(
        care_workers=_workers(1, 2, 3, 4, 5) + _workers(9, provider=BRAMLEY),
        staff_movements=[
            _move(5, "starter", date(2026, 7, 20)),  # not on the first day, on the last
            _move(4, "leaver", date(2026, 8, 1)),  # on the first day, gone by the last
            _move(3, "leaver", date(2026, 8, 10)),  # leaves after P08: on both days
            _move(None, "leaver", date(2026, 7, 30)),  # a leaver with no worker record
        ],
    )

    rows = measure(snap, 17)

    # Headcount: 1, 2, 3, 4 on 13 July; 1, 2, 3, 5 on 9 August: average 4.
    # Leavers: worker 4 and the unlinked one = 2: turnover 50%.
    turnover = figure(rows, "turnover_pct", AIRE)
    assert figure(rows, "leavers", AIRE)["value"] == 2
    assert (turnover["numerator"], turnover["denominator"], turnover["value"]) == (2, 4, 50)
    # All providers: 2 leavers over 5 staff (Bramley's one worker added): 40%.
    assert figure(rows, "turnover_pct")["value"] == pytest.approx(40.0)


def test_job_satisfaction_and_morale_are_the_mean_scores_of_answers_in_the_period() -> None:
    day = date(2026, 7, 20)
    snap = snapshot(
        staff_survey=[
            {"provider_id": AIRE, "answered_on": day, "job_satisfaction": 4, "morale": 2},
            {"provider_id": AIRE, "answered_on": day, "job_satisfaction": 5, "morale": 4},
            {"provider_id": AIRE, "answered_on": day, "job_satisfaction": 3, "morale": 3},
            {
                "provider_id": AIRE,
                "answered_on": date(2026, 8, 10),
                "job_satisfaction": 1,
                "morale": 1,
            },
        ]
    )

    rows = measure(snap, 18)

    assert figure(rows, "job_satisfaction", AIRE)["value"] == 4.0  # (4 + 5 + 3) / 3
    assert figure(rows, "morale", AIRE)["value"] == 3.0  # (2 + 4 + 3) / 3
    assert figure(rows, "morale", AIRE)["denominator"] == 3
    assert figure(rows, "morale", BRAMLEY)["value"] is None


def test_training_hours_are_summed_and_shared_over_the_average_headcount() -> None:
    snap = snapshot(
        care_workers=_workers(1, 2),
        training=[
            {"provider_id": AIRE, "completed_on": date(2026, 7, 20), "hours": 2.0},
            {"provider_id": AIRE, "completed_on": date(2026, 8, 9), "hours": 3.5},
            {"provider_id": AIRE, "completed_on": date(2026, 8, 10), "hours": 6.0},
        ],
    )

    rows = measure(snap, 19)

    # 5.5 hours in P08, 2 staff: 2.75 hours each.
    assert figure(rows, "training_hours", AIRE)["value"] == 5.5
    assert figure(rows, "training_hours_per_staff", AIRE)["value"] == 2.75
