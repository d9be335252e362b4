"""Workforce vocabulary: how care workers are employed and how they get about."""

from __future__ import annotations

from enum import StrEnum


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
