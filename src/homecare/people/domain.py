"""Rules about people receiving care: NHS numbers, postcodes, ages."""

from __future__ import annotations

from datetime import date

from homecare.errors import InvalidInput


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when no valid number exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _ten_ascii_digits(digits: str) -> bool:
    """`str.isdigit` also takes '²' and Arabic-Indic digits; an NHS number is 0-9 only."""
    return len(digits) == 10 and digits.isascii() and digits.isdecimal()


def is_valid_nhs_number(value: str) -> bool:
    digits = value.replace(" ", "")
    if not _ten_ascii_digits(digits):
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def normalise_nhs_number(value: str, *, field: str = "nhs_number") -> str:
    """Ten digits with no spaces, or a refusal that says why."""
    digits = value.replace(" ", "")
    if not _ten_ascii_digits(digits):
        raise InvalidInput("an NHS number has exactly 10 digits", field=field)
    if not is_valid_nhs_number(digits):
        raise InvalidInput("the NHS number fails its modulus-11 check digit", field=field)
    return digits


def format_nhs_number(digits: str) -> str:
    """NHS numbers are shown 3-3-4, as on letters and cards."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
