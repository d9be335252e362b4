"""Canaries: people whose details must never appear in a log, and the search for them.

    .venv/bin/python -m reliability.canaries [--logs build/reliability]

Every store the batteries fill holds the canary people (`seed_canaries`: NHS numbers, a
surname, given names and an address no other record uses). This battery then serves a
store of its own as an operator runs it (`homecare serve`) and sends it the traffic most
likely to carry a person's details into a log: searches by NHS number and surname in the
query string, reads of each canary's record, a new record sent with a date it cannot
read, a sign-in with a canary NHS number as the email. Last, it reads every log the
battery run produced (every `*.log` under the folder, the servers' logs of the load and
durability batteries among them) and counts each canary it finds there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from homecare.access import SYSTEM_ACTOR
from homecare.db import make_engine, unit_of_work
from homecare.migrate import upgrade
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from reliability.report import merge_into_report
from tests.support.world import ARMLEY_POSTCODE, World, build_world

ROOT = Path(__file__).resolve().parents[1]
LOGS_ENV = "HOMECARE_RELIABILITY_LOGS"
"""The folder where batteries leave their servers' logs for this search."""

FAMILY_NAME = "Canarywhistle"
GIVEN_NAMES = ("Philomena", "Ebenezer", "Clementine")
ADDRESS = "17 Linnet Fold, Armley, Leeds"
FIRST_SERIAL = 80_000
"""NHS numbers from here in the 999 test range: far above any the workloads use."""


def nhs_numbers(count: int = len(GIVEN_NAMES)) -> list[str]:
    """Valid NHS numbers (modulus 11) in the 999 test range, kept for the canaries."""
    found: list[str] = []
    n = FIRST_SERIAL
    while len(found) < count:
        body = f"999{n:06d}"
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
        if check != 10:
            found.append(body + str(check % 11))
        n += 1
    return found


def canaries() -> list[str]:
    """Every value that must not be in a log."""
    return [*nhs_numbers(), FAMILY_NAME, *GIVEN_NAMES, ADDRESS]


def canary_bodies() -> list[dict[str, object]]:
    """The canary people as the API takes them."""
    return [
        {
            "nhs_number": nhs,
            "given_name": given,
            "family_name": FAMILY_NAME,
            "date_of_birth": "1936-02-29",
            "address": ADDRESS,
            "postcode": ARMLEY_POSTCODE,
            "languages": ["English"],
        }
        for nhs, given in zip(nhs_numbers(), GIVEN_NAMES, strict=True)
    ]


def seed_canaries(engine: Engine, world: World) -> list[int]:
    """Records the canary people in the world's council; their ids."""
    with unit_of_work(engine) as session:
        ids = []
        for body in canary_bodies():
            data = PersonCreate.model_validate({**body, "council_id": world.council_id})
            person = record_person(session, actor=SYSTEM_ACTOR, at=datetime.now(UTC), data=data)
            ids.append(person.id)
        return ids


def keep_server_log(log: Path, name: str) -> None:
    """A copy of a battery's server log where this search will read it (when asked)."""
    folder = os.environ.get(LOGS_ENV)
    if folder and log.exists():
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, Path(folder) / name)


@dataclass
class Findings:
    files: int = 0
    bytes: int = 0
    found: dict[str, list[str]] = field(default_factory=dict)
    """Each log that holds a canary, and which."""

    @property
    def canaries_found(self) -> int:
        return sum(len(values) for values in self.found.values())


def log_files(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.rglob("*.log")) if p.is_file())


def search(files: Iterable[Path], values: list[str]) -> Findings:
    """Which canaries each file holds, compared without regard to case."""
    findings = Findings()
    wanted = [v.lower() for v in values]
    for path in files:
        text = path.read_text(errors="replace").lower()
        findings.files += 1
        findings.bytes += len(text)
        hits = [value for value, low in zip(values, wanted, strict=True) if low in text]
        if hits:
            findings.found[str(path)] = hits
    return findings


def _send(url: str, *, token: str | None = None, body: object = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def canary_traffic(base: str, token: str, person_ids: list[int]) -> dict[str, int]:
    """The requests most likely to carry a person's details into a log; each one's status."""
    statuses: dict[str, int] = {}
    nhs = nhs_numbers()
    terms = urllib.parse.urlencode({"q": f"{nhs[0]} {FAMILY_NAME}"})
    statuses["people search page"] = _send(f"{base}/app/refer?{terms}")
    statuses["people search"] = _send(f"{base}/people?{terms}", token=token)
    for person_id in person_ids:
        statuses[f"person {person_id}"] = _send(f"{base}/people/{person_id}", token=token)
        statuses[f"person page {person_id}"] = _send(f"{base}/app/people/{person_id}?{terms}")
    statuses["unreadable record"] = _send(
        f"{base}/people",
        token=token,
        body={**canary_bodies()[0], "date_of_birth": f"{FAMILY_NAME} {ADDRESS}"},
    )
    statuses["duplicate record"] = _send(f"{base}/people", token=token, body=canary_bodies()[1])
    sign_in = urllib.parse.urlencode({"email": nhs[2], "password": ADDRESS}).encode()
    statuses["sign-in"] = _send_form(f"{base}/sign-in", sign_in)
    return statuses


def _send_form(url: str, data: bytes) -> int:
    request = urllib.request.Request(
        url, data, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def serve_and_send(folder: Path, logs: Path) -> dict[str, int]:
    """A store with the canaries, served by `homecare serve` logging to `logs`; the traffic."""
    from reliability.workload import free_port, start_server  # which seeds these canaries

    url = f"sqlite:///{folder / 'canaries.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        world = build_world(engine)
        ids = seed_canaries(engine, world)
    finally:
        engine.dispose()
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_server(url, port, logs / "canaries-server.log")
    try:
        return canary_traffic(f"http://127.0.0.1:{port}", world.tokens["social_worker"], ids)
    finally:
        server.terminate()
        server.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--logs",
        type=Path,
        default=ROOT / "build" / "reliability",
        help="the folder whose *.log files are searched (this server logs in its logs/)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="homecare-canaries-") as folder:
        statuses = serve_and_send(Path(folder), args.logs / "logs")
    print("canary traffic:", ", ".join(f"{k} {v}" for k, v in statuses.items()))
    findings = search(log_files(args.logs), canaries())
    print(
        f"searched {findings.files} logs ({findings.bytes:,} characters) for"
        f" {len(canaries())} canaries: {findings.canaries_found} found"
    )
    for path, hits in findings.found.items():
        print(f"  {path}: {', '.join(hits)}")
    merge_into_report(
        "canaries",
        {
            "canaries": len(canaries()),
            "files": findings.files,
            "characters": findings.bytes,
            "canaries_found": findings.canaries_found,
            "found_in": findings.found,
            "traffic": statuses,
        },
    )
    return 0 if findings.canaries_found == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
