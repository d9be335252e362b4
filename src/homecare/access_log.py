"""Who read whose record: one row each time a person's record is shown to a user.

Reads are kept apart from the audit trail of changes, so that "exactly one audit row per
change" stays true, and so that "who looked at this person" and "what did this user see"
are each answered from one index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from homecare.access import Actor
from homecare.db import Base, UTCDateTime


class RecordAccess(Base):
    __tablename__ = "record_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(Integer)
    """Not a foreign key: the log outlives a purged record, which is the point of it."""
    what: Mapped[str] = mapped_column(String(64))
    """What was shown, e.g. 'person', 'package', 'visits', 'subject access export'."""
    via: Mapped[str] = mapped_column(String(16))
    """'api', 'page' or 'cli'."""

    __table_args__ = (
        Index("ix_record_access_person_at", "person_id", "at"),
        Index("ix_record_access_user_at", "user_id", "at"),
    )


VIAS = ("api", "page", "cli")


def log_person_read(
    session: Session, actor: Actor, at: datetime, person_id: int, what: str, via: str
) -> RecordAccess:
    """Adds one row to the caller's transaction: a read that failed leaves no trace."""
    if via not in VIAS:
        raise ValueError(f"via must be one of {', '.join(VIAS)}, not {via!r}")
    row = RecordAccess(
        at=at,
        user_id=actor.user_id,
        organisation_id=actor.organisation_id,
        role=actor.role.value,
        person_id=person_id,
        what=what,
        via=via,
    )
    session.add(row)
    return row
