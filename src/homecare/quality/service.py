"""Recording the provider's quality and workforce records (000 Appendix 2, measures 13-29).

A provider's manager records these about their own service only: every care worker,
person or package a record names must be one of theirs, and a refusal never says whose
it is instead. The system actor (scenario generation, imports) records for the provider
it names, under the same checks. Council staff read the records of the providers they
contract with (see `homecare.quality.repository`) and never write them.

One action, `record`, keeps every kind declared in `homecare.quality.registry`: it settles
whose record it is, runs the kind's rules from `homecare.quality.rules`, and adds the row
and its audit event to the caller's transaction. A simulation calling it is held to the
same rules as the API; each refusal names the field at fault.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, Role, require
from homecare.errors import Forbidden, InvalidInput
from homecare.market.tables import Organisation
from homecare.quality import repository
from homecare.quality.registry import (
    CASE_STUDIES,
    COMPLAINTS,
    INCIDENTS,
    PEOPLE_SURVEY,
    REFUNDS,
    SICKNESS_ABSENCES,
    STAFF_MOVEMENTS,
    STAFF_SURVEY,
    STAFFING_SPEND,
    TRAINING,
    Kind,
)
from homecare.quality.rules import check_closing
from homecare.quality.tables import Complaint, RecordT


def _provider_for(
    session: Session, actor: Actor, permission: Permission, provider_id: int | None
) -> tuple[int, Actor]:
    """The provider the record is for, and the actor whose view decides what is theirs.

    A provider's manager records for their own provider; the system for the one it names,
    seen as that provider's manager would see it.
    """
    require(actor, permission)
    if actor.is_provider and actor.organisation_id is not None:
        if provider_id is not None and provider_id != actor.organisation_id:
            raise InvalidInput("record only for your own provider", field="provider_id")
        return actor.organisation_id, actor
    if not actor.is_system:
        raise Forbidden(f"the {actor.role.value} role may not keep a provider's records")
    if provider_id is None:
        raise InvalidInput("say which provider the record is for", field="provider_id")
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != "provider":
        raise InvalidInput(f"provider {provider_id} not found", field="provider_id")
    scope = Actor(
        user_id=None,
        organisation_id=provider_id,
        organisation_kind="provider",
        role=Role.PROVIDER_MANAGER,
    )
    return provider_id, scope


def record(
    session: Session,
    kind: Kind[RecordT],
    /,
    *,
    actor: Actor,
    at: datetime,
    provider_id: int | None = None,
    **fields: Any,
) -> RecordT:
    """Keeps one record of `kind` (its fields as the kind's create shape names them).

    `kind` is positional so that a record's own `kind` field (movements, case studies)
    passes through `fields`.
    """
    provider, scope = _provider_for(session, actor, kind.permission, provider_id)
    store = repository.ProviderRecords(session, scope, provider)
    values = kind.rules(store, at, **fields)
    row = kind.table(provider_id=provider, recorded_at=at, **values)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action=kind.action(values),
        entity=row.__tablename__,
        entity_id=row.id,
        provider_id=row.provider_id,
        **kind.audit_detail(values),
    )
    return row


def recorder(kind: Kind[RecordT]) -> Callable[..., RecordT]:
    """`record` for one kind, under the name simulations and imports call it by."""

    def record_kind(session: Session, /, **fields: Any) -> RecordT:
        return record(session, kind, **fields)

    return record_kind


record_staff_movement = recorder(STAFF_MOVEMENTS)
record_sickness_absence = recorder(SICKNESS_ABSENCES)
record_training = recorder(TRAINING)
record_staff_survey_response = recorder(STAFF_SURVEY)
record_staffing_spend = recorder(STAFFING_SPEND)
record_people_survey_response = recorder(PEOPLE_SURVEY)
record_case_study = recorder(CASE_STUDIES)
record_complaint = recorder(COMPLAINTS)
record_incident = recorder(INCIDENTS)
record_refund = recorder(REFUNDS)


def close_complaint(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    complaint_id: int,
    closed_on: date,
    upheld: bool,
) -> Complaint:
    """Closes an open complaint with its finding; a closed one stays closed."""
    require(actor, Permission.MANAGE_DELIVERY)
    complaint = repository.get_record(session, COMPLAINTS, actor=actor, record_id=complaint_id)
    check_closing(
        complaint_id=complaint.id,
        received_on=complaint.received_on,
        closed_on=complaint.closed_on,
        closing_on=closed_on,
        at=at,
    )
    complaint.closed_on = closed_on
    complaint.upheld = upheld
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="complaint.closed",
        entity="complaint",
        entity_id=complaint.id,
        provider_id=complaint.provider_id,
        closed_on=closed_on.isoformat(),
        upheld=upheld,
    )
    return complaint
