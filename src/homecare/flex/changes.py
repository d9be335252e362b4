"""Provider-led changes to a package's hours, as trusted assessor (000 §11, 001).

The provider knows the person best, so within the contract's flex parameters its change
takes effect at once and runs on trial for four weeks before it goes to the social worker;
a bigger change waits for the social worker. Either way the person agrees, or whoever may
consent for them when they lack capacity (000 §29). Every change keeps the pattern it
replaced, so a reversal restores the care exactly, and its net weekly cost is tracked
because adjusting packages is how the pilot means to stay within budget (000 §27, §29).

The rules at the top are pure; the service functions below them read and write the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import (
    Actor,
    Permission,
    load_readable,
    readable_by_package,
    readable_packages,
    require,
)
from homecare.brokerage.domain import MAX_WEEKLY_MINUTES
from homecare.brokerage.repository import hours
from homecare.calendar import LONDON, local_date
from homecare.config import Settings, get_settings
from homecare.delivery.tables import Visit
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.flex.schemas import ImpactFigures, ImpactReport, ImpactTotal, ProviderImpact
from homecare.flex.tables import ProviderChange
from homecare.market.tables import Contract, Organisation
from homecare.packages.tables import Package
from homecare.people.tables import Person

MIN_VISIT_MINUTES = 15
"""No scaled visit is shorter than this (000 §27 allows visits under 30 minutes)."""
STEP_MINUTES = 5
"""Scaled visits are whole multiples of five minutes."""


class ChangeStatus(StrEnum):
    IN_TRIAL = "in_trial"
    SUBMITTED = "submitted"
    AWAITING_SOCIAL_WORKER = "awaiting_social_worker"
    APPROVED = "approved"
    AMENDED = "amended"
    REVERSED = "reversed"


OPEN_STATUSES = (
    ChangeStatus.IN_TRIAL,
    ChangeStatus.SUBMITTED,
    ChangeStatus.AWAITING_SOCIAL_WORKER,
)
"""A package has at most one change in one of these at a time."""
DECIDABLE_STATUSES = (ChangeStatus.SUBMITTED, ChangeStatus.AWAITING_SOCIAL_WORKER)
"""The social worker's approval queue."""
APPLIED_WHILE_OPEN = (ChangeStatus.IN_TRIAL, ChangeStatus.SUBMITTED)
"""Open changes already carried by the package (they were within parameters)."""


class Decision(StrEnum):
    APPROVE = "approve"
    AMEND = "amend"
    REVERSE = "reverse"


DECIDED_STATUS = {
    Decision.APPROVE: ChangeStatus.APPROVED,
    Decision.AMEND: ChangeStatus.AMENDED,
    Decision.REVERSE: ChangeStatus.REVERSED,
}
DECISION_GROUP = {
    ChangeStatus.APPROVED: "approve",
    ChangeStatus.AMENDED: "amend",
    ChangeStatus.REVERSED: "reverse",
}
"""How the impact report groups decided changes; anything else is pending."""
IMPACT_GROUPS = ("approve", "amend", "reverse", "pending")


class ConsentMethod(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    WRITTEN = "written"
    ONLINE = "online"
    """Given on the person's own page, answering the provider's consent request."""


# --- pure rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One visit of a package's weekly pattern: its minutes and how many carers attend."""

    id: int
    minutes: int
    carers: int


def weekly_minutes(slots: Iterable[Slot]) -> int:
    """Carer-minutes a week, the unit packages are commissioned and paid in."""
    return sum(s.minutes * s.carers for s in slots)


def least_weekly_minutes(slots: Iterable[Slot]) -> int:
    """The fewest carer-minutes the pattern can shrink to with every visit at the minimum."""
    return sum(MIN_VISIT_MINUTES * s.carers for s in slots)


def within_parameters(
    from_minutes: int, to_minutes: int, *, up_percent: int, down_percent: int
) -> bool:
    """Whether the contract lets the provider make this change on its own authority.

    Integer arithmetic so a change of exactly the limit is inside it, with no float error.
    """
    scaled = to_minutes * 100
    return from_minutes * (100 - down_percent) <= scaled <= from_minutes * (100 + up_percent)


def _floor_to_step(value: Fraction) -> int:
    return int(value // STEP_MINUTES) * STEP_MINUTES


def scale_pattern(slots: Sequence[Slot], target_weekly: int) -> dict[int, int]:
    """Each visit's new minutes, in proportion, so the pattern sums as near the target as it can.

    Every visit moves to one of the two multiples of five around its exact share (never
    below 15 minutes); the visits with the largest leftover shares take the upper one until
    the target is reached (largest-remainder rounding), ties going to the earlier visit.
    Rounding each visit on its own would miss the target by up to 2.5 minutes a visit.
    """
    if target_weekly <= 0:
        raise ValueError("the target must be positive")
    current = weekly_minutes(slots)
    if current == target_weekly:
        return {s.id: s.minutes for s in slots}
    if current <= 0:
        raise ValueError("an empty pattern cannot be scaled")
    exact = {s.id: Fraction(s.minutes * target_weekly, current) for s in slots}
    scaled = {s.id: max(MIN_VISIT_MINUTES, _floor_to_step(exact[s.id])) for s in slots}
    remaining = target_weekly - sum(scaled[s.id] * s.carers for s in slots)
    rounding_up = sorted(
        (s for s in slots if _floor_to_step(exact[s.id]) >= MIN_VISIT_MINUTES),
        key=lambda s: exact[s.id] - scaled[s.id],
        reverse=True,
    )
    for slot in rounding_up:
        if exact[slot.id] == scaled[slot.id]:
            break
        if STEP_MINUTES * slot.carers <= remaining:
            scaled[slot.id] += STEP_MINUTES
            remaining -= STEP_MINUTES * slot.carers
    return scaled


def snapshot(slots: Iterable[Slot]) -> dict[str, int]:
    """The pattern as stored on a change (JSON keys are strings), so it can be restored."""
    return {str(s.id): s.minutes for s in slots}


def restore(previous: Mapping[str, int], slots: Iterable[Slot]) -> dict[int, int]:
    """The minutes each visit had before the change; a visit added since keeps its own."""
    return {s.id: int(previous.get(str(s.id), s.minutes)) for s in slots}


def with_minutes(slots: Iterable[Slot], minutes: Mapping[int, int]) -> list[Slot]:
    return [Slot(s.id, minutes.get(s.id, s.minutes), s.carers) for s in slots]


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def consent_relationship(
    *,
    person_name: str,
    named_consenter: str | None,
    given_name: str | None,
    given_relationship: str | None,
) -> str:
    """The relationship to record for a valid consent, or a 422 naming `consent_by_name`.

    The person consents for themselves unless the council has recorded who may consent for
    them because they lack capacity; then only that named person may (000 §11, §29).
    """
    if not given_name or not given_name.strip():
        raise InvalidInput(
            f"a change needs the consent of {person_name}, or of whoever may consent for "
            "them: give consent_by_name",
            field="consent_by_name",
        )
    relationship = (given_relationship or "").strip()
    if not relationship:
        raise InvalidInput(
            "say how the consenter is related to the person ('self' for the person)",
            field="consent_by_relationship",
        )
    if not named_consenter or not named_consenter.strip():
        if relationship.casefold() != "self":
            raise InvalidInput(
                f"{person_name} consents for themselves, so the consent must be theirs "
                f"(relationship 'self'), not {given_name.strip()}'s ({relationship})",
                field="consent_by_name",
            )
        return "self"
    if _normal(given_name) != _normal(named_consenter):
        raise InvalidInput(
            f"only {named_consenter.strip()} may consent for {person_name}, who lacks "
            f"capacity; {given_name.strip()} may not",
            field="consent_by_name",
        )
    if relationship.casefold() == "self":
        raise InvalidInput(
            f"{named_consenter.strip()} consents for {person_name}, so the relationship "
            "cannot be 'self'",
            field="consent_by_relationship",
        )
    return relationship


def minute_pence(minutes: int, rate_pence: int) -> int:
    """Minutes × pence an hour: 60 times the pence, exact, so totals never drift."""
    return minutes * rate_pence


def pounds(minute_pence_total: int) -> Decimal:
    return (Decimal(minute_pence_total) / Decimal(6000)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Impact:
    """A change's weekly carer-minutes: as proposed, as decided, and carried today."""

    proposed: int
    decided: int | None
    """None while the social worker has not decided."""
    in_effect: int


def impact_of(
    *,
    status: ChangeStatus,
    from_minutes: int,
    to_minutes: int,
    decided_minutes: int | None,
    package_minutes: int,
) -> Impact:
    """The deltas of one change; an open applied change is what the package carries now."""
    proposed = to_minutes - from_minutes
    if status is ChangeStatus.REVERSED:
        return Impact(proposed, 0, 0)
    if status in (ChangeStatus.APPROVED, ChangeStatus.AMENDED):
        decided = (decided_minutes if decided_minutes is not None else to_minutes) - from_minutes
        return Impact(proposed, decided, decided)
    if status in APPLIED_WHILE_OPEN:
        return Impact(proposed, None, package_minutes - from_minutes)
    return Impact(proposed, None, 0)


# --- the store ---------------------------------------------------------------------------


def _slots(package: Package) -> list[Slot]:
    return [Slot(v.id, v.minutes, v.carers) for v in package.visits]


def _lock(session: Session, package: Package) -> None:
    """Serialises changes to one package (PostgreSQL row lock; SQLite writes serialise)."""
    session.refresh(package, with_for_update=True)


def _set_pattern(
    session: Session, package: Package, minutes: Mapping[int, int], at: datetime
) -> int:
    """Puts new minutes on the pattern and on the visits still to come; counts those visits."""
    for slot in package.visits:
        slot.minutes = minutes.get(slot.id, slot.minutes)
    package.weekly_minutes = weekly_minutes(_slots(package))
    upcoming = session.scalars(
        select(Visit).where(
            Visit.package_id == package.id,
            Visit.package_visit_id.in_(list(minutes)),
            Visit.window_start > at,
            Visit.status.in_(("planned", "hospital")),
        )
    )
    count = 0
    for visit in upcoming:
        assert visit.package_visit_id is not None
        visit.planned_minutes = minutes[visit.package_visit_id]
        count += 1
    return count


def _check_target(package: Package, target: int, field: str) -> None:
    if target <= 0:
        raise InvalidInput("weekly minutes must be more than 0", field=field)
    if target > MAX_WEEKLY_MINUTES:
        raise InvalidInput(
            f"{target} minutes is more than the {MAX_WEEKLY_MINUTES} in a week", field=field
        )
    if not package.visits:
        raise Conflict(f"package {package.id} has no visit pattern to change", field="package_id")
    least = least_weekly_minutes(_slots(package))
    if target < least:
        raise InvalidInput(
            f"this pattern's {len(package.visits)} visits cannot go below {MIN_VISIT_MINUTES} "
            f"minutes each, so it needs at least {least} carer-minutes a week",
            field=field,
        )


def _open_change(session: Session, package_id: int) -> ProviderChange | None:
    return session.scalars(
        select(ProviderChange).where(
            ProviderChange.package_id == package_id,
            ProviderChange.status.in_([s.value for s in OPEN_STATUSES]),
        )
    ).first()


def _person_name(person: Person) -> str:
    return f"{person.given_name} {person.family_name}"


def _consent_method(value: str | None) -> ConsentMethod:
    try:
        return ConsentMethod(value or "")
    except ValueError:
        raise InvalidInput(
            "say how consent was given: in_person, phone or written", field="consent_method"
        ) from None


def _check_consent_time(consent_at: datetime | None, at: datetime) -> datetime:
    if consent_at is None:
        raise InvalidInput("say when consent was given", field="consent_at")
    if consent_at.tzinfo is None:
        raise InvalidInput("give consent_at with a timezone", field="consent_at")
    if consent_at > at:
        raise InvalidInput("consent cannot be given in the future", field="consent_at")
    return consent_at


def _check_proposable(
    session: Session, package: Package, to_weekly_minutes: int, reason: str
) -> None:
    """An active package with no change open, a reason, and hours the pattern can take."""
    if package.status != "active":
        raise Conflict(
            f"package {package.id} is {package.status.replace('_', ' ')}: hours change only "
            "on an active package",
            field="package_id",
        )
    open_change = _open_change(session, package.id)
    if open_change is not None:
        raise Conflict(
            f"change {open_change.id} to this package is still "
            f"{open_change.status.replace('_', ' ')}; one change at a time",
            field="package_id",
        )
    if not reason or not reason.strip():
        raise InvalidInput("say why the hours should change", field="reason")
    if to_weekly_minutes == package.weekly_minutes:
        raise InvalidInput(
            f"the package already has {package.weekly_minutes} minutes a week",
            field="to_weekly_minutes",
        )
    _check_target(package, to_weekly_minutes, "to_weekly_minutes")


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
        person_name=_person_name(person),
        named_consenter=person.consent_by_name,
        given_name=name,
        given_relationship=relationship,
    )
    return recorded, _consent_method(method), _check_consent_time(given_at, at)


def propose_change(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    to_weekly_minutes: int,
    reason: str,
    consent_by_name: str | None,
    consent_by_relationship: str | None,
    consent_method: str | None,
    consent_at: datetime | None,
    settings: Settings | None = None,
) -> ProviderChange:
    """The provider's change as trusted assessor: on trial at once if within parameters."""
    require(actor, Permission.MANAGE_DELIVERY)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    _lock(session, package)
    _check_proposable(session, package, to_weekly_minutes, reason)
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
        to_weekly_minutes,
        up_percent=contract.flex_up_percent,
        down_percent=contract.flex_down_percent,
    )
    change = ProviderChange(
        package_id=package.id,
        provider_id=package.provider_id,
        council_id=package.council_id,
        from_weekly_minutes=package.weekly_minutes,
        to_weekly_minutes=to_weekly_minutes,
        hourly_rate_pence=package.hourly_rate_pence,
        reason=reason.strip(),
        within_parameters=within,
        consent_by_name=(consent_by_name or "").strip(),
        consent_by_relationship=relationship,
        consent_method=method.value,
        consent_at=consented_at,
        previous_pattern=snapshot(_slots(package)),
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
        target = scale_pattern(_slots(package), to_weekly_minutes)
        updated_visits = _set_pattern(session, package, target, at)
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
        to_weekly_minutes=to_weekly_minutes,
        within_parameters=within,
        status=change.status,
        applied_weekly_minutes=package.weekly_minutes if within else None,
        updated_visits=updated_visits,
        consent_by_relationship=relationship,
        consent_method=method.value,
    )
    return change


def _load_change(session: Session, actor: Actor, change_id: int) -> tuple[ProviderChange, Package]:
    change = load_readable(
        session, readable_by_package(actor, ProviderChange), ProviderChange, change_id, "change"
    )
    package = session.get(Package, change.package_id)
    assert package is not None
    _lock(session, package)
    session.refresh(change)
    return change, package


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


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
            f"the change is on trial until {_long_date(change.submit_from - timedelta(days=1))}: "
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


def _decision(value: str) -> Decision:
    try:
        return Decision(value)
    except ValueError:
        raise InvalidInput("decide approve, amend or reverse", field="decision") from None


def _carry_out(
    session: Session,
    change: ProviderChange,
    package: Package,
    chosen: Decision,
    weekly_minutes: int | None,
    at: datetime,
) -> int:
    """Puts the decided pattern on the package; returns how many coming visits changed.

    A submitted change is already on the package: approving keeps it, amending rescales
    the pattern it replaced, reversing restores that pattern. A change awaiting the social
    worker was never applied: approving or amending applies it from today.
    """
    applied = change.status == ChangeStatus.SUBMITTED
    current = _slots(package)
    before = restore(change.previous_pattern, current) if applied else None
    original = with_minutes(current, before) if before is not None else current
    if chosen is Decision.REVERSE:
        return _set_pattern(session, package, before, at) if before is not None else 0
    if chosen is Decision.APPROVE and applied:
        return 0
    target = change.to_weekly_minutes if chosen is Decision.APPROVE else weekly_minutes
    assert target is not None
    if chosen is Decision.AMEND:
        _check_target(package, target, "weekly_minutes")
    if not applied:
        change.previous_pattern = snapshot(original)
        change.effective_from = local_date(at)
    return _set_pattern(session, package, scale_pattern(original, target), at)


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
    chosen = _decision(decision)
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


def parse_statuses(values: Sequence[str] | None) -> list[ChangeStatus] | None:
    """`status` filters: repeated or comma-separated; `awaiting_decision` is the SW queue."""
    if not values:
        return None
    wanted: list[ChangeStatus] = []
    for value in (part.strip() for v in values for part in v.split(",")):
        if not value:
            continue
        if value == "awaiting_decision":
            wanted.extend(DECIDABLE_STATUSES)
            continue
        try:
            wanted.append(ChangeStatus(value))
        except ValueError:
            known = ", ".join([*(s.value for s in ChangeStatus), "awaiting_decision"])
            raise InvalidInput(f"no status {value!r}: use {known}", field="status") from None
    return wanted or None


def list_changes(
    session: Session, *, actor: Actor, statuses: Sequence[ChangeStatus] | None = None
) -> list[ProviderChange]:
    """Changes the actor may see: a council its own, a provider its own."""
    stmt = readable_by_package(actor, ProviderChange).order_by(ProviderChange.id)
    if statuses:
        stmt = stmt.where(ProviderChange.status.in_([s.value for s in statuses]))
    return list(session.scalars(stmt))


def get_change(session: Session, *, actor: Actor, change_id: int) -> ProviderChange:
    return load_readable(
        session, readable_by_package(actor, ProviderChange), ProviderChange, change_id, "change"
    )


def impact_for(change: ProviderChange, package: Package) -> Impact:
    return impact_of(
        status=ChangeStatus(change.status),
        from_minutes=change.from_weekly_minutes,
        to_minutes=change.to_weekly_minutes,
        decided_minutes=change.decided_weekly_minutes,
        package_minutes=package.weekly_minutes,
    )


def impact_figures(impact: Impact, rate_pence: int) -> ImpactFigures:
    decided = impact.decided
    return ImpactFigures(
        weekly_hours_proposed=hours(impact.proposed),
        weekly_pounds_proposed=pounds(minute_pence(impact.proposed, rate_pence)),
        weekly_hours_decided=None if decided is None else hours(decided),
        weekly_pounds_decided=None
        if decided is None
        else pounds(minute_pence(decided, rate_pence)),
        weekly_hours_in_effect=hours(impact.in_effect),
        weekly_pounds_in_effect=pounds(minute_pence(impact.in_effect, rate_pence)),
    )


@dataclass
class _Sum:
    count: int = 0
    proposed_minutes: int = 0
    proposed_mp: int = 0
    in_effect_minutes: int = 0
    in_effect_mp: int = 0

    def add(self, impact: Impact, rate_pence: int) -> None:
        self.count += 1
        self.proposed_minutes += impact.proposed
        self.proposed_mp += minute_pence(impact.proposed, rate_pence)
        self.in_effect_minutes += impact.in_effect
        self.in_effect_mp += minute_pence(impact.in_effect, rate_pence)

    def total(self) -> ImpactTotal:
        return ImpactTotal(
            changes=self.count,
            weekly_hours_proposed=hours(self.proposed_minutes),
            weekly_pounds_proposed=pounds(self.proposed_mp),
            weekly_hours_in_effect=hours(self.in_effect_minutes),
            weekly_pounds_in_effect=pounds(self.in_effect_mp),
        )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), LONDON)


def change_impact(session: Session, *, actor: Actor, start: date, end: date) -> ImpactReport:
    """Net weekly hours and pounds of the changes proposed in the period (000 §27, §29).

    Totals per provider and per social-worker decision, as proposed and as now in effect,
    so the council can track the cost of adjustments against the budget every month.
    """
    if not (
        actor.may(Permission.VIEW_KPIS)
        or actor.may(Permission.DECIDE_CHANGES)
        or actor.may(Permission.MANAGE_DELIVERY)
    ):
        raise Forbidden(f"the {actor.role.value} role may not see the impact of changes")
    if start > end:
        raise InvalidInput("start is after end", field="start")
    rows = session.execute(
        readable_by_package(actor, ProviderChange)
        .add_columns(Package, Organisation)
        .join(Package, Package.id == ProviderChange.package_id)
        .join(Organisation, Organisation.id == ProviderChange.provider_id)
        .where(
            ProviderChange.created_at >= _day_start(start),
            ProviderChange.created_at < _day_start(end + timedelta(days=1)),
        )
        .order_by(ProviderChange.id)
    ).all()
    overall = _Sum()
    by_provider: dict[int, tuple[str, _Sum]] = {}
    by_decision = {group: _Sum() for group in IMPACT_GROUPS}
    for change, package, provider in rows:
        impact = impact_for(change, package)
        rate = change.hourly_rate_pence
        overall.add(impact, rate)
        by_provider.setdefault(provider.id, (provider.name, _Sum()))[1].add(impact, rate)
        by_decision[DECISION_GROUP.get(ChangeStatus(change.status), "pending")].add(impact, rate)
    return ImpactReport(
        start=start,
        end=end,
        total=overall.total(),
        by_provider=[
            ProviderImpact(provider_id=pid, provider_name=name, **s.total().model_dump())
            for pid, (name, s) in sorted(by_provider.items())
        ],
        by_decision={g: by_decision[g].total() for g in IMPACT_GROUPS},
    )
