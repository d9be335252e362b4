"""Fixtures: a store built by the migrations on SQLite and on a real PostgreSQL server.

Store and API tests take `engine` and run twice, once per database. The PostgreSQL server
is started by this test session (see support/pgserver.py) and removed at its end; each
test gets a fresh database cloned from a migrated template, and each SQLite test a copy
of a migrated file.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import make_engine
from homecare.migrate import upgrade
from tests.support.pgserver import TemporaryPostgres
from tests.support.world import MONDAY_10AM, World, build_world

_counter = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TemporaryPostgres]:
    server = TemporaryPostgres().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: TemporaryPostgres) -> str:
    admin = create_engine(pg_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE homecare_template"))
    admin.dispose()
    upgrade(pg_server.url("homecare_template"))
    return "homecare_template"


def _fresh_pg_database(server: TemporaryPostgres, template: str) -> str:
    name = f"test_{next(_counter)}"
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
def _database(request: pytest.FixtureRequest, kind: str, folder: Path) -> Iterator[str]:
    """A migrated, empty store of the given kind, removed afterwards."""
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = folder / f"homecare-{next(_counter)}.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    server: TemporaryPostgres = request.getfixturevalue("pg_server")
    name = _fresh_pg_database(server, request.getfixturevalue("pg_template"))
    try:
        yield server.url(name)
    finally:
        _drop_pg_database(server, name)


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with _database(request, request.param, tmp_path) as url:
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
def world(engine: Engine) -> World:
    return build_world(engine)


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
