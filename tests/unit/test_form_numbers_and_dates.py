"""Numbers and GOV.UK dates typed into the pages: ASCII digits only, in range, never a crash.

`str.isdigit` takes '²' and other Unicode digits, which `int` then refuses or reads as
another number, and a day of twenty digits made `date()` overflow: a form error now, as
for any other date that is not real.
"""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from homecare.http import MAX_ID
from homecare.web import forms


def _date(day: str, month: str = "10", year: str = "2026") -> tuple[object, dict[str, str]]:
    form = FormData({"start-day": day, "start-month": month, "start-year": year})
    errors: dict[str, str] = {}
    return forms.parse_date(form, "start", "the start date", errors, anchor="start-day"), errors


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("²", "10", "2026"),
        ("5", "١٠", "2026"),
        ("5", "10", "２０２６"),
        ("99999999999999999999", "10", "2026"),
        ("5", "99999999999999999999", "2026"),
        ("9" * 5000, "10", "2026"),
        ("31", "2", "2026"),
        ("-1", "10", "2026"),
        ("5", "10", "0000"),
    ],
)
def test_a_date_that_is_not_real_is_a_form_error(day: str, month: str, year: str) -> None:
    value, errors = _date(day, month, year)

    assert value is None
    assert errors == {"start-day": "Start date must be a real date"}


@pytest.mark.parametrize("year", ["1899", "2201", "9999"])
def test_a_year_out_of_range_is_a_form_error_saying_the_range(year: str) -> None:
    value, errors = _date("5", "10", year)

    assert value is None
    assert errors == {"start-day": "Start date must be in a year from 1900 to 2200"}


def test_a_real_date_is_read() -> None:
    value, errors = _date("05", "10", "2026")

    assert str(value) == "2026-10-05" and errors == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30", 30),
        (" 30 ", 30),
        ("0", 0),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 5000, None),
        ("²", None),
        ("١٢", None),
        ("３０", None),
        ("-3", None),
        ("3.5", None),
        ("", None),
        (None, None),
    ],
)
def test_a_whole_number_is_ascii_digits_within_range(raw: str | None, expected: int | None) -> None:
    assert forms.whole_number(raw) == expected


def test_a_whole_number_may_have_a_lower_ceiling() -> None:
    assert forms.whole_number("240", most=240) == 240
    assert forms.whole_number("241", most=240) is None
    assert forms.whole_number("1000", most=240) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7", 7), ("0", None), (str(MAX_ID + 1), None), ("²", None), ("", None)],
)
def test_a_record_id_is_a_whole_number_from_one_to_the_largest_id(
    raw: str, expected: int | None
) -> None:
    assert forms.record_id(raw) == expected
