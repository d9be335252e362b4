"""The provider's form for a new weekly pattern: a week of days by times of day.

Each cell holds a visit's minutes (empty for no visit), a box for a second carer and a box
for the person's own request for a visit under 30 minutes, so adding a lunch visit every
day is typing 30 in the lunch column, and moving a visit is clearing one cell and filling
another. Every fault is found in one pass, so the form shows them all at once, each
beside its own cell and naming its day and time of day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from starlette.datastructures import FormData

from homecare.changes.domain import MIN_VISIT_MINUTES
from homecare.changes.patterns import MAX_VISIT_MINUTES, VisitLike
from homecare.errors import DomainError
from homecare.pattern import NIGHT_MINUTES, Day, PlannedVisit, TimeBand
from homecare.web import forms
from homecare.web.format import DAYS

BAND_LABELS = {
    "morning": "morning",
    "lunch": "lunch",
    "tea": "tea",
    "bed": "bedtime",
    "night": "night",
}
REASON_LIMIT = 1000


def longest_visit(band: TimeBand | str) -> int:
    """A night visit may be a ten-hour night sitting or sleep-in; a day call 4 hours."""
    return NIGHT_MINUTES[1] if TimeBand(band) is TimeBand.NIGHT else MAX_VISIT_MINUTES


def cell(day: Day | str, band: TimeBand | str) -> str:
    """The id and name of a cell's minutes input, e.g. 'mon-lunch'."""
    return f"{Day(day).value}-{TimeBand(band).value}"


def two_carers(day: Day | str, band: TimeBand | str) -> str:
    return f"{cell(day, band)}-two"


def short_asked(day: Day | str, band: TimeBand | str) -> str:
    """The box ticked when the person asked for this visit to be under 30 minutes."""
    return f"{cell(day, band)}-short"


def cell_label(day: Day | str, band: TimeBand | str) -> str:
    """'Monday lunch', as an error names the cell."""
    return f"{DAYS[Day(day).value]} {BAND_LABELS[TimeBand(band).value]}"


def initial_values(visits: Iterable[VisitLike]) -> dict[str, str]:
    """The form filled in with the package's visits as they are."""
    values: dict[str, str] = {}
    for visit in visits:
        values[cell(visit.day, visit.band)] = str(visit.minutes)
        if visit.carers > 1:
            values[two_carers(visit.day, visit.band)] = "2"
        if getattr(visit, "short_requested", False):
            values[short_asked(visit.day, visit.band)] = "yes"
    return values


def _cell_visit(
    form: FormData, day: Day, band: TimeBand, errors: dict[str, str]
) -> PlannedVisit | None:
    """The cell's visit, None for an empty cell, or an error against the cell."""
    name, label = cell(day, band), cell_label(day, band)
    raw = forms.text(form, name)
    doubled = forms.text(form, two_carers(day, band)) == "2"
    asked = forms.text(form, short_asked(day, band)) == "yes"
    if not raw:
        if doubled:
            errors[name] = f"{label}: enter the minutes of the two-carer visit, or untick 2 carers"
        elif asked:
            errors[name] = (
                f"{label}: enter the minutes of the shorter visit, or untick that the person "
                "asked for one"
            )
        return None
    minutes = forms.whole_number(raw, most=99_999)
    if minutes is None:
        errors[name] = f"{label}: enter the minutes as a whole number, like 30"
    elif not MIN_VISIT_MINUTES <= minutes <= longest_visit(band):
        errors[name] = (
            f"{label}: a visit lasts from {MIN_VISIT_MINUTES} minutes to "
            f"{longest_visit(band) // 60} hours"
        )
    else:
        return PlannedVisit(day, band, minutes, 2 if doubled else 1, short_requested=asked)
    return None


def read_pattern(form: FormData, errors: dict[str, str]) -> list[PlannedVisit]:
    """Every visit filled in, Monday morning first; every fault as an error."""
    visits = []
    for day in Day:
        for band in TimeBand:
            visit = _cell_visit(form, day, band, errors)
            if visit is not None:
                visits.append(visit)
    if not visits and not errors:
        errors[cell(Day.MON, TimeBand.MORNING)] = "Enter at least one visit a week"
    return visits


def read_reason(form: FormData, errors: dict[str, str]) -> str:
    reason = forms.text(form, "reason")
    if len(reason) < 3:
        errors["reason"] = "Enter why the visits should change"
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = f"The reason must be {REASON_LIMIT} characters or fewer"
    return reason


def visit_fault_error(
    exc: DomainError, visits: Sequence[PlannedVisit], errors: dict[str, str]
) -> bool:
    """Puts a refusal naming `visits.N…` beside the cell of visit N, in the words the form
    uses ("Monday morning: …"); False when the refusal names no visit of the form."""
    parts = (exc.field or "").split(".")
    if len(parts) < 2 or parts[0] != "visits" or not parts[1].isdecimal():
        return False
    index = int(parts[1])
    if index >= len(visits):
        return False
    visit = visits[index]
    message = exc.message.strip().rstrip(".")
    text = f"{cell_label(visit.day, visit.band)}: {message[:1].lower()}{message[1:]}"
    errors.setdefault(cell(visit.day, visit.band), text)
    return True
