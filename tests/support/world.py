"""A small, fully known market for tests: one council, an NHS trust, four providers.

Leeds City Council runs one zone of six real LSOAs in Armley with Aire Homecare as
primary for Lot 1 and Lot 2, and three framework providers behind it whose order is
fixed by the cascade policy: Kirkstall (Outstanding) before Bramley (Good, more spare
capacity) before Wortley (Good, less spare capacity). A second zone (one Bramley LSOA)
has no contracts at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import create_user
from homecare.db import unit_of_work
from homecare.geo.directory import SHIPPED, PostcodeRow, import_rows, read_csv
from homecare.geo.repository import lookup
from homecare.market import service as market
from homecare.market.domain import ContractRole, OrganisationKind

# A Monday in October 2026, 10:00 in London (09:00 UTC).
MONDAY_10AM = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)

ARMLEY_LSOAS = ["E01011292", "E01011362", "E01011363", "E01011293", "E01011294", "E01011284"]
BRAMLEY_ONLY_LSOA = "E01011323"
ARMLEY_POSTCODE = "LS12 1AU"  # LSOA E01011292


@dataclass
class World:
    council_id: int
    other_council_id: int
    trust_id: int
    zone_id: int
    empty_zone_id: int
    providers: dict[str, int] = field(default_factory=dict)
    contracts: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def _rated(overall: str, key: str) -> dict[str, str | None]:
    return {
        "overall": overall,
        "safe": key,
        "effective": key,
        "caring": key,
        "responsive": key,
        "well_led": key,
    }


PROVIDERS = [
    # name, cqc id, ratings, role, lot-1 capacity hours, rate pence
    ("Aire Homecare", "1-1000000001", _rated("good", "good"), "primary", 400, 2622),
    ("Kirkstall Care", "1-1000000002", _rated("outstanding", "good"), "framework", 50, 2700),
    ("Bramley Care", "1-1000000003", _rated("good", "good"), "framework", 300, 2500),
    ("Wortley Care", "1-1000000004", _rated("good", "good"), "framework", 100, 2400),
]


@cache
def _pilot_postcodes() -> tuple[PostcodeRow, ...]:
    return tuple(read_csv(SHIPPED["leeds-pilot"]))


def load_pilot_postcodes(session: Session) -> None:
    """The Leeds pilot's postcode directory, unless the store holds it already.

    The test templates are built with it (tests/conftest.py), so a test's store only needs
    the two look-ups that find the file's first and last postcodes there; a store that
    starts empty, as the web journeys' does, gets the whole import.
    """
    rows = _pilot_postcodes()
    if lookup(session, rows[0].postcode) and lookup(session, rows[-1].postcode):
        return
    import_rows(session, list(rows))


def build_world(engine: Engine) -> World:
    at = MONDAY_10AM
    actor = SYSTEM_ACTOR
    with unit_of_work(engine) as s:
        load_pilot_postcodes(s)
        council = market.create_organisation(
            s,
            actor=actor,
            at=at,
            kind=OrganisationKind.COUNCIL,
            name="Leeds City Council",
            la_code="E08000035",
        )
        other = market.create_organisation(
            s,
            actor=actor,
            at=at,
            kind=OrganisationKind.COUNCIL,
            name="Bradford Metropolitan District Council",
            la_code="E08000032",
        )
        trust = market.create_organisation(
            s,
            actor=actor,
            at=at,
            kind=OrganisationKind.NHS_TRUST,
            name="Leeds Community Healthcare NHS Trust",
            ods_code="RY6",
        )
        for number, name in ((1, "General home care"), (2, "Delegated healthcare")):
            market.create_lot(
                s,
                actor=actor,
                at=at,
                number=number,
                name=name,
                required_skills=[] if number == 1 else ["catheter_care"],
                council_id=council.id,
            )
        zone = market.create_zone(
            s, actor=actor, at=at, name="Armley", lsoa_codes=ARMLEY_LSOAS, council_id=council.id
        )
        empty = market.create_zone(
            s,
            actor=actor,
            at=at,
            name="Bramley",
            lsoa_codes=[BRAMLEY_ONLY_LSOA],
            council_id=council.id,
        )
        world = World(
            council_id=council.id,
            other_council_id=other.id,
            trust_id=trust.id,
            zone_id=zone.id,
            empty_zone_id=empty.id,
        )
        for index, (name, cqc, ratings, role, capacity, rate) in enumerate(PROVIDERS):
            org = market.create_organisation(
                s,
                actor=actor,
                at=at,
                kind=OrganisationKind.PROVIDER,
                name=name,
                cqc_location_id=cqc,
                ratings=ratings,
                phone=f"0113 496 {index + 100:04d}",
                workforce_data_set_on=date(2026, 6, 30),
            )
            world.providers[name] = org.id
            for lot in (1, 2):
                contract = market.create_contract(
                    s,
                    actor=actor,
                    at=at,
                    provider_id=org.id,
                    lot_number=lot,
                    zone_id=zone.id,
                    role=ContractRole(role),
                    hourly_rate_pence=rate,
                    weekly_capacity_minutes=capacity * 60,
                    starts_on=date(2026, 1, 1),
                    council_id=council.id,
                )
                world.contracts[f"{name}/{lot}"] = contract.id
        users = [
            ("commissioner", council.id, Role.COMMISSIONER),
            ("broker", council.id, Role.BROKER),
            ("social_worker", council.id, Role.SOCIAL_WORKER),
            ("other_council_broker", other.id, Role.BROKER),
            ("nurse", trust.id, Role.NEIGHBOURHOOD_NURSE),
        ] + [(name, org_id, Role.PROVIDER_MANAGER) for name, org_id in world.providers.items()]
        # Two finance officers last, so every other account keeps its id: a run drafted by
        # one is approved by the other.
        users += [("finance", council.id, Role.FINANCE_OFFICER)]
        users += [("finance_2", council.id, Role.FINANCE_OFFICER)]
        for key, org_id, role in users:
            _, token = create_user(
                s,
                actor=actor,
                at=at,
                organisation_id=org_id,
                role=role,
                name=key.title(),
                email=f"{key.replace(' ', '.').lower()}@example.org",
            )
            world.tokens[key] = token
    return world
