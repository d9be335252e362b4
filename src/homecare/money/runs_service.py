"""Payment runs as stored: drafted from the visits by each contract's rules, checked by
drafting again on the same data, approved by someone other than the drafter, and then
never changed (docs/adr/0028-stored-payment-runs.md).

A run for a provider and a 4-week period is one row. Drafting again while it is a draft
replaces its contents only if the data changed (the fingerprint differs); drafting an
approved run is refused: a late check-out or a correction becomes an adjustment in the
next run, which `draft_run` works out from what approved runs settled.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable
from homecare.calendar import local_date
from homecare.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecare.market.tables import Contract, Organisation
from homecare.money import repository as repo
from homecare.money.payment_runs import (
    Adjustment,
    Period,
    Run,
    draft_run,
)
from homecare.money.payment_terms import money
from homecare.money.tables import (
    PaymentAdjustment,
    PaymentRun,
    PaymentRunAdjustment,
    PaymentRunException,
    PaymentRunLine,
    PaymentSettlement,
)
from homecare.monitoring.periods import Period as NamedPeriod
from homecare.monitoring.periods import PeriodKind
from homecare.packages.tables import Package
from homecare.text import long_date

DRAFT, CHECKED, APPROVED = "draft", "checked", "approved"
MOST_ADJUSTMENT_PENCE = 10_000_000
"""£100,000 either way: a larger sum is a contract matter, not an adjustment."""


def require_paying(actor: Actor) -> int | None:
    """A council's finance officer (or the platform); returns the council they pay for."""
    if actor.is_system:
        return None
    if actor.is_council and actor.may(Permission.PAY_PROVIDERS):
        return actor.organisation_id
    raise Forbidden(f"the {actor.role.value} role may not pay providers")


def four_weeks(period: NamedPeriod) -> Period:
    if period.kind is not PeriodKind.FOUR_WEEKS:
        raise InvalidInput("a payment run covers a 4-week period, like 2026-P12", field="period")
    return Period(period.start, period.end)


def providers_paid_by(session: Session, council_id: int, period: Period) -> list[Organisation]:
    """Providers with a contract of the council's running at some point in the period."""
    ids = session.scalars(
        select(Contract.provider_id)
        .where(Contract.council_id == council_id, Contract.starts_on <= period.ends_on)
        .where((Contract.ends_on.is_(None)) | (Contract.ends_on >= period.starts_on))
        .distinct()
    )
    return list(
        session.scalars(
            select(Organisation).where(Organisation.id.in_(list(ids))).order_by(Organisation.name)
        )
    )


def _council_of_provider(session: Session, provider_id: int, council_id: int | None) -> int:
    query = select(Contract.council_id).where(Contract.provider_id == provider_id)
    if council_id is not None:
        query = query.where(Contract.council_id == council_id)
    found = session.scalars(query.order_by(Contract.id)).first()
    if found is None:
        raise NotFound(f"provider {provider_id} not found")
    return int(found)


def draft(
    session: Session, *, actor: Actor, at: datetime, provider_id: int, period: Period
) -> PaymentRun:
    """Drafts (or re-drafts) the provider's run for the period; see the module's docstring."""
    council_id = _council_of_provider(session, provider_id, require_paying(actor))
    if local_date(at) <= period.ends_on:
        raise Conflict(
            f"{_period_words(period)} have not ended yet: draft the run from"
            f" {long_date(period.ends_on + timedelta(days=1))}",
            field="period",
        )
    existing = repo.run_for(session, provider_id, period.starts_on)
    if existing is not None and existing.status == APPROVED:
        raise Conflict(
            f"the run for {_period_words(period)} was approved on"
            f" {long_date(existing.approved_at.date()) if existing.approved_at else ''}: it"
            " never changes; later corrections go into the next run",
            field="period",
        )
    earlier = repo.unapproved_before(session, provider_id, period.starts_on)
    if earlier is not None:
        raise Conflict(
            f"the run for the 4 weeks to {long_date(earlier.period_ends_on)} is not approved"
            " yet: approve it first, so that nothing is paid twice",
            field="period",
        )
    run, people = _drafted(session, council_id, provider_id, period)
    fingerprint = _fingerprint(run)
    if existing is not None and existing.fingerprint == fingerprint:
        audit.record(
            session, actor=actor, at=at, action="payment_run.drafted", entity="payment_run",
            entity_id=existing.id, unchanged=True,
        )  # fmt: skip
        return existing
    stored = existing or PaymentRun(
        council_id=council_id,
        provider_id=provider_id,
        period_starts_on=period.starts_on,
        period_ends_on=period.ends_on,
    )
    if existing is not None:
        _clear(session, existing.id)
    stored.status = DRAFT
    stored.fingerprint = fingerprint
    stored.total_pence = run.total_pence
    stored.totals = run.totals_by_funding()
    stored.line_count = len(run.lines)
    stored.exception_count = len(run.exceptions)
    stored.drafted_at = at
    stored.drafted_by_user_id = actor.user_id
    stored.checked_at = stored.checked_by_user_id = None
    session.add(stored)
    session.flush()
    _store_contents(session, stored.id, run)
    audit.record(
        session, actor=actor, at=at, action="payment_run.drafted", entity="payment_run",
        entity_id=stored.id, provider_id=provider_id, period_starts_on=period.starts_on.isoformat(),
        total_pence=run.total_pence, lines=len(run.lines), exceptions=len(run.exceptions),
        people=len(people),
    )  # fmt: skip
    return stored


def _drafted(
    session: Session, council_id: int, provider_id: int, period: Period
) -> tuple[Run, dict[int, str]]:
    inputs = repo.run_inputs(session, council_id, provider_id, period.ends_on)
    adjustments = [
        Adjustment(
            key=f"adjustment:{a.id}",
            package_id=a.package_id,
            reason=a.reason,
            pence=a.pence,
            by=f"user {a.requested_by_user_id}",
            approved_by=f"user {a.approved_by_user_id}",
        )
        for a in repo.approved_adjustments(session, provider_id)
    ]
    run = draft_run(
        period,
        str(provider_id),
        inputs.visits,
        inputs.rules.for_package,
        enhancements=repo.enhancements_of(session, council_id),
        already_paid=repo.paid_before(session, provider_id),
        adjustments=adjustments,
        hospital_days=inputs.hospital_days,
        envelopes=inputs.envelopes,
    )
    return run, inputs.people


def _fingerprint(run: Run) -> str:
    """A hash of what the run pays and holds back, so the same data gives the same hash."""
    content = {
        "lines": [asdict(line) for line in run.lines],
        "adjustments": [asdict(a) for a in run.adjustments],
        "exceptions": [asdict(e) for e in run.exceptions],
        "settled": run.settled,
    }
    text = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _clear(session: Session, run_id: int) -> None:
    for model in (PaymentRunLine, PaymentRunException, PaymentRunAdjustment, PaymentSettlement):
        session.execute(delete(model).where(model.run_id == run_id))


def _store_contents(session: Session, run_id: int, run: Run) -> None:
    session.add_all(
        PaymentRunLine(
            run_id=run_id,
            package_id=line.package_id,
            iso_week=line.iso_week,
            visit_ids=list(line.visit_ids),
            planned_minutes=line.planned_minutes,
            actual_minutes=line.actual_minutes,
            payable_minutes=line.payable_minutes,
            care_pence=line.care_pence,
            hospital_days=line.hospital_days,
            hospital_pence=line.hospital_pence,
            extras=[asdict(e) for e in line.extras],
            decided_by=list(line.decided_by),
            pence=line.pence,
        )
        for line in run.lines
    )
    session.add_all(
        PaymentRunException(
            run_id=run_id,
            visit_id=e.visit_id,
            package_id=e.package_id,
            day=e.day,
            reason=e.reason.value,
            message=e.message,
        )
        for e in run.exceptions
    )
    session.add_all(
        PaymentRunAdjustment(
            run_id=run_id,
            key=a.key,
            package_id=a.package_id,
            reason=a.reason[:600],
            pence=a.pence,
            by=a.by,
            approved_by=a.approved_by,
        )
        for a in run.adjustments
    )
    session.add_all(PaymentSettlement(run_id=run_id, key=k, pence=p) for k, p in run.settled)
    session.flush()


def _loaded(session: Session, actor: Actor, run_id: int) -> PaymentRun:
    return load_readable(
        session, repo.readable_runs(actor).with_for_update(), PaymentRun, run_id, "payment run"
    )


def check(session: Session, *, actor: Actor, at: datetime, run_id: int) -> PaymentRun:
    """Checks a draft by drafting it again: if the data moved since, the draft is stale."""
    require_paying(actor)
    run = _loaded(session, actor, run_id)
    if run.status != DRAFT:
        raise Conflict(f"this run is already {run.status}", field="run_id")
    period = Period(run.period_starts_on, run.period_ends_on)
    again, _ = _drafted(session, run.council_id, run.provider_id, period)
    if _fingerprint(again) != run.fingerprint:
        raise Conflict(
            "visits or adjustments changed since this run was drafted: draft it again, then"
            " check it",
            field="run_id",
        )
    run.status = CHECKED
    run.checked_at = at
    run.checked_by_user_id = actor.user_id
    audit.record(
        session, actor=actor, at=at, action="payment_run.checked", entity="payment_run",
        entity_id=run.id,
    )  # fmt: skip
    return run


def approve(session: Session, *, actor: Actor, at: datetime, run_id: int) -> PaymentRun:
    """Approves a checked run; whoever drafted it may not. From now on it never changes."""
    require_paying(actor)
    run = _loaded(session, actor, run_id)
    if run.status == APPROVED:
        raise Conflict("this run is already approved", field="run_id")
    if run.status != CHECKED:
        raise Conflict("check the run before approving it", field="run_id")
    if run.drafted_by_user_id is not None and run.drafted_by_user_id == actor.user_id:
        raise Forbidden("you drafted this run, so another finance officer must approve it")
    run.status = APPROVED
    run.approved_at = at
    run.approved_by_user_id = actor.user_id
    audit.record(
        session, actor=actor, at=at, action="payment_run.approved", entity="payment_run",
        entity_id=run.id, total_pence=run.total_pence,
    )  # fmt: skip
    return run


def request_adjustment(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    provider_id: int,
    package_id: int,
    pence: int,
    reason: str,
    dispute_id: int | None = None,
) -> PaymentAdjustment:
    """Money outside the rules for a package, waiting for a second person's approval."""
    council_id = _council_of_provider(session, provider_id, require_paying(actor))
    said = " ".join(reason.split())
    if not said:
        raise InvalidInput("say why the provider is paid more or less", field="reason")
    if pence == 0:
        raise InvalidInput("an adjustment of £0.00 changes nothing", field="amount")
    if abs(pence) > MOST_ADJUSTMENT_PENCE:
        raise InvalidInput("an adjustment is at most £100,000.00", field="amount")
    package = session.get(Package, package_id)
    if package is None or (package.provider_id, package.council_id) != (provider_id, council_id):
        raise NotFound(f"package {package_id} not found for this provider")
    adjustment = PaymentAdjustment(
        council_id=council_id, provider_id=provider_id, package_id=package_id, reason=said,
        pence=pence, requested_at=at, requested_by_user_id=actor.user_id, dispute_id=dispute_id,
    )  # fmt: skip
    session.add(adjustment)
    session.flush()
    audit.record(
        session, actor=actor, at=at, action="payment_adjustment.requested",
        entity="payment_adjustment", entity_id=adjustment.id, pence=pence,
    )  # fmt: skip
    return adjustment


def approve_adjustment(
    session: Session, *, actor: Actor, at: datetime, adjustment_id: int
) -> PaymentAdjustment:
    """A second person agrees the adjustment; the provider's next run pays it."""
    require_paying(actor)
    adjustment = load_readable(
        session,
        repo.readable_adjustments(actor).with_for_update(),
        PaymentAdjustment,
        adjustment_id,
        "adjustment",
    )
    if adjustment.approved_at is not None:
        raise Conflict("this adjustment is already approved", field="adjustment_id")
    if adjustment.requested_by_user_id == actor.user_id and actor.user_id is not None:
        raise Forbidden(
            f"you asked for this adjustment of {money(adjustment.pence)}, so a second person"
            " must approve it"
        )
    adjustment.approved_at = at
    adjustment.approved_by_user_id = actor.user_id
    audit.record(
        session, actor=actor, at=at, action="payment_adjustment.approved",
        entity="payment_adjustment", entity_id=adjustment.id,
    )  # fmt: skip
    return adjustment


def _period_words(period: Period) -> str:
    return f"the 4 weeks to {long_date(period.ends_on)}"


def run_record(session: Session, run: PaymentRun) -> dict[str, Any]:
    """A run as the API and pages give it: its totals and "as at" (when it was drafted)."""
    names = repo.organisation_names(session, [run.provider_id])
    return {
        "id": run.id,
        "provider_id": run.provider_id,
        "provider": names.get(run.provider_id, ""),
        "period_starts_on": run.period_starts_on,
        "period_ends_on": run.period_ends_on,
        "status": run.status,
        "total_pence": run.total_pence,
        "totals_by_funding": run.totals,
        "lines": run.line_count,
        "exceptions": run.exception_count,
        "as_at": run.drafted_at,
        "drafted_by_user_id": run.drafted_by_user_id,
        "checked_at": run.checked_at,
        "approved_at": run.approved_at,
        "approved_by_user_id": run.approved_by_user_id,
    }


def runs_for_period(session: Session, actor: Actor, starts_on: date) -> list[PaymentRun]:
    return list(
        session.scalars(
            repo.readable_runs(actor)
            .where(PaymentRun.period_starts_on == starts_on)
            .order_by(PaymentRun.provider_id)
        )
    )
