"""Contract terms over time: each change is a version that takes effect on a day, and the
terms in force on any day are the versions up to it laid over one another.

A version holds only what it changes, so a rate change recorded now for next April and a
capacity change recorded later for this week do not undo each other. Each rule here is
a refusal with its reason, in the commissioner's words.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from homecare.errors import Conflict, InvalidInput
from homecare.market.domain import CqcRating, rating_below
from homecare.text import long_date

MAX_EXTENSION_MONTHS = 24
"""A contract of 5 years may be extended by up to a further 24 months (001 4.8 i)."""

DEFAULT_NOTICE_DAYS = 90
"""Three months' notice to end a contract early, where it names no other period."""

WORKFORCE_DATA_SET_FRESH_DAYS = 365
"""The workforce data set counts as completed when updated within the last year."""


class VersionChange(StrEnum):
    MADE = "made"
    RATE_CHANGED = "rate_changed"
    LIMITS_CHANGED = "limits_changed"
    EXTENDED = "extended"
    TERMINATED = "terminated"


@dataclass(frozen=True)
class Terms:
    """A contract's terms on one day."""

    hourly_rate_pence: int
    weekly_capacity_minutes: int
    flex_up_percent: int
    flex_down_percent: int
    notice_days: int
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class Version:
    """One recorded change: the fields it sets (None leaves a field as it was)."""

    number: int
    effective_from: date
    hourly_rate_pence: int | None = None
    weekly_capacity_minutes: int | None = None
    flex_up_percent: int | None = None
    flex_down_percent: int | None = None
    notice_days: int | None = None
    ends_on: date | None = None
    sets_ends_on: bool = False


def laid_over(terms: Terms, version: Version) -> Terms:
    changed = {
        name: value
        for name in (
            "hourly_rate_pence",
            "weekly_capacity_minutes",
            "flex_up_percent",
            "flex_down_percent",
            "notice_days",
        )
        if (value := getattr(version, name)) is not None
    }
    if version.sets_ends_on:
        changed["ends_on"] = version.ends_on
    return replace(terms, **changed)


def terms_on(first: Terms, versions: Iterable[Version], day: date) -> Terms:
    """The terms in force on `day`: every version effective by then, in effect order."""
    terms = first
    for version in sorted(versions, key=lambda v: (v.effective_from, v.number)):
        if version.effective_from <= day:
            terms = laid_over(terms, version)
    return terms


def check_rate_change(
    *, rate_pence: int, effective_from: date, today: date, terms: Terms, pending: list[date]
) -> None:
    """A new rate from a day not yet past, inside the contract, one change per day."""
    if rate_pence <= 0:
        raise InvalidInput("the hourly rate must be more than zero", field="hourly_rate")
    if effective_from < today:
        raise InvalidInput(
            f"a rate change cannot be backdated: it can take effect from today"
            f" ({long_date(today)}) or later",
            field="effective_from",
        )
    _inside(terms, effective_from)
    if effective_from in pending:
        raise Conflict(
            f"a change already takes effect on {long_date(effective_from)}; "
            "withdraw it or choose another day",
            field="effective_from",
        )


def check_limits(
    *,
    weekly_capacity_minutes: int | None,
    flex_up_percent: int | None,
    flex_down_percent: int | None,
    notice_days: int | None,
    effective_from: date,
    today: date,
    terms: Terms,
) -> None:
    if all(
        v is None
        for v in (weekly_capacity_minutes, flex_up_percent, flex_down_percent, notice_days)
    ):
        raise InvalidInput(
            "give at least one of weekly capacity, the trusted assessor limits or notice",
            field="weekly_capacity_hours",
        )
    if weekly_capacity_minutes is not None and weekly_capacity_minutes <= 0:
        raise InvalidInput(
            "weekly capacity must be more than zero hours", field="weekly_capacity_hours"
        )
    for name, value in (
        ("flex_up_percent", flex_up_percent),
        ("flex_down_percent", flex_down_percent),
    ):
        if value is not None and not 0 <= value <= 100:
            raise InvalidInput("a trusted assessor limit is between 0% and 100%", field=name)
    if notice_days is not None and not 0 <= notice_days <= 366:
        raise InvalidInput("notice is between 0 and 366 days", field="notice_days")
    if effective_from < today:
        raise InvalidInput(
            f"a change to the limits takes effect from today ({long_date(today)}) or later",
            field="effective_from",
        )
    _inside(terms, effective_from)


def check_extension(*, new_end: date, terms: Terms, first_end: date | None) -> None:
    """Later than the current end, and at most 24 months past the contract's first end."""
    if terms.ends_on is None or first_end is None:
        raise Conflict("this contract has no end date, so there is nothing to extend")
    if new_end <= terms.ends_on:
        raise InvalidInput(
            f"the new end must be after the current end, {long_date(terms.ends_on)}",
            field="ends_on",
        )
    furthest = add_months(first_end, MAX_EXTENSION_MONTHS)
    if new_end > furthest:
        raise InvalidInput(
            f"a contract may be extended by at most {MAX_EXTENSION_MONTHS} months past its "
            f"first end: the latest end is {long_date(furthest)}",
            field="ends_on",
        )


def check_termination(
    *, ends_on: date, today: date, terms: Terms, without_notice_reason: str | None
) -> None:
    """Ending early needs the contract's notice, unless a reason to end without it is
    recorded (a safeguarding concern, a provider's registration cancelled)."""
    if ends_on < today:
        raise InvalidInput(
            f"a contract cannot end in the past: the earliest end is today ({long_date(today)})",
            field="ends_on",
        )
    if ends_on < terms.starts_on:
        raise InvalidInput("a contract cannot end before it starts", field="ends_on")
    if terms.ends_on is not None and ends_on >= terms.ends_on:
        raise InvalidInput(
            f"the contract already ends on {long_date(terms.ends_on)}; ending it later is an"
            " extension",
            field="ends_on",
        )
    earliest = today + timedelta(days=terms.notice_days)
    if ends_on < earliest and not (without_notice_reason or "").strip():
        raise Conflict(
            f"this contract needs {terms.notice_days} days' notice: the earliest end is "
            f"{long_date(earliest)}, unless you record why it ends without notice",
            field="ends_on",
        )


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _inside(terms: Terms, day: date) -> None:
    if day < terms.starts_on or (terms.ends_on is not None and day > terms.ends_on):
        raise InvalidInput(
            "the change must take effect while the contract runs", field="effective_from"
        )


# --- the conditions of a contract (001 4.8 a, d, k) -------------------------------------


@dataclass(frozen=True)
class ProviderStanding:
    """What the conditions look at: the provider's CQC registration and ratings, and when
    it last completed the Adult Social Care Workforce Data Set."""

    cqc_location_id: str | None
    overall: CqcRating
    well_led: CqcRating
    workforce_data_set_on: date | None


@dataclass(frozen=True)
class ConditionResult:
    code: str
    condition: str
    met: bool
    finding: str


def check_conditions(
    standing: ProviderStanding, *, threshold: CqcRating, today: date
) -> list[ConditionResult]:
    """Each condition with whether it is met and what was found, in the order 001 lists."""
    registered = bool(standing.cqc_location_id) and standing.overall is not CqcRating.NOT_RATED
    fresh = (
        standing.workforce_data_set_on is not None
        and (today - standing.workforce_data_set_on).days <= WORKFORCE_DATA_SET_FRESH_DAYS
    )
    return [
        ConditionResult(
            "cqc_registered",
            "Registered with CQC and inspected at least once",
            registered,
            "registered and rated"
            if registered
            else "registered but not yet rated"
            if standing.cqc_location_id
            else "no CQC registration recorded",
        ),
        ConditionResult(
            "overall_rating",
            f"Rated at least {_words(threshold)} overall",
            not rating_below(standing.overall, threshold)
            and standing.overall is not CqcRating.NOT_RATED,
            f"rated {_words(standing.overall)} overall",
        ),
        ConditionResult(
            "well_led_good",
            "Rated at least Good for Well-led",
            standing.well_led in (CqcRating.GOOD, CqcRating.OUTSTANDING),
            f"rated {_words(standing.well_led)} for Well-led",
        ),
        ConditionResult(
            "workforce_data_set",
            "Adult Social Care Workforce Data Set completed in the last year",
            fresh,
            f"last completed {long_date(standing.workforce_data_set_on)}"
            if standing.workforce_data_set_on
            else "no completion recorded",
        ),
    ]


def require_conditions(results: list[ConditionResult], override_reason: str | None) -> None:
    """A contract is made or renewed only when every condition is met, or a commissioner
    records why it goes ahead without one."""
    unmet = [r for r in results if not r.met]
    if unmet and not (override_reason or "").strip():
        listed = "; ".join(f"{r.condition.lower()} ({r.finding})" for r in unmet)
        raise Conflict(
            f"the provider does not meet the contract conditions: {listed}. Record a reason "
            "to go ahead without them",
            field="override_reason",
        )


def _words(rating: CqcRating) -> str:
    return (
        "not rated"
        if rating is CqcRating.NOT_RATED
        else rating.value.replace("_", " ").capitalize()
    )
