"""A run with its lines, exceptions and adjustments as people read it (the API, the finance
officer's page and the provider's statement read the same record), and the disputes and
adjustments waiting for someone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable
from homecare.money import repository as repo
from homecare.money.runs_service import run_record
from homecare.money.tables import (
    PaymentAdjustment,
    PaymentDispute,
    PaymentRun,
    PaymentRunAdjustment,
    PaymentRunException,
    PaymentRunLine,
)


def run_detail(session: Session, actor: Actor, run_id: int) -> dict[str, Any]:
    run = load_readable(session, repo.readable_runs(actor), PaymentRun, run_id, "payment run")
    lines = repo.run_lines(session, run.id)
    exceptions = list(
        session.scalars(
            select(PaymentRunException)
            .where(PaymentRunException.run_id == run.id)
            .order_by(PaymentRunException.day, PaymentRunException.visit_id)
        )
    )
    adjustments = list(
        session.scalars(
            select(PaymentRunAdjustment)
            .where(PaymentRunAdjustment.run_id == run.id)
            .order_by(PaymentRunAdjustment.key)
        )
    )
    disputes = {
        d.line_id: d
        for d in session.scalars(
            select(PaymentDispute)
            .where(PaymentDispute.run_id == run.id)
            .order_by(PaymentDispute.id)
        )
    }
    package_ids = {line.package_id for line in lines} | {e.package_id for e in exceptions}
    people = repo.package_people(session, package_ids | {a.package_id for a in adjustments})
    record = run_record(session, run)
    record["line_items"] = [
        {
            "id": line.id,
            "package_id": line.package_id,
            "person": people.get(line.package_id, ""),
            "iso_week": line.iso_week,
            "visits": len(line.visit_ids),
            "planned_minutes": line.planned_minutes,
            "actual_minutes": line.actual_minutes,
            "payable_minutes": line.payable_minutes,
            "care_pence": line.care_pence,
            "hospital_days": line.hospital_days,
            "hospital_pence": line.hospital_pence,
            "extras": line.extras,
            "pence": line.pence,
            "decided_by": line.decided_by,
            "dispute": _dispute(disputes.get(line.id)),
        }
        for line in lines
    ]
    record["exception_items"] = [
        {
            "visit_id": e.visit_id,
            "package_id": e.package_id,
            "person": people.get(e.package_id, ""),
            "day": e.day,
            "reason": e.reason,
            "message": e.message,
        }
        for e in exceptions
    ]
    record["adjustment_items"] = [
        {
            "key": a.key,
            "package_id": a.package_id,
            "reason": a.reason,
            "pence": a.pence,
            "by": a.by,
            "approved_by": a.approved_by,
        }
        for a in adjustments
    ]
    return record


def _dispute(d: PaymentDispute | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "id": d.id,
        "status": d.status,
        "reason": d.reason,
        "resolution": d.resolution,
        "raised_at": d.raised_at,
    }


def disputes(session: Session, actor: Actor, status: str | None = None) -> list[PaymentDispute]:
    query = repo.readable_disputes(actor)
    if status is not None:
        query = query.where(PaymentDispute.status == status)
    return list(session.scalars(query.order_by(PaymentDispute.raised_at, PaymentDispute.id)))


def waiting_adjustments(session: Session, actor: Actor) -> list[PaymentAdjustment]:
    """Adjustments asked for and not yet approved by a second person."""
    return list(
        session.scalars(
            repo.readable_adjustments(actor)
            .where(PaymentAdjustment.approved_at.is_(None))
            .order_by(PaymentAdjustment.requested_at, PaymentAdjustment.id)
        )
    )


def adjustments(session: Session, actor: Actor) -> list[PaymentAdjustment]:
    return list(
        session.scalars(
            repo.readable_adjustments(actor).order_by(
                PaymentAdjustment.requested_at, PaymentAdjustment.id
            )
        )
    )


def line_of(session: Session, line_id: int) -> PaymentRunLine | None:
    """A line by id, for a dispute already read through the actor's scope."""
    return session.get(PaymentRunLine, line_id)
