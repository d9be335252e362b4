"""A provider disputes a line of an approved run, and the council answers: rejected with a
reason, or upheld, when any money owed becomes an adjustment for the next run (which a
second person approves, as every hand-made adjustment is)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, require
from homecare.errors import Conflict, InvalidInput, NotFound
from homecare.money import repository as repo
from homecare.money.runs_service import APPROVED, request_adjustment, require_paying
from homecare.money.tables import PaymentDispute, PaymentRun, PaymentRunLine

OPEN, UPHELD, REJECTED = "open", "upheld", "rejected"


def raise_dispute(
    session: Session, *, actor: Actor, at: datetime, line_id: int, reason: str
) -> PaymentDispute:
    """The provider's manager challenges one line of its statement, saying why."""
    require(actor, Permission.MANAGE_DELIVERY)
    line = session.get(PaymentRunLine, line_id)
    run = None
    if line is not None:
        run = session.scalars(repo.readable_runs(actor).where(PaymentRun.id == line.run_id)).first()
    if line is None or run is None or not actor.is_provider:
        raise NotFound(f"statement line {line_id} not found")
    if run.status != APPROVED:
        raise Conflict("only a line of an approved statement can be disputed", field="line_id")
    said = " ".join(reason.split())
    if not said:
        raise InvalidInput("say what is wrong with the line", field="reason")
    if len(said) > 1000:
        raise InvalidInput("keep the reason to 1,000 characters", field="reason")
    waiting = session.scalars(
        select(PaymentDispute).where(
            PaymentDispute.line_id == line_id, PaymentDispute.status == OPEN
        )
    ).first()
    if waiting is not None:
        raise Conflict(
            "this line is already disputed and waiting for the council's answer",
            field="line_id",
        )
    dispute = PaymentDispute(
        run_id=run.id, line_id=line.id, provider_id=run.provider_id, reason=said,
        raised_at=at, raised_by_user_id=actor.user_id, status=OPEN,
    )  # fmt: skip
    session.add(dispute)
    session.flush()
    audit.record(
        session, actor=actor, at=at, action="payment_dispute.raised",
        entity="payment_dispute", entity_id=dispute.id, line_id=line.id,
    )  # fmt: skip
    return dispute


def resolve_dispute(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    dispute_id: int,
    upheld: bool,
    resolution: str,
    pence: int = 0,
) -> PaymentDispute:
    """The council's answer. Upheld with an amount, that amount is asked for as an
    adjustment to the next run, waiting for a second person's approval."""
    require_paying(actor)
    dispute = load_readable(
        session, repo.readable_disputes(actor).with_for_update(), PaymentDispute, dispute_id,
        "dispute",
    )  # fmt: skip
    if dispute.status != OPEN:
        raise Conflict(f"this dispute was already {dispute.status}", field="dispute_id")
    said = " ".join(resolution.split())
    if not said:
        raise InvalidInput("say what the council decided and why", field="resolution")
    if not upheld and pence:
        raise InvalidInput(
            "a rejected dispute pays nothing: leave the amount empty", field="amount"
        )
    line = session.get(PaymentRunLine, dispute.line_id)
    if line is None:
        raise NotFound(f"dispute {dispute_id} not found")
    dispute.status = UPHELD if upheld else REJECTED
    dispute.resolution = said[:1000]
    dispute.resolved_at = at
    dispute.resolved_by_user_id = actor.user_id
    session.flush()
    if upheld and pence:
        request_adjustment(
            session, actor=actor, at=at, provider_id=dispute.provider_id,
            package_id=line.package_id, pence=pence,
            reason=f"Dispute {dispute.id} upheld ({line.iso_week}): {said}",
            dispute_id=dispute.id,
        )  # fmt: skip
    audit.record(
        session, actor=actor, at=at, action="payment_dispute.resolved",
        entity="payment_dispute", entity_id=dispute.id, upheld=upheld, pence=pence,
    )  # fmt: skip
    return dispute
