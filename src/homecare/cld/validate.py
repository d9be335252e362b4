"""Checks a CLD return row by row before it leaves the council, as DHSC's checks would.

Rows are mappings of column name to text, exactly as the CSV holds them, so the same
checks run on a freshly built extract and on a file someone has edited by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from homecare.cld.spec import ALL_EVENTS, RULES, EventType, FieldRule, Format
from homecare.errors import InvalidInput
from homecare.geo.postcodes import normalise_postcode
from homecare.people.domain import is_valid_nhs_number

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LA_CODE = re.compile(r"^E(06|08|09|10)\d{6}$")
"""Councils with adult social care duties: unitary, metropolitan, London, county."""
_CQC_LOCATION = re.compile(r"^1-\d{9,11}$")
_MONEY = re.compile(r"^\d+\.\d{2}$")
_UNITS = re.compile(r"^\d+(\.\d{1,2})?$")


@dataclass(frozen=True)
class CldProblem:
    """One thing to put right: the row (1-based, header not counted) and the column."""

    row: int
    field: str
    reason: str
    event_type: str = ""
    event_reference: str = ""


def _date_problem(value: str) -> str | None:
    if not _DATE.match(value):
        return f"'{value}' is not a date written YYYY-MM-DD"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"'{value}' is not a real date"
    return None


def _nhs_problem(value: str) -> str | None:
    if len(value) != 10 or not value.isdigit():
        return f"'{value}' is not 10 digits with no spaces"
    if not is_valid_nhs_number(value):
        return f"'{value}' fails the NHS number's modulus-11 check digit"
    return None


def _la_code_problem(value: str) -> str | None:
    if _LA_CODE.match(value):
        return None
    return f"'{value}' is not a council's ONS code like E08000035"


def _postcode_problem(value: str) -> str | None:
    try:
        normalise_postcode(value)
    except InvalidInput:
        return f"'{value}' is not a UK postcode"
    return None


def _cqc_problem(value: str) -> str | None:
    if _CQC_LOCATION.match(value):
        return None
    return f"'{value}' is not a CQC location ID like 1-123456789"


def _positive_decimal(value: str, pattern: re.Pattern[str], shape: str) -> str | None:
    if not pattern.match(value):
        return f"'{value}' is not {shape}"
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return f"'{value}' is not {shape}"
    return None if amount > 0 else f"'{value}' is not more than zero"


def _money_problem(value: str) -> str | None:
    return _positive_decimal(value, _MONEY, "an amount in pounds with two decimals, e.g. 26.22")


def _units_problem(value: str) -> str | None:
    return _positive_decimal(value, _UNITS, "a number with up to two decimals, e.g. 12.50")


FORMAT_CHECKS: dict[Format, Callable[[str], str | None]] = {
    Format.DATE: _date_problem,
    Format.NHS_NUMBER: _nhs_problem,
    Format.LA_CODE: _la_code_problem,
    Format.POSTCODE: _postcode_problem,
    Format.CQC_LOCATION: _cqc_problem,
    Format.MONEY: _money_problem,
    Format.UNITS: _units_problem,
}


def _is_mandatory(rule: FieldRule, event: EventType | None, row: Mapping[str, str]) -> bool:
    """With no valid event type, only what every event needs is known to be mandatory."""
    if event is None:
        return rule.mandatory_for == ALL_EVENTS and rule.only_when is None
    if event not in rule.mandatory_for:
        return False
    if rule.only_when is None:
        return True
    column, values = rule.only_when
    return _value(row, column) in values


def _value(row: Mapping[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _blank_problem(rule: FieldRule, event: EventType | None) -> str:
    if event is None:
        return "is blank, but mandatory for every event"
    when = ""
    if rule.only_when is not None:
        column, values = rule.only_when
        when = f" with {column} {' or '.join(sorted(values))}"
    return f"is blank, but mandatory for {event.value} events{when}"


def _field_problem(rule: FieldRule, event: EventType | None, row: Mapping[str, str]) -> str | None:
    """Why this row's value in the rule's column is wrong, or None when it is fine."""
    value = _value(row, rule.column)
    if not value:
        return _blank_problem(rule, event) if _is_mandatory(rule, event, row) else None
    if event is not None and event not in rule.applies_to:
        kinds = " and ".join(sorted(e.value for e in rule.applies_to))
        return f"is only for {kinds} events, not {event.value}"
    if rule.format is Format.CODE:
        if value in rule.allowed:
            return None
        return f"'{value}' is not on the CLD list for {rule.column}"
    check = FORMAT_CHECKS.get(rule.format)
    return check(value) if check else None


def _dates_problems(row: Mapping[str, str]) -> list[tuple[str, str]]:
    """Dates that are each well formed but out of order with one another."""
    parsed: dict[str, date] = {}
    for column in ("Date_of_Birth", "Event_Start_Date", "Event_End_Date"):
        value = _value(row, column)
        if value and _date_problem(value) is None:
            parsed[column] = date.fromisoformat(value)
    problems = []
    start, end = parsed.get("Event_Start_Date"), parsed.get("Event_End_Date")
    if start and end and end < start:
        problems.append(
            ("Event_End_Date", f"{end.isoformat()} is before the start date {start.isoformat()}")
        )
    born = parsed.get("Date_of_Birth")
    if born and start and born > start:
        problems.append(
            ("Date_of_Birth", f"{born.isoformat()} is after the event began on {start}")
        )
    return problems


def _event_type(row: Mapping[str, str]) -> EventType | None:
    try:
        return EventType(_value(row, "Event_Type"))
    except ValueError:
        return None


def validate_row(number: int, row: Mapping[str, str]) -> list[CldProblem]:
    """Every problem with one row; `number` is its 1-based place below the header."""
    event = _event_type(row)
    reference = _value(row, "Event_Reference")
    kind = event.value if event else _value(row, "Event_Type")

    def problem(column: str, reason: str) -> CldProblem:
        return CldProblem(number, column, reason, kind, reference)

    problems = []
    for rule in RULES:
        reason = _field_problem(rule, event, row)
        if reason:
            problems.append(problem(rule.column, reason))
    problems.extend(problem(column, reason) for column, reason in _dates_problems(row))
    return problems


def validate(rows: Iterable[Mapping[str, str]]) -> list[CldProblem]:
    """Every problem in the return, in row then column order."""
    problems: list[CldProblem] = []
    for number, row in enumerate(rows, start=1):
        problems.extend(validate_row(number, row))
    return problems
