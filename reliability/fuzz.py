"""Fuzz the API against its own published OpenAPI document, as each kind of user.

    .venv/bin/python -m reliability.fuzz [--examples 500] [--roles commissioner,nurse]

Builds the test world (tests/support/world.py) in a throwaway SQLite store, loads the
document the app publishes, and sends schemathesis-generated requests, valid and invalid,
to every operation in-process: --examples per operation in all, shared among the roles
(each with its own bearer token, and a stranger with a token that is none). Every answer
is checked against the document (no server error, a declared status, the declared body
schema, content type and headers, auth enforced) and for leaks: no traceback, SQL or file
path in a body. Prints the counts and examples of each finding; with
HOMECARE_RELIABILITY_REPORT set, also writes them there as JSON under "fuzz". Exits 1 when
anything was found.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup, ServerError
from schemathesis.core.result import Ok
from schemathesis.openapi.checks import JsonSchemaError, UndefinedStatusCode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import make_engine, unit_of_work
from homecare.migrate import upgrade
from reliability.canaries import seed_canaries
from reliability.report import merge_into_report
from tests.support.world import MONDAY_10AM, World, build_world, load_pilot_postcodes

STRANGER = "stranger"
"""Someone whose bearer token is no token at all: refused everywhere but /health."""

ROLES = ("commissioner", "broker", "Aire Homecare", "nurse", STRANGER)
"""One of each kind of user (council commissioner and broker, a provider's manager, a
nurse) and a stranger."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
    ignored_auth,
]

REQUEST_SECONDS = 60.0
"""A request still unanswered after this long counts as a server error."""

MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)

LEAKS = ("Traceback", "SELECT ", "sqlalchemy", "/src/", '.py"', "site-packages")
"""What no answer may carry: a stack trace, SQL, or a path into the code."""


@dataclass
class Tally:
    """What the run saw, with a few examples of each kind of finding to act on."""

    requests: int = 0
    server_errors: int = 0
    schema_violations: int = 0
    undocumented_statuses: int = 0
    leaking_bodies: int = 0
    other_failures: int = 0
    skipped: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    origins: Counter[str] = field(default_factory=Counter)
    """Server errors by operation and where they came from."""
    findings: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, text: str, keep: int = 20) -> None:
        examples = self.findings.setdefault(kind, [])
        if len(examples) < keep and text not in examples:
            examples.append(text)

    def counts(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "server_errors": self.server_errors,
            "schema_violations": self.schema_violations,
            "undocumented_statuses": self.undocumented_statuses,
            "leaking_bodies": self.leaking_bodies,
            "other_failures": self.other_failures,
            "operations_with_nothing_to_make_invalid": self.skipped,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "server_errors_by_origin": dict(self.origins.most_common()),
        }

    def clean(self) -> bool:
        return not (
            self.server_errors
            or self.schema_violations
            or self.undocumented_statuses
            or self.leaking_bodies
            or self.other_failures
        )


def leaks(body: bytes) -> list[str]:
    """The tell-tales of internals in an answer's body."""
    text = body.decode("utf-8", errors="replace")
    return [marker for marker in LEAKS if marker in text]


def _short_search(case: schemathesis.Case[Any]) -> None:
    """Rounds are optimised for as long as asked (10 s unless told): ask for half a second,
    unless the request is meant to be invalid there, so the run spends its time on breadth."""
    if case.path != "/rounds/optimise" or not isinstance(case.body, dict):
        return
    limit = case.body.get("time_limit", 10.0)
    if isinstance(limit, int | float) and not isinstance(limit, bool) and 0.5 < limit <= 120:
        case.body = {**case.body, "time_limit": 0.5}


def _describe(case: schemathesis.Case[Any], status: int) -> str:
    """The request in a line: enough to send it again by hand."""
    sent: dict[str, Any] = {"path": case.path_parameters, "query": case.query}
    if isinstance(case.body, dict | list | str | int | float | bool):
        sent["body"] = case.body
    elif isinstance(case.body, bytes):
        sent["body"] = case.body.decode("utf-8", errors="replace")
    text = json.dumps(sent, default=repr, ensure_ascii=True)
    return f"{case.method} {case.path} -> {status} {text[:300]}"


def _origin(exc: BaseException, *, brief: bool = False) -> str:
    """The exception and the last line of the project's own code it passed through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/homecare/" in f.filename and "site-packages" not in f.filename]
    where = f" at {ours[-1].filename.split('/src/')[-1]}:{ours[-1].lineno}" if ours else ""
    return f"{type(exc).__name__}{where}" if brief else f"{type(exc).__name__}: {exc!s:.120}{where}"


def _record(
    tally: Tally,
    label: str,
    case: schemathesis.Case[Any],
    status: int,
    failures: Sequence[Failure],
) -> None:
    for failure in failures:
        what = _describe(case, status) + f" [{label}] {failure.title}"
        if isinstance(failure, ServerError):
            tally.server_errors += 1
            tally.note("server_errors", what)
            tally.origins[f"{case.method} {case.path}: {status}"] += 1
        elif isinstance(failure, UndefinedStatusCode):
            if status >= 500:  # a server error, counted as such and nothing else
                continue
            tally.undocumented_statuses += 1
            tally.note("undocumented_statuses", what)
        elif isinstance(failure, JsonSchemaError):
            tally.schema_violations += 1
            tally.note("schema_violations", what + f": {failure.message[:300]}")
        else:
            tally.other_failures += 1
            tally.note("other_failures", what + f": {failure.message[:300]}")


def exercise(
    operation: Any, token: str, examples: int, tally: Tally, label: str, mode: GenerationMode
) -> None:
    """Send `examples` generated requests to one operation and tally what comes back."""
    headers = {"Authorization": f"Bearer {token}"}

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        case.headers = {**(case.headers or {}), **headers}  # the role's own token, always
        _short_search(case)
        tally.requests += 1
        try:
            response = case.call(headers=headers, timeout=REQUEST_SECONDS)
        except Exception as exc:  # the app raised instead of answering: a server error
            tally.server_errors += 1
            tally.note("server_errors", _describe(case, 500) + f" [{label}] raised {_origin(exc)}")
            tally.origins[f"{case.method} {case.path}: {_origin(exc, brief=True)}"] += 1
            return
        tally.statuses[response.status_code] += 1
        found = leaks(response.content)
        if found:
            tally.leaking_bodies += 1
            tally.note("leaking_bodies", _describe(case, response.status_code) + f" {found}")
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            _record(tally, label, case, response.status_code, group.exceptions)
        except Failure as failure:
            _record(tally, label, case, response.status_code, [failure])

    try:
        one()
    except Unsatisfiable:  # nothing to make invalid: an operation that takes no input
        tally.skipped += 1


def fuzz(
    app: Any,
    tokens: dict[str, str],
    examples: int,
    roles: Sequence[str] = ROLES,
    progress: Callable[[str], None] | None = None,
) -> Tally:
    """About `examples` requests to every operation, shared among the roles, half of them
    valid and half invalid."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    each = per_role_and_mode(examples, len(roles))
    tokens = {STRANGER: "not-a-token", **tokens}
    for role in roles:
        for operation in operations:
            for mode in MODES:
                exercise(operation, tokens[role], each, tally, role, mode)
        if progress:
            progress(f"{role}: {tally.requests} requests so far")
    return tally


def per_role_and_mode(examples: int, roles: int) -> int:
    """How many examples each role sends per operation and mode, to reach `examples` in all."""
    return max(1, math.ceil(examples / (max(roles, 1) * len(MODES))))


def make_app(engine: Engine) -> Any:
    """The app on a store, its clock fixed at the world's Monday morning."""
    fixed = Settings(
        database_url="unused://", offer_response_hours=4, priority_offer_response_hours=1
    )
    return create_app(fixed, engine=engine, clock=FixedClock(MONDAY_10AM))


@contextmanager
def world_store(folder: Path) -> Iterator[tuple[Engine, World]]:
    """A fresh migrated SQLite store holding the test world, thrown away afterwards."""
    url = f"sqlite:///{folder / 'fuzz.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            load_pilot_postcodes(session)
        world = build_world(engine)
        seed_canaries(engine, world)
        yield engine, world
    finally:
        engine.dispose()


def report(tally: Tally, seconds: float, examples: int) -> dict[str, Any]:
    """The figures the release battery keeps."""
    return {"examples_per_operation": examples, "seconds": round(seconds, 1), **tally.counts()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--examples", type=int, default=500, help="per operation, in all")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated world roles")
    args = parser.parse_args(argv)
    roles = [role for role in args.roles.split(",") if role]
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, world_store(Path(folder)) as (engine, world):
        tally = fuzz(make_app(engine), world.tokens, args.examples, roles, progress=print)
    each = per_role_and_mode(args.examples, len(roles)) * len(roles) * len(MODES)
    figures = report(tally, time.monotonic() - started, each)
    print(json.dumps(figures, indent=2))
    for kind, examples in tally.findings.items():
        print(f"\n{kind}:")
        for line in examples:
            print(f"  {line}")
    merge_into_report("fuzz", {**figures, "findings": tally.findings})
    return 0 if tally.clean() else 1


if __name__ == "__main__":
    sys.exit(main())
