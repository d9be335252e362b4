"""What `homecare serve` writes to its logs keeps people's details out.

The access log names each request's path but not its query string, so a people search
(`/app/refer?q=<NHS number> <surname>`) and a sign-in's page to return to leave no NHS
number or surname in the server's log; and a database error, logged with its traceback,
does not list the values the failed statement was sent. The server runs as an operator
runs it, on a SQLite store broken on purpose so that recording a person fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from homecare.db import make_engine
from homecare.migrate import upgrade
from tests.support import payloads
from tests.support.pgserver import free_port
from tests.support.world import build_world

CANARY_NHS = payloads.VALID_NHS_NUMBERS[4]
CANARY_SURNAME = "Canarywhistle"


def _store(path: Path) -> tuple[str, str]:
    """A store with the test world, whose person table has lost a column; and a token."""
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    world = build_world(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE person RENAME COLUMN address TO address_moved")
    engine.dispose()
    return url, world.tokens["social_worker"]


def _request(url: str, *, token: str | None = None, body: object = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _wait_for(url: str, server: subprocess.Popen[str], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_the_servers_logs_hold_no_search_terms_and_no_statement_values(tmp_path: Path) -> None:
    url, token = _store(tmp_path / "served.db")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "homecare.cli", "serve", "--port", str(port), "--database-url", url],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/health", server)
        search = urllib.parse.urlencode({"q": f"{CANARY_NHS} {CANARY_SURNAME}"})
        searched = _request(f"{base}/app/refer?{search}")
        looked_up = _request(
            f"{base}/zones/resolve?postcode={CANARY_SURNAME}&nhs={CANARY_NHS}", token=token
        )
        recorded = _request(
            f"{base}/people",
            token=token,
            body=payloads.person(nhs_number=CANARY_NHS, family_name=CANARY_SURNAME),
        )
    finally:
        server.terminate()
        out, err = server.communicate(timeout=20)

    assert (searched, recorded) == (200, 500), (searched, looked_up, recorded, err[-2000:])
    assert 'GET /app/refer HTTP/1.1" 303' in out  # to sign in, with the search to return to
    assert 'GET /sign-in HTTP/1.1" 200' in out
    assert 'GET /zones/resolve HTTP/1.1"' in out
    assert "OperationalError" in err and "hidden" in err
    for canary in (CANARY_NHS, CANARY_SURNAME):
        assert canary not in out
        assert canary not in err
