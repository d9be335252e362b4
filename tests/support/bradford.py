"""Bradford's side of the market for tests: a lot, a zone in Manningham and Calder Care.

The shipped postcode directory is Leeds's, so Bradford's people are recorded with where
they live given in full (latitude, longitude and LSOA), as the API allows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from homecare.access import SYSTEM_ACTOR
from homecare.db import unit_of_work
from homecare.market import service as market
from homecare.market.domain import ContractRole, OrganisationKind
from homecare.market.tables import Contract
from homecare.packages.service import transfer_in_package
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from tests.support.caseload import daily_pattern
from tests.support.world import MONDAY_10AM, World

MANNINGHAM_LSOAS = ["E01010712", "E01010713"]
BRADFORD_POSTCODE = "BD8 7AA"


def bradford_market(engine: Engine, world: World) -> int:
    """Bradford's lot, zone and Calder Care's contract; returns Calder's id."""
    at = MONDAY_10AM
    with unit_of_work(engine) as s:
        market.create_lot(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            number=1,
            name="General home care",
            required_skills=[],
            council_id=world.other_council_id,
        )
        zone = market.create_zone(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            name="Manningham",
            lsoa_codes=MANNINGHAM_LSOAS,
            council_id=world.other_council_id,
        )
        calder = market.create_organisation(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            kind=OrganisationKind.PROVIDER,
            name="Calder Care",
            cqc_location_id="1-2000000001",
            ratings={"overall": "good", "well_led": "good"},
            workforce_data_set_on=at.date(),
        )
        contract = market.create_contract(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            provider_id=calder.id,
            lot_number=1,
            zone_id=zone.id,
            role=ContractRole.PRIMARY,
            hourly_rate_pence=2300,
            weekly_capacity_minutes=300 * 60,
            starts_on=date(2026, 1, 1),
            council_id=world.other_council_id,
        )
        world.providers["Calder Care"] = calder.id
        world.contracts["Calder Care/1"] = contract.id
        return calder.id


def bradford_person(given: str, family: str, nhs_number: str) -> dict[str, Any]:
    return {
        "nhs_number": nhs_number,
        "given_name": given,
        "family_name": family,
        "date_of_birth": "1941-02-03",
        "address": "3 Lumb Lane, Manningham, Bradford",
        "postcode": BRADFORD_POSTCODE,
        "latitude": 53.8003,
        "longitude": -1.7686,
        "lsoa_code": MANNINGHAM_LSOAS[0],
    }


def place_in_bradford(engine: Engine, world: World, body: dict[str, Any]) -> tuple[int, int]:
    with unit_of_work(engine) as s:
        person = record_person(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            data=PersonCreate.model_validate({**body, "council_id": world.other_council_id}),
        )
        contract = s.get(Contract, world.contracts["Calder Care/1"])
        assert contract is not None
        package = transfer_in_package(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            person_id=person.id,
            contract=contract,
            pattern=daily_pattern(),
            outcomes=["Stay safe at home"],
            starts_on=date(2026, 10, 5),
        )
        return person.id, package.id
