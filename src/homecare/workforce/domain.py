"""Workforce vocabulary: how care workers are employed and how they get about."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from homecare.text import long_date


class ContractType(StrEnum):
    SALARIED_BLOCK = "salaried_block"
    GUARANTEED_HOURS = "guaranteed_hours"
    ZERO_HOURS = "zero_hours"


class TravelMode(StrEnum):
    WALK = "walk"
    CYCLE = "cycle"
    DRIVE = "drive"


SKILLS = (
    "personal_care",
    "medication",
    "moving_and_handling",
    "dementia",
    "catheter_care",
    "stoma_care",
    "peg_feeding",
    "pressure_care",
    "end_of_life",
    "diabetes_insulin",
)
"""Skills and delegated healthcare competencies a care worker may hold."""


NOTICE_AHEAD_DAYS = 366
"""How far ahead a leaving day may be recorded: a year, leap day included."""


def leaving_fault(left_on: date, *, hired_on: date | None, today: date) -> str | None:
    """What is wrong with `left_on` as a care worker's first day no longer working, if
    anything: it may not come before they were hired, nor more than a year ahead."""
    if hired_on is not None and left_on < hired_on:
        return (
            f"the leaving day, {long_date(left_on)}, is before they were hired on "
            f"{long_date(hired_on)}"
        )
    if (left_on - today).days > NOTICE_AHEAD_DAYS:
        return (
            f"the leaving day, {long_date(left_on)}, is more than a year ahead: record it "
            "nearer the time"
        )
    return None


def still_working(left_on: date | None, on: date) -> bool:
    """Whether a care worker still works for the provider on the day: they stop on the
    day they leave."""
    return left_on is None or on < left_on
