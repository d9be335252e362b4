"""Reading posted forms: text, numbers and GOV.UK date inputs, with errors in plain English.

A page collects its errors as {input id: message} in the order of the form, so that the
error summary lists them top to bottom and each links to the input at fault.

A whole number is ASCII digits only: `str.isdigit` also takes '²' and other Unicode digits,
which `int` then refuses or reads as another number. An id past what the store can hold
is no id at all, so it never reaches the store.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, InvalidOperation

from starlette.datastructures import FormData

from homecare.errors import DomainError
from homecare.http import FIRST_YEAR, LAST_YEAR, MAX_ID
from homecare.units import pence_of_pounds
from homecare.web.format import sentence


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def values(form: FormData) -> dict[str, str]:
    """What was typed, to show again when the form has a problem (never the CSRF token)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def whole_number(raw: str | None, *, most: int = MAX_ID) -> int | None:
    """Text that is a whole number in ASCII digits, no more than `most`; otherwise None."""
    value = (raw or "").strip()
    if not (value.isascii() and value.isdecimal()) or len(value) > len(str(most)):
        return None
    number = int(value)
    return number if number <= most else None


def record_id(raw: str | None) -> int | None:
    """A record's id as a page was given it (a select, a hidden input, a query), or None when
    it cannot be one: not ASCII digits, 0, or past the largest id the store can hold."""
    number = whole_number(raw)
    return number if number else None


def date_values(name: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {}
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def parse_date(
    form: FormData, name: str, label: str, errors: dict[str, str], *, anchor: str
) -> date | None:
    """A date from the day, month and year boxes; `label` reads as 'the required start date'."""
    parts = [text(form, f"{name}-{p}") for p in ("day", "month", "year")]
    what = label[4:] if label.startswith("the ") else label
    what = what[:1].upper() + what[1:]
    if not any(parts):
        errors[anchor] = f"Enter {label}"
        return None
    missing = [p for p, v in zip(("a day", "a month", "a year"), parts, strict=True) if not v]
    if missing:
        errors[anchor] = f"{what} must include {' and '.join(missing)}"
        return None
    day, month, year = parts
    if not all(part.isascii() and part.isdecimal() for part in parts):
        errors[anchor] = f"{what} must be a real date"
        return None
    if len(year) != 4:
        errors[anchor] = "Year must include 4 numbers"
        return None
    try:
        value = date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        errors[anchor] = f"{what} must be a real date"
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        errors[anchor] = f"{what} must be in a year from {FIRST_YEAR} to {LAST_YEAR}"
        return None
    return value


def parse_number(
    form: FormData, name: str, errors: dict[str, str], *, anchor: str, message: str
) -> float | None:
    """An optional decimal number; `message` says what to enter when it is not one."""
    raw = text(form, name)
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        errors[anchor] = message
        return None
    if not math.isfinite(number):
        errors[anchor] = message
        return None
    return number


def parse_pounds(form: FormData, name: str, errors: dict[str, str], *, what: str) -> Decimal | None:
    """An amount of pounds and pence up to £200 (a '£' may be typed), or None when empty;
    `what` names it in the message, like 'the hourly rate'."""
    raw = text(form, name).removeprefix("£").strip()
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        errors[name] = f"Enter {what} in pounds, like 26.22"
        return None
    if not amount.is_finite() or amount <= 0 or amount > 200:
        errors[name] = f"Enter {what} between £0.01 and £200"
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[name] = f"Enter {what} in pounds and pence, like 26.22"
        return None
    return amount


def parse_pence(
    raw: str, errors: dict[str, str], *, anchor: str, what: str, most_pence: int,
    signed: bool = False,
) -> int | None:  # fmt: skip
    """Pounds typed on a form (a '£', commas and, where `signed`, a minus allowed) as whole
    pence, or None with the reason against the input."""
    cleaned = raw.strip().removeprefix("£").replace(",", "").replace("−", "-").strip()
    cleaned = cleaned.replace("-£", "-")
    like = "like 45.00, or −12.50 for less" if signed else "like 12,500.50"
    if not cleaned:
        errors[anchor] = f"Enter {what} in pounds"
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        errors[anchor] = f"Enter {what} in pounds, {like}"
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        errors[anchor] = f"Enter {what} in pounds and pence, {like}"
        return None
    pence = pence_of_pounds(amount)
    most = f"£{Decimal(most_pence) / 100:,.2f}"
    if signed and (pence == 0 or abs(pence) > most_pence):
        errors[anchor] = f"Enter {what} other than £0.00, up to {most} either way"
        return None
    if not signed and not 0 < pence <= most_pence:
        errors[anchor] = f"Enter {what} between £0.01 and {most}"
        return None
    return pence


def domain_error(
    exc: DomainError, anchors: dict[str, str], errors: dict[str, str], *, default: str
) -> None:
    """Puts a service's refusal against the input it names, or against `default`."""
    anchor = anchors.get(exc.field or "", default)
    errors.setdefault(anchor, sentence(exc.message))
