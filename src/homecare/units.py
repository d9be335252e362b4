"""Units the platform stores and the units people read: minutes and hours, pence and pounds.

The store keeps whole minutes and whole pence so sums never drift; people read hours and
pounds to two decimal places. Every conversion is written here once, so a figure shown on a
page, in a file and by the API is rounded the same way.
"""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")
MINUTES_PER_HOUR = 60
PENCE_PER_POUND = 100


def hours(minutes: int) -> Decimal:
    """Minutes as hours to two places: 90 → 1.50."""
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(CENT)


def pounds(pence: int) -> Decimal:
    """Pence as pounds to two places: 2622 → 26.22."""
    return (Decimal(pence) / PENCE_PER_POUND).quantize(CENT)


def pence_of_pounds(amount: Decimal) -> int:
    """Pounds as whole pence, to the nearest penny: 26.225 → 2623 (half up)."""
    return int((amount * PENCE_PER_POUND).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def minutes_of_hours(amount: Decimal) -> int:
    """Hours as whole minutes, to the nearest minute: 7.5 → 450."""
    return int((amount * MINUTES_PER_HOUR).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def minute_pence(minutes: int, rate_pence: int) -> int:
    """Minutes at an hourly rate in pence, kept 60 times too big so totals stay exact."""
    return minutes * rate_pence


def pounds_from_minute_pence(minute_pence_total: int) -> Decimal:
    """A sum of `minute_pence` as pounds: 90 minutes at £26.22 → 39.33."""
    return (Decimal(minute_pence_total) / (MINUTES_PER_HOUR * PENCE_PER_POUND)).quantize(CENT)


def cost_pounds(minutes: int, rate_pence: int) -> Decimal:
    """What `minutes` cost at an hourly rate in pence, in pounds to two places."""
    return pounds_from_minute_pence(minute_pence(minutes, rate_pence))


def hours_text(minutes: int) -> str:
    """Minutes in words for people: 90 → "1 hour 30 minutes"."""
    whole, rest = divmod(abs(minutes), MINUTES_PER_HOUR)
    parts = [f"{whole} hour{'s' if whole != 1 else ''}"] if whole or not rest else []
    if rest:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return ("minus " if minutes < 0 else "") + " ".join(parts)
