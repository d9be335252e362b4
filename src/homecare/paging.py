"""One slice of a long list, cut in the store: search words, sorting, counting, LIMIT/OFFSET.

Every area's list read takes a `ListQuery` and gives back a `Slice`, so a page and the API
ask for the same rows the same way, and a list of thousands is never loaded whole. The
arithmetic of pages is pure and tested on its own; `fetch_slice` is the one place that runs
the count and the cut.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from homecare.errors import InvalidInput

T = TypeVar("T")

PAGE_SIZE = 20
SEARCH_WORDS = 5
"""Only the first few words typed are searched for: each adds a condition to the query."""


@dataclass(frozen=True)
class ListQuery:
    """What a reader asked of a list: search text, filters by name, a sort and a window.

    `page` (1-based, `PAGE_SIZE` rows) is how pages ask, and a page past the end gives the
    last page; `offset` and `limit` are how the API asks, and an offset past the end gives
    no rows.
    """

    q: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str = ""
    descending: bool = False
    page: int | None = None
    offset: int = 0
    limit: int | None = None


@dataclass(frozen=True)
class Slice(Generic[T]):
    """The rows of one window of a list, and how many rows the whole list has."""

    rows: list[T]
    total: int
    offset: int
    limit: int | None


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """How many pages `total` rows fill; an empty list still has its one (empty) page."""
    return max(1, -(-total // size))


def page_offset(page: int, total: int, size: int = PAGE_SIZE) -> int:
    """Where a page starts, a page past the end being the last page, and 0 or less the first."""
    last = page_count(total, size)
    return (min(max(page, 1), last) - 1) * size


def search_words(text: str) -> list[str]:
    """The words searched for, in the order typed, at most `SEARCH_WORDS`."""
    return text.split()[:SEARCH_WORDS]


def words_match(text: str, *columns: Any) -> ColumnElement[bool] | None:
    """Every word typed is found in one of the columns, ignoring case; None when no words."""
    words = search_words(text)
    if not words:
        return None
    return and_(*(or_(*(c.icontains(w, autoescape=True) for c in columns)) for w in words))


def _ordering(
    query: ListQuery,
    sorts: Mapping[str, Sequence[Any]],
    default: Sequence[Any],
    tiebreak: Any,
) -> list[Any]:
    columns = sorts.get(query.sort)
    if columns is None:
        return [*default, tiebreak]
    if query.descending:
        return [*(c.desc() for c in columns), tiebreak.desc()]
    return [*columns, tiebreak]


def fetch_slice(
    session: Session,
    stmt: Select[Any],
    query: ListQuery,
    *,
    sorts: Mapping[str, Sequence[Any]],
    default: Sequence[Any],
    tiebreak: Any,
) -> Slice[Any]:
    """Counts the rows of `stmt`, then reads the window asked for in the order asked for.

    `sorts` names the columns a reader may sort by; a name not among them sorts by
    `default`. `tiebreak` (the id) keeps the order the same from one page to the next.
    """
    total = count_rows(session, stmt)
    limit: int | None = query.limit
    offset = max(query.offset, 0)
    if query.page is not None:
        offset, limit = page_offset(query.page, total), PAGE_SIZE
    ordered = stmt.order_by(None).order_by(*_ordering(query, sorts, default, tiebreak))
    window = ordered.offset(offset) if offset else ordered
    if limit is not None:
        window = window.limit(limit)
    return Slice(rows=list(session.scalars(window)), total=total, offset=offset, limit=limit)


def count_rows(session: Session, stmt: Select[Any]) -> int:
    """How many rows a statement gives: the cheap COUNT behind a number in the navigation."""
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def api_query(
    sorts: Collection[str],
    *,
    q: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    filters: Mapping[str, str | None] | None = None,
) -> ListQuery:
    """The API's list parameters as a `ListQuery`; a sort the list does not know is refused,
    as a machine should hear of its mistake rather than get rows in another order."""
    name = (sort or "").strip()
    descending = name.startswith("-")
    name = name.removeprefix("-")
    if name and name not in sorts:
        choices = ", ".join(sorted(sorts))
        raise InvalidInput(
            f"sort must be one of {choices}, with a leading '-' for descending", field="sort"
        )
    chosen = {k: v for k, v in (filters or {}).items() if v}
    return ListQuery(
        q=" ".join((q or "").split()),
        filters=chosen,
        sort=name,
        descending=descending,
        offset=offset,
        limit=limit,
    )
