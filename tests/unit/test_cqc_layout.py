"""Reading CQC's published ratings files and its API's answers: every usable rating found,
every unusable row named with its line and reason; and when a change is news to a council."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from homecare.market.cqc_client import location_ratings
from homecare.market.cqc_layout import read_cqc_ratings
from homecare.market.domain import CqcRating
from homecare.market.rating_rules import alert_due, alert_message

DATA = Path(__file__).parents[1] / "data"
G, RI, BAD, OUT, NR = (
    CqcRating.GOOD,
    CqcRating.REQUIRES_IMPROVEMENT,
    CqcRating.INADEQUATE,
    CqcRating.OUTSTANDING,
    CqcRating.NOT_RATED,
)


def test_the_latest_ratings_sample_gives_each_location_its_overall_and_key_questions() -> None:
    read = read_cqc_ratings((DATA / "cqc_latest_ratings.csv").read_text())

    assert read.problems == []
    by_id = {loc.location_id: loc for loc in read.locations}
    assert sorted(by_id) == ["1-1000000001", "1-1000000002", "1-9990000001"]
    aire = by_id["1-1000000001"]
    assert aire.name == "Aire Homecare"
    assert {q: p.rating for q, p in aire.ratings.items()} == {
        "overall": BAD, "safe": BAD, "effective": RI, "caring": G, "responsive": G,
        "well_led": BAD,
    }  # fmt: skip
    assert aire.ratings["overall"].published_on == date(2026, 12, 2)
    # Kirkstall's dates are written 02/12/2026, as a UK spreadsheet saves them.
    assert by_id["1-1000000002"].ratings["caring"].published_on == date(2026, 12, 2)
    # The hospital's row rates one core service, not the location: left alone.
    assert (read.rows, read.other_groups) == (19, 1)


def test_every_unusable_row_is_named_with_its_line_column_and_reason() -> None:
    read = read_cqc_ratings((DATA / "cqc_latest_ratings_unusable.csv").read_text())

    assert [(p.line, p.column) for p in read.problems] == [
        (2, "Latest Rating"), (5, "Location ID"), (7, "Publication Date"),
    ]  # fmt: skip
    assert read.problems[0].reason.startswith("'Very good' is not a CQC rating")
    assert read.problems[1].reason == "the location ID is empty"
    assert "'next Tuesday' is not a date" in read.problems[2].reason
    assert str(read.problems[1]) == "line 5 (Location ID): the location ID is empty"


def test_the_care_directory_gives_the_overall_rating_alone() -> None:
    read = read_cqc_ratings((DATA / "cqc_care_directory.csv").read_text())

    assert read.problems == []
    bramley = next(loc for loc in read.locations if loc.location_id == "1-1000000003")
    assert list(bramley.ratings) == ["overall"]
    assert bramley.ratings["overall"].rating is RI
    assert bramley.ratings["overall"].published_on == date(2026, 12, 1)


def test_a_title_above_the_header_is_skipped_and_lines_stay_true() -> None:
    text = (
        "Latest ratings,,,,\n\n"
        "Location ID,Location Name,Domain,Latest Rating,Publication Date\n"
        "1-1000000001,Aire Homecare,Well-led,Brilliant,2026-12-02\n"
    )

    read = read_cqc_ratings(text)

    assert [(p.line, p.column) for p in read.problems] == [(4, "Latest Rating")]


def test_a_file_that_is_not_cqcs_says_which_columns_it_lacks() -> None:
    read = read_cqc_ratings("Location ID,Name,Rating\n1-1000000001,Aire,Good\n")

    [problem] = read.problems
    assert problem.line == 1
    assert "Domain, Latest Rating, Publication Date" in problem.reason


def test_one_key_question_given_twice_with_different_ratings_is_refused() -> None:
    text = (
        "Location ID,Domain,Latest Rating,Publication Date\n"
        "1-1000000001,Safe,Good,2026-12-02\n"
        "1-1000000001,Safe,Good,2026-12-02\n"
        "1-1000000001,safe,Inadequate,2026-12-02\n"
    )

    read = read_cqc_ratings(text)

    assert [(p.line, p.reason) for p in read.problems] == [
        (4, "this location's Safe rating is already given on line 2, as another rating")
    ]


def test_an_api_answer_maps_to_the_same_ratings_a_file_gives() -> None:
    answer = {
        "locationId": "1-1000000001",
        "name": "Aire Homecare",
        "currentRatings": {
            "overall": {
                "rating": "Requires improvement",
                "reportDate": "2026-12-02",
                "keyQuestionRatings": [
                    {"name": "Safe", "rating": "Inadequate", "reportDate": "2026-12-02"},
                    {"name": "Well-led", "rating": "Requires improvement"},
                ],
            }
        },
    }

    found, problems = location_ratings("1-1000000001", answer)
    never_inspected, none = location_ratings("1-1000000009", {"name": "New"})
    odd, wrong = location_ratings(
        "1-1000000001", {"currentRatings": {"overall": {"rating": "Superb"}}}
    )

    assert problems == [] and found is not None
    assert {q: p.rating for q, p in found.ratings.items()} == {
        "overall": RI, "safe": BAD, "well_led": RI,
    }  # fmt: skip
    assert found.ratings["well_led"].published_on == date(2026, 12, 2)
    assert never_inspected is not None and never_inspected.ratings == {} and none == []
    assert odd is None and wrong == ["'Superb' is not a CQC rating (Overall)"]


def test_a_downgrade_below_the_threshold_is_news_and_an_upgrade_is_not() -> None:
    # Threshold Requires improvement: Inadequate is below it, Requires improvement is not.
    assert alert_due(G, BAD, RI)
    assert alert_due(None, BAD, RI) and alert_due(NR, BAD, RI)
    assert not alert_due(G, RI, RI)
    assert not alert_due(BAD, BAD, RI)
    # Threshold Good: Requires improvement is below it; a fall within "below" is news too,
    # a rise that stays below is not.
    assert alert_due(RI, BAD, G) and not alert_due(BAD, RI, G)
    assert not alert_due(OUT, NR, G)


def test_the_alert_says_what_fell_to_what_in_plain_words() -> None:
    message = alert_message("Aire Homecare", G, BAD, RI, date(2026, 12, 2))
    first = alert_message("Aire Homecare", None, BAD, RI, None)

    assert message == (
        "Aire Homecare's CQC rating fell from Good to Inadequate, below your threshold of"
        " Requires improvement (published 2 December 2026)"
    )
    assert first == (
        "Aire Homecare is now rated Inadequate by CQC, below your threshold of Requires improvement"
    )
