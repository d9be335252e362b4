"""The referral form's week of visits: minutes, a clock time, two carers, a shorter visit.

Each cell of the grid is a day and a time of day. A clock time set with the person must
fall in its column's times; the night column also says what kind of night care it is.
Every cell is checked by the same rules as the API (`pattern.visit_fault`), so the form
shows each fault at once against its cell, in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time

from starlette.datastructures import FormData

from homecare.brokerage.schemas import VisitIn
from homecare.pattern import (
    TIME_BAND_WINDOWS,
    Day,
    PlannedVisit,
    TimeBand,
    VisitKind,
    band_of,
    clock_text,
    parse_clock,
    task_words,
    visit_fault,
    visit_key,
)
from homecare.units import hours_text
from homecare.web import forms
from homecare.web.pattern_form import cell_label

BANDS = [b.value for b in TimeBand]
DAYS = [d.value for d in Day]

NIGHT_KIND_CHOICES = [
    (VisitKind.NIGHT_SITTING.value, "Night sitting (awake)"),
    (VisitKind.SLEEP_IN.value, "Sleep-in"),
    (VisitKind.CARE.value, "A care visit"),
]


def task_choices(lots: list[tuple[int, list[str]]]) -> list[tuple[str, str]]:
    """The delegated tasks a visit may name, from every lot that has any: 'Catheter care
    (Lot 2)'; the service refuses a task outside the lot chosen."""
    choices: dict[str, list[str]] = {}
    for number, tasks in lots:
        for task in tasks:
            choices.setdefault(task, []).append(f"Lot {number}")
    return [
        (task, f"{task_words(task).capitalize()} ({', '.join(where)})")
        for task, where in choices.items()
    ]


@dataclass
class GridVisits:
    """The visits read from the grid, in order, with the cell each came from."""

    visits: list[VisitIn] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    two_handed: list[str] = field(default_factory=list)

    def carer_minutes(self) -> int:
        doubled = set(self.two_handed)
        return sum(
            v.minutes * (2 if k in doubled else 1)
            for v, k in zip(self.visits, self.keys, strict=True)
        )


def _kind(form: FormData, key: str, band: str) -> VisitKind:
    if band != TimeBand.NIGHT.value:
        return VisitKind.CARE
    chosen = forms.text(form, f"kind-{key}")
    return VisitKind(chosen) if chosen in {k.value for k in VisitKind} else VisitKind.NIGHT_SITTING


def _clock(
    form: FormData, key: str, label: str, band: str, kind: VisitKind, errors: dict[str, str]
) -> time | None:
    """The clock time of the cell, refused when it is outside the column's times."""
    try:
        at = parse_clock(forms.text(form, f"at-{key}"))
    except ValueError:
        errors[f"at-{key}"] = f"{label}: enter the time like 07:45"
        return None
    if at is not None and band_of(at, kind) is not TimeBand(band):
        opens, closes = TIME_BAND_WINDOWS[TimeBand(band)]
        errors[f"at-{key}"] = (
            f"{label}: visits in this column start between {clock_text(opens)} and "
            f"{clock_text(closes)}. Enter a time in those hours or use another column"
        )
    return at


def _cell(form: FormData, day: str, band: str, errors: dict[str, str]) -> PlannedVisit | None:
    key, label = visit_key(day, band), cell_label(day, band)
    raw = forms.text(form, f"visit-{key}")
    doubled = forms.text(form, f"two-{key}") == "yes"
    kind = _kind(form, key, band)
    at = _clock(form, key, label, band, kind, errors)
    if not raw:
        if doubled:
            errors[f"visit-{key}"] = "Enter the minutes of a visit that needs two carers"
        return None
    minutes = forms.whole_number(raw)
    if minutes is None:
        errors[f"visit-{key}"] = "Enter the minutes as a whole number, like 30"
        return None
    visit = PlannedVisit(
        Day(day),
        TimeBand(band),
        minutes,
        2 if doubled else 1,
        kind=kind,
        at=at,
        short_requested=forms.text(form, f"short-{key}") == "yes",
    )
    fault = visit_fault(visit)
    if fault is not None:
        errors[f"visit-{key}"] = f"{label}: {fault[1][0].lower()}{fault[1][1:]}"
        return None
    task = forms.text(form, f"task-{key}") or None
    return replace(visit, skill=task) if f"at-{key}" not in errors else None


def read_grid(form: FormData, errors: dict[str, str]) -> GridVisits:
    """Every visit filled in, Monday morning first; every fault against its cell."""
    grid = GridVisits()
    for day in DAYS:
        for band in BANDS:
            visit = _cell(form, day, band, errors)
            if visit is None:
                continue
            grid.visits.append(
                VisitIn(
                    day=visit.day,
                    band=visit.band,
                    minutes=visit.minutes,
                    kind=visit.kind,
                    at=visit.at_text,
                    short_requested=visit.short_requested,
                    task=visit.skill,
                )
            )
            grid.keys.append(visit.key)
            if visit.carers > 1:
                grid.two_handed.append(visit.key)
    if not grid.visits and not any(a.split("-")[0] in ("visit", "at", "two") for a in errors):
        errors["visit-mon-morning"] = "Enter the minutes of at least one visit"
    return grid


def weekly_hours_checks(weekly: float | None, grid: GridVisits, errors: dict[str, str]) -> None:
    """Weekly carer hours, when given, agree with the visits (once every visit can be read):
    said in hours and minutes."""
    if weekly is None or any(a == "weekly-hours" or a.startswith("visit-") for a in errors):
        return
    if weekly <= 0:
        errors["weekly-hours"] = "Weekly carer hours must be more than 0"
        return
    if weekly > 168:
        errors["weekly-hours"] = "Weekly carer hours cannot be more than the 168 hours in a week"
        return
    minutes = grid.carer_minutes()
    if grid.visits and abs(weekly * 60 - minutes) > 15:
        errors["weekly-hours"] = (
            f"Weekly carer hours ({hours_text(round(weekly * 60))}) do not match the visits, "
            f"which add up to {hours_text(minutes)} of carers' time"
        )


def grid_anchor(parts: list[str], grid: GridVisits) -> str | None:
    """The cell a refusal about 'visits.3.at' or 'two_handed.0' is about, if it names one."""
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    index = int(parts[1])
    if parts[0] == "visits":
        if index >= len(grid.keys):
            return "visit-mon-morning"
        prefix = {"at": "at", "task": "task"}.get("".join(parts[2:3]), "visit")
        return f"{prefix}-{grid.keys[index]}"
    if parts[0] == "two_handed":
        two = grid.two_handed
        return f"two-{two[index]}" if index < len(two) else "visit-mon-morning"
    return None
