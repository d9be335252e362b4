"""Referrals, offers and the awaiting-care list as the HTTP API takes and shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from homecare.brokerage.domain import DeclineReason, OfferStatus, ReferralSource, ReferralStatus
from homecare.http import RecordId, WrittenDate
from homecare.packages.schemas import VisitOut
from homecare.pattern import Day, TimeBand, VisitKind, VisitRequest


class VisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: Day
    band: TimeBand | None = Field(
        default=None, description="The time of day; may be left out when `at` is given"
    )
    minutes: int = Field(
        description="Planned length: a care visit 15 to 240 minutes (under 30 only when the "
        "person asked, 15 only for a two-handed visit); night sitting or a sleep-in up to 600"
    )
    kind: VisitKind = Field(default=VisitKind.CARE, description="care, night_sitting or sleep_in")
    at: str | None = Field(
        default=None,
        max_length=5,
        description="A clock time set with the person, 'HH:MM'; the visit starts within "
        "15 minutes of it",
    )
    short_requested: bool = Field(
        default=False, description="The person asked for a visit under 30 minutes"
    )
    task: str | None = Field(
        default=None,
        max_length=32,
        description="A delegated healthcare task the visit is for, e.g. 'catheter_care': "
        "one of the lot's tasks; a carer trained for it must lead the visit",
    )

    def request(self) -> VisitRequest:
        task = (self.task or "").strip() or None
        return VisitRequest(
            self.day, self.band, self.minutes, self.kind, self.at, self.short_requested, task
        )


class ReferralCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: RecordId
    source: ReferralSource
    priority: bool = False
    authorised_delay: str | None = Field(
        default=None,
        max_length=300,
        description="Why a later start is agreed (e.g. discharge date not yet set)",
    )
    lot: int = Field(ge=1, description="Lot number: 1 general, 2 delegated healthcare")
    weekly_hours: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="Carer hours a week; must agree with the visit pattern",
    )
    visits: list[VisitIn] = Field(min_length=1)
    two_handed: list[str] = Field(
        default_factory=list, description="Visits needing two carers, as 'mon-morning'"
    )
    outcomes_sought: list[str] = Field(default_factory=list)
    required_start: WrittenDate
    preferred_provider_id: RecordId | None = Field(
        default=None, description="The provider the person wants; offered the care first"
    )
    preference_reason: str | None = Field(
        default=None,
        max_length=300,
        description="Why the person wants that provider: needed when it has no contract here",
    )
    spot_hourly_rate: Decimal | None = Field(
        default=None,
        gt=0,
        le=200,
        decimal_places=2,
        description="Pounds per hour agreed with a provider that has no contract here; "
        "without it, the highest contracted rate in the lot and zone",
    )


class OfferRead(BaseModel):
    id: int
    referral_id: int
    provider_id: int
    provider_name: str
    contract_id: int
    cascade_round: int
    rank: int
    priority: bool
    status: OfferStatus
    offered_at: datetime
    respond_by: datetime
    responded_at: datetime | None
    decline_reason: DeclineReason | None
    decline_note: str | None
    agreed_start: date | None
    person_id: int | None
    """None, with no visits, once a provider's offer is closed without being accepted."""
    lot: int
    weekly_hours: Decimal
    required_start: date
    visits: list[VisitOut]


class ReferralRead(BaseModel):
    id: int
    council_id: int
    person_id: int
    source: ReferralSource
    priority: bool
    authorised_delay: str | None
    lot: int
    zone_id: int
    zone_name: str
    weekly_hours: Decimal
    two_handed_hours: Decimal
    visits: list[VisitOut]
    outcomes_sought: list[str]
    required_start: date
    referred_at: datetime
    status: ReferralStatus
    placed_at: datetime | None
    closed_reason: str | None
    cascade_round: int
    cascade_plan: list[dict[str, int]]
    cascade_skipped: list[dict[str, int | str]] = Field(
        default_factory=list,
        description="Providers left out of this round's order, each with why (provider_id, "
        "reason): no care worker trained for a skill the referral needs",
    )
    offers: list[OfferRead]
    preferred_provider_id: int | None = None
    preferred_provider_name: str | None = None
    preference_reason: str | None = None
    preference_text: str | None = Field(
        default=None, description="The person's choice in words, as the referral page shows it"
    )
    spot_purchase: bool = Field(
        default=False, description="Whether the chosen provider is paid by a spot purchase"
    )


class AcceptOffer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agreed_start: WrittenDate


class DeclineOffer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: DeclineReason
    note: str | None = Field(default=None, max_length=500)


class WithdrawReferral(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=300)


class AwaitingItem(BaseModel):
    referral_id: int
    person_id: int
    priority: bool
    lot: int
    zone_name: str
    weekly_hours: Decimal
    status: ReferralStatus
    referred_at: datetime
    waiting_hours: float
    waiting_working_days: int
    required_start: date
    offered_to: str | None
    respond_by: datetime | None
    providers_tried: int


class KpiOut(BaseModel):
    number: int
    name: str
    value: float | None
    target: float
    met: bool | None
    met_count: int
    eligible_count: int
    missed_referral_ids: list[int]


class KpiReport(BaseModel):
    period_from: date
    period_to: date
    as_at: datetime = Field(
        description="When the figures are true: the period's settled end unless as_at=now"
    )
    as_at_basis: str = Field(description="settled, in_progress, settling or now")
    as_at_text: str = Field(description="The as-at in words, as the pages say it")
    as_of: datetime = Field(description="The same moment as as_at, kept for older clients")
    overall: list[KpiOut]
    by_lot: dict[str, list[KpiOut]]
    by_provider: dict[str, list[KpiOut]]
    choice: ChoiceFigures | None = Field(
        default=None, description="Referrals naming the person's choice of provider"
    )


class ChoiceFigures(BaseModel):
    """How often people named a provider, and how often they got it."""

    with_preference: int
    placed_with_preferred: int
    spot_purchases: int


class AuditEntry(BaseModel):
    at: datetime
    action: str
    entity: str
    entity_id: int
    actor_role: str
    actor_user_id: int | None
    detail: dict[str, Any]
