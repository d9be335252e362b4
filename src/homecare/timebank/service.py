"""The time bank's store operations: the ledger rules applied to one account at a time.

Every operation that changes a balance first locks the account row (`SELECT ... FOR
UPDATE` on PostgreSQL), so two draws at the same moment are taken one after the other
and the second sees the first's lines: the bank can never be overdrawn by a race.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, require
from homecare.calendar import local_date
from homecare.delivery.tables import Visit
from homecare.errors import Conflict, InvalidInput, NotFound
from homecare.packages.domain import SCHEDULED_PACKAGE_STATUSES
from homecare.packages.repository import readable_package_ids, readable_packages
from homecare.packages.tables import Package
from homecare.timebank import ledger
from homecare.timebank.ledger import Balances, Kind, LedgerRefusal, Movement, Pot, Terms
from homecare.timebank.tables import TimeBankAccount, TimeBankEntry


@dataclass(frozen=True)
class Statement:
    """An account's balances, terms and ledger lines, as the person and provider read them."""

    package_id: int
    envelope_minutes: int
    bank_minutes: int
    period_start: date
    period_end: date
    terms: Terms
    entries: list[TimeBankEntry]

    @property
    def total_minutes(self) -> int:
        return self.envelope_minutes + self.bank_minutes

    @property
    def overdraft_minutes(self) -> int:
        return self.terms.overdraft_minutes

    @property
    def drawable_minutes(self) -> int:
        """What a draw may take now: the bank plus the overdraft, never less than 0."""
        return max(self.bank_minutes + self.terms.overdraft_minutes, 0)


# --- the two operations delivery calls ---------------------------------------------------


def record_delivery(session: Session, *, actor: Actor, at: datetime, visit: Visit) -> None:
    """Draws a closed visit's delivered minutes from its package's envelope, once.

    No permission is asked: this follows a check-out the caller has already allowed
    (usually a care worker's). It does nothing for a package without an envelope, for a
    visit before the envelope began, for community hours (a separate, temporary uplift),
    and for a visit already drawn, so calling it again after a retried check-out is safe.
    """
    delivered = visit.delivered_minutes
    if delivered is None or visit.source == "community":
        return
    account = _locked_account(session, visit.package_id)
    if account is None or visit.day < _first_period_start(session, account):
        return
    if _already_on_ledger(session, visit.id):
        return
    movements = _refused_as_conflict(lambda: ledger.deliver(delivered))
    _write(session, account, movements, actor=actor, at=at, visit_id=visit.id)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank.delivery",
        entity="package",
        entity_id=account.package_id,
        visit_id=visit.id,
        minutes=delivered,
    )


def bank_cancelled_visit(session: Session, *, actor: Actor, at: datetime, visit: Visit) -> None:
    """Moves a visit the person cancelled from the envelope into the bank.

    What is banked is the visit's `planned_minutes`: the person's time, not carer time, so
    a two-handed half hour banks 30 minutes, not 60. A package without an envelope (fixed
    hours) simply does not bank, and the caller still marks the visit cancelled; so does a
    community-hours visit, whose minutes were never in the envelope. Banking the same visit
    twice changes nothing. Refused (409) when the envelope no longer holds the minutes,
    because banking may not create hours that were never granted.
    """
    require(actor, Permission.USE_TIME_BANK)
    if visit.source == "community":
        return
    account = _locked_account(session, visit.package_id)
    if account is None or visit.day < _first_period_start(session, account):
        return
    if _already_on_ledger(session, visit.id):
        return
    balances = _balances(session, account)
    movements = _refused_as_conflict(lambda: ledger.bank(balances, visit.planned_minutes))
    _write(session, account, movements, actor=actor, at=at, visit_id=visit.id)
    visit.banked = True
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank.banked",
        entity="package",
        entity_id=account.package_id,
        visit_id=visit.id,
        minutes=visit.planned_minutes,
    )


# --- opening, banking and drawing --------------------------------------------------------


def open_envelope(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    starts_on: date,
    period_weeks: int = 4,
    minutes_per_period: int | None = None,
    carry_over_share: float = 0.25,
    bank_cap_minutes: int | None = None,
    overdraft_minutes: int | None = None,
) -> Statement:
    """Puts a package on an envelope of time and grants its first period.

    By default the envelope is the package's own weekly hours over the period, the bank
    may hold one week's hours and may be drawn an hour ahead.
    """
    require(actor, Permission.MANAGE_DELIVERY)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    if package.status != "active":
        raise Conflict(f"package {package_id} is {package.status}", field="package_id")
    if _account(session, package_id) is not None:
        raise Conflict(f"package {package_id} is already on an envelope of time")
    terms = _terms(
        weekly_minutes=package.weekly_minutes,
        period_weeks=period_weeks,
        minutes_per_period=minutes_per_period,
        carry_over_share=carry_over_share,
        bank_cap_minutes=bank_cap_minutes,
        overdraft_minutes=overdraft_minutes,
    )
    _check_first_period(package, starts_on, terms, local_date(at))
    account = TimeBankAccount(
        package_id=package_id,
        period_weeks=terms.period_weeks,
        minutes_per_period=terms.minutes_per_period,
        current_period_start=starts_on,
        carry_over_share=terms.carry_over_share,
        bank_cap_minutes=terms.bank_cap_minutes,
        overdraft_minutes=terms.overdraft_minutes,
        opened_at=at,
    )
    session.add(account)
    session.flush()
    _write(session, account, ledger.grant(terms), actor=actor, at=at)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank.opened",
        entity="package",
        entity_id=package_id,
        starts_on=starts_on.isoformat(),
        period_weeks=terms.period_weeks,
        minutes_per_period=terms.minutes_per_period,
        carry_over_share=terms.carry_over_share,
        bank_cap_minutes=terms.bank_cap_minutes,
        overdraft_minutes=terms.overdraft_minutes,
    )
    return _statement(session, account)


def bank(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    minutes: int,
    note: str | None = None,
) -> Statement:
    """Saves envelope minutes for another time, e.g. when a relative is visiting."""
    account = _account_to_use(session, actor, package_id)
    balances = _balances(session, account)
    movements = _refused_as_conflict(lambda: ledger.bank(balances, minutes))
    _write(session, account, movements, actor=actor, at=at, note=note)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank.banked",
        entity="package",
        entity_id=package_id,
        minutes=minutes,
        note=note,
    )
    return _statement(session, account)


def draw(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    minutes: int,
    note: str | None = None,
) -> Statement:
    """Moves banked minutes into the envelope, down to the overdraft and never below (409
    naming minutes). Only a provider's acceptance of a request calls it
    (`drawing.accept_request`), with a note of the care booked: the person no longer draws
    hours directly, without the provider agreeing (ADR 0021)."""
    account = _account_to_use(session, actor, package_id)
    balances = _balances(session, account)
    terms = _stored_terms(account)
    movements = _refused_as_conflict(lambda: ledger.draw(balances, terms, minutes))
    _write(session, account, movements, actor=actor, at=at, note=note)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank.drawn",
        entity="package",
        entity_id=package_id,
        minutes=minutes,
        note=note,
    )
    return _statement(session, account)


# --- period ends -------------------------------------------------------------------------


def end_period(session: Session, *, actor: Actor, at: datetime, package_id: int) -> Statement:
    """Closes one package's current period, once its last day has passed (409 before)."""
    require(actor, Permission.MANAGE_DELIVERY)
    load_readable(session, readable_packages(actor), Package, package_id, "package")
    account = _locked_account(session, package_id)
    if account is None:
        raise Conflict(f"package {package_id} is not on an envelope of time")
    terms = _stored_terms(account)
    if not ledger.is_due(account.current_period_start, terms, local_date(at)):
        last_day = ledger.period_end(account.current_period_start, terms)
        raise Conflict(f"the period runs to {last_day.isoformat()}: it has not ended yet")
    _roll(session, account, actor=actor, at=at)
    return _statement(session, account)


def end_due_periods(session: Session, *, actor: Actor, at: datetime) -> int:
    """Closes every period over by `at`'s London date; returns how many were closed.

    Only accounts the actor may read are touched (a provider manager: their own packages),
    and only those of packages still receiving care (active, in hospital or awaiting
    review: the periods run on through a stay), so an ended package gets no more hours. An
    account several periods behind is rolled one period at a time, so each period's
    carry-over and expiry are computed from what that period really ended with.
    """
    require(actor, Permission.MANAGE_DELIVERY)
    today = local_date(at)
    live = readable_package_ids(actor).where(Package.status.in_(SCHEDULED_PACKAGE_STATUSES))
    account_ids = session.scalars(
        select(TimeBankAccount.id)
        .where(TimeBankAccount.package_id.in_(live))
        .order_by(TimeBankAccount.id)
    ).all()
    ended = 0
    for account_id in account_ids:
        account = _lock(session, select(TimeBankAccount).where(TimeBankAccount.id == account_id))
        assert account is not None, "accounts are never deleted"
        while ledger.is_due(account.current_period_start, _stored_terms(account), today):
            _roll(session, account, actor=actor, at=at)
            ended += 1
    return ended


def _roll(session: Session, account: TimeBankAccount, *, actor: Actor, at: datetime) -> None:
    terms = _stored_terms(account)
    closing = account.current_period_start
    movements = ledger.end_period(_balances(session, account), terms)
    _write(session, account, movements, actor=actor, at=at)
    account.current_period_start = ledger.next_period_start(closing, terms)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank.period_ended",
        entity="package",
        entity_id=account.package_id,
        period_start=closing.isoformat(),
        next_period_start=account.current_period_start.isoformat(),
        **_period_summary(movements),
    )


def _period_summary(movements: list[Movement]) -> dict[str, int]:
    """How many minutes a period end carried, expired, wrote off and granted."""
    summary = {"carried": 0, "expired": 0, "bank_expired": 0, "written_off": 0, "granted": 0}
    for m in movements:
        if m.kind is Kind.CARRY_OVER and m.next_period:
            summary["carried"] += m.minutes
        elif m.kind is Kind.EXPIRY:
            key = "expired" if m.pot is Pot.ENVELOPE else "bank_expired"
            summary[key] -= m.minutes
        elif m.kind is Kind.WRITE_OFF:
            summary["written_off"] += m.minutes
        elif m.kind is Kind.GRANT:
            summary["granted"] += m.minutes
    return summary


# --- reading -----------------------------------------------------------------------------


def balance(session: Session, *, actor: Actor, package_id: int) -> Statement:
    """The balances and ledger of a package the actor may read; 404 for any other."""
    load_readable(session, readable_packages(actor), Package, package_id, "package")
    account = _account(session, package_id)
    if account is None:
        raise NotFound(f"package {package_id} is not on an envelope of time")
    return _statement(session, account)


# --- helpers -----------------------------------------------------------------------------


def _terms(
    *,
    weekly_minutes: int,
    period_weeks: int,
    minutes_per_period: int | None,
    carry_over_share: float,
    bank_cap_minutes: int | None,
    overdraft_minutes: int | None,
) -> Terms:
    """The envelope's terms with the package's defaults filled in; bad terms are 422."""
    try:
        return ledger.default_terms(
            weekly_minutes=weekly_minutes,
            period_weeks=period_weeks,
            minutes_per_period=minutes_per_period,
            carry_over_share=carry_over_share,
            bank_cap_minutes=bank_cap_minutes,
            overdraft_minutes=overdraft_minutes,
        )
    except LedgerRefusal as refusal:
        raise InvalidInput(refusal.message, field=refusal.field) from refusal


def _stored_terms(account: TimeBankAccount) -> Terms:
    return Terms(
        period_weeks=account.period_weeks,
        minutes_per_period=account.minutes_per_period,
        carry_over_share=account.carry_over_share,
        bank_cap_minutes=account.bank_cap_minutes,
        overdraft_minutes=account.overdraft_minutes,
    )


def _check_first_period(package: Package, starts_on: date, terms: Terms, today: date) -> None:
    """The envelope starts with the package or later, and not in a period already over."""
    if starts_on < package.starts_on:
        raise InvalidInput(
            f"the package starts on {package.starts_on.isoformat()}", field="starts_on"
        )
    if ledger.is_due(starts_on, terms, today):
        raise InvalidInput(
            "a period starting then would already be over: start a current period",
            field="starts_on",
        )


def _account_to_use(session: Session, actor: Actor, package_id: int) -> TimeBankAccount:
    """The person's own or the provider's package, locked; 404 for anybody else's."""
    require(actor, Permission.USE_TIME_BANK)
    load_readable(session, readable_packages(actor), Package, package_id, "package")
    account = _locked_account(session, package_id)
    if account is None:
        raise Conflict(f"package {package_id} is not on an envelope of time: its hours are fixed")
    return account


def _account(session: Session, package_id: int) -> TimeBankAccount | None:
    return session.scalars(
        select(TimeBankAccount).where(TimeBankAccount.package_id == package_id)
    ).first()


def _locked_account(session: Session, package_id: int) -> TimeBankAccount | None:
    return _lock(session, select(TimeBankAccount).where(TimeBankAccount.package_id == package_id))


def _lock(session: Session, stmt: Select[Any]) -> TimeBankAccount | None:
    """The account row locked until commit, re-read so a waiting writer sees fresh terms."""
    locked = stmt.with_for_update().execution_options(populate_existing=True)
    account: TimeBankAccount | None = session.scalars(locked).first()
    return account


def _balances(session: Session, account: TimeBankAccount) -> Balances:
    rows = session.execute(
        select(TimeBankEntry.pot, func.coalesce(func.sum(TimeBankEntry.minutes), 0))
        .where(TimeBankEntry.account_id == account.id)
        .group_by(TimeBankEntry.pot)
    ).all()
    return ledger.summed((pot, int(total)) for pot, total in rows)


def _first_period_start(session: Session, account: TimeBankAccount) -> date:
    first = session.scalar(
        select(func.min(TimeBankEntry.period_start)).where(TimeBankEntry.account_id == account.id)
    )
    return first if first is not None else account.current_period_start


def _already_on_ledger(session: Session, visit_id: int) -> bool:
    return (
        session.scalar(select(TimeBankEntry.id).where(TimeBankEntry.visit_id == visit_id))
        is not None
    )


def _refused_as_conflict(rule: Callable[[], list[Movement]]) -> list[Movement]:
    """Runs a ledger rule; its refusal is the records' state, so 409 naming the field."""
    try:
        return rule()
    except LedgerRefusal as refusal:
        raise Conflict(refusal.message, field=refusal.field) from refusal


def _write(
    session: Session,
    account: TimeBankAccount,
    movements: list[Movement],
    *,
    actor: Actor,
    at: datetime,
    visit_id: int | None = None,
    note: str | None = None,
) -> None:
    """Adds the lines; a visit is named on its first line only (it is unique per visit)."""
    terms = _stored_terms(account)
    following = ledger.next_period_start(account.current_period_start, terms)
    for index, m in enumerate(movements):
        session.add(
            TimeBankEntry(
                account_id=account.id,
                pot=m.pot.value,
                kind=m.kind.value,
                minutes=m.minutes,
                period_start=following if m.next_period else account.current_period_start,
                at=at,
                actor_user_id=actor.user_id,
                actor_role=actor.role.value,
                visit_id=visit_id if index == 0 else None,
                note=note,
            )
        )
    session.flush()


def _statement(session: Session, account: TimeBankAccount) -> Statement:
    terms = _stored_terms(account)
    balances = _balances(session, account)
    entries = list(
        session.scalars(
            select(TimeBankEntry)
            .where(TimeBankEntry.account_id == account.id)
            .order_by(TimeBankEntry.id)
        )
    )
    return Statement(
        package_id=account.package_id,
        envelope_minutes=balances.envelope,
        bank_minutes=balances.bank,
        period_start=account.current_period_start,
        period_end=ledger.period_end(account.current_period_start, terms),
        terms=terms,
        entries=entries,
    )
