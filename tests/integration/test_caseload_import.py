"""Moving a council's caseload in from its extract, through the API and the command line:
all or nothing, every unusable row named. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from homecare.cli import app
from homecare.packages.tables import Package
from homecare.people.tables import Person
from tests.conftest import auth
from tests.support.world import World

SAMPLE = Path(__file__).parents[1] / "data" / "caseload.csv"
CSV = {"Content-Type": "text/csv"}


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        people = conn.scalar(select(func.count()).select_from(Person))
        packages = conn.scalar(select(func.count()).select_from(Package))
    return int(people or 0), int(packages or 0)


def test_a_commissioner_imports_the_extract_and_the_packages_are_live(
    client: TestClient, engine: Engine, world: World
) -> None:
    token = auth(world.tokens["commissioner"])

    imported = client.post("/caseload/imports", content=SAMPLE.read_bytes(),
                           headers={**token, **CSV})  # fmt: skip
    again = client.post("/caseload/imports", content=SAMPLE.read_bytes(),
                        headers={**token, **CSV})  # fmt: skip

    assert imported.status_code == 201, imported.text
    # 1,155 + 3 × 30 + 10 × 30 = 1,545 carer minutes a week: 25.75 hours.
    assert imported.json() == {
        "people_added": 3, "people_known": 0, "packages": 3, "weekly_hours": 25.75,
    }  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(
            select(Package.weekly_minutes, Package.ends_on, Package.referral_id).order_by(
                Package.id
            )
        ).all()
    assert [r.weekly_minutes for r in rows] == [1_155, 90, 300]
    assert str(rows[2].ends_on) == "2026-10-25" and rows[0].referral_id is None
    # The same file again: everyone already has care, so nothing more is written.
    assert again.status_code == 422
    assert {(r["line"], r["column"]) for r in again.json()["rows"]} == {
        (2, "nhs_number"), (3, "nhs_number"), (4, "nhs_number"),
    }  # fmt: skip
    assert counts(engine) == (3, 3)


def test_one_bad_row_in_the_store_refuses_the_whole_file(
    client: TestClient, engine: Engine, world: World
) -> None:
    text = (
        SAMPLE.read_text()
        .replace("Kirkstall Care", "Nobody's Care")
        .replace(
            "ls121bw",
            "LS12 5DP",  # Farnley: outside every zone, so no contract covers it
        )
    )

    refused = client.post("/caseload/imports", content=text.encode(),
                          headers={**auth(world.tokens["commissioner"]), **CSV})  # fmt: skip

    assert refused.status_code == 422
    body = refused.json()
    assert body["detail"] == "2 problems in the file: nothing was imported"
    assert [(r["line"], r["column"]) for r in body["rows"]] == [(3, "provider"), (4, "provider")]
    assert body["rows"][0]["reason"] == "no provider is called 'Nobody's Care'"
    assert counts(engine) == (0, 0)


def test_only_a_commissioner_imports(client: TestClient, world: World) -> None:
    refused = client.post("/caseload/imports", content=SAMPLE.read_bytes(),
                          headers={**auth(world.tokens["broker"]), **CSV})  # fmt: skip

    assert refused.status_code == 403


def test_the_command_imports_or_lists_every_bad_row(
    engine: Engine, world: World, db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(SAMPLE.read_text().replace("2026-09-14", "14th September"))
    runner = CliRunner()
    command = ["caseload", "import", "--council", "Leeds City Council", "--database-url", db_url]

    refused = runner.invoke(app, [*command[:2], str(bad), *command[2:]])
    done = runner.invoke(app, [*command[:2], str(SAMPLE), *command[2:]])

    assert refused.exit_code == 1, refused.output
    assert "starts_on" in refused.output and "nothing was imported" in refused.output
    assert done.exit_code == 0, done.output
    assert "Imported 3 packages of care (25.75 carer hours a week)" in done.output
    assert counts(engine) == (3, 3)
