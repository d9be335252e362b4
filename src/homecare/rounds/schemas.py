"""Rounds as the HTTP API shows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import WrittenDate


class StopRead(BaseModel):
    sequence: int
    person_id: int
    person_name: str
    address: str
    postcode: str
    planned_start: datetime
    window_start: datetime
    window_end: datetime
    minutes: int
    travel_minutes: float
    carers: int
    partner_care_worker_id: int | None
    latitude: float
    longitude: float


class RoundRead(BaseModel):
    id: int
    care_worker_id: int
    care_worker_name: str
    day: date
    shift_start: datetime
    shift_end: datetime
    break_start: datetime | None
    break_minutes: int
    travel_mode: str
    travel_minutes: float
    contact_minutes: float
    stops: list[StopRead]


class UnassignedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    package_visit_id: int
    person_id: int
    reason: str


class NightCareRead(BaseModel):
    """A night sitting or sleep-in due that day: staffed apart from the daytime rounds."""

    package_visit_id: int
    person_id: int
    kind: str
    starts: str = Field(description="When the night begins, 'HH:MM' local")
    minutes: int
    carers: int
    care_worker_names: list[str] = Field(
        default_factory=list, description="The carers put on that night's visit, if any"
    )


class PlanRead(BaseModel):
    id: int
    provider_id: int
    day: date
    optimised_at: datetime
    seconds: float
    measures: dict[str, float]
    rounds: int
    unassigned: list[UnassignedRead]
    night_care: list[NightCareRead] = Field(
        default_factory=list, description="Night sitting and sleep-ins, not on the rounds"
    )


class OptimiseDay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: WrittenDate
    time_limit: float = Field(default=10.0, gt=0, le=120, description="Seconds of search")


class GeoJson(BaseModel):
    type: str = "FeatureCollection"
    features: list[dict[str, Any]]


class StartSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_limit: float = Field(default=5.0, ge=1, le=30, description="Seconds of search")


class SearchFigure(BaseModel):
    key: str
    label: str
    before: float | None
    after: float | None
    better: str


class SearchRead(BaseModel):
    """A re-optimisation job: where it stands and, once done, the plan's figures before and
    after. `state` is waiting, searching, done, failed or undone."""

    id: int
    day: date
    state: str
    seconds: float
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    message: str
    plan_id: int | None
    had_plan_before: bool
    figures: list[SearchFigure]
