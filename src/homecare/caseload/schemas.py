"""Ending and extending care, as the HTTP API takes them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import RecordId, WrittenDate
from homecare.packages.domain import EndReason, MoveReason


class EndCare(BaseModel):
    model_config = ConfigDict(extra="forbid")

    last_day: WrittenDate = Field(
        description="The last day of care, e.g. 2026-12-07: at most 28 days ago"
    )
    reason: EndReason = Field(
        description="died, residential_or_nursing, no_longer_needs_care, moved_away, "
        "direct_payment or hospital_long_stay (a move to another provider is its own request)"
    )


class ExtendCare(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: WrittenDate = Field(description="The new last day of short-term care")


class MoveCare(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contract_id: RecordId = Field(
        description="The new provider's contract, in the same lot and zone"
    )
    handover_day: WrittenDate = Field(
        description="The new provider's first day of care: today up to 90 days ahead"
    )
    reason: MoveReason = Field(
        description="contract_change, provider_exit, persons_choice or safeguarding"
    )
    handover_visits: bool = Field(
        default=False,
        description="Both providers' carers attend the handover day's visits, to hand over",
    )


class CaseloadImported(BaseModel):
    people_added: int = Field(description="People recorded for the first time")
    people_known: int = Field(description="People already recorded, found by NHS number")
    packages: int
    weekly_hours: float = Field(description="The weekly carer hours the packages commission")


class RowProblemOut(BaseModel):
    line: int = Field(description="The line of the file, the header being line 1")
    column: str = Field(description="The column at fault; empty for the row as a whole")
    reason: str


class CaseloadRefused(BaseModel):
    detail: str
    field: str = "file"
    rows: list[RowProblemOut]
