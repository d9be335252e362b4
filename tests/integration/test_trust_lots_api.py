"""A lot an NHS trust commissions with the council (000 §12, §30): the trust keeps the case
management of the care in it, so its users read that lot's contracts, referrals, packages
and people, whoever referred them, and nothing of the council's other lots.

Here the test world's Lot 2 is marked as commissioned by Leeds Community Healthcare; the
social worker refers one person into Lot 2 and one into Lot 1, and Aire takes both.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from homecare.db import unit_of_work
from homecare.market.tables import Lot
from tests.conftest import auth
from tests.support import payloads
from tests.support.caseload import hire_care_worker
from tests.support.world import World


def _placed(client: TestClient, world: World, nth: int, lot: int) -> dict[str, Any]:
    """A person referred by the social worker into the lot, and Aire's package for them."""
    social_worker = auth(world.tokens["social_worker"])
    person = client.post(
        "/people", json=payloads.person(payloads.VALID_NHS_NUMBERS[nth]), headers=social_worker
    ).json()
    referral = client.post(
        "/referrals", json=payloads.referral(person["id"], lot=lot), headers=social_worker
    ).json()
    [offer] = referral["offers"]
    package = client.post(
        f"/offers/{offer['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens["Aire Homecare"]),
    ).json()
    return {"person": person["id"], "referral": referral["id"], "package": package["id"]}


def test_the_trust_reads_the_case_management_of_its_lot_and_nothing_of_the_others(
    client: TestClient, world: World, engine: Engine
) -> None:
    with unit_of_work(engine) as s:
        s.execute(update(Lot).where(Lot.number == 2).values(commissioned_by_id=world.trust_id))
    hire_care_worker(engine, world, name="Trained Carer", skills=["catheter_care"])
    healthcare = _placed(client, world, 0, lot=2)
    general = _placed(client, world, 1, lot=1)
    nurse = auth(world.tokens["nurse"])

    contracts = {c["id"]: c["lot"] for c in client.get("/contracts", headers=nurse).json()}
    referrals = [r["id"] for r in client.get("/referrals", headers=nurse).json()]
    packages = [p["id"] for p in client.get("/packages", headers=nurse).json()]

    assert set(contracts.values()) == {2} and len(contracts) == 4
    assert referrals == [healthcare["referral"]]
    assert packages == [healthcare["package"]]
    assert client.get(f"/people/{healthcare['person']}", headers=nurse).status_code == 200
    for path in (
        f"/people/{general['person']}",
        f"/referrals/{general['referral']}",
        f"/packages/{general['package']}",
        f"/contracts/{world.contracts['Aire Homecare/1']}",
    ):
        assert client.get(path, headers=nurse).status_code == 404, path


def test_a_lot_names_the_trust_commissioning_it_and_nothing_else(
    client: TestClient, world: World
) -> None:
    commissioner, nurse = auth(world.tokens["commissioner"]), auth(world.tokens["nurse"])
    lot = {"name": "Delegated healthcare, complex", "required_skills": ["peg_feeding"]}

    made = client.post(
        "/lots",
        json=lot | {"number": 3, "commissioned_by_id": world.trust_id},
        headers=commissioner,
    )
    a_council = client.post(
        "/lots",
        json=lot | {"number": 4, "commissioned_by_id": world.council_id},
        headers=commissioner,
    )
    by_the_trust = client.post(
        "/lots", json=lot | {"number": 5, "commissioned_by_id": world.trust_id}, headers=nurse
    )

    assert made.status_code == 201, made.text
    assert made.json()["commissioned_by_id"] == world.trust_id
    assert a_council.status_code == 422, a_council.text
    assert a_council.json()["field"] == "commissioned_by_id"
    assert "is not an NHS trust" in a_council.json()["detail"]
    assert by_the_trust.status_code == 403, by_the_trust.text
