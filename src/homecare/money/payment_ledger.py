"""A council's payments for a period across its providers: drafting every provider's run
at once, and the approved runs that go into the payments file for the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.errors import Forbidden
from homecare.market.tables import Organisation
from homecare.money import runs_service
from homecare.money.payment_runs import Period
from homecare.monitoring.periods import parse_period


def period_of(label: str) -> Period:
    """A 4-week period from its label (2026-P12), refused in words otherwise."""
    return runs_service.four_weeks(parse_period(label))


def ledger_for(
    session: Session, actor: Actor, at: datetime, period: Period, council_id: int | None = None
) -> list[dict[str, Any]]:
    """Drafts the period's run for every provider the council pays: a finance officer's
    council, or the one the platform is told (the command line)."""
    council_id = runs_service.require_paying(actor) or council_id
    if council_id is None:
        raise Forbidden("drafting every provider's run needs a council's finance officer")
    drafted = []
    for provider in runs_service.providers_paid_by(session, council_id, period):
        run = runs_service.draft(
            session, actor=actor, at=at, provider_id=provider.id, period=period
        )
        drafted.append(runs_service.run_record(session, run))
    return drafted


def payments_for(
    session: Session, actor: Actor, period: Period, council_id: int | None = None
) -> tuple[list[dict[str, Any]], str, dict[int, str]]:
    """The period's approved runs, the council's name and each provider's ODS code."""
    council_id = runs_service.require_paying(actor) or council_id
    runs = [
        r
        for r in runs_service.runs_for_period(session, actor, period.starts_on)
        if r.status == runs_service.APPROVED and r.council_id == council_id
    ]
    council = session.get(Organisation, council_id) if council_id is not None else None
    ods = {
        r.provider_id: (session.get(Organisation, r.provider_id).ods_code or "")  # type: ignore[union-attr]
        for r in runs
    }
    records = [runs_service.run_record(session, r) for r in runs]
    return records, council.name if council else "", ods
