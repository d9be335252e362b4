"""Reading a caseload extract: each usable row becomes a person and their weekly visits,
and every unusable row is named with its line, its column and the reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from homecare.caseload.import_rows import read_caseload
from homecare.pattern import Day, TimeBand

SAMPLE = (Path(__file__).parents[1] / "data" / "caseload.csv").read_text()
HEADER = SAMPLE.splitlines()[0]


def test_the_sample_extract_reads_into_three_people_and_their_visits() -> None:
    rows, problems = read_caseload(SAMPLE)

    assert problems == []
    margaret, harold, joan = rows
    assert (margaret.nhs_number, margaret.date_of_birth) == ("9990000018", date(1938, 4, 12))
    # Every day: 45 + 30 + 30 minutes and a bed call of 30 with two carers.
    # 7 × (45 + 30 + 30 + 2 × 30) = 7 × 165 = 1,155 carer minutes, 19 h 15 min a week.
    assert sum(v.carer_minutes for v in margaret.pattern) == 1_155
    assert {v.carers for v in margaret.pattern if v.band is TimeBand.BED} == {2}
    assert margaret.outcomes == ["Stay safe at home", "Eat a hot meal each day"]
    assert {v.day for v in harold.pattern} == {Day.MON, Day.WED, Day.FRI}
    assert harold.starts_on == date(2026, 9, 1)  # written 01/09/2026
    assert (joan.postcode, joan.ends_on, len(joan.pattern)) == ("LS12 1BW", date(2026, 10, 25), 10)


def test_every_unusable_row_is_named_with_its_line_column_and_reason() -> None:
    bad = "\n".join(
        [
            HEADER,
            "123,Ann,Lee,1940-01-01,1 Road,LS12 1AU,Aire Homecare,1,2026-09-01,,every day,30,,,,,",
            "9990000026,Bob,Day,31/02/1940,1 Road,NOT A CODE,Aire Homecare,one,2026-09-01,,"
            "someday,30,,,,,",
            "9990000034,Cy,Ng,1940-01-01,1 Road,LS12 1AU,Aire Homecare,1,2026-09-01,2026-08-01,"
            "weekdays,10,,,,lunch,",
        ]
    )

    rows, problems = read_caseload(bad)

    assert rows == []
    found = {(p.line, p.column) for p in problems}
    assert (2, "nhs_number") in found
    assert {(3, "date_of_birth"), (3, "postcode"), (3, "lot"), (3, "days")} <= found
    assert {(4, "ends_on"), (4, "morning_minutes")} <= found
    lunch = next(p for p in problems if (p.line, p.column) == (4, "morning_minutes"))
    assert lunch.reason == "a visit lasts 15 to 240 minutes"
    assert str(lunch) == "line 4 (morning_minutes): a visit lasts 15 to 240 minutes"


def test_a_header_without_the_needed_columns_is_one_problem_on_line_one() -> None:
    rows, problems = read_caseload("nhs_number,name\n9990000018,Ann Lee\n")

    assert rows == []
    assert [(p.line, p.column) for p in problems] == [(1, "")]
    assert "given_name" in problems[0].reason


def test_the_same_person_twice_is_refused_on_the_second_line() -> None:
    first = SAMPLE.splitlines()[1]
    rows, problems = read_caseload("\n".join([HEADER, first, first]))

    assert len(rows) == 1
    assert [(p.line, p.reason) for p in problems] == [(3, "the same person is on line 2")]
