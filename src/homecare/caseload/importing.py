"""Moving a council's existing caseload in from its case-management extract.

Every row is tried in a savepoint of the one transaction: a row the store refuses (a
provider without a contract for the person's zone, a person already receiving care, a
postcode outside the directory) is rolled back and named with its line and reason, and
the next row is tried, so one run reports every problem. If any row has one, the whole
import is refused and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import SYSTEM_ACTOR, Actor, Permission
from homecare.caseload.import_rows import CaseloadRow
from homecare.errors import DomainError, Forbidden, InvalidInput
from homecare.market.tables import Contract, Lot, Organisation, ZoneLsoa
from homecare.packages.domain import SCHEDULED_PACKAGE_STATUSES
from homecare.packages.service import transfer_in_package
from homecare.packages.tables import Package
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from homecare.people.tables import Person
from homecare.rows import ImportRefused, RowProblem


@dataclass(frozen=True)
class Imported:
    people_added: int
    people_known: int
    packages: int
    weekly_minutes: int


def import_caseload(
    session: Session, *, actor: Actor, at: datetime, council_id: int, rows: list[CaseloadRow]
) -> Imported:
    """People (found by NHS number, or recorded) and their packages, all or nothing."""
    if not (actor.is_system or (actor.may(Permission.MANAGE_MARKET) and actor.is_council)):
        raise Forbidden("only a commissioner or the platform's operator imports a caseload")
    if not actor.is_system and actor.organisation_id != council_id:
        raise Forbidden("a council imports only its own caseload")
    problems: list[RowProblem] = []
    added = known = minutes = 0
    for row in rows:
        savepoint = session.begin_nested()
        try:
            person, new = _person(session, at, council_id, row)
            package = _package(session, at, person, row)
        except DomainError as exc:
            savepoint.rollback()
            problems.append(RowProblem(row.line, exc.field or "", exc.message))
            continue
        savepoint.commit()
        added, known = added + new, known + (not new)
        minutes += package.weekly_minutes
    if problems:
        raise ImportRefused(problems)
    result = Imported(added, known, len(rows), minutes)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="caseload.imported",
        entity="organisation",
        entity_id=council_id,
        created=added,
        records=len(rows),
        weekly_minutes=minutes,
    )
    return result


def _person(
    session: Session, at: datetime, council_id: int, row: CaseloadRow
) -> tuple[Person, bool]:
    person = session.scalar(select(Person).where(Person.nhs_number == row.nhs_number))
    if person is not None:
        if person.council_id != council_id:
            raise InvalidInput("this NHS number is another council's person", field="nhs_number")
        if person.family_name.lower() != row.family_name.lower():
            raise InvalidInput(
                f"this NHS number is already recorded for {person.given_name} {person.family_name}",
                field="nhs_number",
            )
        return person, False
    data = PersonCreate(
        nhs_number=row.nhs_number,
        given_name=row.given_name,
        family_name=row.family_name,
        date_of_birth=row.date_of_birth,
        address=row.address,
        postcode=row.postcode,
        council_id=council_id,
    )
    return record_person(session, actor=SYSTEM_ACTOR, at=at, data=data), True


def _package(session: Session, at: datetime, person: Person, row: CaseloadRow) -> Package:
    live = session.scalar(
        select(Package.id).where(
            Package.person_id == person.id,
            Package.status.in_(SCHEDULED_PACKAGE_STATUSES),
            or_(Package.ends_on.is_(None), Package.ends_on >= row.starts_on),
        )
    )
    if live is not None:
        raise InvalidInput(
            f"this person already has a package of care ({live})", field="nhs_number"
        )
    provider = session.scalar(
        select(Organisation).where(
            Organisation.kind == "provider",
            or_(
                func.lower(Organisation.name) == row.provider.lower(),
                Organisation.cqc_location_id == row.provider,
            ),
        )
    )
    if provider is None:
        raise InvalidInput(f"no provider is called '{row.provider}'", field="provider")
    lot = session.scalar(
        select(Lot).where(Lot.council_id == person.council_id, Lot.number == row.lot)
    )
    if lot is None:
        raise InvalidInput(f"the council has no lot {row.lot}", field="lot")
    zone_id = session.scalar(
        select(ZoneLsoa.zone_id).where(
            ZoneLsoa.council_id == person.council_id, ZoneLsoa.lsoa_code == person.lsoa_code
        )
    )
    contract = session.scalar(
        select(Contract).where(
            Contract.provider_id == provider.id,
            Contract.lot_id == lot.id,
            Contract.zone_id == zone_id,
            Contract.starts_on <= row.starts_on,
            or_(Contract.ends_on.is_(None), Contract.ends_on >= row.starts_on),
        )
    )
    if contract is None:
        raise InvalidInput(
            f"{provider.name} has no contract in lot {row.lot} for {row.postcode}'s zone "
            f"on {row.starts_on.isoformat()}",
            field="provider",
        )
    package = transfer_in_package(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        person_id=person.id,
        contract=contract,
        pattern=row.pattern,
        outcomes=row.outcomes,
        starts_on=row.starts_on,
    )
    package.ends_on = row.ends_on
    return package
