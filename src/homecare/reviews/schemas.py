"""Reviews, outcome ratings and social connections as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from homecare.reviews.domain import ConnectionKind, HowOften


class RatingsIn(BaseModel):
    """The Outcomes Tool's three domains, each rated 1-5 (checked with the field named)."""

    model_config = ConfigDict(extra="forbid")

    wellbeing: int | None = Field(default=None, description="My Well-being and Independence")
    home: int | None = Field(default=None, description="My Home")
    community: int | None = Field(default=None, description="My Community")


class ConnectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ConnectionKind
    name: str = Field(min_length=1, max_length=200, examples=["Daughter Susan"])
    how_often: HowOften


class ReviewRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ratings: RatingsIn | None = None
    opted_out: bool = Field(
        default=False, description="The person chose not to take part in outcomes monitoring"
    )
    outcomes_achieved: Literal["fully", "partially", "not"] | None = Field(
        default=None,
        description=(
            "The reviewer's judgement of the plan's outcomes; when left out it follows the "
            "ratings (all three 4 or more: fully; any 3 or more: partially; else not)"
        ),
    )
    notes: str | None = Field(default=None, max_length=2000)
    social_connections: list[ConnectionIn] | None = Field(
        default=None,
        description="The person's connections as they stand now; leave out to keep the plan's",
    )


class DomainProgress(BaseModel):
    """Change in each domain since the last rating; empty with nothing to compare."""

    wellbeing: int | None
    home: int | None
    community: int | None


class ReviewRead(BaseModel):
    id: int
    package_id: int
    person_id: int
    kind: str
    due_on: date
    overdue: bool
    done_on: date | None
    done_by_role: str | None
    wellbeing: int | None
    home: int | None
    community: int | None
    opted_out: bool
    outcomes_achieved: str | None = None
    notes: str | None
    recorded_at: datetime | None
    progress: DomainProgress | None = None
    made_progress: bool | None = None
    rated_by: str | None = Field(
        default=None, description="Who gave the ratings on the person's own page, if they did"
    )
    rated_at: datetime | None = None


class RecordedReview(ReviewRead):
    next_review: ReviewRead | None


class ReviewsDue(BaseModel):
    created: int


class OutcomePoint(BaseModel):
    review_id: int
    kind: str
    done_on: date
    opted_out: bool
    wellbeing: int | None
    home: int | None
    community: int | None
    progress: DomainProgress
    made_progress: bool | None = Field(
        description="Better in at least one domain since the last rating (measure 12)"
    )


class OutcomesRead(BaseModel):
    package_id: int
    person_id: int
    reviews: list[OutcomePoint]
    latest: OutcomePoint | None
    next_review: ReviewRead | None


class SocialConnectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    kind: str
    name: str
    how_often: str
    review_id: int | None
    recorded_at: datetime
    ended_on: date | None
