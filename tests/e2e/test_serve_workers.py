"""`homecare serve --workers N`: several server processes serve one store as one server.

Each worker builds its own app, so they must agree on the store and on the server's secret:
a sign-in form fetched from one worker is accepted by another, and a session made by one
is known to the rest. Every request here opens its own connection, which the kernel hands
to whichever worker is free.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from homecare.db import make_engine
from homecare.migrate import upgrade
from tests.support.pgserver import free_port
from tests.support.web_client import PASSWORD, give_password
from tests.support.world import build_world


def _serving_processes(log: Path) -> int:
    """How many processes uvicorn says it started to serve requests."""
    return log.read_text().count("Started server process")


def _cookies(response: httpx.Response) -> str:
    pairs = (c.split(";", 1)[0] for c in response.headers.get_list("set-cookie"))
    return "; ".join(pairs)


def _sign_in(base: str, email: str) -> int:
    with httpx.Client() as first_connection:
        form = first_connection.get(f"{base}/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text[:300]
    with httpx.Client() as second_connection:
        answer = second_connection.post(
            f"{base}/sign-in",
            data={"csrf_token": token.group(1), "email": email, "password": PASSWORD},
            headers={"Cookie": _cookies(form)},
        )
    return answer.status_code


@pytest.mark.parametrize("workers", [1, 2])
def test_every_worker_process_serves_the_named_store_with_the_servers_one_secret(
    tmp_path: Path, workers: int
) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    upgrade(url)
    engine = make_engine(url)
    token = build_world(engine).tokens["social_worker"]
    give_password(engine, "broker@example.org")
    engine.dispose()
    port = free_port()
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "homecare.cli",
            "serve",
            "--port",
            str(port),
            "--database-url",
            url,
            "--workers",
            str(workers),
        ],
        cwd=tmp_path,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while _serving_processes(log) < workers or not _answers(base):
            assert server.poll() is None and time.monotonic() < deadline, (
                "the workers did not start"
            )
            time.sleep(0.2)
        statuses = [_sign_in(base, "broker@example.org") for _ in range(12)]
        people = [
            httpx.get(f"{base}/people", headers={"Authorization": f"Bearer {token}"})
            for _ in range(6)
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert _serving_processes(log) == workers
    assert statuses == [303] * 12
    assert [answer.status_code for answer in people] == [200] * 6
    assert [p.name for p in tmp_path.glob("served.db.secret*")] == ["served.db.secret"]


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
