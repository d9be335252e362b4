"""Provider-led changes, their impact and consent requests as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from homecare.changes.domain import consent_status
from homecare.changes.patterns import from_json
from homecare.changes.tables import ConsentRequest
from homecare.changes.wording import capitalised, in_words, totals_in_words
from homecare.errors import InvalidInput
from homecare.http import WrittenMoment
from homecare.packages.schemas import VisitOut
from homecare.pattern import Day, PlannedVisit, TimeBand, VisitKind, parse_clock
from homecare.units import hours


class VisitIn(BaseModel):
    """One visit of the weekly pattern a change proposes."""

    model_config = ConfigDict(extra="forbid")

    day: Day
    band: TimeBand
    minutes: int = Field(
        description=(
            "15 to 240: under 30 only with short_requested, and 15 only for a two-handed "
            "visit; a night sitting or sleep-in 60 to 600"
        )
    )
    carers: int = Field(default=1, description="2 for a two-handed visit")
    kind: VisitKind | None = Field(
        default=None, description="care, night_sitting or sleep_in; left out, as it was"
    )
    at: str | None = Field(
        default=None, max_length=5, description="A clock time set with the person, 'HH:MM'"
    )
    short_requested: bool = Field(
        default=False,
        description=(
            "The person asked for a visit under 30 minutes; left false, a visit the package "
            "already has at this day and time keeps its request"
        ),
    )

    def planned(self) -> PlannedVisit:
        try:
            at = parse_clock(self.at)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="visits.at") from exc
        return PlannedVisit(
            self.day,
            self.band,
            self.minutes,
            self.carers,
            kind=self.kind or VisitKind.CARE,
            at=at,
            short_requested=self.short_requested,
        )


def planned_visits(visits: list[VisitIn] | None) -> list[PlannedVisit] | None:
    return None if visits is None else [v.planned() for v in visits]


VISITS_DESCRIPTION = (
    "The whole weekly pattern after the change: add, remove, move or lengthen visits. "
    "Without it, to_weekly_minutes alone scales the current care visits in proportion, "
    "none under 30 minutes unless the person asked; night sitting and sleep-ins stay whole"
)
TOTAL_DESCRIPTION = (
    "Carer-minutes a week after the change; with visits, it must be what they add up to"
)


class ChangeCreate(BaseModel):
    """A change as trusted assessor; the consent fields are checked against the person."""

    model_config = ConfigDict(extra="forbid")

    visits: list[VisitIn] | None = Field(default=None, description=VISITS_DESCRIPTION)
    to_weekly_minutes: int | None = Field(default=None, description=TOTAL_DESCRIPTION)
    reason: str = Field(min_length=3, max_length=1000)
    consent_by_name: str | None = Field(
        default=None,
        max_length=200,
        description="The person, or the one named on their record to consent for them",
    )
    consent_by_relationship: str | None = Field(
        default=None, max_length=200, description="'self' when the person consents"
    )
    consent_method: Literal["in_person", "phone", "written"] | None = None
    consent_at: WrittenMoment | None = None


class ChangeDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "amend", "reverse"]
    weekly_minutes: int | None = Field(
        default=None, description="The carer-minutes a week an amendment sets"
    )
    note: str | None = Field(default=None, max_length=1000)


class ImpactFigures(BaseModel):
    """One change's weekly deltas; 'decided' is empty until the social worker decides."""

    weekly_hours_proposed: Decimal
    weekly_pounds_proposed: Decimal
    weekly_hours_decided: Decimal | None
    weekly_pounds_decided: Decimal | None
    weekly_hours_in_effect: Decimal
    weekly_pounds_in_effect: Decimal


class ChangeRead(BaseModel):
    id: int
    package_id: int
    person_id: int
    provider_id: int
    provider_name: str
    council_id: int
    status: str
    within_parameters: bool
    reason: str
    from_weekly_minutes: int
    to_weekly_minutes: int
    from_weekly_hours: Decimal
    to_weekly_hours: Decimal
    hourly_rate: Decimal
    package_weekly_minutes: int
    package_visits: list[VisitOut]
    previous_pattern: dict[str, int]
    from_visits: list[VisitOut] = Field(description="The visits when the change was proposed")
    to_visits: list[VisitOut] = Field(description="The visits the change proposes")
    in_words: str = Field(description="The change as the family reads it")
    consent_by_name: str
    consent_by_relationship: str
    consent_method: str
    consent_at: datetime
    effective_from: date | None
    submit_from: date | None
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_note: str | None
    decided_weekly_minutes: int | None
    created_at: datetime
    impact: ImpactFigures


class ImpactTotal(BaseModel):
    changes: int
    weekly_hours_proposed: Decimal
    weekly_pounds_proposed: Decimal
    weekly_hours_in_effect: Decimal
    weekly_pounds_in_effect: Decimal


class ProviderImpact(ImpactTotal):
    provider_id: int
    provider_name: str


class ImpactReport(BaseModel):
    """Changes proposed from `start` to `end` (London dates), net weekly hours and pounds."""

    start: date
    end: date
    total: ImpactTotal
    by_provider: list[ProviderImpact]
    by_decision: dict[str, ImpactTotal] = Field(
        description="approve, amend, reverse and pending (not yet decided)"
    )


class ConsentRequestCreate(BaseModel):
    """A change the provider would make as trusted assessor, put to the person first."""

    model_config = ConfigDict(extra="forbid")

    visits: list[VisitIn] | None = Field(default=None, description=VISITS_DESCRIPTION)
    to_weekly_minutes: int | None = Field(default=None, description=TOTAL_DESCRIPTION)
    reason: str = Field(min_length=3, max_length=1000)


class ConsentAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: Literal["yes", "no"]
    name: str = Field(
        min_length=1,
        max_length=200,
        description="The person, or the one named on their record to consent for them",
    )
    relationship: str = Field(
        min_length=1, max_length=200, description="'self' when the person answers"
    )


def request_in_words(request: ConsentRequest) -> str:
    """'Adds a 30-minute lunch visit every day; 3 h 30 min more a week'."""
    if request.to_pattern:
        text = in_words(from_json(request.from_pattern), from_json(request.to_pattern))
    else:
        text = totals_in_words(request.from_weekly_minutes, request.to_weekly_minutes)
    return capitalised(text)


class ConsentRequestRead(BaseModel):
    id: int
    package_id: int
    provider_id: int
    status: Literal["open", "agreed", "declined"]
    from_weekly_minutes: int
    to_weekly_minutes: int
    from_weekly_hours: Decimal
    to_weekly_hours: Decimal
    from_visits: list[VisitOut]
    to_visits: list[VisitOut]
    in_words: str = Field(description="The change as the family reads it")
    reason: str
    requested_at: datetime
    answer: str | None
    answered_by_name: str | None
    answered_by_relationship: str | None
    answered_at: datetime | None
    change_id: int | None = Field(description="The provider change a yes created")

    @classmethod
    def of(cls, request: ConsentRequest) -> ConsentRequestRead:
        return cls(
            id=request.id,
            package_id=request.package_id,
            provider_id=request.provider_id,
            status=consent_status(request.answer),
            from_weekly_minutes=request.from_weekly_minutes,
            to_weekly_minutes=request.to_weekly_minutes,
            from_weekly_hours=hours(request.from_weekly_minutes),
            to_weekly_hours=hours(request.to_weekly_minutes),
            from_visits=[VisitOut.model_validate(v) for v in from_json(request.from_pattern)],
            to_visits=[VisitOut.model_validate(v) for v in from_json(request.to_pattern)],
            in_words=request_in_words(request),
            reason=request.reason,
            requested_at=request.requested_at,
            answer=request.answer,
            answered_by_name=request.answered_by_name,
            answered_by_relationship=request.answered_by_relationship,
            answered_at=request.answered_at,
            change_id=request.change_id,
        )
