"""Review rules without a database: due dates, ratings, progress and social connections."""

from __future__ import annotations

from datetime import date

import pytest

from homecare.errors import InvalidInput
from homecare.reviews.domain import (
    Connection,
    ConnectionKind,
    HowOften,
    Rating,
    Recorded,
    after_hospital_due,
    check_connection,
    check_ratings,
    first_review_due,
    is_overdue,
    made_progress,
    next_review_due,
    progress_over,
    reconcile,
)


def test_the_first_review_is_six_weeks_after_the_start_and_then_every_twelve() -> None:
    # Started Monday 5 October 2026: first review Monday 16 November; one done on
    # 18 November sets the next for 10 February 2027.
    assert first_review_due(date(2026, 10, 5), 6) == date(2026, 11, 16)
    assert next_review_due(date(2026, 11, 18), 12) == date(2027, 2, 10)


def test_an_after_hospital_review_is_due_within_three_working_days() -> None:
    # Discharged Friday 9 October 2026: Monday, Tuesday, Wednesday 14 October.
    assert after_hospital_due(date(2026, 10, 9)) == date(2026, 10, 14)
    # Discharged Christmas Eve 2026: Christmas Day, the weekend and Boxing Day (observed on
    # Monday 28th) are skipped, so 29, 30 and 31 December count.
    assert after_hospital_due(date(2026, 12, 24)) == date(2026, 12, 31)


def test_a_review_is_overdue_only_when_open_past_its_date() -> None:
    assert is_overdue(date(2026, 11, 16), None, date(2026, 11, 17))
    assert not is_overdue(date(2026, 11, 16), None, date(2026, 11, 16))
    assert not is_overdue(date(2026, 11, 16), date(2026, 11, 20), date(2026, 11, 30))


def test_ratings_are_three_whole_numbers_from_one_to_five() -> None:
    assert check_ratings({"wellbeing": 3, "home": 5, "community": 1}, opted_out=False) == Rating(
        3, 5, 1
    )


@pytest.mark.parametrize(
    ("ratings", "field"),
    [
        ({"wellbeing": 6, "home": 3, "community": 3}, "ratings.wellbeing"),
        ({"wellbeing": 3, "home": 0, "community": 3}, "ratings.home"),
        ({"wellbeing": 3, "home": 3}, "ratings.community"),
        ({"wellbeing": 3, "home": 3, "community": True}, "ratings.community"),
        ({"wellbeing": 3, "home": 3, "community": 3, "garden": 4}, "ratings.garden"),
        (None, "ratings"),
    ],
)
def test_a_bad_rating_is_refused_naming_its_field(
    ratings: dict[str, object] | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_ratings(ratings, opted_out=False)
    assert refused.value.field == field


def test_someone_who_opted_out_gives_no_ratings() -> None:
    assert check_ratings(None, opted_out=True) == Rating(None, None, None, opted_out=True)
    assert check_ratings({"wellbeing": None}, opted_out=True).opted_out
    with pytest.raises(InvalidInput) as refused:
        check_ratings({"wellbeing": 3, "home": 3, "community": 3}, opted_out=True)
    assert refused.value.field == "ratings"


def test_progress_is_each_domains_change_since_the_last_rating_given() -> None:
    # (3, 3, 3), then opted out, then (4, 3, 1): nothing to compare at first, nothing for the
    # opt-out, then +1, 0, −2 against the first review (the opt-out is skipped).
    history = [Rating(3, 3, 3), Rating(None, None, None, opted_out=True), Rating(4, 3, 1)]

    assert progress_over(history) == [
        {"wellbeing": None, "home": None, "community": None},
        {"wellbeing": None, "home": None, "community": None},
        {"wellbeing": 1, "home": 0, "community": -2},
    ]


def test_someone_made_progress_when_any_domain_went_up() -> None:
    assert made_progress({"wellbeing": 1, "home": 0, "community": -2}) is True
    assert made_progress({"wellbeing": 0, "home": 0, "community": -1}) is False
    assert made_progress({"wellbeing": None, "home": None, "community": None}) is None


def test_a_connection_is_checked_and_its_name_tidied() -> None:
    assert check_connection("family", "  Daughter   Susan ", "weekly", 0) == Connection(
        ConnectionKind.FAMILY, "Daughter Susan", HowOften.WEEKLY
    )
    with pytest.raises(InvalidInput) as refused:
        check_connection("pub", "The Albion", "weekly", 2)
    assert refused.value.field == "social_connections[2].kind"
    with pytest.raises(InvalidInput) as refused:
        check_connection("group", "Lunch club", "hourly", 1)
    assert refused.value.field == "social_connections[1].how_often"


def test_a_review_listing_connections_ends_the_gone_and_adds_the_new() -> None:
    susan = Connection(ConnectionKind.FAMILY, "Susan", HowOften.WEEKLY)
    club = Connection(ConnectionKind.GROUP, "Lunch club", HowOften.WEEKLY)
    church = Connection(ConnectionKind.FAITH, "St Bartholomew's", HowOften.WEEKLY)
    recorded = [Recorded(1, susan), Recorded(2, club), Recorded(3, church)]
    now = [
        Connection(ConnectionKind.FAMILY, "susan", HowOften.WEEKLY),  # same, kept
        Connection(ConnectionKind.GROUP, "Lunch club", HowOften.MONTHLY),  # less often
        Connection(ConnectionKind.NEIGHBOUR, "Mr Patel", HowOften.DAILY),  # new
        Connection(ConnectionKind.NEIGHBOUR, "Mr  Patel", HowOften.DAILY),  # listed twice
    ]

    ended, added = reconcile(recorded, now)

    assert ended == [2, 3]
    assert added == [now[1], now[2]]
