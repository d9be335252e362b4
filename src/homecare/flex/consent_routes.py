"""HTTP routes for consent requests: the provider asks, the person's own account answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from homecare.api.context import RequestContext, authenticated
from homecare.brokerage.repository import hours
from homecare.flex import consent
from homecare.flex.tables import ConsentRequest

router = APIRouter(tags=["flexibility"])


class ConsentRequestCreate(BaseModel):
    """A change the provider would make as trusted assessor, put to the person first."""

    model_config = ConfigDict(extra="forbid")

    to_weekly_minutes: int = Field(description="Carer-minutes a week after the change")
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


class ConsentRequestRead(BaseModel):
    id: int
    package_id: int
    provider_id: int
    status: Literal["open", "agreed", "declined"]
    from_weekly_minutes: int
    to_weekly_minutes: int
    from_weekly_hours: Decimal
    to_weekly_hours: Decimal
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
            status=consent.status_of(request),
            from_weekly_minutes=request.from_weekly_minutes,
            to_weekly_minutes=request.to_weekly_minutes,
            from_weekly_hours=hours(request.from_weekly_minutes),
            to_weekly_hours=hours(request.to_weekly_minutes),
            reason=request.reason,
            requested_at=request.requested_at,
            answer=request.answer,
            answered_by_name=request.answered_by_name,
            answered_by_relationship=request.answered_by_relationship,
            answered_at=request.answered_at,
            change_id=request.change_id,
        )


@router.post(
    "/packages/{package_id}/consent-requests", response_model=ConsentRequestRead, status_code=201
)
def request_consent(
    package_id: int, body: ConsentRequestCreate, ctx: RequestContext = Depends(authenticated)
) -> ConsentRequestRead:
    """The provider asks the person, or their consenter, to agree a change online."""
    with ctx.transaction() as (session, actor):
        request = consent.request_consent(
            session,
            actor=actor,
            at=ctx.now(),
            package_id=package_id,
            to_weekly_minutes=body.to_weekly_minutes,
            reason=body.reason,
        )
        return ConsentRequestRead.of(request)


@router.get("/consent-requests", response_model=list[ConsentRequestRead])
def list_requests(
    open_only: bool = Query(default=False, alias="open", description="Only those not answered"),
    ctx: RequestContext = Depends(authenticated),
) -> list[ConsentRequestRead]:
    """Newest first: a person sees their own, a provider and a council theirs."""
    with ctx.transaction() as (session, actor):
        found = consent.list_requests(session, actor=actor, open_only=open_only)
        return [ConsentRequestRead.of(r) for r in found]


@router.get("/consent-requests/{request_id}", response_model=ConsentRequestRead)
def get_request(
    request_id: int, ctx: RequestContext = Depends(authenticated)
) -> ConsentRequestRead:
    with ctx.transaction() as (session, actor):
        return ConsentRequestRead.of(
            consent.get_request(session, actor=actor, request_id=request_id)
        )


@router.post("/consent-requests/{request_id}/answer", response_model=ConsentRequestRead)
def answer_consent(
    request_id: int, body: ConsentAnswer, ctx: RequestContext = Depends(authenticated)
) -> ConsentRequestRead:
    """Yes proposes the change with consent given online; no is recorded as declined."""
    with ctx.transaction() as (session, actor):
        request = consent.answer_consent(
            session,
            actor=actor,
            at=ctx.now(),
            request_id=request_id,
            answer=body.answer,
            name=body.name,
            relationship=body.relationship,
            settings=ctx.settings,
        )
        return ConsentRequestRead.of(request)
