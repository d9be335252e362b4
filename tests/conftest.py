"""Fixtures: a store built by the migrations on SQLite and on a real PostgreSQL server.

Store and API tests take `engine` and run twice, once per database. The PostgreSQL server
is started by this test session (see support/pgserver.py) and removed at its end; each
test gets a fresh database cloned from a migrated template, and each SQLite test a copy
of a migrated file.

The templates are built once a session and already hold the Leeds pilot's postcode
directory, so no test imports it again. A test that takes `world` gets its copy from a
second template that also holds the test world (support/world.py): `build_world` is
deterministic (a fixed clock and order, so the same ids; its bearer tokens are random but
the same in every copy, which no test can tell apart from a fresh build), and every such
test still has a store of its own.
"""

from __future__ import annotations

import copy
import itertools
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import make_engine, unit_of_work
from homecare.migrate import upgrade
from tests.support.pgserver import TemporaryPostgres
from tests.support.world import MONDAY_10AM, World, build_world, load_pilot_postcodes

_counter = itertools.count()
_WORLD = pytest.StashKey[World]()
T = TypeVar("T")


def _fill(url: str, fill: Callable[[Engine], T]) -> T:
    """Writes into a template store and lets go of it, so it can be copied or cloned."""
    engine = make_engine(url)
    try:
        return fill(engine)
    finally:
        engine.dispose()


def _postcodes(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        load_pilot_postcodes(s)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding the shipped postcode directory."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    _fill(f"sqlite:///{path}", _postcodes)
    return path


@pytest.fixture(scope="session")
def sqlite_world_template(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, World]:
    """The postcode template with the test world built in it, and the world's ids."""
    path = tmp_path_factory.mktemp("sqlite") / "world.db"
    shutil.copy(sqlite_template, path)
    return path, _fill(f"sqlite:///{path}", build_world)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TemporaryPostgres]:
    server = TemporaryPostgres().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: TemporaryPostgres) -> str:
    """A migrated PostgreSQL database holding the shipped postcode directory."""
    admin = create_engine(pg_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE homecare_template"))
    admin.dispose()
    upgrade(pg_server.url("homecare_template"))
    _fill(pg_server.url("homecare_template"), _postcodes)
    return "homecare_template"


@pytest.fixture(scope="session")
def pg_world_template(pg_server: TemporaryPostgres, pg_template: str) -> tuple[str, World]:
    """The postcode template with the test world built in it, and the world's ids."""
    name = _fresh_pg_database(pg_server, pg_template, name="homecare_world_template")
    return name, _fill(pg_server.url(name), build_world)


def _fresh_pg_database(server: TemporaryPostgres, template: str, name: str | None = None) -> str:
    name = name or f"test_{next(_counter)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return name


def _drop_pg_database(server: TemporaryPostgres, name: str) -> None:
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def _database(
    request: pytest.FixtureRequest, kind: str, folder: Path, with_world: bool = False
) -> Iterator[str]:
    """A migrated store of the given kind, removed afterwards.

    It holds the shipped postcode directory and nothing else; with `with_world`, the test
    world too, whose ids are left in the test's stash for the `world` fixture.
    """
    prefix = "sqlite" if kind == "sqlite" else "pg"
    if with_world:
        template, world = request.getfixturevalue(f"{prefix}_world_template")
        request.node.stash[_WORLD] = world
    else:
        template = request.getfixturevalue(f"{prefix}_template")
    if kind == "sqlite":
        path = folder / f"homecare-{next(_counter)}.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    server: TemporaryPostgres = request.getfixturevalue("pg_server")
    name = _fresh_pg_database(server, template)
    try:
        yield server.url(name)
    finally:
        _drop_pg_database(server, name)


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A test's own store; a copy of the world template when the test takes `world`."""
    with_world = "world" in request.fixturenames
    with _database(request, request.param, tmp_path, with_world) as url:
        yield url


@pytest.fixture(scope="module", params=DATABASES)
def module_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One store shared by a module's tests, for data that is slow to build."""
    with _database(request, request.param, tmp_path_factory.mktemp("module")) as url:
        eng = make_engine(url)
        yield eng
        eng.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def world(request: pytest.FixtureRequest, engine: Engine) -> World:
    """The test world, already in the test's store: `db_url` copied it from its template."""
    return copy.deepcopy(request.node.stash[_WORLD])


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_10AM)


@pytest.fixture
def client(engine: Engine, clock: FixedClock) -> TestClient:
    settings = Settings(
        database_url="unused://", offer_response_hours=4, priority_offer_response_hours=1
    )
    return TestClient(create_app(settings, engine=engine, clock=clock))


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
