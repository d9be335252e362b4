"""Append-only audit trail, written in the same transaction as the change it records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from homecare.access import Actor
from homecare.db import Base, UTCDateTime


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
