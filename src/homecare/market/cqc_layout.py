"""CQC's published ratings files, read row by row (docs/formats/cqc-ratings.md). Pure.

Two layouts are read, found by their header: the "Latest ratings" file's Locations sheet
(one row per location, service or population group and key question), and the HSCA care
directory with ratings (one row per location, its overall rating only). Both are published
as spreadsheets and read here as CSV saved from them. Every unusable row is named with its
line and the reason, and a file with any is used for nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from homecare.market.domain import CqcRating
from homecare.market.rating_rules import question_of_word, question_words, rating_of_word
from homecare.rows import RowProblem

LOCATION_ID = "Location ID"
LOCATION_NAME = "Location Name"
GROUP = "Service / Population Group"
DOMAIN = "Domain"
LATEST_RATING = "Latest Rating"
PUBLISHED = "Publication Date"
DIRECTORY_RATING = "Location Latest Overall Rating"
LATEST_RATINGS_COLUMNS = (LOCATION_ID, DOMAIN, LATEST_RATING, PUBLISHED)
DIRECTORY_COLUMNS = (LOCATION_ID, DIRECTORY_RATING, PUBLISHED)
LOCATION_ID_SHAPE = re.compile(r"^1-\d{6,11}$")
HEADER_SEARCH_LINES = 10
"""A saved sheet may carry a title or notes above its header: the header is looked for
in the first lines."""
MAX_ROWS = 500_000
"""The national Latest ratings file runs to a few hundred thousand rows."""


@dataclass(frozen=True)
class Published:
    """One rating as CQC published it, and the line it was read from."""

    rating: CqcRating
    published_on: date | None
    line: int


@dataclass
class LocationRatings:
    """What CQC publishes for one location: the overall rating and the key questions it
    gives (a directory gives the overall rating only)."""

    location_id: str
    name: str = ""
    ratings: dict[str, Published] = field(default_factory=dict)


@dataclass
class CqcFile:
    locations: list[LocationRatings]
    problems: list[RowProblem]
    rows: int = 0
    other_groups: int = 0
    """Rows rating a service or population group within a location (hospitals and GP
    practices), not the location as a whole: left alone."""


def read_date(text: str) -> date:
    """2026-12-02, 02/12/2026 or 2 December 2026, as the sheets save dates."""
    cleaned = text.strip()
    for layout in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(cleaned, layout).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date: CQC writes it as 2026-12-02 or 02/12/2026")


def _header_at(lines: list[str]) -> int | None:
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if LOCATION_ID in next(csv.reader([line.rstrip("\r\n")]), []):
            return index
    return None


def _rating(text: str) -> CqcRating:
    rating = rating_of_word(text)
    if rating is None:
        raise ValueError(
            f"'{text}' is not a CQC rating: CQC rates Outstanding, Good, Requires improvement"
            " or Inadequate"
        )
    return rating


def _row(
    line: int, raw: dict[str, str], rating_column: str
) -> tuple[tuple[str, str, str, Published] | None, list[RowProblem]]:
    """One usable row as (location, name, key question, rating), or its problems."""
    text = {k: (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
    problems: list[RowProblem] = []
    location = text.get(LOCATION_ID, "")
    if not location:
        problems.append(RowProblem(line, LOCATION_ID, "the location ID is empty"))
    elif not LOCATION_ID_SHAPE.match(location):
        problems.append(
            RowProblem(line, LOCATION_ID, f"'{location}' is not a CQC location ID, like 1-101")
        )
    question = "overall"
    if rating_column == LATEST_RATING:
        found = question_of_word(text.get(DOMAIN, ""))
        if found is None:
            problems.append(
                RowProblem(
                    line,
                    DOMAIN,
                    f"'{text.get(DOMAIN, '')}' is not a key question: write Overall, Safe,"
                    " Effective, Caring, Responsive or Well-led",
                )
            )
        question = found or "overall"
    rating = None
    try:
        rating = _rating(text.get(rating_column, ""))
    except ValueError as exc:
        problems.append(RowProblem(line, rating_column, str(exc)))
    published_on = None
    if text.get(PUBLISHED):
        try:
            published_on = read_date(text[PUBLISHED])
        except ValueError as exc:
            problems.append(RowProblem(line, PUBLISHED, str(exc)))
    if problems or rating is None:
        return None, problems
    return (
        location,
        text.get(LOCATION_NAME, ""),
        question,
        Published(rating, published_on, line),
    ), []


def read_cqc_ratings(content: str) -> CqcFile:
    """Every location's ratings, or the problems of every row that cannot be used; a row's
    line is the line a spreadsheet shows it on."""
    lines = content.lstrip("\ufeff").splitlines(keepends=True)
    start = _header_at(lines)
    if start is None:
        return CqcFile([], [RowProblem(1, "", f"no header with a '{LOCATION_ID}' column")])
    reader = csv.DictReader(io.StringIO("".join(lines[start:])))
    header = reader.fieldnames or []
    if all(c in header for c in LATEST_RATINGS_COLUMNS):
        rating_column = LATEST_RATING
    elif all(c in header for c in DIRECTORY_COLUMNS):
        rating_column = DIRECTORY_RATING
    else:
        missing = [c for c in LATEST_RATINGS_COLUMNS if c not in header]
        return CqcFile(
            [],
            [
                RowProblem(
                    start + 1,
                    "",
                    f"the header has no column {', '.join(missing)}: save the Locations sheet"
                    " of CQC's Latest ratings file as CSV",
                )
            ],
        )
    found = CqcFile([], [])
    by_location: dict[str, LocationRatings] = {}
    for index, raw in enumerate(reader):
        line = start + index + 2
        if index >= MAX_ROWS:
            found.problems.append(RowProblem(line, "", f"a file holds at most {MAX_ROWS} rows"))
            break
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        found.rows += 1
        group = (raw.get(GROUP) or "Overall").strip()
        if group.lower() != "overall":
            found.other_groups += 1
            continue
        row, problems = _row(line, raw, rating_column)
        found.problems += problems
        if row is None:
            continue
        location_id, name, question, published = row
        location = by_location.setdefault(location_id, LocationRatings(location_id, name))
        earlier = location.ratings.get(question)
        if earlier is not None and earlier.rating is not published.rating:
            found.problems.append(
                RowProblem(
                    line,
                    rating_column,
                    f"this location's {question_words(question)} rating is already given"
                    f" on line {earlier.line}, as another rating",
                )
            )
            continue
        location.ratings.setdefault(question, published)
    if not found.rows and not found.problems:
        found.problems.append(RowProblem(start + 2, "", "the file has no rows"))
    found.locations = list(by_location.values())
    return found
