"""How the snapshot's frames are read: types from either driver, visit codes, London days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from homecare.calendar import LONDON
from homecare.monitoring.data import (
    CODE_SPAN,
    COMMUNITY_BIT,
    DAY_SPAN,
    SCHEMAS,
    VISIT_STATUSES,
    conform,
    decode_visits,
)
from homecare.monitoring.measures import london_day
from homecare.monitoring.measures.travel import STINTS


def test_text_dates_moments_and_booleans_from_sqlite_come_out_typed() -> None:
    # SQLite through SQLAlchemy hands back text and 0/1; connectorx gives naive UTC.
    raw = pl.DataFrame(
        {
            "review_id": [1],
            "package_id": [2],
            "due_on": ["2026-07-20"],
            "done_on": [None],
            "recorded_at": ["2026-07-20 14:05:00.250000"],
            "wellbeing": [3],
            "home": [None],
            "community": [4],
            "opted_out": [0],
        }
    )

    typed = conform(raw, SCHEMAS["reviews"])

    assert typed.schema == pl.Schema(SCHEMAS["reviews"])
    row = typed.row(0, named=True)
    assert row["due_on"] == date(2026, 7, 20)
    assert row["recorded_at"] == datetime(2026, 7, 20, 14, 5, 0, 250000, tzinfo=UTC)
    assert row["opted_out"] is False


def test_moments_become_whole_epoch_seconds_for_call_monitoring() -> None:
    raw = pl.DataFrame(
        {
            "care_worker_id": [7],
            "checked_in_at": [datetime(2026, 7, 14, 7, 0, 30, tzinfo=UTC)],
            "checked_out_at": [datetime(2026, 7, 14, 7, 30)],  # naive: UTC as stored
        }
    )

    row = conform(raw, STINTS).row(0, named=True)

    assert row["checked_out_at"] - row["checked_in_at"] == 29 * 60 + 30
    assert row["checked_in_at"] == int(datetime(2026, 7, 14, 7, 0, 30, tzinfo=UTC).timestamp())


def test_a_visits_packed_number_carries_its_day_minutes_status_and_place() -> None:
    completed, hospital = VISIT_STATUSES.index("completed"), VISIT_STATUSES.index("hospital")
    # (minutes * 2**17 + days since 1970) * 32 + code: 20654 and 20655 are 20 and 21
    # July 2026; the community bit (16) is added to the first visit's status code.
    packed = [
        (90 * DAY_SPAN + 20654) * CODE_SPAN + completed + COMMUNITY_BIT,
        (600 * DAY_SPAN + 20655) * CODE_SPAN + hospital,
    ]
    read = pl.DataFrame({"package_id": [1, 1], "packed": packed})

    visits = decode_visits(read)

    assert visits["status"].to_list() == ["completed", "hospital"]
    assert visits["community"].to_list() == [True, False]
    assert visits["day"].to_list() == [date(2026, 7, 20), date(2026, 7, 21)]
    assert visits["minutes"].to_list() == [90, 600]


def test_london_days_follow_the_clock_changes() -> None:
    moments = [
        datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # 00:59:59 GMT, Sunday 29 March
        datetime(2026, 3, 29, 23, 30, tzinfo=UTC),  # 00:30 BST on Monday 30 March
        datetime(2026, 10, 24, 23, 30, tzinfo=UTC),  # 00:30 BST on Sunday 25 October
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # 23:30 GMT, still Sunday 25 October
        datetime(2026, 7, 1, 12, tzinfo=UTC),
    ]
    frame = pl.DataFrame({"at": [int(m.timestamp()) for m in moments]})

    days = frame.select(london_day("at", frame))["at"].to_list()

    assert days == [m.astimezone(LONDON).date() for m in moments]
    assert days[1:4] == [date(2026, 3, 30), date(2026, 10, 25), date(2026, 10, 25)]
