"""Search, filters, sorting and pages for the list pages, read from the address.

A list page reads `q`, its own filters, `sort` (a column's name, `-name` or `order=desc`
for the other way) and `page` with `read_query`, asks its area's repository for that
`ListQuery`, and shows the `Page` it makes of the answer: the links it draws keep every
other choice, so sorting keeps the search and paging keeps the sort. Everything works
without JavaScript: the search is a GET form, sorting and paging are links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import urlencode

from homecare.paging import PAGE_SIZE, ListQuery, Slice, page_count

T = TypeVar("T")

SEARCH_LIMIT = 100
"""Longer search text is refused: nobody's name or postcode is longer."""
PAGE_LIMIT = 1_000_000
"""A page number past this is treated as this: it is past the end of every list anyway."""


@dataclass(frozen=True)
class Filter:
    """A choice that narrows a list, shown as a select: its parameter, label and options."""

    name: str
    label: str
    options: Mapping[str, str]
    """Each value in the address, with the words the select shows for it."""
    any_label: str = "Any"


@dataclass(frozen=True)
class ListSpec:
    """What one list page lets a reader do: search for what, filter how, sort by which."""

    path: str
    noun: str
    """The rows in the plural, for 'Showing 1 to 20 of 45 referrals'."""
    search_label: str
    sorts: Sequence[str] = ()
    filters: Sequence[Filter] = ()
    default_sort: str = ""
    default_descending: bool = False
    search_hint: str = ""
    keep: tuple[tuple[str, str], ...] = ()
    """Parameters that choose the list itself (which changes, say): kept in every link, and
    sent again by the search form."""


def read_query(params: Mapping[str, str], spec: ListSpec) -> tuple[ListQuery, dict[str, str]]:
    """The reader's choices from the address, and a plain-English message for each one that
    cannot be used (the list is then shown without it). An unknown sort quietly sorts the
    list its usual way."""
    errors: dict[str, str] = {}
    q = " ".join(params.get("q", "").split())
    if len(q) > SEARCH_LIMIT:
        errors["q"] = f"Search text must be {SEARCH_LIMIT} characters or fewer"
        q = ""
    filters: dict[str, str] = {}
    for choice in spec.filters:
        value = params.get(choice.name, "").strip()
        if value and value not in choice.options:
            errors[choice.name] = f"Select a {choice.label.lower()} from the list"
        elif value:
            filters[choice.name] = value
    raw_sort = params.get("sort", "").strip()
    name = raw_sort.removeprefix("-")
    if name in spec.sorts:
        descending = raw_sort.startswith("-") or params.get("order", "").lower() == "desc"
    else:
        name, descending = spec.default_sort, spec.default_descending
    page, page_error = read_page(params.get("page", ""))
    if page_error:
        errors["pagination"] = page_error
    query = ListQuery(q=q, filters=filters, sort=name, descending=descending, page=page)
    return query, errors


def read_page(raw: str) -> tuple[int, str | None]:
    """A page number from the address: a whole number from 1; anything else is page 1."""
    text = raw.strip()
    if not text:
        return 1, None
    if not (text.isascii() and text.isdecimal()) or int(text) < 1:
        return 1, "Page must be a whole number, like 2"
    return min(int(text), PAGE_LIMIT), None


def page_numbers(current: int, pages: int) -> list[int | None]:
    """The page links GOV.UK pagination shows: the first, the last, the current page and
    its neighbours; None where pages are skipped (shown as '⋯')."""
    wanted = sorted({1, pages, *range(max(1, current - 1), min(pages, current + 1) + 1)})
    numbers: list[int | None] = []
    for n in wanted:
        if numbers and numbers[-1] is not None and n - numbers[-1] == 2:
            numbers.append(n - 1)
        elif numbers and numbers[-1] is not None and n - numbers[-1] > 2:
            numbers.append(None)
        numbers.append(n)
    return numbers


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list as the templates draw it, with the links that keep the rest."""

    rows: list[T]
    total: int
    page: int
    pages: int
    query: ListQuery
    spec: ListSpec
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def first(self) -> int:
        """The number of the first row shown, counting from 1; 0 when there are none."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)

    @property
    def searched(self) -> bool:
        return bool(self.query.q or self.query.filters)

    def _params(self, *, sort: str | None = None, page: int | None = None) -> str:
        pairs: list[tuple[str, str]] = list(self.spec.keep)
        if self.query.q:
            pairs.append(("q", self.query.q))
        pairs += [
            (c.name, self.query.filters[c.name])
            for c in self.spec.filters
            if c.name in self.query.filters
        ]
        chosen = self.sort_param() if sort is None else sort
        if chosen:
            pairs.append(("sort", chosen))
        if page and page > 1:
            pairs.append(("page", str(page)))
        return f"{self.spec.path}?{urlencode(pairs)}" if pairs else self.spec.path

    @property
    def home(self) -> str:
        """The list with no search, filter or sort: where "Clear" goes."""
        keep = self.spec.keep
        return f"{self.spec.path}?{urlencode(keep)}" if keep else self.spec.path

    def sort_param(self) -> str:
        """The sort as the address writes it: empty for the list's usual sort."""
        q = self.query
        if q.sort == self.spec.default_sort and q.descending == self.spec.default_descending:
            return ""
        return f"-{q.sort}" if q.descending else q.sort

    def page_link(self, number: int) -> str:
        """This list at another page, with the same search, filters and sort."""
        return self._params(page=number)

    def sort_link(self, name: str) -> str:
        """Sorted by a column from the first page: the other way if it is already sorted by
        it, else ascending (or descending, if that is the column's usual way)."""
        if self.query.sort == name:
            descending = not self.query.descending
        else:
            descending = name == self.spec.default_sort and self.spec.default_descending
        if name == self.spec.default_sort and descending == self.spec.default_descending:
            return self._params(sort="", page=1)
        return self._params(sort=f"-{name}" if descending else name, page=1)

    def aria_sort(self, name: str) -> str | None:
        if self.query.sort != name:
            return None
        return "descending" if self.query.descending else "ascending"

    def numbers(self) -> list[int | None]:
        return page_numbers(self.page, self.pages)

    def empty_message(self) -> str:
        """What an empty list says: the search it did not find, or that there is nothing."""
        if self.query.q:
            return f"No {self.spec.noun} match ‘{self.query.q}’"
        if self.query.filters:
            return f"No {self.spec.noun} match these filters"
        return f"There are no {self.spec.noun} yet"

    def filter_label(self, choice: Filter) -> str:
        return choice.options.get(self.query.filters.get(choice.name, ""), "")


def page_of(
    found: Slice[T], query: ListQuery, spec: ListSpec, errors: dict[str, str] | None = None
) -> Page[T]:
    """The page a repository's slice is, numbered as the reader counts."""
    pages = page_count(found.total)
    return Page(
        rows=found.rows,
        total=found.total,
        page=found.offset // PAGE_SIZE + 1,
        pages=pages,
        query=query,
        spec=spec,
        errors=errors or {},
    )


def rows_of(page: Page[T], rows: list[object]) -> Page[object]:
    """The same page showing other rows for the same records (read models, say)."""
    return Page(
        rows=rows,
        total=page.total,
        page=page.page,
        pages=page.pages,
        query=page.query,
        spec=page.spec,
        errors=page.errors,
    )
