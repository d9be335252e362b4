"""What the HTTP API returns for CQC imports and rating alerts."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from homecare.market.domain import CqcRating


class CqcImported(BaseModel):
    locations: int = Field(description="Locations the file rates as a whole")
    providers: int = Field(description="Providers we hold at those locations")
    not_held: int = Field(description="Locations in the file we hold no provider for")
    changes: int = Field(description="Ratings that changed, each kept in its history")
    alerts: int = Field(description="Alerts raised to councils for a fall below threshold")
    other_groups: int = Field(
        description="Rows rating a service or population group within a location: left alone"
    )


class CqcRowProblem(BaseModel):
    line: int = Field(description="The line of the file, the header being line 1")
    column: str = Field(description="The column at fault; empty for the row as a whole")
    reason: str


class CqcProblemItem(BaseModel):
    field: str | None
    message: str


class CqcRefused(BaseModel):
    detail: str
    field: str = "file"
    errors: list[CqcProblemItem]
    rows: list[CqcRowProblem]


class RatingAlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    provider_id: int
    was: CqcRating | None
    rating: CqcRating
    threshold: CqcRating
    published_on: date | None
    message: str
    raised_at: datetime
    read_at: datetime | None
