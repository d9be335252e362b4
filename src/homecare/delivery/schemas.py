"""Visits, call-monitoring batches and alerts as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from homecare.delivery.outcomes import VisitStatus
from homecare.http import RecordId, WrittenDate, WrittenMoment
from homecare.pattern import TimeBand

MAX_EVENTS_PER_BATCH = 500
"""A phone's whole day fits many times over; larger bodies are refused before any work."""


class EventKind(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    NOT_AT_HOME = "not_at_home"
    NOTE = "note"


class GenerateVisits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: WrittenDate
    end: WrittenDate
    provider_id: RecordId | None = Field(
        default=None, description="Only for the platform; a provider manager gets their own"
    )
    package_ids: list[RecordId] | None = Field(default=None, description="Only these packages")


class Generated(BaseModel):
    created: int


class AssignCarers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    care_worker_ids: list[RecordId] = Field(description="Exactly as many carers as the visit needs")
    planned_start: WrittenMoment | None = Field(
        default=None, description="When the carers are due, inside the visit's window"
    )


class CallEventIn(BaseModel):
    """One event as a carer's phone recorded it, possibly long before it is sent."""

    model_config = ConfigDict(extra="forbid")

    client_event_id: str = Field(
        min_length=1, max_length=64, description="Made by the phone; the same id is one event"
    )
    visit_id: RecordId
    kind: EventKind
    occurred_at: WrittenMoment
    latitude: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    note: str | None = Field(default=None, max_length=2000)
    care_worker_id: RecordId | None = Field(
        default=None, description="Whose event: needed when a manager records for a carer"
    )


class CallEventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[CallEventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class EventResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_event_id: str
    result: Literal["applied", "duplicate", "rejected"]
    reason: str | None


class BatchResults(BaseModel):
    results: list[EventResultRead]


class CancelVisit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank: bool = Field(default=False, description="Keep the visit's hours in the time bank")


class VisitCarerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    care_worker_id: int
    planned_start: datetime | None


class AttendanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    care_worker_id: int
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    check_in_latitude: float | None
    check_in_longitude: float | None
    check_in_metres_from_place: float | None


class VisitRead(BaseModel):
    id: int
    package_id: int
    person_id: int
    provider_id: int
    source: Literal["pattern", "community", "extra"]
    source_id: int
    package_visit_id: int | None
    day: date
    band: TimeBand
    window_start: datetime
    window_end: datetime
    planned_minutes: int
    carers: int
    place_kind: Literal["home", "community"]
    place_name: str | None
    latitude: float
    longitude: float
    health_tasks: list[str]
    status: VisitStatus
    delivered_minutes: int | None
    arrived_late_minutes: int | None
    closed_at: datetime | None
    banked: bool
    assigned_carers: list[VisitCarerRead]
    attendances: list[AttendanceRead]


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    provider_id: int
    visit_id: int
    kind: Literal["missed", "very_late"]
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: int | None
