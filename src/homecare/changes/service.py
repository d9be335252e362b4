"""Provider-led changes to a package's hours, as trusted assessor (000 §11, 001).

The provider proposes with the person's consent, submits after the trial, and the social
worker approves, amends or reverses. Each action locks the package, puts the decided
pattern on it and on the visits still to come, and audits itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, require
from homecare.calendar import local_date
from homecare.changes.apply import apply_pattern
from homecare.changes.domain import (
    DECIDABLE_STATUSES,
    DECIDED_STATUS,
    ChangeStatus,
    ConsentMethod,
    Decision,
    Slot,
    check_consent_time,
    consent_relationship,
    long_date,
    parse_consent_method,
    parse_decision,
    snapshot,
    within_parameters,
)
from homecare.changes.patterns import (
    carried_over,
    check_pattern,
    of_visits,
    same_pattern,
    scale_to,
    to_json,
    weekly,
)
from homecare.changes.queue import change_patterns
from homecare.changes.repository import open_change, readable_changes
from homecare.changes.tables import ProviderChange
from homecare.config import Settings, get_settings
from homecare.errors import Conflict, InvalidInput
from homecare.market.tables import Contract
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package
from homecare.pattern import PlannedVisit
from homecare.people.tables import Person
from homecare.units import hours_text


def _slots(package: Package) -> list[Slot]:
    return [Slot(v.id, v.minutes, v.carers) for v in package.visits]


def _lock(session: Session, package: Package) -> None:
    """Serialises changes to one package (PostgreSQL row lock; SQLite writes serialise)."""
    session.refresh(package, with_for_update=True)


def proposed_pattern(
    package: Package, to_weekly_minutes: int | None, visits: Sequence[PlannedVisit] | None
) -> list[PlannedVisit]:
    """The pattern a change proposes: the visits given, or, given only a new weekly total,
    the current visits scaled to it (how changes were made before they carried visits)."""
    if visits is not None:
        current = of_visits(package.visits)
        pattern = check_pattern(carried_over(current, visits), current)
        if to_weekly_minutes is not None and to_weekly_minutes != weekly(pattern):
            raise InvalidInput(
                f"the visits add up to {hours_text(weekly(pattern))} of carers' time a week, "
                f"not {hours_text(to_weekly_minutes)}: send the visits alone",
                field="to_weekly_minutes",
            )
        return pattern
    if to_weekly_minutes is None:
        raise InvalidInput("say what the change is: send the new weekly visits", field="visits")
    if to_weekly_minutes == package.weekly_minutes:
        raise InvalidInput(
            f"the package already has {package.weekly_minutes} minutes a week",
            field="to_weekly_minutes",
        )
    return scale_to(
        of_visits(package.visits),
        to_weekly_minutes,
        field="to_weekly_minutes",
        package_id=package.id,
    )


def check_proposable(
    session: Session, package: Package, pattern: Sequence[PlannedVisit], reason: str
) -> None:
    """An active package with no change open, a reason, and a pattern that differs."""
    if package.status != "active":
        raise Conflict(
            f"package {package.id} is {package.status.replace('_', ' ')}: visits change only "
            "on an active package",
            field="package_id",
        )
    already = open_change(session, package.id)
    if already is not None:
        raise Conflict(
            f"change {already.id} to this package is still "
            f"{already.status.replace('_', ' ')}; one change at a time",
            field="package_id",
        )
    if not reason or not reason.strip():
        raise InvalidInput("say why the visits should change", field="reason")
    if same_pattern(pattern, of_visits(package.visits)):
        raise InvalidInput(
            f"the package already has these visits ({package.weekly_minutes} minutes a week)",
            field="visits",
        )


def _check_consent(
    session: Session,
    package: Package,
    at: datetime,
    *,
    name: str | None,
    relationship: str | None,
    method: str | None,
    given_at: datetime | None,
) -> tuple[str, ConsentMethod, datetime]:
    """The recorded relationship, method and time of a consent the person's record allows."""
    person = session.get(Person, package.person_id)
    assert person is not None
    recorded = consent_relationship(
        person_name=f"{person.given_name} {person.family_name}",
        named_consenter=person.consent_by_name,
        given_name=name,
        given_relationship=relationship,
    )
    return recorded, parse_consent_method(method), check_consent_time(given_at, at)


def propose_change(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    reason: str,
    consent_by_name: str | None,
    consent_by_relationship: str | None,
    consent_method: str | None,
    consent_at: datetime | None,
    visits: Sequence[PlannedVisit] | None = None,
    to_weekly_minutes: int | None = None,
    settings: Settings | None = None,
) -> ProviderChange:
    """The provider's change of visits as trusted assessor: on trial at once if within
    parameters. `visits` is the whole new weekly pattern; a bare `to_weekly_minutes`
    scales the current visits to it."""
    require(actor, Permission.MANAGE_DELIVERY)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    _lock(session, package)
    pattern = proposed_pattern(package, to_weekly_minutes, visits)
    check_proposable(session, package, pattern, reason)
    target_minutes = weekly(pattern)
    relationship, method, consented_at = _check_consent(
        session,
        package,
        at,
        name=consent_by_name,
        relationship=consent_by_relationship,
        method=consent_method,
        given_at=consent_at,
    )
    contract = session.get(Contract, package.contract_id)
    assert contract is not None
    within = within_parameters(
        package.weekly_minutes,
        target_minutes,
        up_percent=contract.flex_up_percent,
        down_percent=contract.flex_down_percent,
    )
    change = ProviderChange(
        package_id=package.id,
        provider_id=package.provider_id,
        council_id=package.council_id,
        from_weekly_minutes=package.weekly_minutes,
        to_weekly_minutes=target_minutes,
        hourly_rate_pence=package.hourly_rate_pence,
        reason=reason.strip(),
        within_parameters=within,
        consent_by_name=(consent_by_name or "").strip(),
        consent_by_relationship=relationship,
        consent_method=method.value,
        consent_at=consented_at,
        previous_pattern=snapshot(_slots(package)),
        from_pattern=to_json(of_visits(package.visits)),
        to_pattern=to_json(pattern),
        status=(ChangeStatus.IN_TRIAL if within else ChangeStatus.AWAITING_SOCIAL_WORKER).value,
        created_at=at,
        created_by=actor.user_id,
    )
    updated_visits = 0
    if within:
        today = local_date(at)
        weeks = (settings or get_settings()).change_trial_weeks
        change.effective_from = today
        change.submit_from = today + timedelta(weeks=weeks)
        updated_visits = apply_pattern(session, package, pattern, at)
    session.add(change)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="change.proposed",
        entity="provider_change",
        entity_id=change.id,
        package_id=package.id,
        from_weekly_minutes=change.from_weekly_minutes,
        to_weekly_minutes=target_minutes,
        to_pattern=change.to_pattern,
        within_parameters=within,
        status=change.status,
        applied_weekly_minutes=package.weekly_minutes if within else None,
        updated_visits=updated_visits,
        consent_by_relationship=relationship,
        consent_method=method.value,
    )
    return change


def _load_change(session: Session, actor: Actor, change_id: int) -> tuple[ProviderChange, Package]:
    """The change and its package, locked, with the change re-read under the lock."""
    change = load_readable(session, readable_changes(actor), ProviderChange, change_id, "change")
    package = session.get(Package, change.package_id)
    assert package is not None
    _lock(session, package)
    session.refresh(change)
    return change, package


def submit_change(
    session: Session, *, actor: Actor, at: datetime, change_id: int
) -> ProviderChange:
    """After the trial the provider sends the change to the social worker (000 §11)."""
    require(actor, Permission.MANAGE_DELIVERY)
    change, package = _load_change(session, actor, change_id)
    if change.status != ChangeStatus.IN_TRIAL:
        raise Conflict(
            f"only a change on trial can be submitted; change {change.id} is "
            f"{change.status.replace('_', ' ')}",
            field="status",
        )
    assert change.submit_from is not None
    if local_date(at) < change.submit_from:
        raise Conflict(
            f"the change is on trial until {long_date(change.submit_from - timedelta(days=1))}: "
            f"submit it on or after {change.submit_from.isoformat()}",
            field="submit_from",
        )
    change.status = ChangeStatus.SUBMITTED.value
    change.submitted_at = at
    audit.record(
        session,
        actor=actor,
        at=at,
        action="change.submitted",
        entity="provider_change",
        entity_id=change.id,
        package_id=package.id,
        weekly_minutes=package.weekly_minutes,
    )
    return change


def _carry_out(
    session: Session,
    change: ProviderChange,
    package: Package,
    chosen: Decision,
    weekly_minutes: int | None,
    at: datetime,
) -> int:
    """Puts the decided pattern on the package; returns how many coming visits changed.

    A submitted change is already on the package: approving keeps it, amending scales the
    proposed visits to the weekly minutes set, reversing restores the visits it replaced.
    A change awaiting the social worker was never applied: approving or amending applies
    it from today.
    """
    applied = change.status == ChangeStatus.SUBMITTED
    before, proposed = change_patterns(change, package)
    if chosen is Decision.REVERSE:
        return apply_pattern(session, package, before, at) if applied else 0
    if chosen is Decision.APPROVE and applied:
        return 0
    target = proposed
    if chosen is Decision.AMEND:
        assert weekly_minutes is not None
        target = scale_to(proposed, weekly_minutes, field="weekly_minutes", package_id=package.id)
    if not applied:
        change.previous_pattern = snapshot(_slots(package))
        change.from_pattern = to_json(of_visits(package.visits))
        change.effective_from = local_date(at)
    return apply_pattern(session, package, target, at)


def decide_change(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    change_id: int,
    decision: str,
    weekly_minutes: int | None = None,
    note: str | None = None,
) -> ProviderChange:
    """The social worker approves, amends or reverses a submitted or out-of-bounds change."""
    require(actor, Permission.DECIDE_CHANGES)
    change, package = _load_change(session, actor, change_id)
    chosen = parse_decision(decision)
    if change.status not in DECIDABLE_STATUSES:
        raise Conflict(
            f"change {change.id} is {change.status.replace('_', ' ')}: a social worker decides "
            "submitted changes and those awaiting a social worker",
            field="status",
        )
    if chosen is Decision.AMEND and weekly_minutes is None:
        raise InvalidInput("an amendment says the weekly minutes", field="weekly_minutes")
    if chosen is not Decision.AMEND and weekly_minutes is not None:
        raise InvalidInput("only an amendment sets weekly minutes", field="weekly_minutes")
    updated_visits = _carry_out(session, change, package, chosen, weekly_minutes, at)
    change.status = DECIDED_STATUS[chosen].value
    change.decided_at = at
    change.decided_by = actor.user_id
    change.decision_note = note.strip() if note and note.strip() else None
    change.decided_weekly_minutes = package.weekly_minutes
    audit.record(
        session,
        actor=actor,
        at=at,
        action=f"change.{change.status}",
        entity="provider_change",
        entity_id=change.id,
        package_id=package.id,
        decision=chosen.value,
        weekly_minutes=package.weekly_minutes,
        updated_visits=updated_visits,
        note=change.decision_note,
    )
    return change
