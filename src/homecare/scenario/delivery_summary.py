"""The weeks of delivery in figures, read from the store rather than from the run's log,
so the summary shows what the platform recorded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from homecare.changes.tables import ProviderChange
from homecare.delivery.tables import Visit
from homecare.hospital.tables import HospitalStay
from homecare.packages.tables import Package
from homecare.reviews.tables import Review
from homecare.scenario.stage import at
from homecare.timebank.tables import TimeBankAccount, TimeBankEntry

Figures = dict[str, Any]


def delivery_summary(session: Session, *, start: date, end: date, council_id: int) -> Figures:
    """The weeks in figures, read from the store: visits, time bank, changes, reviews."""
    mine = select(Package.id).where(Package.council_id == council_id)
    return {
        "visits": _visits(session, start, end, mine),
        "time_bank": _time_bank(session, start, end),
        "changes": _changes(session, council_id),
        **_reviews_and_outcomes(session, start, end, mine),
        "hospital": {
            "admissions": session.scalar(
                select(func.count())
                .select_from(HospitalStay)
                .where(HospitalStay.package_id.in_(mine))
            )
            or 0,
        },
    }


def _visits(session: Session, start: date, end: date, mine: Select[int]) -> Figures:
    in_period = (Visit.day >= start, Visit.day <= end, Visit.package_id.in_(mine))
    statuses = dict(
        session.execute(
            select(Visit.status, func.count()).where(*in_period).group_by(Visit.status)
        ).all()
    )
    return {
        "planned": sum(statuses.values()),
        "completed": statuses.get("completed", 0),
        "late": statuses.get("late", 0),
        "short": statuses.get("short", 0),
        "missed": statuses.get("missed", 0),
        "not_at_home": statuses.get("not_at_home", 0),
        "cancelled_by_person": statuses.get("cancelled_by_person", 0),
        "suspended_in_hospital": statuses.get("hospital", 0),
        "in_community": session.scalar(
            select(func.count()).where(*in_period, Visit.place_kind == "community")
        )
        or 0,
    }


def _time_bank(session: Session, start: date, end: date) -> Figures:
    """Hours banked by people cancelling and drawn back, within the weeks."""
    entries = select(TimeBankEntry).where(
        TimeBankEntry.at >= at(start, 0), TimeBankEntry.at < at(end + timedelta(days=1), 0)
    )
    banked = drawn = 0
    for entry in session.scalars(entries):
        if entry.pot == "bank" and entry.kind == "bank":
            banked += entry.minutes
        if entry.pot == "bank" and entry.kind == "draw":
            drawn -= entry.minutes
    return {
        "packages_on_envelopes": session.scalar(select(func.count()).select_from(TimeBankAccount))
        or 0,
        "hours_banked": round(banked / 60, 1),
        "hours_drawn": round(drawn / 60, 1),
    }


def _changes(session: Session, council_id: int) -> Figures:
    rows = session.scalars(
        select(ProviderChange).where(ProviderChange.council_id == council_id)
    ).all()
    return {
        "provider_led": len(rows),
        "approved": sum(c.status == "approved" for c in rows),
        "amended": sum(c.status == "amended" for c in rows),
        "reversed": sum(c.status == "reversed" for c in rows),
        "awaiting_decision": sum(c.status in ("submitted", "awaiting_social_worker") for c in rows),
        "in_trial": sum(c.status == "in_trial" for c in rows),
    }


def _reviews_and_outcomes(session: Session, start: date, end: date, mine: Select[int]) -> Figures:
    """Reviews falling due in the weeks, and the outcome ratings of those held in them."""
    due = session.scalars(
        select(Review).where(
            Review.due_on >= start, Review.due_on <= end, Review.package_id.in_(mine)
        )
    ).all()
    done = session.scalars(
        select(Review).where(
            Review.done_on >= start, Review.done_on <= end, Review.package_id.in_(mine)
        )
    ).all()
    return {
        "reviews": {
            "due": len(due),
            "done": sum(r.done_on is not None for r in due),
            "done_on_time": sum(r.done_on is not None and r.done_on <= r.due_on for r in due),
        },
        "outcomes": {
            "rated": sum(r.wellbeing is not None for r in done),
            "opted_out": sum(r.opted_out for r in done),
        },
    }
