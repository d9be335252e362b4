"""Quality record queries, every one built on `readable_quality`.

A provider keeps these records about itself; the councils it holds a contract with read
them to monitor the contract (000 Appendix 2). Nobody else sees any, and a row the actor
may not read is loaded exactly like a missing one (404). `ProviderRecords` answers the
rules' questions about the provider's own care workers, people, packages and records.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from homecare.access import Actor, load_readable, scoped
from homecare.errors import NotFound
from homecare.market.tables import Contract, Organisation
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package
from homecare.people.repository import readable_people
from homecare.people.tables import Person
from homecare.quality.domain import MAX_ID, Span, Worker, check_period
from homecare.quality.registry import Kind
from homecare.quality.tables import QualityRecord, RecordT, SicknessAbsence, StaffingSpend
from homecare.workforce.repository import readable_care_workers
from homecare.workforce.tables import CareWorker


def contracted_provider_ids(council_id: int) -> Select[Any]:
    """Providers holding any contract with the council, ended ones included: their past
    returns stay the council's to read."""
    return select(Contract.provider_id).where(Contract.council_id == council_id)


def readable_quality(actor: Actor, model: type[QualityRecord]) -> Select[Any]:
    """The rows of `model` the actor may read: the system all, a provider its own, council
    staff those of providers contracted with their council, everyone else none."""
    return scoped(
        actor,
        select(model),
        council=lambda council_id: model.provider_id.in_(contracted_provider_ids(council_id)),
        provider=lambda provider_id: model.provider_id == provider_id,
    )


def list_records(
    session: Session,
    kind: Kind[RecordT],
    *,
    actor: Actor,
    date_from: date | None = None,
    date_to: date | None = None,
    provider_id: int | None = None,
) -> list[RecordT]:
    """The records of one kind the actor may read, oldest first.

    A record is in the period when any day it covers is (an absence or a spend period
    that straddles `date_from` counts).
    """
    check_period(date_from, date_to)
    model = kind.table
    first, last = (getattr(model, column) for column in kind.span)
    stmt = readable_quality(actor, model)
    conditions = []
    if date_from is not None:
        conditions.append(last >= date_from)
    if date_to is not None:
        conditions.append(first <= date_to)
    if provider_id is not None:
        conditions.append(model.provider_id == provider_id)
    if conditions:
        stmt = stmt.where(and_(*conditions))
    return list(session.scalars(stmt.order_by(first, model.id)))


def get_record(session: Session, kind: Kind[RecordT], *, actor: Actor, record_id: int) -> RecordT:
    """One record the actor may read; another provider's looks missing (404)."""
    model = kind.table
    label = model.__tablename__.replace("_", " ")
    if not 1 <= record_id <= MAX_ID:
        raise NotFound(f"{label} {record_id} not found")
    return load_readable(session, readable_quality(actor, model), model, record_id, label)


class ProviderRecords:
    """The store the rules in `homecare.quality.domain` ask, seen as the provider's manager.

    `scope` decides which care workers, people and packages are the provider's own.
    """

    def __init__(self, session: Session, scope: Actor, provider_id: int) -> None:
        self.session = session
        self.scope = scope
        self.provider_id = provider_id

    def care_worker(self, ident: int) -> Worker | None:
        stmt = readable_care_workers(self.scope).where(CareWorker.id == ident)
        worker = self.session.scalars(stmt).first()
        if worker is None:
            return None
        return Worker(
            id=worker.id,
            contract_type=worker.contract_type,
            shift_days=tuple(worker.shift_pattern),
        )

    def has_person(self, ident: int) -> bool:
        return self._has(readable_people(self.scope), Person, ident)

    def has_package(self, ident: int) -> bool:
        return self._has(readable_packages(self.scope), Package, ident)

    def _has(self, readable: Select[Any], model: type[Person] | type[Package], ident: int) -> bool:
        return self.session.scalars(readable.where(model.id == ident)).first() is not None

    def absence_overlapping(self, care_worker_id: int, first: date, last: date) -> Span | None:
        """Locks the care worker first, so two overlapping absences cannot both pass."""
        self.session.get(CareWorker, care_worker_id, with_for_update=True)
        clash = self.session.scalars(
            select(SicknessAbsence).where(
                SicknessAbsence.care_worker_id == care_worker_id,
                SicknessAbsence.first_day <= last,
                SicknessAbsence.last_day >= first,
            )
        ).first()
        return None if clash is None else Span(clash.id, clash.first_day, clash.last_day)

    def spend_overlapping(self, first: date, last: date) -> Span | None:
        """Locks the provider first, so two overlapping spend periods cannot both pass."""
        self.session.get(Organisation, self.provider_id, with_for_update=True)
        clash = self.session.scalars(
            select(StaffingSpend).where(
                StaffingSpend.provider_id == self.provider_id,
                StaffingSpend.period_start <= last,
                StaffingSpend.period_end >= first,
            )
        ).first()
        return None if clash is None else Span(clash.id, clash.period_start, clash.period_end)
