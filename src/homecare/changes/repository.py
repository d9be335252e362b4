"""Provider-change and consent-request queries, each built on a `readable_*` statement.

A change or a consent request is visible exactly when its package is: a council sees its
own, a provider its own, a person their own requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from homecare.access import Actor, Permission, load_readable, require
from homecare.calendar import LONDON
from homecare.changes.domain import (
    DECIDABLE_STATUSES,
    DECIDED_STATUSES,
    OPEN_STATUSES,
    ChangeStatus,
)
from homecare.changes.impact import impact_figures, impact_for, impact_report
from homecare.changes.queue import change_in_words, change_patterns
from homecare.changes.schemas import ChangeRead, ImpactReport
from homecare.changes.tables import ConsentRequest, ProviderChange
from homecare.errors import Forbidden, InvalidInput
from homecare.market.tables import Organisation
from homecare.packages.repository import readable_by_package
from homecare.packages.schemas import VisitOut
from homecare.packages.tables import Package
from homecare.paging import ListQuery, Slice, count_rows, fetch_slice, words_match
from homecare.people.tables import Person
from homecare.units import hours


def readable_changes(actor: Actor) -> Select[Any]:
    """The changes to the packages the actor may read."""
    return readable_by_package(actor, ProviderChange)


def readable_consent_requests(actor: Actor) -> Select[Any]:
    """The consent requests about the packages the actor may read."""
    return readable_by_package(actor, ConsentRequest)


# --- changes -----------------------------------------------------------------------------


def open_change(session: Session, package_id: int) -> ProviderChange | None:
    """The package's change still on trial or waiting; a package has at most one."""
    return session.scalars(
        select(ProviderChange).where(
            ProviderChange.package_id == package_id,
            ProviderChange.status.in_([s.value for s in OPEN_STATUSES]),
        )
    ).first()


def get_change(session: Session, *, actor: Actor, change_id: int) -> ProviderChange:
    return load_readable(session, readable_changes(actor), ProviderChange, change_id, "change")


def changes_of_package(
    session: Session, *, actor: Actor, package_id: int, limit: int
) -> list[ProviderChange]:
    """A package's changes, the latest first, for its page."""
    stmt = (
        readable_changes(actor)
        .where(ProviderChange.package_id == package_id)
        .order_by(ProviderChange.created_at.desc(), ProviderChange.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def decisions_waiting(session: Session, *, actor: Actor) -> int:
    """How many changes wait for the actor's decision: one COUNT, for the navigation."""
    require(actor, Permission.DECIDE_CHANGES)
    decidable = [s.value for s in DECIDABLE_STATUSES]
    return count_rows(session, readable_changes(actor).where(ProviderChange.status.in_(decidable)))


CHANGE_SORTS: dict[str, list[Any]] = {
    "waiting": [func.coalesce(ProviderChange.submitted_at, ProviderChange.created_at)],
    "person": [Person.family_name, Person.given_name],
    "decided": [ProviderChange.decided_at],
    "proposed": [ProviderChange.created_at],
}
LIMITS = ("within", "outside")
"""The `limits` filter: changes within the contract's flex parameters, or outside them."""


def list_changes(
    session: Session,
    *,
    actor: Actor,
    query: ListQuery | None = None,
    statuses: Sequence[ChangeStatus] | None = None,
) -> Slice[ProviderChange]:
    """One window of the changes the actor may see (a council its own, a provider its
    own), oldest first unless sorted, searched by the person's name, postcode or NHS
    number, and filtered by status and on the contract's limits. The API's list and the
    social worker's queue both read through here."""
    query = query or ListQuery()
    stmt = (
        readable_changes(actor)
        .join(Package, Package.id == ProviderChange.package_id)
        .join(Person, Person.id == Package.person_id)
    )
    if statuses:
        stmt = stmt.where(ProviderChange.status.in_([s.value for s in statuses]))
    limits = query.filters.get("limits")
    if limits in LIMITS:
        stmt = stmt.where(ProviderChange.within_parameters.is_(limits == "within"))
    match = words_match(
        query.q, Person.given_name, Person.family_name, Person.postcode, Person.nhs_number
    )
    if match is not None:
        stmt = stmt.where(match)
    return fetch_slice(
        session, stmt, query, sorts=CHANGE_SORTS, default=[], tiebreak=ProviderChange.id
    )


def change_list(
    session: Session, *, actor: Actor, query: ListQuery, decided: bool
) -> Slice[ProviderChange]:
    """One window of the changes waiting for a decision, or of those decided: the social
    worker's queue, read as the API lists changes."""
    require(actor, Permission.DECIDE_CHANGES)
    statuses = DECIDED_STATUSES if decided else DECIDABLE_STATUSES
    return list_changes(session, actor=actor, query=query, statuses=statuses)


def change_read(session: Session, change: ProviderChange) -> ChangeRead:
    """A change as the API shows it, with the package as it stands and the change's impact."""
    package = session.get(Package, change.package_id)
    provider = session.get(Organisation, change.provider_id)
    assert package is not None and provider is not None
    before, after = change_patterns(change, package)
    return ChangeRead(
        id=change.id,
        package_id=change.package_id,
        person_id=package.person_id,
        provider_id=change.provider_id,
        provider_name=provider.name,
        council_id=change.council_id,
        status=change.status,
        within_parameters=change.within_parameters,
        reason=change.reason,
        from_weekly_minutes=change.from_weekly_minutes,
        to_weekly_minutes=change.to_weekly_minutes,
        from_weekly_hours=hours(change.from_weekly_minutes),
        to_weekly_hours=hours(change.to_weekly_minutes),
        hourly_rate=Decimal(change.hourly_rate_pence) / 100,
        package_weekly_minutes=package.weekly_minutes,
        package_visits=[VisitOut.model_validate(v) for v in package.visits],
        previous_pattern=change.previous_pattern,
        from_visits=[VisitOut.model_validate(v) for v in before],
        to_visits=[VisitOut.model_validate(v) for v in after],
        in_words=change_in_words(change, package),
        consent_by_name=change.consent_by_name,
        consent_by_relationship=change.consent_by_relationship,
        consent_method=change.consent_method,
        consent_at=change.consent_at,
        effective_from=change.effective_from,
        submit_from=change.submit_from,
        submitted_at=change.submitted_at,
        decided_at=change.decided_at,
        decision_note=change.decision_note,
        decided_weekly_minutes=change.decided_weekly_minutes,
        created_at=change.created_at,
        impact=impact_figures(impact_for(change, package), change.hourly_rate_pence),
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
        readable_changes(actor)
        .add_columns(Package, Organisation)
        .join(Package, Package.id == ProviderChange.package_id)
        .join(Organisation, Organisation.id == ProviderChange.provider_id)
        .where(
            ProviderChange.created_at >= _day_start(start),
            ProviderChange.created_at < _day_start(end + timedelta(days=1)),
        )
        .order_by(ProviderChange.id)
    ).all()
    return impact_report(
        ((change, package, provider) for change, package, provider in rows),
        start=start,
        end=end,
    )


# --- consent requests --------------------------------------------------------------------


def open_request(session: Session, package_id: int) -> ConsentRequest | None:
    """The package's request still waiting for an answer; a package has at most one."""
    return session.scalars(
        select(ConsentRequest).where(
            ConsentRequest.package_id == package_id, ConsentRequest.answer.is_(None)
        )
    ).first()


def list_requests(
    session: Session, *, actor: Actor, open_only: bool = False
) -> list[ConsentRequest]:
    """Requests the actor may see: the person their own, a provider and council theirs."""
    stmt = readable_consent_requests(actor).order_by(
        ConsentRequest.requested_at.desc(), ConsentRequest.id.desc()
    )
    if open_only:
        stmt = stmt.where(ConsentRequest.answer.is_(None))
    return list(session.scalars(stmt))


def requests_of_package(
    session: Session, *, actor: Actor, package_id: int, limit: int
) -> list[ConsentRequest]:
    """A package's consent requests, the latest first, for its page."""
    stmt = (
        readable_consent_requests(actor)
        .where(ConsentRequest.package_id == package_id)
        .order_by(ConsentRequest.requested_at.desc(), ConsentRequest.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def get_request(session: Session, *, actor: Actor, request_id: int) -> ConsentRequest:
    return load_readable(
        session, readable_consent_requests(actor), ConsentRequest, request_id, "consent request"
    )
