"""The server killed mid-batch loses nothing it acknowledged: the release battery, short.

`python -m reliability.durability` SIGKILLs the real server five times under carers'
phone batches, on SQLite and on the session's PostgreSQL server; the release battery does
it two hundred times a store. Its checks are the assertions here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import delete

from homecare.db import make_engine, unit_of_work
from homecare.delivery.tables import CallEvent
from reliability.durability import Figures, Journal, check_in_flight, final_check
from tests.support.pgserver import TemporaryPostgres

ROOT = Path(__file__).resolve().parents[2]


def _battery(tmp_path: Path, *args: str) -> dict[str, Any]:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"other": {"kept": True}}))
    done = subprocess.run(
        [
            sys.executable, "-m", "reliability.durability", "--kills", "5", "--longest", "1.0",
            "--keep", str(tmp_path / "work"), *args,
        ],
        cwd=ROOT,
        env={**os.environ, "HOMECARE_RELIABILITY_REPORT": str(report)},
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    written = json.loads(report.read_text())
    assert written["other"] == {"kept": True}
    figures: dict[str, Any] = written["durability"]
    return figures


def _nothing_lost(figures: dict[str, Any]) -> None:
    assert figures["kills"] == 5
    assert figures["batches_acknowledged"] > 0
    assert figures["events_acknowledged"] == 50 * figures["batches_acknowledged"]
    assert figures["missing"] == 0
    assert figures["duplicated"] == 0
    assert figures["half_applied"] == 0
    assert figures["never_sent"] == 0
    assert figures["refused_events"] == 0
    assert figures["attendance_mismatch"] == 0
    assert figures["ok"] is True


def test_five_kills_of_the_server_on_sqlite_lose_no_acknowledged_event_and_halve_no_batch(
    tmp_path: Path,
) -> None:
    figures = _battery(tmp_path, "--store", "sqlite")["sqlite"]
    _nothing_lost(figures)
    assert figures["integrity"] == "ok"
    _the_checks_see_a_lost_event(tmp_path / "work")


def _the_checks_see_a_lost_event(work: Path) -> None:
    """One event of an acknowledged batch taken out of the store afterwards: the battery's
    checks call the event missing and, had the batch been in the air, half-applied."""
    url = f"sqlite:///{work / 'durability.db'}"
    journal = Journal(work / "sqlite-journal.jsonl")
    sent, acknowledged = journal.read()
    batch = sorted(acknowledged)[0]
    engine = make_engine(url)
    with unit_of_work(engine) as s:
        s.execute(delete(CallEvent).where(CallEvent.client_event_id == sent[batch][0]))
    engine.dispose()
    figures = Figures("sqlite")
    final_check(url, journal, figures, sqlite=True)
    assert (figures.missing, figures.duplicated, figures.integrity) == (1, 0, "ok")
    in_the_air = SimpleNamespace(
        lock=threading.Lock(), pending=(batch, [{"client_event_id": c} for c in sent[batch]])
    )
    check_in_flight(url, [in_the_air], figures)  # type: ignore[list-item]
    assert (figures.in_flight_at_kill, figures.half_applied) == (1, 1)
    journal.close()


@pytest.mark.postgres
def test_five_kills_of_the_server_on_postgresql_lose_no_acknowledged_event_and_halve_no_batch(
    tmp_path: Path, pg_server: TemporaryPostgres
) -> None:
    figures = _battery(tmp_path, "--store", "postgresql", "--postgres-url", pg_server.url())
    _nothing_lost(figures["postgresql"])
