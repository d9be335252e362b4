"""The shape of a UK postcode: pure, so people, zones and community venues share it."""

from __future__ import annotations

import re

from homecare.errors import InvalidInput

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def normalise_postcode(value: str, *, field: str = "postcode") -> str:
    """Upper case with one space before the inward code, e.g. 'LS12 1AU'."""
    match = _POSTCODE.match(value.strip().upper())
    if not match:
        raise InvalidInput(f"'{value}' is not a UK postcode", field=field)
    return f"{match.group(1)} {match.group(2)}"
