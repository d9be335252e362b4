"""`homecare demo` empties only a store it made, an empty one, or one named in so many words.

A store someone has been using carries no mark: the demo refuses it, says which store and
what emptying it would delete, exits non-zero and leaves every row where it was. Naming
the store with `--replace-store` (its URL or, for SQLite, its path) lets the demo replace
it, and a store the demo made (marked) is made again without being named. The demo runs
here as short as it goes: the month of brokerage, no weeks of delivery, no rounds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from homecare.db import make_engine
from homecare.migrate import upgrade
from homecare.store_mark import Holding, holding
from tests.e2e.test_cli import homecare
from tests.support.caseload import place_package
from tests.support.pgserver import TemporaryPostgres
from tests.support.world import build_world

QUICK = ("--today", "2026-11-30T07:30", "--weeks", "0", "--rounds-seconds", "0")


def _used_store(url: str) -> Holding:
    """A store in use: the test world and a person with a package, and no mark."""
    upgrade(url)
    engine = make_engine(url)
    try:
        place_package(engine, build_world(engine))
        return holding(engine)
    finally:
        engine.dispose()


def _holding(url: str) -> Holding:
    engine = make_engine(url)
    try:
        return holding(engine)
    finally:
        engine.dispose()


def _demo(folder: Path, url: str, *extra: str) -> tuple[int, str]:
    result = homecare(
        "demo", *QUICK, "--database-url", url, *extra, cwd=folder, env={"COLUMNS": "400"}
    )
    return result.returncode, " ".join((result.stdout + result.stderr).split())


def test_the_demo_refuses_a_used_store_without_a_mark_and_leaves_it_as_it_was(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'in-use.db'}"
    before = _used_store(url)
    assert before.made_by is None and before.rows["person"] == 1

    code, said = _demo(tmp_path, url)

    assert code != 0, said
    assert f"the store at {url} holds data" in said
    assert "1 person, 1 package" in said
    assert f"{before.rows['audit_event']:,} audit rows" in said
    assert "Nothing was changed" in said
    assert f"--replace-store {url}" in said
    assert _holding(url) == before


def test_naming_the_store_lets_the_demo_replace_it_and_a_demo_store_is_made_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "in-use.db"
    url = f"sqlite:///{path}"
    _used_store(url)

    wrong, said_wrong = _demo(tmp_path, url, "--replace-store", str(tmp_path / "other.db"))
    named, said_named = _demo(tmp_path, url, "--replace-store", str(path))
    made = _holding(url)
    again, said_again = _demo(tmp_path, url)

    assert wrong != 0 and "nothing was changed" in said_wrong.lower()
    assert named == 0, said_named
    assert made.made_by == "homecare demo"
    assert 195 <= made.rows["person"] <= 215
    assert again == 0, said_again
    assert _holding(url).rows["person"] == made.rows["person"]


def test_the_demo_builds_in_a_store_that_is_migrated_but_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)

    code, said = _demo(tmp_path, url)

    assert code == 0, said
    assert _holding(url).made_by == "homecare demo"


@pytest.mark.postgres
def test_the_demo_refuses_a_used_postgresql_store_and_a_flag_naming_another(
    tmp_path: Path, pg_server: TemporaryPostgres
) -> None:
    admin = create_engine(pg_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE store_marks"))
    admin.dispose()
    url = pg_server.url("store_marks")
    before = _used_store(url)

    code, said = _demo(tmp_path, url, "--replace-store", url.replace("store_marks", "other"))
    refused, said_refused = _demo(tmp_path, url)

    assert code != 0 and "nothing was changed" in said.lower()
    assert refused != 0 and "1 person, 1 package" in said_refused
    assert _holding(url) == before
