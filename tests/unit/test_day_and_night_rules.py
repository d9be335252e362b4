"""Care across the day and night: clock times, night sitting and sleep-ins, short visits.

Visits under 30 minutes only at the person's request (seed 000 §27); no 15-minute calls
except a second carer on a two-handed visit (001 Appendix 2, 1.2). Each rule is a refusal
naming the visit's field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.errors import InvalidInput
from homecare.pattern import (
    FIFTEEN_NEEDS_SECOND_CARER,
    SHORT_NEEDS_REQUEST,
    TIME_BAND_WINDOWS,
    Day,
    TimeBand,
    VisitKind,
    VisitRequest,
    band_of,
    build_pattern,
    start_window,
)
from homecare.rounds.day import split_night


def _refusal(visits: list[VisitRequest], two_handed: list[str] | None = None) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        build_pattern(visits, two_handed or [])
    return refused.value


def test_a_clock_time_picks_its_band_and_narrows_the_start_to_a_quarter_hour_either_side() -> None:
    (visit,) = build_pattern([VisitRequest(Day.MON, None, 45, at="07:45")], [])
    assert visit.band is TimeBand.MORNING
    assert start_window(visit.band, visit.at) == (time(7, 30), time(8, 0))


def test_a_clock_time_outside_every_band_is_refused_with_the_bands_times() -> None:
    refused = _refusal([VisitRequest(Day.MON, None, 45, at="14:30")])
    assert refused.field == "visits.0.at"
    assert "morning 07:00 to 10:00" in refused.message
    assert "night 21:30 to 23:00" in refused.message


def test_a_clock_time_in_another_band_than_the_one_named_is_refused() -> None:
    refused = _refusal([VisitRequest(Day.MON, TimeBand.LUNCH, 45, at="07:45")])
    assert refused.field == "visits.0.at"


def test_night_sitting_and_sleep_ins_last_up_to_ten_hours_in_the_night_band() -> None:
    pattern = build_pattern(
        [
            VisitRequest(Day.MON, TimeBand.NIGHT, 600, kind=VisitKind.NIGHT_SITTING),
            VisitRequest(Day.TUE, None, 540, kind=VisitKind.SLEEP_IN, at="21:30"),
        ],
        [],
    )
    assert [v.band for v in pattern] == [TimeBand.NIGHT, TimeBand.NIGHT]
    assert _refusal(
        [VisitRequest(Day.MON, TimeBand.NIGHT, 601, kind=VisitKind.NIGHT_SITTING)]
    ).field == ("visits.0.minutes")


def test_night_sitting_in_a_daytime_band_is_refused() -> None:
    refused = _refusal([VisitRequest(Day.MON, TimeBand.BED, 300, kind=VisitKind.SLEEP_IN)])
    assert refused.field == "visits.0.kind"


def test_a_care_visit_stays_within_four_hours_even_at_night() -> None:
    refused = _refusal([VisitRequest(Day.MON, TimeBand.NIGHT, 300)])
    assert refused.field == "visits.0.minutes"


def test_a_fifteen_minute_single_carer_call_is_refused_even_when_asked_for() -> None:
    refused = _refusal([VisitRequest(Day.MON, TimeBand.LUNCH, 15, short_requested=True)])
    assert (refused.field, refused.message) == ("visits.0.minutes", FIFTEEN_NEEDS_SECOND_CARER)


def test_a_fifteen_minute_call_is_taken_for_a_second_carer_on_a_two_handed_visit() -> None:
    (visit,) = build_pattern(
        [VisitRequest(Day.MON, TimeBand.LUNCH, 15, short_requested=True)], ["mon-lunch"]
    )
    assert visit.carers == 2


def test_a_visit_under_thirty_minutes_needs_the_persons_request_and_keeps_it() -> None:
    refused = _refusal([VisitRequest(Day.MON, TimeBand.LUNCH, 20)])
    assert (refused.field, refused.message) == ("visits.0.minutes", SHORT_NEEDS_REQUEST)
    (visit,) = build_pattern([VisitRequest(Day.MON, TimeBand.LUNCH, 20, short_requested=True)], [])
    assert visit.short_requested


@given(st.integers(min_value=0, max_value=24 * 60 - 1))
def test_any_clock_time_taken_lies_in_its_bands_window_and_its_own_start_window(
    minute: int,
) -> None:
    at = time(minute // 60, minute % 60)
    band = band_of(at)
    if band is None:
        assert all(not o <= at <= c for o, c in TIME_BAND_WINDOWS.values())
        return
    opens, closes = TIME_BAND_WINDOWS[band]
    assert opens <= at <= closes
    early, late = start_window(band, at)
    assert early <= at <= late


@dataclass(frozen=True)
class _Due:
    kind: str


def test_night_care_is_kept_out_of_the_daytime_rounds_and_listed_apart() -> None:
    morning, sitting, sleep_in = _Due("care"), _Due("night_sitting"), _Due("sleep_in")
    rounds, night = split_night([(morning, "Ada"), (sitting, "Ben"), (sleep_in, "Cy")])
    assert rounds == [(morning, "Ada")]
    assert night == [sitting, sleep_in]
