"""What the quality records are checked against (000 Appendix 2, measures 13-29), pure.

The codes each record takes, its limits, and the small checks every kind's rules
(`homecare.quality.rules`) are built from, each naming the field at fault. What only the
store knows (whether a care worker, person or package is the provider's own; which records
already cover a day) is asked through `Store`, so the rules need no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from homecare.calendar import local_date
from homecare.errors import InvalidInput
from homecare.pattern import Day
from homecare.workforce.domain import ContractType

# --- the codes each record takes (the tables' docstrings list them too) -------------------

MOVEMENT_KINDS = ("starter", "leaver")
LEAVER_REASONS = (
    "pay",
    "hours",
    "another_sector",
    "another_provider",
    "retired",
    "dismissed",
    "personal",
    "other",
)
CONTRACT_TYPES = tuple(c.value for c in ContractType)
TRAINING_CATEGORIES = (
    "induction",
    "care_certificate",
    "mandatory",
    "delegated_healthcare",
    "dementia",
    "other",
)
RESPONDENTS = ("person", "family", "unpaid_carer")
SURVEY_SOURCES = ("survey", "review")
CASE_STUDY_KINDS = (
    "case_study",
    "community_development",
    "hospital_admission_avoided",
    "pressure_off_other_services",
    "service_gap",
)
SERVICES_RELIEVED = ("ambulance", "gp", "district_nurse", "a_and_e", "social_work", "other")
FORMULATED_WITH = ("person", "family", "neighbourhood_team", "carers")
COMPLAINT_CATEGORIES = (
    "timekeeping",
    "missed_visit",
    "staff_conduct",
    "quality_of_care",
    "communication",
    "charges",
    "other",
)
INCIDENT_CATEGORIES = (
    "safeguarding",
    "medication_error",
    "fall",
    "injury",
    "missed_visit_harm",
    "other",
)
REPORTED_TO = ("cqc", "council", "police", "riddor")
REFUND_REASONS = ("missed_visits", "short_visits", "overcharge", "goodwill", "other")

SCORE_RANGE = (1, 5)
"""Staff survey answers: 1 (very dissatisfied, very low) to 5 (very satisfied, very high)."""
MAX_TRAINING_HOURS = 200.0
"""One course; more than this is a typing slip (a qualification is several records)."""
MONDAY_TO_FRIDAY = frozenset(range(5))
"""Weekday numbers as `date.weekday()` gives them."""
MAX_ID = 2**63 - 1
"""Larger ids cannot be in the store (and SQLite cannot even be asked about them)."""
MAX_PENCE = 2_000_000_000
"""The store keeps pence in a 32-bit integer column: about £20 million at most."""

Values = dict[str, Any]
"""A record's checked values, by column name, ready to keep."""


# --- what the rules ask of the store -------------------------------------------------------


@dataclass(frozen=True)
class Worker:
    """What the rules need of a care worker: their contract and the days they work."""

    id: int
    contract_type: str
    shift_days: tuple[str, ...]


@dataclass(frozen=True)
class Span:
    """A record already kept that covers `first` to `last`, both included."""

    id: int
    first: date
    last: date


class Store(Protocol):
    """The provider's own records, as the rules ask about them.

    Each lookup answers only for the provider's own rows, so a refusal never says whose a
    row is instead. The overlap questions hold a lock until the transaction ends, so two
    overlapping records cannot both pass.
    """

    def care_worker(self, ident: int) -> Worker | None: ...

    def has_person(self, ident: int) -> bool: ...

    def has_package(self, ident: int) -> bool: ...

    def absence_overlapping(self, care_worker_id: int, first: date, last: date) -> Span | None: ...

    def spend_overlapping(self, first: date, last: date) -> Span | None: ...


# --- small checks --------------------------------------------------------------------------


def check_code(value: str, allowed: Sequence[str], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(
            f"'{value}' is not a known code; use one of: {', '.join(allowed)}", field=field
        )
    return value


def check_codes(values: Sequence[str], allowed: Sequence[str], field: str) -> list[str]:
    """Known codes, each once; the field at fault is the list's (`field.index`)."""
    seen: list[str] = []
    for index, value in enumerate(values):
        check_code(value, allowed, f"{field}.{index}")
        if value in seen:
            raise InvalidInput(f"'{value}' is listed twice", field=f"{field}.{index}")
        seen.append(value)
    return seen


def optional_text(value: str | None, field: str, limit: int) -> str | None:
    """Trimmed text, or None when blank."""
    return _text(value, field, limit, required=False)


def required_text(value: str, field: str, limit: int) -> str:
    """Trimmed text; blank counts as missing, so a required field cannot be spaces."""
    text = _text(value, field, limit, required=True)
    assert text is not None
    return text


def _text(value: str | None, field: str, limit: int, *, required: bool) -> str | None:
    text = value.strip() if value is not None else ""
    if not text:
        if required:
            raise InvalidInput(f"give {field.replace('_', ' ')}", field=field)
        return None
    if len(text) > limit:
        raise InvalidInput(f"keep {field.replace('_', ' ')} to {limit} characters", field=field)
    return text


def not_future(day: date, at: datetime, field: str) -> None:
    """These records say what has happened; the day is London's, as the provider sees it."""
    if day > local_date(at):
        raise InvalidInput(f"{day.isoformat()} is in the future", field=field)


def check_pence(value: int, field: str, *, positive: bool) -> int:
    """An amount the store can keep: never negative, above zero when `positive`."""
    if positive and value <= 0:
        raise InvalidInput("give an amount above zero, in pence", field=field)
    if value < 0:
        raise InvalidInput("an amount cannot be negative", field=field)
    if value > MAX_PENCE:
        raise InvalidInput(f"an amount cannot exceed {MAX_PENCE} pence", field=field)
    return value


def check_score(value: int, field: str) -> int:
    low, high = SCORE_RANGE
    if not low <= value <= high:
        raise InvalidInput(f"answer from {low} to {high}", field=field)
    return value


def check_period(date_from: date | None, date_to: date | None) -> None:
    """The period a list is filtered by; either end may be open."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput("the period must not end before it starts", field="from")


def days_in_span(first: date, last: date, weekdays: frozenset[int]) -> int:
    """Days from `first` to `last`, both included, falling on the given weekdays (Monday 0)."""
    if last < first:
        return 0
    whole_weeks, rest = divmod((last - first).days + 1, 7)
    tail = (first + timedelta(days=whole_weeks * 7 + offset) for offset in range(rest))
    return whole_weeks * len(weekdays) + sum(1 for day in tail if day.weekday() in weekdays)


def working_weekdays(shift_days: Iterable[str]) -> frozenset[int]:
    """The weekdays a care worker works: their shift pattern's, else Monday to Friday.

    Home care runs seven days a week, so a carer on weekend shifts can be off sick on a
    Saturday; one without a pattern is taken to work weekdays.
    """
    order = [day.value for day in Day]
    named = frozenset(order.index(day) for day in shift_days if day in order)
    return named or MONDAY_TO_FRIDAY


def own_care_worker(store: Store, ident: int) -> Worker:
    worker = store.care_worker(ident) if 1 <= ident <= MAX_ID else None
    if worker is None:
        raise _not_yours("care worker", ident, "care_worker_id")
    return worker


def own_person(store: Store, ident: int | None) -> None:
    if ident is not None and not (1 <= ident <= MAX_ID and store.has_person(ident)):
        raise _not_yours("person", ident, "person_id")


def own_package(store: Store, ident: int | None) -> None:
    if ident is not None and not (1 <= ident <= MAX_ID and store.has_package(ident)):
        raise _not_yours("package", ident, "package_id")


def _not_yours(what: str, ident: int, field: str) -> InvalidInput:
    """The same refusal for a missing row and another provider's: it reveals nothing."""
    return InvalidInput(f"{what} {ident} is not one of yours", field=field)
