"""Whose lots and zones each user sees through the HTTP API.

Lots and zones carry no personal data, but they are a council's: a provider sees those of
every council it holds a contract with, and no other council's.
"""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homecare.access import SYSTEM_ACTOR
from homecare.db import unit_of_work
from homecare.market import service as market
from homecare.market.domain import ContractRole
from tests.conftest import auth
from tests.support.world import MONDAY_10AM, World

# Two LSOAs in Bradford's Manningham ward.
MANNINGHAM_LSOAS = ["E01010712", "E01010713"]


def _bradford_contract_for(engine: Engine, world: World, provider: str) -> None:
    """Bradford lets a Lot 1 contract in one zone of its own to a Leeds provider."""
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
        market.create_contract(
            s,
            actor=SYSTEM_ACTOR,
            at=at,
            provider_id=world.providers[provider],
            lot_number=1,
            zone_id=zone.id,
            role=ContractRole.FRAMEWORK,
            hourly_rate_pence=2450,
            weekly_capacity_minutes=100 * 60,
            starts_on=date(2026, 4, 1),
            council_id=world.other_council_id,
        )


def _zone_names(client: TestClient, token: str) -> list[str]:
    response = client.get("/zones", headers=auth(token))
    assert response.status_code == 200, response.text
    return sorted(z["name"] for z in response.json())


def test_a_provider_contracting_with_two_councils_sees_both_councils_zones(
    engine: Engine, world: World, client: TestClient
) -> None:
    _bradford_contract_for(engine, world, "Aire Homecare")

    assert _zone_names(client, world.tokens["Aire Homecare"]) == [
        "Armley",
        "Bramley",
        "Manningham",
    ]


def test_a_provider_contracting_with_two_councils_sees_both_councils_lots(
    engine: Engine, world: World, client: TestClient
) -> None:
    _bradford_contract_for(engine, world, "Aire Homecare")

    response = client.get("/lots", headers=auth(world.tokens["Aire Homecare"]))

    assert response.status_code == 200, response.text
    assert sorted(lot["number"] for lot in response.json()) == [1, 1, 2]


def test_a_provider_contracting_with_one_council_never_sees_the_other_councils_zones(
    engine: Engine, world: World, client: TestClient
) -> None:
    _bradford_contract_for(engine, world, "Aire Homecare")

    assert _zone_names(client, world.tokens["Kirkstall Care"]) == ["Armley", "Bramley"]
    assert _zone_names(client, world.tokens["broker"]) == ["Armley", "Bramley"]
    assert _zone_names(client, world.tokens["other_council_broker"]) == ["Manningham"]


def test_a_zone_of_a_council_the_provider_does_not_contract_with_is_not_found(
    engine: Engine, world: World, client: TestClient
) -> None:
    _bradford_contract_for(engine, world, "Aire Homecare")
    manningham = next(
        z["id"]
        for z in client.get("/zones", headers=auth(world.tokens["other_council_broker"])).json()
    )

    mine = client.get(f"/zones/{manningham}", headers=auth(world.tokens["Aire Homecare"]))
    theirs = client.get(f"/zones/{manningham}", headers=auth(world.tokens["Kirkstall Care"]))
    missing = client.get("/zones/999999", headers=auth(world.tokens["Kirkstall Care"]))

    assert mine.status_code == 200
    assert theirs.status_code == 404
    assert theirs.json()["detail"] == f"zone {manningham} not found"
    assert missing.json()["detail"] == "zone 999999 not found"


def test_the_market_is_public_every_user_sees_organisations_and_their_ratings(
    world: World, client: TestClient
) -> None:
    everyone = client.get("/organisations", headers=auth(world.tokens["Kirkstall Care"]))
    providers = client.get(
        "/organisations", params={"kind": "provider"}, headers=auth(world.tokens["nurse"])
    )
    aire = client.get(
        f"/organisations/{world.providers['Aire Homecare']}",
        headers=auth(world.tokens["Wortley Care"]),
    )

    assert everyone.status_code == 200
    assert len(everyone.json()) == 3 + 4  # two councils, a trust, four providers
    assert sorted(o["name"] for o in providers.json()) == sorted(world.providers)
    assert aire.json()["name"] == "Aire Homecare"
    missing = client.get("/organisations/999999", headers=auth(world.tokens["broker"]))
    assert missing.json()["detail"] == "organisation 999999 not found"


def test_a_postcode_resolves_to_the_zone_that_serves_it_among_the_users_own(
    engine: Engine, world: World, client: TestClient
) -> None:
    _bradford_contract_for(engine, world, "Aire Homecare")

    armley = client.get(
        "/zones/resolve", params={"postcode": "ls12 1au"}, headers=auth(world.tokens["broker"])
    )
    for_bradford = client.get(
        "/zones/resolve",
        params={"postcode": "LS12 1AU"},
        headers=auth(world.tokens["other_council_broker"]),
    )
    unknown = client.get(
        "/zones/resolve", params={"postcode": "ZZ9 9ZZ"}, headers=auth(world.tokens["broker"])
    )

    assert armley.status_code == 200 and armley.json()["name"] == "Armley"
    assert for_bradford.status_code == 404
    assert for_bradford.json()["detail"] == "postcode LS12 1AU is outside every zone"
    assert unknown.json()["detail"] == "postcode ZZ9 9ZZ is not in the postcode directory"


def test_a_contract_is_read_by_its_council_and_its_provider_and_nobody_else(
    world: World, client: TestClient
) -> None:
    contract_id = world.contracts["Bramley Care/1"]

    council = client.get(f"/contracts/{contract_id}", headers=auth(world.tokens["broker"]))
    own = client.get(f"/contracts/{contract_id}", headers=auth(world.tokens["Bramley Care"]))
    other = client.get(f"/contracts/{contract_id}", headers=auth(world.tokens["Wortley Care"]))
    listed = client.get("/contracts", headers=auth(world.tokens["Bramley Care"]))

    assert council.status_code == own.status_code == 200
    assert own.json()["hourly_rate_pence"] == 2500
    assert own.json()["weekly_capacity_hours"] == "300.00"
    assert other.status_code == 404
    assert other.json()["detail"] == f"contract {contract_id} not found"
    assert {c["provider_name"] for c in listed.json()} == {"Bramley Care"}


def test_the_command_lines_lookups_find_organisations_by_id_or_exact_name(
    engine: Engine, world: World
) -> None:
    from homecare.market import repository

    with unit_of_work(engine) as s:
        by_name = repository.organisation_called(s, SYSTEM_ACTOR, "Kirkstall Care")
        by_id = repository.organisation_called(s, SYSTEM_ACTOR, str(world.trust_id))
        nobody = repository.organisation_called(s, SYSTEM_ACTOR, "Kirkstall")
        some = repository.providers_named(s, SYSTEM_ACTOR, ["Wortley Care", "Aire Homecare"])
        every = repository.providers_named(s, SYSTEM_ACTOR)

    assert by_name is not None and by_name.id == world.providers["Kirkstall Care"]
    assert by_id is not None and by_id.name == "Leeds Community Healthcare NHS Trust"
    assert nobody is None
    assert [name for _, name in some] == ["Aire Homecare", "Wortley Care"]
    assert [name for _, name in every] == list(world.providers)
