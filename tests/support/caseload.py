"""A caseload on top of the test world: people with packages, care workers, accounts.

Built with the platform's own services as the system actor, so tests of delivery, the
time bank, changes and reviews start from packages exactly as brokerage leaves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import Engine

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import create_user
from homecare.db import unit_of_work
from homecare.market.tables import Contract
from homecare.packages.service import transfer_in_package
from homecare.pattern import Day, PlannedVisit, TimeBand
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from homecare.workforce.schemas import CareWorkerCreate
from homecare.workforce.service import add_care_worker
from tests.support.payloads import person as person_body
from tests.support.world import ARMLEY_POSTCODE, MONDAY_10AM, World

WEEKDAYS = (Day.MON, Day.TUE, Day.WED, Day.THU, Day.FRI)


def daily_pattern(minutes: int = 30, two_handed_bed: bool = False) -> list[PlannedVisit]:
    """Morning and bed calls every day of the week: 14 visits."""
    visits = []
    for day in Day:
        visits.append(PlannedVisit(day, TimeBand.MORNING, minutes, 1))
        visits.append(PlannedVisit(day, TimeBand.BED, minutes, 2 if two_handed_bed else 1))
    return visits


@dataclass(frozen=True)
class Placed:
    person_id: int
    package_id: int
    person_token: str


def place_package(
    engine: Engine,
    world: World,
    *,
    provider: str = "Aire Homecare",
    lot: int = 1,
    nhs_number: str = "9990000018",
    pattern: list[PlannedVisit] | None = None,
    starts_on: date = date(2026, 10, 5),
    consent_by_name: str | None = None,
    consent_by_relationship: str | None = None,
) -> Placed:
    """A person in Armley with an active package from `provider`, and a family account."""
    with unit_of_work(engine) as s:
        body = person_body(nhs_number=nhs_number, postcode=ARMLEY_POSTCODE)
        if consent_by_name:
            body["consent_by_name"] = consent_by_name
            body["consent_by_relationship"] = consent_by_relationship
        body["council_id"] = world.council_id
        person = record_person(
            s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, data=PersonCreate.model_validate(body)
        )
        contract = s.get(Contract, world.contracts[f"{provider}/{lot}"])
        assert contract is not None
        package = transfer_in_package(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            person_id=person.id,
            contract=contract,
            pattern=pattern or daily_pattern(),
            outcomes=["Stay safe at home"],
            starts_on=starts_on,
        )
        _, token = create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=world.council_id,
            role=Role.PERSON,
            name=f"Family of person {person.id}",
            email=f"family-{person.id}-{nhs_number}@example.org",
            person_id=person.id,
        )
        return Placed(person_id=person.id, package_id=package.id, person_token=token)


@dataclass(frozen=True)
class Worker:
    care_worker_id: int
    token: str


def hire_care_worker(
    engine: Engine,
    world: World,
    *,
    provider: str = "Aire Homecare",
    name: str = "Aisha Khan",
    skills: list[str] | None = None,
) -> Worker:
    """A salaried walker on early and late shifts all week, with a care-worker account."""
    with unit_of_work(engine) as s:
        provider_id = world.providers[provider]
        worker = add_care_worker(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            provider_id=provider_id,
            data=CareWorkerCreate(
                name=name,
                contract_type="salaried_block",
                weekly_contracted_hours=37.5,
                skills=skills or [],
                travel_mode="walk",
                home_postcode=ARMLEY_POSTCODE,
                shift_pattern={d: (time(7, 0), time(22, 0)) for d in Day},
            ),
        )
        _, token = create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=provider_id,
            role=Role.CARE_WORKER,
            name=name,
            email=f"{name.lower().replace(' ', '.')}.{worker.id}@example.org",
            care_worker_id=worker.id,
        )
        return Worker(care_worker_id=worker.id, token=token)
