"""The time bank as the HTTP API takes and shows it: minutes, and hours for people to read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from homecare.http import RecordId, WrittenDate
from homecare.pattern import TimeBand
from homecare.timebank.care_rules import AskStatus, CareKind, ledger_note
from homecare.timebank.ledger import MAX_PERIOD_WEEKS
from homecare.timebank.service import Statement
from homecare.timebank.tables import TimeBankEntry, TimeBankRequest
from homecare.units import hours

MAX_MINUTES = MAX_PERIOD_WEEKS * 7 * 24 * 60
"""Round-the-clock care for the longest period: more than any envelope can hold."""


class EnvelopeOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: WrittenDate = Field(description="First day of the first period, e.g. a Monday")
    period_weeks: int = Field(default=4, ge=1, le=MAX_PERIOD_WEEKS, strict=True)
    minutes_per_period: int | None = Field(
        default=None,
        gt=0,
        le=MAX_MINUTES,
        strict=True,
        description="Default: the package's weekly minutes times the period's weeks",
    )
    carry_over_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Share of a period's unused envelope carried into the next",
    )
    bank_cap_minutes: int | None = Field(
        default=None,
        ge=0,
        le=MAX_MINUTES,
        strict=True,
        description="Banked minutes above this expire at a period end. Default: one week",
    )
    overdraft_minutes: int | None = Field(
        default=None,
        ge=0,
        le=MAX_MINUTES,
        strict=True,
        description="How far hours may be brought forward. Default: 60",
    )


class TimeBankMove(BaseModel):
    """Minutes to bank: a positive whole number, with an optional reason."""

    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(gt=0, le=MAX_MINUTES, strict=True)
    note: str | None = Field(
        default=None, max_length=500, description="e.g. 'My daughter is visiting on Sunday'"
    )


class EntryRead(BaseModel):
    id: int
    pot: str
    kind: str
    minutes: int
    hours: Decimal
    period_start: date
    at: datetime
    actor_role: str
    visit_id: int | None
    note: str | None

    @classmethod
    def of(cls, entry: TimeBankEntry) -> EntryRead:
        return cls(
            id=entry.id,
            pot=entry.pot,
            kind=entry.kind,
            minutes=entry.minutes,
            hours=hours(entry.minutes),
            period_start=entry.period_start,
            at=entry.at,
            actor_role=entry.actor_role,
            visit_id=entry.visit_id,
            note=entry.note,
        )


class TimeBankRead(BaseModel):
    package_id: int
    envelope_minutes: int
    envelope_hours: Decimal
    bank_minutes: int
    bank_hours: Decimal
    total_minutes: int
    total_hours: Decimal
    drawable_minutes: int
    drawable_hours: Decimal
    period_start: date
    period_end: date
    period_weeks: int
    minutes_per_period: int
    hours_per_period: Decimal
    carry_over_share: float
    bank_cap_minutes: int
    overdraft_minutes: int
    entries: list[EntryRead]

    @classmethod
    def of(cls, statement: Statement) -> TimeBankRead:
        terms = statement.terms
        return cls(
            package_id=statement.package_id,
            envelope_minutes=statement.envelope_minutes,
            envelope_hours=hours(statement.envelope_minutes),
            bank_minutes=statement.bank_minutes,
            bank_hours=hours(statement.bank_minutes),
            total_minutes=statement.total_minutes,
            total_hours=hours(statement.total_minutes),
            drawable_minutes=statement.drawable_minutes,
            drawable_hours=hours(statement.drawable_minutes),
            period_start=statement.period_start,
            period_end=statement.period_end,
            period_weeks=terms.period_weeks,
            minutes_per_period=terms.minutes_per_period,
            hours_per_period=hours(terms.minutes_per_period),
            carry_over_share=terms.carry_over_share,
            bank_cap_minutes=terms.bank_cap_minutes,
            overdraft_minutes=terms.overdraft_minutes,
            entries=[EntryRead.of(e) for e in statement.entries],
        )


class PeriodEndsRead(BaseModel):
    ended: int = Field(description="How many periods were closed, across all accounts")


class CareAsk(BaseModel):
    """Banked hours asked for as care: an extra visit (`day`, `band`) or a longer planned
    visit (`visit_id`), for `minutes` of the person's time."""

    model_config = ConfigDict(extra="forbid")

    kind: CareKind
    minutes: int = Field(
        gt=0, le=MAX_MINUTES, strict=True, description="The extra visit's length, or minutes added"
    )
    day: WrittenDate | None = Field(default=None, description="The extra visit's day")
    band: TimeBand | None = Field(default=None, description="The extra visit's time of day")
    visit_id: RecordId | None = Field(default=None, description="The planned visit to lengthen")
    note: str | None = Field(default=None, max_length=500, description="e.g. 'A bath on Friday'")


class CareDecline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=300)


class CareAskRead(BaseModel):
    id: int
    package_id: int
    kind: CareKind
    minutes: int
    hours: Decimal
    day: date
    band: str
    visit_id: int | None
    note: str | None
    status: AskStatus
    asked_at: datetime
    answered_at: datetime | None = Field(
        description="When the provider accepted or declined it, or the person withdrew it"
    )
    decline_reason: str | None
    in_words: str = Field(description="The care asked for, as the pages say it")

    @classmethod
    def of(cls, asked: TimeBankRequest) -> CareAskRead:
        return cls(
            id=asked.id,
            package_id=asked.package_id,
            kind=CareKind(asked.kind),
            minutes=asked.minutes,
            hours=hours(asked.minutes),
            day=asked.day,
            band=asked.band,
            visit_id=asked.visit_id,
            note=asked.note,
            status=AskStatus(asked.status),
            asked_at=asked.asked_at,
            answered_at=asked.answered_at,
            decline_reason=asked.decline_reason,
            in_words=ledger_note(asked.kind, asked.day, asked.band, asked.minutes),
        )
