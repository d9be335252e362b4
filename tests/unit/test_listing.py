"""The arithmetic of pages and the reading of a list's address, without a store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from homecare.errors import InvalidInput
from homecare.paging import ListQuery, Slice, api_query, page_count, page_offset, search_words
from homecare.web.format import format_hours_minutes
from homecare.web.listing import Filter, ListSpec, page_numbers, page_of, read_page, read_query

SPEC = ListSpec(
    path="/app/referrals",
    noun="referrals",
    search_label="Search referrals",
    sorts=("person", "referred"),
    filters=(Filter("status", "Status", {"offered": "Offered", "placed": "Placed"}),),
    default_sort="referred",
    default_descending=True,
)


def test_a_list_fills_as_many_pages_as_its_rows_need_and_never_none() -> None:
    # 312 rows at 20 a page: 15 full pages (300 rows) and a 16th with 12.
    assert page_count(312) == 16
    assert page_count(40) == 2
    assert page_count(41) == 3
    assert page_count(0) == 1


def test_a_page_starts_after_the_rows_of_the_pages_before_it() -> None:
    # Page 2 of 312 rows begins after 20 rows: rows 21 to 40, offset 20.
    assert page_offset(2, 312) == 20
    # Page 16 is the last: offset 15 × 20 = 300, rows 301 to 312.
    assert page_offset(16, 312) == 300


def test_a_page_past_the_end_is_the_last_page_and_before_the_start_the_first() -> None:
    # 45 rows fill 3 pages; page 9 is page 3, which starts at row 41 (offset 40).
    assert page_offset(9, 45) == 40
    assert page_offset(0, 45) == 0
    assert page_offset(3, 0) == 0


def test_the_page_shown_says_which_rows_it_holds_of_how_many() -> None:
    query = ListQuery(page=2)
    found: Slice[int] = Slice(rows=list(range(20)), total=312, offset=20, limit=20)

    page = page_of(found, query, SPEC)

    # "Showing 21 to 40 of 312": offset 20 + 1 = 21, offset 20 + 20 rows = 40.
    assert (page.page, page.pages, page.first, page.last) == (2, 16, 21, 40)


def test_an_empty_page_shows_no_first_row() -> None:
    page = page_of(Slice(rows=[], total=0, offset=0, limit=20), ListQuery(page=1), SPEC)

    assert (page.first, page.last, page.pages) == (0, 0, 1)
    assert page.empty_message() == "There are no referrals yet"


def test_pagination_shows_the_ends_and_the_neighbours_of_the_current_page() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(8, 16) == [1, None, 7, 8, 9, None, 16]
    # A gap of a single page shows that page rather than an ellipsis.
    assert page_numbers(4, 16) == [1, 2, 3, 4, 5, None, 16]
    assert page_numbers(16, 16) == [1, None, 15, 16]


def test_the_address_is_read_into_a_query_with_the_lists_usual_sort() -> None:
    query, errors = read_query({"q": "  Margaret   Holroyd ", "status": "placed"}, SPEC)

    assert errors == {}
    assert query.q == "Margaret Holroyd"
    assert dict(query.filters) == {"status": "placed"}
    assert (query.sort, query.descending, query.page) == ("referred", True, 1)


@pytest.mark.parametrize(
    ("params", "sort", "descending"),
    [
        ({"sort": "person"}, "person", False),
        ({"sort": "-person"}, "person", True),
        ({"sort": "person", "order": "desc"}, "person", True),
        ({"sort": "shoe-size"}, "referred", True),
    ],
)
def test_a_sort_is_a_named_column_either_way_and_an_unknown_one_is_the_usual_sort(
    params: dict[str, str], sort: str, descending: bool
) -> None:
    query, errors = read_query(params, SPEC)

    assert (query.sort, query.descending, errors) == (sort, descending, {})


def test_every_unusable_choice_gets_its_own_plain_english_message_at_once() -> None:
    query, errors = read_query({"q": "x" * 101, "status": "lost", "page": "two"}, SPEC)

    assert errors == {
        "q": "Search text must be 100 characters or fewer",
        "status": "Select a status from the list",
        "pagination": "Page must be a whole number, like 2",
    }
    assert (query.q, dict(query.filters), query.page) == ("", {}, 1)


@pytest.mark.parametrize(
    ("raw", "page", "error"),
    [
        ("", 1, None),
        ("3", 3, None),
        ("0", 1, "Page must be a whole number, like 2"),
        ("-2", 1, "Page must be a whole number, like 2"),
        ("2.5", 1, "Page must be a whole number, like 2"),
        ("²", 1, "Page must be a whole number, like 2"),
        ("9" * 30, 1_000_000, None),
    ],
)
def test_a_page_number_is_a_whole_number_from_one(raw: str, page: int, error: str | None) -> None:
    assert read_page(raw) == (page, error)


def test_links_keep_the_search_filters_and_sort_and_sorting_starts_again_at_page_one() -> None:
    query, _ = read_query({"q": "holroyd", "status": "placed", "sort": "person", "page": "2"}, SPEC)
    page = page_of(Slice(rows=[1], total=45, offset=20, limit=20), query, SPEC)

    assert page.page_link(3) == "/app/referrals?q=holroyd&status=placed&sort=person&page=3"
    assert page.page_link(1) == "/app/referrals?q=holroyd&status=placed&sort=person"
    assert page.sort_link("person") == "/app/referrals?q=holroyd&status=placed&sort=-person"
    assert page.sort_link("referred") == "/app/referrals?q=holroyd&status=placed"
    assert page.aria_sort("person") == "ascending" and page.aria_sort("referred") is None
    assert page.empty_message() == "No referrals match ‘holroyd’"


def test_the_usual_sort_reversed_is_written_in_the_address() -> None:
    query, _ = read_query({"sort": "referred"}, SPEC)
    page = page_of(Slice(rows=[1], total=1, offset=0, limit=20), query, SPEC)

    assert page.aria_sort("referred") == "ascending"
    assert page.sort_link("referred") == "/app/referrals"
    assert page.sort_param() == "referred"


def test_only_the_first_five_words_are_searched_for() -> None:
    assert search_words("a b  c d e f g") == ["a", "b", "c", "d", "e"]


def test_the_api_refuses_an_unknown_sort_and_reads_a_known_one_either_way() -> None:
    query = api_query({"person"}, sort="-person", offset=20, limit=20, filters={"status": None})

    assert (query.sort, query.descending, query.offset, query.limit) == ("person", True, 20, 20)
    assert dict(query.filters) == {}
    with pytest.raises(InvalidInput):
        api_query({"person"}, sort="shoe-size")


def test_weekly_hours_are_shown_in_hours_and_minutes() -> None:
    # 1165 minutes a week are 19.42 hours to two places: 19 hours and 25 minutes.
    assert format_hours_minutes(Decimal("19.42")) == "19 hours 25 minutes"
    assert format_hours_minutes(1165 / 60) == "19 hours 25 minutes"
    assert format_hours_minutes(Decimal("12.50")) == "12 hours 30 minutes"
    assert format_hours_minutes(1) == "1 hour"
