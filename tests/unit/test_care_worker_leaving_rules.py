"""The leaving day's rule: not before hiring, at most a year ahead; gone from that day."""

from __future__ import annotations

from datetime import date

from homecare.workforce.domain import leaving_fault, still_working

TODAY = date(2026, 10, 5)


def test_a_leaving_day_from_hiring_to_a_year_ahead_is_taken() -> None:
    hired = date(2026, 3, 1)

    assert leaving_fault(hired, hired_on=hired, today=TODAY) is None
    assert leaving_fault(date(2026, 9, 1), hired_on=hired, today=TODAY) is None
    assert leaving_fault(date(2027, 10, 5), hired_on=hired, today=TODAY) is None
    assert leaving_fault(date(2020, 1, 1), hired_on=None, today=TODAY) is None


def test_a_leaving_day_before_hiring_or_past_a_year_ahead_says_why() -> None:
    assert leaving_fault(date(2026, 2, 28), hired_on=date(2026, 3, 1), today=TODAY) == (
        "the leaving day, 28 February 2026, is before they were hired on 1 March 2026"
    )
    assert leaving_fault(date(2027, 10, 7), hired_on=None, today=TODAY) == (
        "the leaving day, 7 October 2027, is more than a year ahead: record it nearer the time"
    )


def test_a_care_worker_stops_working_on_the_day_they_leave() -> None:
    left = date(2026, 10, 8)

    assert still_working(None, left)
    assert still_working(left, date(2026, 10, 7))
    assert not still_working(left, left)
    assert not still_working(left, date(2026, 10, 9))
