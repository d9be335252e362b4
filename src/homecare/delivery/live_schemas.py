"""What the live board's API answers: the day's counts by where visits stand, as at a time."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from homecare.delivery.today import LiveState


class LiveCounts(BaseModel):
    due: int
    checked_in: int
    done: int
    late: int = Field(description="Not checked in, and the window closed 15 minutes or more ago.")
    missed: int
    not_at_home: int
    not_needed: int = Field(description="Cancelled by the person, or they are in hospital.")


class ProviderDay(BaseModel):
    provider_id: int
    provider_name: str
    counts: LiveCounts


class LiveSummary(BaseModel):
    day: date
    as_at: datetime = Field(description="The moment the counts were true.")
    providers: list[ProviderDay]


class LiveVisit(BaseModel):
    visit_id: int
    person_id: int
    person_name: str
    window_start: datetime
    window_end: datetime
    planned_minutes: int
    state: LiveState
    carers: list[str]
    checked_in_at: datetime | None


class LiveAlert(BaseModel):
    alert_id: int
    visit_id: int
    kind: str
    raised_at: datetime
    person_name: str


class LiveNote(BaseModel):
    visit_id: int
    occurred_at: datetime
    carer: str
    person_name: str
    text: str


class LiveCarer(BaseModel):
    care_worker_id: int
    name: str
    where: str
    since: datetime | None
    with_someone: bool


class LiveBoard(BaseModel):
    day: date
    as_at: datetime = Field(description="The moment the board was true.")
    counts: LiveCounts
    visits: list[LiveVisit]
    alerts: list[LiveAlert]
    notes: list[LiveNote]
    carers: list[LiveCarer]
