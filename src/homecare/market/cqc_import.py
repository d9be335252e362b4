"""CQC's ratings applied to the providers we hold, from a published file or the API.

All or nothing in the caller's one transaction: a file with any unusable row is refused
whole (`ImportRefused`, every row named), and otherwise each provider registered at a
location in it takes the ratings that differ, each change kept in its history, audited,
and, for an overall rating fallen below a council's threshold, alerted. Locations we hold
no provider for are counted, not refused: CQC's files cover all of England.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.market.cqc_layout import LocationRatings
from homecare.market.rating_rules import QUESTIONS
from homecare.market.ratings import (
    may_update_ratings,
    providers_at_locations,
    raise_alerts,
    record_rating,
)
from homecare.market.tables import Organisation

CHUNK = 500
"""Location ids looked up at a time, well inside every store's limit on bound values."""


@dataclass(frozen=True)
class Applied:
    locations: int
    """Locations in the file or answers."""
    providers: int
    """Providers we hold at those locations."""
    not_held: int
    changes: int
    alerts: int


def apply_ratings(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    locations: list[LocationRatings],
    source: str,
) -> Applied:
    """Updates every provider held at the locations given; see the module's docstring."""
    may_update_ratings(actor)
    ids = [loc.location_id for loc in locations]
    held: dict[str | None, Organisation] = {}
    for start in range(0, len(ids), CHUNK):
        for org in providers_at_locations(session, actor, ids[start : start + CHUNK]):
            held[org.cqc_location_id] = org
    changes = alerts = 0
    for location in locations:
        provider = held.get(location.location_id)
        if provider is None:
            continue
        for question in QUESTIONS:
            published = location.ratings.get(question)
            if published is None:
                continue
            change = record_rating(
                session,
                actor=actor,
                at=at,
                provider=provider,
                question=question,
                rating=published.rating,
                published_on=published.published_on,
                source=source,
            )
            if change is None:
                continue
            changes += 1
            if question == "overall":
                alerts += len(
                    raise_alerts(session, actor=actor, at=at, provider=provider, change=change)
                )
    return Applied(
        locations=len(locations),
        providers=len(held),
        not_held=len(locations) - len(held),
        changes=changes,
        alerts=alerts,
    )
