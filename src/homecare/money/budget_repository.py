"""Every read behind a budget's position, through `readable_*` statements: a council's staff
see their own council's budget, runs, packages and direct payments, and nothing else.

Committed spend reuses what monitoring reads for it (`readable_active_packages`, the live
packages on a day) and the rate book (`market.rates.rate_book`, the rate in force on a
day); actual spend is the approved payment runs' lines (`money.repository.readable_runs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from homecare.access import Actor, scoped
from homecare.calendar import LONDON, local_date
from homecare.changes.domain import ChangeStatus
from homecare.changes.impact import impact_for
from homecare.changes.repository import readable_changes
from homecare.changes.tables import ProviderChange
from homecare.market.rates import rate_book
from homecare.market.repository import readable_lots
from homecare.market.tables import Lot
from homecare.money import budgets
from homecare.money.budget_tables import Budget, BudgetLine, ContingencyDrawdown, DirectPayment
from homecare.money.repository import readable_runs
from homecare.money.tables import PaymentRun, PaymentRunLine
from homecare.packages.domain import EndReason
from homecare.packages.repository import readable_active_packages, readable_packages
from homecare.packages.tables import Package

APPROVED = "approved"
CARRIED = (
    ChangeStatus.IN_TRIAL,
    ChangeStatus.SUBMITTED,
    ChangeStatus.APPROVED,
    ChangeStatus.AMENDED,
)
"""Changes whose hours the package carries: applied while open, or decided and kept."""


def readable_budgets(actor: Actor) -> Select[Any]:
    """A council's budgets, to its staff; no one else's."""
    return scoped(actor, select(Budget), council=lambda org: Budget.council_id == org)


def readable_direct_payments(actor: Actor) -> Select[Any]:
    """A council's direct payments, to its staff."""
    return scoped(actor, select(DirectPayment), council=lambda org: DirectPayment.council_id == org)


def budget_of(session: Session, actor: Actor, council_id: int, year: int) -> Budget | None:
    stmt = readable_budgets(actor).where(Budget.council_id == council_id, Budget.year == year)
    return session.scalars(stmt).first()


def budgets_of(session: Session, actor: Actor, council_id: int) -> list[Budget]:
    stmt = readable_budgets(actor).where(Budget.council_id == council_id)
    return list(session.scalars(stmt.order_by(Budget.year)))


def lines_of(session: Session, budget: Budget) -> list[BudgetLine]:
    """Lot by lot, then direct payments: sorted here, as the stores order a null apart."""
    stmt = select(BudgetLine).where(BudgetLine.budget_id == budget.id)
    return sorted(
        session.scalars(stmt),
        key=lambda line: (line.lot_id is None, line.lot_id or 0, line.stream),
    )


def drawdowns_of(session: Session, budget: Budget) -> list[ContingencyDrawdown]:
    stmt = select(ContingencyDrawdown).where(ContingencyDrawdown.budget_id == budget.id)
    return list(session.scalars(stmt.order_by(ContingencyDrawdown.id)))


def lots_of(session: Session, actor: Actor, council_id: int) -> list[Lot]:
    stmt = readable_lots(actor).where(Lot.council_id == council_id).order_by(Lot.number)
    return list(session.scalars(stmt))


def contingency_of(session: Session, budget: Budget) -> budgets.Contingency:
    return budgets.Contingency(
        budget.contingency_pence,
        tuple(
            budgets.Drawdown(d.pence, d.reason, d.recorded_by_name, d.drawn_on)
            for d in drawdowns_of(session, budget)
        ),
    )


def budget_lines(session: Session, budget: Budget | None) -> list[budgets.BudgetLine]:
    if budget is None:
        return []
    return [
        budgets.BudgetLine(line.lot_id, budgets.Stream(line.stream), line.pence)
        for line in lines_of(session, budget)
    ]


def _end_of(day: date) -> datetime:
    """The last moment of a London day, so an as-at day takes in what happened on it."""
    return datetime.combine(day + timedelta(days=1), time(), LONDON) - timedelta(microseconds=1)


def paid_through(session: Session, actor: Actor, council_id: int, as_at: date) -> dict[int, date]:
    """Each provider's last day paid by a run approved by the as-at day."""
    stmt = (
        readable_runs(actor)
        .where(
            PaymentRun.council_id == council_id,
            PaymentRun.status == APPROVED,
            PaymentRun.approved_at <= _end_of(as_at),
        )
        .with_only_columns(PaymentRun.provider_id, func.max(PaymentRun.period_ends_on))
        .group_by(PaymentRun.provider_id)
    )
    return {provider: day for provider, day in session.execute(stmt)}


def paid(
    session: Session, actor: Actor, council_id: int, year: budgets.FinancialYear, as_at: date
) -> list[budgets.Paid]:
    """Approved runs' lines for the year's weeks, each under its package's lot."""
    stmt = (
        readable_runs(actor)
        .join(PaymentRunLine, PaymentRunLine.run_id == PaymentRun.id)
        .join(Package, Package.id == PaymentRunLine.package_id)
        .where(
            PaymentRun.council_id == council_id,
            PaymentRun.status == APPROVED,
            PaymentRun.approved_at <= _end_of(as_at),
            PaymentRun.period_ends_on >= year.starts_on - timedelta(days=6),
            PaymentRun.period_starts_on <= year.ends_on,
        )
        .with_only_columns(Package.lot_id, PaymentRunLine.iso_week, PaymentRunLine.pence)
    )
    return [
        budgets.Paid(lot_id, budgets.week_of(week), pence)
        for lot_id, week, pence in session.execute(stmt)
    ]


def commitments(
    session: Session, actor: Actor, council_id: int, as_at: date
) -> list[budgets.Commitment]:
    """Packages live on the as-at day at the rate in force that day, each from the day
    after its provider was last paid."""
    packages = list(
        session.scalars(
            readable_active_packages(actor, as_at).where(Package.council_id == council_id)
        )
    )
    rates = rate_book(session, [p.contract_id for p in packages])
    through = paid_through(session, actor, council_id, as_at)
    return [
        budgets.Commitment(
            lot_id=p.lot_id,
            weekly_minutes=p.weekly_minutes,
            rate_pence=rates.rate(p.contract_id, as_at),
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            paid_through=through.get(p.provider_id),
        )
        for p in packages
    ]


def direct_payments(
    session: Session, actor: Actor, council_id: int, year: budgets.FinancialYear
) -> list[budgets.DirectPayment]:
    """Direct payments running at any time in the year."""
    stmt = readable_direct_payments(actor).where(
        DirectPayment.council_id == council_id,
        DirectPayment.starts_on <= year.ends_on,
        (DirectPayment.ends_on.is_(None)) | (DirectPayment.ends_on >= year.starts_on),
    )
    return [
        budgets.DirectPayment(budgets.Stream(d.stream), d.weekly_pence, d.starts_on, d.ends_on)
        for d in session.scalars(stmt)
    ]


def change_effects(
    session: Session, actor: Actor, council_id: int, year: budgets.FinancialYear
) -> list[budgets.ChangeEffect]:
    """Provider-led changes the packages carry, from the day each took effect."""
    stmt = (
        readable_changes(actor)
        .join(Package, Package.id == ProviderChange.package_id)
        .where(
            ProviderChange.council_id == council_id,
            ProviderChange.status.in_([s.value for s in CARRIED]),
        )
        .add_columns(Package)
    )
    out = []
    for change, package in session.execute(stmt):
        on = change.effective_from or local_date(change.created_at)
        if year.starts_on <= on <= year.ends_on:
            minutes = impact_for(change, package).in_effect
            out.append(budgets.ChangeEffect(on, minutes, change.hourly_rate_pence))
    return out


def direct_payments_listed(
    session: Session, actor: Actor, *, person_id: int | None, council_id: int | None
) -> Sequence[DirectPayment]:
    stmt = readable_direct_payments(actor)
    if person_id is not None:
        stmt = stmt.where(DirectPayment.person_id == person_id)
    if council_id is not None:
        stmt = stmt.where(DirectPayment.council_id == council_id)
    return list(session.scalars(stmt.order_by(DirectPayment.starts_on, DirectPayment.id)))


def packages_ended_for_direct_payment(
    session: Session, actor: Actor, person_id: int
) -> list[Package]:
    """The person's packages that ended because they took a direct payment instead."""
    stmt = readable_packages(actor).where(
        Package.person_id == person_id, Package.end_reason == EndReason.DIRECT_PAYMENT.value
    )
    return list(session.scalars(stmt.order_by(Package.id)))
