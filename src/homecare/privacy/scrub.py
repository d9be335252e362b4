"""Taking the personal values out of the audit rows of purged records.

The audit trail outlives a purged record, so that what was done, when and by whom stays
answerable; the values that say who the person was, or what was said about them, go with
the record. Which detail keys are personal is declared once, in `homecare.audit`; the
others (ids, statuses, counts, minutes, times) are kept as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from homecare.audit import PERSONAL_DETAIL, REMOVED, AuditEvent
from homecare.privacy.repository import CHUNK

ENTITY_TABLES = {"user": "user_account"}
"""Audit entities named otherwise than their table."""


def scrubbed(detail: Mapping[str, Any]) -> dict[str, Any] | None:
    """The detail with each personal value replaced by `REMOVED`, or None when it holds no
    personal value still to remove (so a second purge changes nothing)."""
    if not any(k in PERSONAL_DETAIL and v not in (None, REMOVED) for k, v in detail.items()):
        return None
    return {k: REMOVED if k in PERSONAL_DETAIL and v is not None else v for k, v in detail.items()}


def _entities(table: str) -> list[str]:
    named = [entity for entity, name in ENTITY_TABLES.items() if name == table]
    return named or [table]


def plan_scrub(session: Session, deleted: Mapping[str, Iterable[int]]) -> dict[int, dict[str, Any]]:
    """Per audit row about a record to be deleted, its detail with the personal values out;
    rows with nothing personal left are not named."""
    found: dict[int, dict[str, Any]] = {}
    for table, ids in sorted(deleted.items()):
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            stmt = select(AuditEvent.id, AuditEvent.detail).where(
                AuditEvent.entity.in_(_entities(table)),
                AuditEvent.entity_id.in_(ordered[start : start + CHUNK]),
            )
            for audit_id, detail in session.execute(stmt):
                clean = scrubbed(detail or {})
                if clean is not None:
                    found[audit_id] = clean
    return found


def scrub(session: Session, details: Mapping[int, dict[str, Any]]) -> None:
    """Writes the scrubbed details in the caller's transaction, a chunk of rows at a time."""
    rows = [{"id": audit_id, "detail": detail} for audit_id, detail in sorted(details.items())]
    for start in range(0, len(rows), CHUNK):
        session.execute(update(AuditEvent), rows[start : start + CHUNK])
