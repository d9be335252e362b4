"""A backup restored into a fresh store gives back every row of every table, on both stores,
and a restore never replaces a store holding rows unless that store is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from homecare.backup import backup, fingerprints, restore, rows_held
from homecare.cli import app
from homecare.cli.db import drill, fresh_store_beside
from homecare.db import make_engine
from homecare.errors import Conflict
from tests.support.caseload import place_package
from tests.support.world import World


def _fingerprints(url: str) -> dict[str, tuple[int, str]]:
    engine = make_engine(url)
    try:
        return {name: (f.rows, f.sha256) for name, f in fingerprints(engine).items()}
    finally:
        engine.dispose()


def test_a_restored_backup_matches_the_store_table_by_table(
    engine: Engine, world: World, db_url: str, tmp_path: Path
) -> None:
    place_package(engine, world)
    out = tmp_path / "store.backup"

    backup(db_url, out)
    with fresh_store_beside(db_url, tmp_path) as fresh:
        restore(fresh, out)
        restored = _fingerprints(fresh)
    original = _fingerprints(db_url)

    assert restored == original
    assert original["person"][0] == 1
    assert original["postcode_point"][0] > 0


def test_a_restore_refuses_a_store_holding_rows_unless_it_is_named(
    engine: Engine, world: World, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "store.backup"
    backup(db_url, out)
    place_package(engine, world)
    engine.dispose()

    with pytest.raises(Conflict, match="--replace-store"):
        restore(db_url, out)
    with pytest.raises(Conflict):
        restore(db_url, out, replace_store="sqlite:///somewhere-else.db")
    still = _fingerprints(db_url)["person"][0]
    restore(db_url, out, replace_store=db_url)
    after = _fingerprints(db_url)["person"][0]

    assert (still, after) == (1, 0)


def test_the_drill_finds_a_whole_restore_and_a_changed_row_in_the_fingerprints(
    engine: Engine, world: World, db_url: str
) -> None:
    place_package(engine, world)
    result, whole = drill(db_url)
    before = fingerprints(engine)["person"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE person SET given_name = 'Changed'"))
    after = fingerprints(engine)["person"]

    assert whole
    assert result["person"] == (1, True)
    assert rows_held(engine) > 0
    assert before.rows == after.rows and before.sha256 != after.sha256


def test_the_commands_back_up_restore_and_drill(
    engine: Engine, world: World, db_url: str, tmp_path: Path
) -> None:
    place_package(engine, world)
    out = tmp_path / "cli.backup"
    runner = CliRunner()

    backed_up = runner.invoke(app, ["db", "backup", "--database-url", db_url, "--out", str(out)])
    refused = runner.invoke(app, ["db", "restore", "--database-url", db_url, "--from", str(out)])
    replaced = runner.invoke(
        app,
        ["db", "restore", "--database-url", db_url, "--from", str(out), "--replace-store", db_url],
    )
    drilled = runner.invoke(app, ["db", "drill", "--database-url", db_url])

    assert backed_up.exit_code == 0, backed_up.output
    assert refused.exit_code == 2 and "--replace-store" in refused.output
    assert replaced.exit_code == 0, replaced.output
    assert drilled.exit_code == 0 and "restored whole" in drilled.output, drilled.output
