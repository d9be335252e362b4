"""Changing a contract over its years: a new rate from a day, new limits, an extension, an
early end with notice. Each change is a version (`contract_terms`); the contract row keeps
the terms in force today, and a version whose day comes later is applied on that day by
`apply_due_versions`, with the live packages under it moving to the new rate then, never
before and never backdated.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, require
from homecare.calendar import local_date
from homecare.errors import Conflict, InvalidInput
from homecare.market.contract_terms import (
    ConditionResult,
    ProviderStanding,
    Terms,
    Version,
    VersionChange,
    check_conditions,
    check_extension,
    check_limits,
    check_rate_change,
    check_termination,
    require_conditions,
    terms_on,
)
from homecare.market.domain import DEFAULT_RATING_THRESHOLD, CqcRating
from homecare.market.repository import readable_contracts
from homecare.market.tables import Contract, ContractVersion, Organisation
from homecare.packages.domain import SCHEDULED_PACKAGE_STATUSES
from homecare.packages.tables import Package

TERM_FIELDS = (
    "hourly_rate_pence",
    "weekly_capacity_minutes",
    "flex_up_percent",
    "flex_down_percent",
    "notice_days",
)


def council_threshold(session: Session, council_id: int) -> CqcRating:
    council = session.get(Organisation, council_id)
    value = council.rating_threshold if council is not None else None
    return CqcRating(value) if value else DEFAULT_RATING_THRESHOLD


def standing_of(provider: Organisation) -> ProviderStanding:
    def rating(value: str | None) -> CqcRating:
        return CqcRating(value) if value else CqcRating.NOT_RATED

    return ProviderStanding(
        cqc_location_id=provider.cqc_location_id,
        overall=rating(provider.rating_overall),
        well_led=rating(provider.rating_well_led),
        workforce_data_set_on=provider.workforce_data_set_on,
    )


def checked_conditions(
    session: Session, *, council_id: int, provider: Organisation, today: date
) -> list[ConditionResult]:
    return check_conditions(
        standing_of(provider), threshold=council_threshold(session, council_id), today=today
    )


def conditions_record(results: list[ConditionResult]) -> list[dict[str, Any]]:
    return [
        {"code": r.code, "condition": r.condition, "met": r.met, "finding": r.finding}
        for r in results
    ]


def first_version(
    contract: Contract,
    *,
    actor: Actor,
    at: datetime,
    conditions: list[ConditionResult],
    override_reason: str | None,
) -> ContractVersion:
    """Version 1: the terms the contract was made with, and its conditions as checked."""
    return ContractVersion(
        contract_id=contract.id,
        number=1,
        change=VersionChange.MADE.value,
        effective_from=contract.starts_on,
        **{name: getattr(contract, name) for name in TERM_FIELDS},
        ends_on=contract.ends_on,
        sets_ends_on=True,
        reason="as made",
        conditions=conditions_record(conditions),
        override_reason=(override_reason or "").strip() or None,
        recorded_at=at,
        recorded_by_user_id=actor.user_id,
        applied_on=min(contract.starts_on, local_date(at)),
    )


# --- reading the versions -------------------------------------------------------------


def versions_of(session: Session, contract_id: int) -> list[ContractVersion]:
    return list(
        session.scalars(
            select(ContractVersion)
            .where(ContractVersion.contract_id == contract_id)
            .order_by(ContractVersion.number)
        )
    )


def as_version(row: ContractVersion) -> Version:
    return Version(
        number=row.number,
        effective_from=row.effective_from,
        hourly_rate_pence=row.hourly_rate_pence,
        weekly_capacity_minutes=row.weekly_capacity_minutes,
        flex_up_percent=row.flex_up_percent,
        flex_down_percent=row.flex_down_percent,
        notice_days=row.notice_days,
        ends_on=row.ends_on,
        sets_ends_on=row.sets_ends_on,
    )


def terms_in_force(session: Session, contract: Contract, day: date) -> Terms:
    """The contract's terms on a day, from its versions alone."""
    rows = versions_of(session, contract.id)
    made = rows[0]
    first = Terms(
        hourly_rate_pence=made.hourly_rate_pence or contract.hourly_rate_pence,
        weekly_capacity_minutes=made.weekly_capacity_minutes or 0,
        flex_up_percent=made.flex_up_percent or 0,
        flex_down_percent=made.flex_down_percent or 0,
        notice_days=made.notice_days or 0,
        starts_on=contract.starts_on,
        ends_on=made.ends_on,
    )
    return terms_on(first, [as_version(r) for r in rows[1:]], day)


def rate_in_force(session: Session, contract: Contract, day: date) -> int:
    return terms_in_force(session, contract, day).hourly_rate_pence


# --- the changes ----------------------------------------------------------------------


def _contract_for(session: Session, actor: Actor, contract_id: int) -> Contract:
    require(actor, Permission.MANAGE_MARKET)
    return load_readable(session, readable_contracts(actor), Contract, contract_id, "contract")


def _add_version(
    session: Session,
    contract: Contract,
    *,
    actor: Actor,
    at: datetime,
    change: VersionChange,
    effective_from: date,
    reason: str,
    **fields: Any,
) -> ContractVersion:
    if not reason.strip():
        raise InvalidInput("say why the contract changes", field="reason")
    number = (
        session.scalar(
            select(func.max(ContractVersion.number)).where(
                ContractVersion.contract_id == contract.id
            )
        )
        or 0
    ) + 1
    version = ContractVersion(
        contract_id=contract.id,
        number=number,
        change=change.value,
        effective_from=effective_from,
        reason=reason.strip(),
        recorded_at=at,
        recorded_by_user_id=actor.user_id,
        **fields,
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action=f"contract.{change.value}",
        entity="contract",
        entity_id=contract.id,
        version=number,
        effective_from=effective_from.isoformat(),
        **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()},
    )
    if effective_from <= local_date(at):
        _apply(session, contract, version, actor=actor, at=at)
    return version


def _pending_days(session: Session, contract_id: int) -> list[date]:
    return list(
        session.scalars(
            select(ContractVersion.effective_from).where(
                ContractVersion.contract_id == contract_id,
                ContractVersion.applied_on.is_(None),
            )
        )
    )


def change_rate(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    contract_id: int,
    hourly_rate_pence: int,
    effective_from: date,
    reason: str,
) -> ContractVersion:
    """A new hourly rate from a day, for the contract and every live package under it."""
    contract = _contract_for(session, actor, contract_id)
    today = local_date(at)
    check_rate_change(
        rate_pence=hourly_rate_pence,
        effective_from=effective_from,
        today=today,
        terms=terms_in_force(session, contract, effective_from),
        pending=_pending_days(session, contract.id),
    )
    return _add_version(
        session,
        contract,
        actor=actor,
        at=at,
        change=VersionChange.RATE_CHANGED,
        effective_from=effective_from,
        reason=reason,
        hourly_rate_pence=hourly_rate_pence,
    )


def change_limits(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    contract_id: int,
    effective_from: date | None,
    reason: str,
    weekly_capacity_minutes: int | None = None,
    flex_up_percent: int | None = None,
    flex_down_percent: int | None = None,
    notice_days: int | None = None,
) -> ContractVersion:
    """New capacity, trusted-assessor limits or notice, from a day: by default today, or
    the contract's first day when it has not started yet."""
    contract = _contract_for(session, actor, contract_id)
    effective_from = effective_from or max(local_date(at), contract.starts_on)
    check_limits(
        weekly_capacity_minutes=weekly_capacity_minutes,
        flex_up_percent=flex_up_percent,
        flex_down_percent=flex_down_percent,
        notice_days=notice_days,
        effective_from=effective_from,
        today=local_date(at),
        terms=terms_in_force(session, contract, effective_from),
    )
    return _add_version(
        session,
        contract,
        actor=actor,
        at=at,
        change=VersionChange.LIMITS_CHANGED,
        effective_from=effective_from,
        reason=reason,
        weekly_capacity_minutes=weekly_capacity_minutes,
        flex_up_percent=flex_up_percent,
        flex_down_percent=flex_down_percent,
        notice_days=notice_days,
    )


def extend_contract(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    contract_id: int,
    ends_on: date,
    reason: str,
    override_reason: str | None = None,
) -> ContractVersion:
    """A later end, up to 24 months past the first, with the conditions checked again."""
    contract = _contract_for(session, actor, contract_id)
    today = local_date(at)
    rows = versions_of(session, contract.id)
    check_extension(
        new_end=ends_on,
        terms=terms_in_force(session, contract, today),
        first_end=rows[0].ends_on if rows else contract.ends_on,
    )
    provider = session.get(Organisation, contract.provider_id)
    assert provider is not None
    results = checked_conditions(
        session, council_id=contract.council_id, provider=provider, today=today
    )
    require_conditions(results, override_reason)
    version = _add_version(
        session,
        contract,
        actor=actor,
        at=at,
        change=VersionChange.EXTENDED,
        effective_from=today,
        reason=reason,
        ends_on=ends_on,
        sets_ends_on=True,
    )
    version.conditions = conditions_record(results)
    version.override_reason = (override_reason or "").strip() or None
    return version


def terminate_contract(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    contract_id: int,
    ends_on: date,
    reason: str,
    without_notice_reason: str | None = None,
) -> ContractVersion:
    """An earlier end, with the contract's notice unless a reason to waive it is recorded.
    The packages under it stay until they are moved; the contract page lists them."""
    contract = _contract_for(session, actor, contract_id)
    today = local_date(at)
    check_termination(
        ends_on=ends_on,
        today=today,
        terms=terms_in_force(session, contract, today),
        without_notice_reason=without_notice_reason,
    )
    waived = (without_notice_reason or "").strip()
    return _add_version(
        session,
        contract,
        actor=actor,
        at=at,
        change=VersionChange.TERMINATED,
        effective_from=today,
        reason=f"{reason.strip()} (without notice: {waived})" if waived else reason,
        ends_on=ends_on,
        sets_ends_on=True,
    )


def record_workforce_data_set(
    session: Session, *, actor: Actor, at: datetime, provider_id: int, completed_on: date
) -> Organisation:
    """A provider's latest completion of the Adult Social Care Workforce Data Set."""
    require(actor, Permission.MANAGE_MARKET)
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != "provider":
        raise InvalidInput(f"no provider {provider_id}", field="provider_id")
    if completed_on > local_date(at):
        raise InvalidInput("the completion date cannot be in the future", field="completed_on")
    if provider.workforce_data_set_on and completed_on < provider.workforce_data_set_on:
        raise Conflict("a later completion is already recorded", field="completed_on")
    provider.workforce_data_set_on = completed_on
    audit.record(
        session,
        actor=actor,
        at=at,
        action="organisation.workforce_data_set_recorded",
        entity="organisation",
        entity_id=provider.id,
        completed_on=completed_on.isoformat(),
    )
    return provider


# --- the day a version takes effect ---------------------------------------------------


def _apply(
    session: Session, contract: Contract, version: ContractVersion, *, actor: Actor, at: datetime
) -> None:
    """The contract takes the terms in force today; live packages take its rate."""
    today = local_date(at)
    version.applied_on = today
    session.flush()
    terms = terms_in_force(session, contract, today)
    for name in TERM_FIELDS:
        setattr(contract, name, getattr(terms, name))
    contract.ends_on = terms.ends_on
    repriced = list(
        session.scalars(
            select(Package).where(
                Package.contract_id == contract.id,
                Package.status.in_(SCHEDULED_PACKAGE_STATUSES),
                Package.hourly_rate_pence != terms.hourly_rate_pence,
            )
        )
    )
    for package in repriced:
        package.hourly_rate_pence = terms.hourly_rate_pence
    moved = len(repriced)
    if version.hourly_rate_pence is not None:
        audit.record(
            session,
            actor=actor,
            at=at,
            action="contract.rate_took_effect",
            entity="contract",
            entity_id=contract.id,
            version=version.number,
            hourly_rate_pence=terms.hourly_rate_pence,
            packages=moved,
        )


def apply_due_versions(session: Session, *, actor: Actor, at: datetime) -> int:
    """Every version whose day has come: what the server runs each minute and the demo
    each day, so a rate takes effect on its day however the store is driven."""
    today = local_date(at)
    due = list(
        session.scalars(
            select(ContractVersion)
            .where(ContractVersion.applied_on.is_(None), ContractVersion.effective_from <= today)
            .order_by(ContractVersion.effective_from, ContractVersion.number)
        )
    )
    for version in due:
        contract = session.get(Contract, version.contract_id)
        assert contract is not None
        _apply(session, contract, version, actor=actor, at=at)
    return len(due)
