"""Generated requests, valid and invalid, as each kind of user: every answer is one the
published OpenAPI document declares, and none gives away the code's internals.

A short run, a few examples per operation; HOMECARE_FUZZ_EXAMPLES raises it (the release
battery runs `python -m reliability.fuzz` with 500).
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from homecare.db import make_engine
from reliability.fuzz import ROLES, STRANGER, Tally, fuzz, leaks, make_app, per_role_and_mode
from tests.support.world import World

EXAMPLES = int(os.environ.get("HOMECARE_FUZZ_EXAMPLES", "8"))


@pytest.fixture
def store(
    sqlite_world_template: tuple[Path, World], tmp_path: Path
) -> Iterator[tuple[Engine, World]]:
    """A throwaway copy of the world: the fuzzing writes whatever it manages to."""
    template, world = sqlite_world_template
    path = tmp_path / "fuzz.db"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine, copy.deepcopy(world)
    engine.dispose()


def _findings(tally: Tally, kind: str) -> str:
    return "\n".join(tally.findings.get(kind, []))


def test_every_answer_to_generated_requests_is_declared_by_the_document_and_leaks_nothing(
    store: tuple[Engine, World],
) -> None:
    engine, world = store
    users = [role for role in ROLES if role != STRANGER]
    tally = fuzz(make_app(engine), world.tokens, EXAMPLES, roles=users)

    assert tally.requests >= 100 * EXAMPLES // 2
    assert tally.undocumented_statuses == 0, _findings(tally, "undocumented_statuses")
    assert tally.schema_violations == 0, _findings(tally, "schema_violations")
    assert tally.leaking_bodies == 0, _findings(tally, "leaking_bodies")
    assert tally.other_failures == 0, _findings(tally, "other_failures")
    assert tally.server_errors == 0, _findings(tally, "server_errors")


def test_a_stranger_is_refused_everywhere_but_health_in_the_declared_shape(
    store: tuple[Engine, World],
) -> None:
    engine, world = store
    tally = fuzz(make_app(engine), world.tokens, 2, roles=[STRANGER])

    assert tally.clean(), tally.findings
    assert set(tally.statuses) <= {200, 401, 422}, tally.statuses
    assert tally.statuses[401] >= 100


def _liar() -> FastAPI:
    """An app whose document promises 200s: it answers 418 with a stack trace, or crashes."""
    app = FastAPI()

    @app.get("/tea")
    def tea() -> JSONResponse:
        return JSONResponse({"detail": 'Traceback: File "app.py", line 1'}, status_code=418)

    @app.get("/coffee")
    def coffee() -> None:
        raise RuntimeError("out of beans")

    return app


def test_the_fuzzing_counts_undeclared_statuses_leaking_bodies_and_crashes() -> None:
    tally = fuzz(_liar(), {"anyone": "token"}, 2, roles=["anyone"])

    assert tally.statuses == {418: 1}
    assert tally.requests == 2
    assert tally.undocumented_statuses == 1
    assert tally.leaking_bodies == 1
    assert tally.server_errors == 1
    assert list(tally.origins) == ["GET /coffee: RuntimeError"]


def test_a_body_with_sql_or_a_path_into_the_code_is_a_leak() -> None:
    assert leaks(b'{"detail": "SELECT people.id FROM people"}') == ["SELECT "]
    assert leaks(b'{"detail": "/srv/app/src/homecare/db.py\\", line 3"}') == ["/src/"]
    assert leaks(b'{"detail": "zone 9 not found"}') == []


def test_the_examples_asked_for_are_shared_among_roles_and_modes() -> None:
    assert per_role_and_mode(500, 5) == 50
    assert per_role_and_mode(8, 4) == 1
    assert per_role_and_mode(1, 5) == 1
