"""A subject access export holds every record about the person and nobody else's, in JSON or
a zip of CSVs, without account secrets or the names of providers that did not take the care;
it is audited and logged as a read."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from homecare.access_log import RecordAccess
from homecare.audit import AuditEvent
from homecare.cli import app
from homecare.db import unit_of_work
from tests.conftest import auth
from tests.support import payloads
from tests.support.caseload import place_package
from tests.support.world import World


def _referred_and_placed(client: TestClient, world: World) -> tuple[int, int]:
    """A person referred, declined by the primary, then taken on by Kirkstall."""
    worker = auth(world.tokens["social_worker"])
    person = client.post("/people", json=payloads.person(), headers=worker).json()
    referral = client.post("/referrals", json=payloads.referral(person["id"]), headers=worker)
    first = referral.json()["offers"][0]
    declined = client.post(
        f"/offers/{first['id']}/decline",
        json={"reason": "no_capacity"},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert declined.status_code == 200, declined.text
    offers = client.get("/offers?status=open", headers=auth(world.tokens["Kirkstall Care"]))
    accepted = client.post(
        f"/offers/{offers.json()[0]['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens["Kirkstall Care"]),
    )
    assert accepted.status_code == 200, accepted.text
    return person["id"], accepted.json()["id"]


def test_the_json_export_holds_the_person_s_records_and_who_looked_and_nobody_else_s(
    engine: Engine, world: World, client: TestClient
) -> None:
    person_id, package_id = _referred_and_placed(client, world)
    someone_else = place_package(engine, world, nhs_number="9990000026")
    client.get(f"/people/{person_id}", headers=auth(world.tokens["broker"]))

    response = client.get(
        f"/people/{person_id}/subject-access", headers=auth(world.tokens["commissioner"])
    )

    assert response.status_code == 200, response.text
    body = response.json()
    records = body["records"]
    assert [p["id"] for p in records["person"]] == [person_id]
    assert [p["id"] for p in records["package"]] == [package_id]
    assert len(records["referral"]) == 1 and len(records["referral_visit"]) == 20
    assert sorted(o["provider"] for o in records["offer"]) == [
        "Kirkstall Care",
        "another provider",
    ]
    assert all("provider_id" not in o for o in records["offer"])
    assert [r["role"] for r in records["record_access"]] == ["broker"]
    every_person = {r.get("person_id") for rows in records.values() for r in rows} - {None}
    assert every_person == {person_id}
    assert someone_else.package_id not in {p["id"] for p in records["package"]}


def test_the_export_is_audited_logged_and_only_for_information_governance(
    engine: Engine, world: World, client: TestClient
) -> None:
    placed = place_package(engine, world)

    by_broker = client.get(
        f"/people/{placed.person_id}/subject-access", headers=auth(world.tokens["broker"])
    )
    by_commissioner = client.get(
        f"/people/{placed.person_id}/subject-access",
        params={"format": "csv"},
        headers=auth(world.tokens["commissioner"]),
    )

    assert by_broker.status_code == 403
    assert by_commissioner.status_code == 200
    with unit_of_work(engine) as s:
        audited = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "person.subject_access_exported")
        ).all()
        logged = s.scalars(select(RecordAccess)).all()
        assert [(a.entity_id, a.detail["format"]) for a in audited] == [(placed.person_id, "csv")]
        assert [(r.person_id, r.what, r.via) for r in logged] == [
            (placed.person_id, "subject access export", "api")
        ]


def test_the_csv_export_is_a_zip_of_one_file_per_kind_without_account_secrets(
    engine: Engine, world: World, db_url: str, tmp_path: Path
) -> None:
    placed = place_package(engine, world)
    out = tmp_path / "sar.zip"

    result = CliRunner().invoke(
        app,
        [
            "privacy",
            "sar",
            "--person",
            str(placed.person_id),
            "--format",
            "csv",
            "--out",
            str(out),
            "--database-url",
            db_url,
        ],
    )

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        accounts = list(csv.DictReader(io.StringIO(archive.read("user_account.csv").decode())))
        people = list(csv.DictReader(io.StringIO(archive.read("person.csv").decode())))
    assert {"person.csv", "package.csv", "package_visit.csv", "record_access.csv"} <= names
    assert [int(p["id"]) for p in people] == [placed.person_id]
    assert json.loads(people[0]["languages"]) == ["English"]
    assert len(accounts) == 1
    assert not {"token_sha256", "password_hash", "totp_secret"} & set(accounts[0])
