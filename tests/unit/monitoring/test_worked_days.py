"""A worker's day from call monitoring: the service's rule and the bulk rule agree.

`delivery.worked_days.day_totals` keeps each day up to date as stints complete;
`monitoring.measures.travel.worked_days_frame` builds a store's days in bulk. The two
must give the same figures for any stints, across London's clock changes included.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecare.calendar import local_date
from homecare.delivery.worked_days import day_totals, london_bounds
from homecare.monitoring.measures.travel import worked_days_frame

# Sunday 25 October 2026 01:00 UTC: London goes back from BST to GMT.
CLOCKS_GO_BACK = int(datetime(2026, 10, 25, 1, tzinfo=UTC).timestamp())


def test_gaps_are_travel_capped_at_an_hour_and_overlaps_count_nothing() -> None:
    start = int(datetime(2026, 7, 14, 7, tzinfo=UTC).timestamp())
    minute = 60
    stints = [
        (start, start + 30 * minute),
        (start + 40 * minute, start + 70 * minute),  # 10 minutes' travel
        (start + 150 * minute, start + 180 * minute),  # an 80-minute gap: a break, counts 60
        (start + 170 * minute, start + 200 * minute),  # overlaps the last one: 0
        (start + 210 * minute, start + 240 * minute),  # 10 minutes
    ]

    totals = day_totals(reversed(stints))  # the order they arrive in does not matter

    assert (totals.stints, totals.care_minutes, totals.travel_minutes) == (5, 150.0, 80.0)


def test_a_forgotten_check_out_counts_a_day_at_most_and_a_reversed_one_nothing() -> None:
    start = int(datetime(2026, 7, 14, 7, tzinfo=UTC).timestamp())

    assert day_totals([(start, start + 3 * 86400)]).care_minutes == 24 * 60
    assert day_totals([(start, start - 600)]).care_minutes == 0


def test_the_london_day_of_the_clock_change_is_twenty_five_hours_long() -> None:
    start, end = london_bounds(date(2026, 10, 25))

    assert (end - start).total_seconds() == 25 * 3600
    assert start == datetime(2026, 10, 24, 23, tzinfo=UTC)


stint = st.tuples(
    st.integers(min_value=CLOCKS_GO_BACK - 2 * 86400, max_value=CLOCKS_GO_BACK + 2 * 86400),
    st.integers(min_value=-600, max_value=30 * 3600),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3), stint), max_size=40))
def test_the_bulk_rule_gives_every_day_the_figures_the_service_keeps(
    stints: list[tuple[int, tuple[int, int]]],
) -> None:
    by_day: dict[tuple[int, date], list[tuple[int, int]]] = defaultdict(list)
    for worker, (start, length) in stints:
        day = local_date(datetime.fromtimestamp(start, UTC))
        by_day[(worker, day)].append((start, start + length))
    frame = pl.DataFrame(
        {
            "care_worker_id": [w for w, _ in stints],
            "checked_in_at": [s for _, (s, _) in stints],
            "checked_out_at": [s + n for _, (s, n) in stints],
        },
        schema={"care_worker_id": pl.Int64, "checked_in_at": pl.Int64, "checked_out_at": pl.Int64},
    )

    bulk = {
        (r["care_worker_id"], r["day"]): (r["stints"], r["care_minutes"], r["travel_minutes"])
        for r in worked_days_frame(frame).iter_rows(named=True)
    }

    assert set(bulk) == set(by_day)
    for key, day_stints in by_day.items():
        totals = day_totals(day_stints)
        assert bulk[key][0] == totals.stints
        assert bulk[key][1:] == pytest.approx((totals.care_minutes, totals.travel_minutes))
