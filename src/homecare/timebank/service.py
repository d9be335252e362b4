"""The time bank's store operations (being written)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.delivery.tables import Visit


def record_delivery(session: Session, *, actor: Actor, at: datetime, visit: Visit) -> None:
    """Draws a closed visit's delivered minutes from its package's envelope, once."""
    raise NotImplementedError


def bank_cancelled_visit(session: Session, *, actor: Actor, at: datetime, visit: Visit) -> None:
    """Moves a visit the person cancelled from the envelope into the bank."""
    raise NotImplementedError
