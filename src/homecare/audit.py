"""Append-only audit trail, written in the same transaction as the change it records.

Each keyword given to `record` beyond the five fixed ones lands in the row's `detail`, and
must be named below as personal or plain: when a person's record is purged, the personal
values in the audit rows of their records are replaced by `REMOVED`, and the plain ones
kept, so the trail still says what was done, when and by whom.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from homecare.access import Actor
from homecare.db import Base, UTCDateTime

REMOVED = "removed at purge"
"""What a personal value in an audit row's detail becomes when its record is purged."""

PERSONAL_DETAIL = frozenset(
    {
        # Who the person is, and where.
        "given_name",
        "family_name",
        "name",
        "nhs_number",
        "date_of_birth",
        "address",
        "postcode",
        "lsoa",
        "email",
        "phone",
        # Who speaks for them.
        "consent_by_name",
        "consent_by_relationship",
        "answered_by_name",
        "answered_by_relationship",
        "rated_by",
        # What somebody typed, and the places of their care.
        "note",
        "notes",
        "reason",
        "purpose",
        "place_name",
        "hospital",
    }
)
"""Detail keys whose values may tell who a person is or what was said about them."""

PLAIN_DETAIL = frozenset(
    {
        # Ids and links.
        "care_worker_id",
        "care_worker_ids",
        "change_id",
        "client_event_id",
        "commissioned_by_id",
        "council_id",
        "notification_id",
        "organisation_id",
        "package_id",
        "person_id",
        "preferred_provider_id",
        "provider_id",
        "referral_id",
        "review_id",
        "visit_id",
        "web_session_id",
        "zone_id",
        "line_id",
        # Payment runs.
        "unchanged",
        "period_starts_on",
        "total_pence",
        "lines",
        "exceptions",
        "people",
        "pence",
        "link",
        "issuer",
        "filename",
        # Statuses, choices from fixed lists, and flags.
        "answer",
        "awaiting_second_factor",
        "band",
        "bank",
        "banked",
        "category",
        "city_wide",
        "consent_method",
        "decision",
        "disabled",
        "early",
        "end_reason",
        "ended_early",
        "format",
        "kind",
        "lot",
        "lsoas",
        "opted_out",
        "outcome",
        "priority",
        "replaced",
        "reported_to",
        "respondent",
        "role",
        "rule",
        "second_factor_by_identity_provider",
        "session_cookie_replaced",
        "signed_in_with",
        "source",
        "spot_purchase",
        "upheld",
        "status",
        "via",
        "was",
        "within_parameters",
        # CQC's ratings and the key question they rate, from its fixed lists.
        "key_question",
        "rating",
        # Ratings on the fixed scale.
        "community",
        "home",
        "wellbeing",
        # Counts, minutes, money and rates.
        "amount_pence",
        "applied_weekly_minutes",
        "arrived_late_minutes",
        "bank_cap_minutes",
        "bank_expired",
        "cancelled_visits",
        "carried",
        "carry_over_share",
        "connections_added",
        "connections_ended",
        "created",
        "delivered_minutes",
        "direct_staff_pence",
        "expired",
        "freed_minutes",
        "from_weekly_minutes",
        "granted",
        "handover_day",
        "handover_visits",
        "hourly_rate_pence",
        "hours",
        # A contract's versions: what each change sets and when.
        "version",
        "effective_from",
        "weekly_capacity_minutes",
        "flex_up_percent",
        "flex_down_percent",
        "notice_days",
        "sets_ends_on",
        "packages",
        "conditions_unmet",
        "overridden",
        "completed_on",
        "indirect_staff_pence",
        "minutes",
        "minutes_per_period",
        "move_reason",
        "number",
        "order",
        "overdraft_minutes",
        "period_weeks",
        "providers_tried",
        "rank",
        "records",
        "released_places",
        "resumed_visits",
        "reviews",
        "round",
        "rows",
        "seconds",
        "skipped",
        "suspended_visits",
        "to_pattern",
        "to_weekly_minutes",
        "total_spend_pence",
        "unassigned",
        "updated_visits",
        "visits",
        "web_sessions_ended",
        "weekly_minutes",
        "working_days",
        "written_off",
        # A council's budget and the direct payments it funds.
        "budget_pence",
        "contingency_pence",
        "funding_stream",
        "weekly_pence",
        "year",
        # Days and times.
        "admitted_at",
        "agreed_start",
        "closed_on",
        "day",
        "discharged_at",
        "due_on",
        "end",
        "ends_on",
        "first_day",
        "last_day",
        "left_on",
        "next_period_start",
        "occurred_at",
        "on",
        "period_end",
        "period_start",
        "planned_ends_on",
        "planned_start",
        "quarter",
        "received_on",
        "respond_by",
        "review_due_on",
        "start",
        "starts_on",
        "until",
        # Keyed digests of a sign-in's account and address, never the values in clear.
        "account_digest",
        "address_digest",
    }
)
"""Detail keys kept through a purge: ids, statuses, counts, minutes, money and times."""


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    action: str,
    entity: str,
    entity_id: int,
    **detail: Any,
) -> AuditEvent:
    """Adds one audit row to the caller's transaction; it commits or rolls back with it."""
    event = AuditEvent(
        at=at,
        actor_user_id=actor.user_id,
        actor_org_id=actor.organisation_id,
        actor_role=actor.role.value,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
    )
    session.add(event)
    return event
