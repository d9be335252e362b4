"""How the pages write dates, times, money and durations: the GOV.UK style guide's way.

Dates are "9 September 2026", times "2:30pm" in London time, money "£26.22" and waits
"2 days 3 hours". Pure functions, so they are tested on their own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from homecare.calendar import LONDON
from homecare.people.domain import format_nhs_number
from homecare.units import hours_text

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
BANDS = {"morning": "Morning", "lunch": "Lunch", "tea": "Tea", "bed": "Bed", "night": "Night"}
VISIT_KINDS = {"care": "Care", "night_sitting": "Night sitting", "sleep_in": "Sleep-in"}


def format_date(value: date | datetime | None) -> str:
    """'9 September 2026'; a datetime is first put into London time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_time(value: datetime) -> str:
    """'9am', '2:30pm', 'midday', 'midnight', in London time."""
    local = value.astimezone(LONDON)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def format_datetime(value: datetime | None) -> str:
    """'9 September 2026 at 2:30pm'."""
    if value is None:
        return ""
    return f"{format_date(value)} at {format_time(value)}"


def format_money(amount: Decimal | int | None, *, pence: bool = False) -> str:
    """'£26.22' from pounds as a Decimal, or from integer pence with `pence=True`."""
    if amount is None:
        return ""
    pounds = Decimal(amount) / 100 if pence else Decimal(amount)
    pounds = pounds.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if pounds < 0 else ""
    return f"{sign}£{abs(pounds):,.2f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_waiting(waited: timedelta) -> str:
    """'2 days 3 hours', '1 day', '5 hours', '40 minutes': the two largest units at most."""
    minutes = max(0, int(waited.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")
    if hours:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    if minutes:
        return _plural(minutes, "minute")
    return "less than a minute"


def format_hours(value: Decimal | float | int | None) -> str:
    """'12.5 hours', '1 hour', '7.25 hours': no trailing zeros."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = f"{number:f}"
    return f"{text} hour" if number == 1 else f"{text} hours"


def format_hours_minutes(value: Decimal | float | int | None) -> str:
    """Hours as people say them: 19.42 → '19 hours 25 minutes', 7.5 → '7 hours 30 minutes'."""
    if value is None:
        return ""
    minutes = int((Decimal(str(value)) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return hours_text(minutes)


def format_minutes(minutes: int) -> str:
    return _plural(minutes, "minute")


def format_nhs(digits: str) -> str:
    """'943 476 5919', as on letters and cards."""
    return format_nhs_number(digits) if len(digits) == 10 else digits


def day_name(code: str) -> str:
    return DAYS.get(code, code)


def band_name(code: str) -> str:
    return BANDS.get(code, code)


def visit_kind_name(code: str) -> str:
    return VISIT_KINDS.get(code, code)


TASKS = {
    "personal_care": "Personal care",
    "medication": "Medication",
    "moving_and_handling": "Moving and handling",
    "dementia": "Dementia care",
    "catheter_care": "Catheter care",
    "stoma_care": "Stoma care",
    "peg_feeding": "PEG feeding",
    "pressure_care": "Pressure care",
    "end_of_life": "End of life care",
    "diabetes_insulin": "Insulin for diabetes",
}


def task_names(codes: list[str]) -> list[str]:
    """Delegated healthcare tasks as a care worker reads them: 'PEG feeding'."""
    return [TASKS.get(t, t.replace("_", " ").capitalize()) for t in codes]


def sentence(message: str) -> str:
    """A service's message as a sentence on a page: capital first letter, no full stop."""
    text = message.strip().rstrip(".")
    return text[:1].upper() + text[1:]
