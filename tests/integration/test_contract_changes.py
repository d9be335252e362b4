"""Contracts change over their years, each change a version: a rate from a day (never
backdated), new limits, an extension, an early end with notice, and the conditions checked
when a contract is made or extended. Through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from homecare.access import SYSTEM_ACTOR
from homecare.cli import app
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.market.contracts import apply_due_versions
from homecare.market.tables import Contract, ContractVersion, Organisation
from homecare.packages.tables import Package
from tests.conftest import auth
from tests.support.caseload import place_package
from tests.support.world import MONDAY_10AM, World

MONDAY = MONDAY_10AM.date()  # 5 October 2026


def package_rate(engine: Engine, package_id: int) -> int:
    with engine.connect() as conn:
        rate = conn.scalar(select(Package.hourly_rate_pence).where(Package.id == package_id))
    assert rate is not None
    return int(rate)


def new_contract(client: TestClient, world: World, **extra: Any) -> Any:
    body = {
        "provider_id": world.providers["Wortley Care"],
        "lot": 1,
        "zone_id": world.empty_zone_id,
        "role": "framework",
        "hourly_rate": "24.00",
        "weekly_capacity_hours": "100",
        "starts_on": "2026-10-01",
        **extra,
    }
    return client.post("/contracts", json=body, headers=auth(world.tokens["commissioner"]))


def test_an_uplift_takes_effect_on_its_day_for_the_contract_and_its_live_packages(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    clock.set(MONDAY_10AM)
    placed = place_package(engine, world)
    contract_id = world.contracts["Aire Homecare/1"]
    commissioner = auth(world.tokens["commissioner"])

    made = client.post(
        f"/contracts/{contract_id}/rate-changes",
        json={"hourly_rate": "27.10", "effective_from": "2026-10-12", "reason": "Annual uplift"},
        headers=commissioner,
    )

    assert made.status_code == 201, made.text
    assert made.json()["applied_on"] is None
    # Before its day, nothing changes: the contract and the package keep £26.22.
    assert (
        client.get(f"/contracts/{contract_id}", headers=commissioner).json()["hourly_rate_pence"]
        == 2622
    )
    assert package_rate(engine, placed.package_id) == 2622

    clock.set(MONDAY_10AM + timedelta(days=7))
    with unit_of_work(engine) as s:
        assert apply_due_versions(s, actor=SYSTEM_ACTOR, at=clock.now()) == 1

    assert (
        client.get(f"/contracts/{contract_id}", headers=commissioner).json()["hourly_rate_pence"]
        == 2710
    )
    assert package_rate(engine, placed.package_id) == 2710
    versions = client.get(f"/contracts/{contract_id}/versions", headers=commissioner).json()
    assert [(v["number"], v["change"], v["applied_on"]) for v in versions] == [
        (1, "made", versions[0]["applied_on"]),
        (2, "rate_changed", "2026-10-12"),
    ]
    assert versions[0]["hourly_rate_pence"] == 2622


def test_a_rate_change_cannot_be_backdated_or_doubled_on_one_day(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    clock.set(MONDAY_10AM)
    contract_id = world.contracts["Bramley Care/1"]
    commissioner = auth(world.tokens["commissioner"])
    url = f"/contracts/{contract_id}/rate-changes"

    backdated = client.post(
        url,
        json={"hourly_rate": "26.00", "effective_from": "2026-10-01", "reason": "Uplift"},
        headers=commissioner,
    )
    first = client.post(
        url,
        json={"hourly_rate": "26.00", "effective_from": "2026-11-02", "reason": "Uplift"},
        headers=commissioner,
    )
    again = client.post(
        url,
        json={"hourly_rate": "26.50", "effective_from": "2026-11-02", "reason": "Uplift"},
        headers=commissioner,
    )

    assert backdated.status_code == 422
    assert backdated.json()["field"] == "effective_from"
    assert "cannot be backdated" in backdated.json()["detail"]
    assert "5 October 2026" in backdated.json()["detail"]
    assert first.status_code == 201
    assert again.status_code == 409
    assert "2 November 2026" in again.json()["detail"]


def test_a_rate_change_from_today_applies_at_once_and_a_provider_cannot_make_one(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    clock.set(MONDAY_10AM)
    placed = place_package(engine, world, provider="Kirkstall Care", nhs_number="9990000026")
    contract_id = world.contracts["Kirkstall Care/1"]
    body = {"hourly_rate": "28.00", "effective_from": "2026-10-05", "reason": "Winter rate"}

    refused = client.post(
        f"/contracts/{contract_id}/rate-changes",
        json=body,
        headers=auth(world.tokens["Kirkstall Care"]),
    )
    made = client.post(
        f"/contracts/{contract_id}/rate-changes",
        json=body,
        headers=auth(world.tokens["commissioner"]),
    )

    assert refused.status_code in (403, 404)
    assert made.status_code == 201, made.text
    assert made.json()["applied_on"] == "2026-10-05"
    assert package_rate(engine, placed.package_id) == 2800


def test_limits_change_capacity_and_the_trusted_assessor_limits(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    clock.set(MONDAY_10AM)
    contract_id = world.contracts["Wortley Care/1"]
    commissioner = auth(world.tokens["commissioner"])

    nothing = client.post(
        f"/contracts/{contract_id}/limit-changes", json={"reason": "Review"}, headers=commissioner
    )
    changed = client.post(
        f"/contracts/{contract_id}/limit-changes",
        json={"weekly_capacity_hours": "150", "flex_up_percent": 10, "reason": "Winter review"},
        headers=commissioner,
    )
    contract = client.get(f"/contracts/{contract_id}", headers=commissioner).json()

    assert nothing.status_code == 422
    assert nothing.json()["field"] == "weekly_capacity_hours"
    assert changed.status_code == 201, changed.text
    assert contract["weekly_capacity_hours"] == "150.00"
    assert (contract["flex_up_percent"], contract["flex_down_percent"]) == (10, 20)


def test_an_extension_goes_at_most_24_months_past_the_first_end(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    clock.set(MONDAY_10AM)
    commissioner = auth(world.tokens["commissioner"])
    made = new_contract(client, world, ends_on="2029-09-30")
    assert made.status_code == 201, made.text
    contract_id = made.json()["id"]
    open_ended = world.contracts["Wortley Care/1"]

    too_far = client.post(
        f"/contracts/{contract_id}/extension",
        json={"ends_on": "2031-10-01", "reason": "Extension option"},
        headers=commissioner,
    )
    extended = client.post(
        f"/contracts/{contract_id}/extension",
        json={"ends_on": "2031-09-30", "reason": "Extension option"},
        headers=commissioner,
    )
    nothing_to_extend = client.post(
        f"/contracts/{open_ended}/extension",
        json={"ends_on": "2031-09-30", "reason": "Extension option"},
        headers=commissioner,
    )

    assert too_far.status_code == 422
    assert "30 September 2031" in too_far.json()["detail"]
    assert extended.status_code == 201, extended.text
    assert extended.json()["ends_on"] == "2031-09-30"
    assert nothing_to_extend.status_code == 409


def test_ending_a_contract_early_needs_its_notice_or_a_recorded_reason(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    clock.set(MONDAY_10AM)
    commissioner = auth(world.tokens["commissioner"])
    contract_id = world.contracts["Wortley Care/1"]
    url = f"/contracts/{contract_id}/termination"

    short = client.post(
        url, json={"ends_on": "2026-11-30", "reason": "Provider exit"}, headers=commissioner
    )
    without_notice = client.post(
        url,
        json={
            "ends_on": "2026-11-30",
            "reason": "Provider exit",
            "without_notice_reason": "CQC cancelled the provider's registration",
        },
        headers=commissioner,
    )

    assert short.status_code == 409
    assert short.json()["field"] == "ends_on"
    assert "90 days' notice" in short.json()["detail"]
    assert "3 January 2027" in short.json()["detail"]
    assert without_notice.status_code == 201, without_notice.text
    assert without_notice.json()["ends_on"] == "2026-11-30"


def test_a_contract_for_a_provider_short_of_the_conditions_needs_an_override(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    clock.set(MONDAY_10AM)
    with unit_of_work(engine) as s:
        wortley = s.get(Organisation, world.providers["Wortley Care"])
        assert wortley is not None
        wortley.rating_overall = "inadequate"
        wortley.rating_well_led = "inadequate"

    refused = new_contract(client, world)
    overridden = new_contract(
        client, world, override_reason="Only provider able to cover the zone over winter"
    )

    assert refused.status_code == 409
    assert refused.json()["field"] == "override_reason"
    assert (
        "rated at least requires improvement overall (rated Inadequate overall)"
        in (refused.json()["detail"])
    )
    assert overridden.status_code == 201, overridden.text
    versions = client.get(
        f"/contracts/{overridden.json()['id']}/versions",
        headers=auth(world.tokens["commissioner"]),
    ).json()
    assert versions[0]["override_reason"] == "Only provider able to cover the zone over winter"
    assert {c["code"]: c["met"] for c in versions[0]["conditions"]} == {
        "cqc_registered": True,
        "overall_rating": False,
        "well_led_good": False,
        "workforce_data_set": True,
    }


def test_the_uplift_command_raises_every_contract_or_none(
    engine: Engine, world: World, db_url: str
) -> None:
    runner = CliRunner()
    command = ["contracts", "uplift", "--council", "Leeds City Council", "--percent", "3.5",
               "--reason", "Annual uplift 2027/28", "--database-url", db_url]  # fmt: skip

    backdated = runner.invoke(app, [*command, "--from", "2026-01-05"])
    done = runner.invoke(app, [*command, "--from", "2027-04-05"])

    assert backdated.exit_code == 1, backdated.output
    assert "Nothing changed: a rate change cannot be backdated" in backdated.output
    assert done.exit_code == 0, done.output
    # Aire Homecare's £26.22 × 1.035 = £27.1377, to the penny £27.14.
    assert "£26.22" in done.output and "£27.14" in done.output
    with engine.connect() as conn:
        pending = conn.execute(
            select(ContractVersion.contract_id, ContractVersion.hourly_rate_pence).where(
                ContractVersion.change == "rate_changed"
            )
        ).all()
        leeds = set(
            conn.scalars(select(Contract.id).where(Contract.council_id == world.council_id))
        )
    assert (world.contracts["Aire Homecare/1"], 2714) in pending
    assert {contract for contract, _ in pending} == leeds
