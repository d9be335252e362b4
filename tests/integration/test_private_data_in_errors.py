"""A failed statement about a person never carries the person's details into an error.

SQLAlchemy used to put a statement's bound parameters in the text of its errors, so a
database error while recording someone wrote their NHS number, name, date of birth and
address to whatever showed the error: the server's log, a terminal. The engines now hide
them. Here the store is broken on purpose (a column renamed under the app) and a person
with a canary NHS number and surname is recorded: the error says what failed, and the
canary appears in no error, log record or output.
"""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from tests.conftest import auth
from tests.support import payloads
from tests.support.world import World

CANARY_NHS = payloads.VALID_NHS_NUMBERS[3]
CANARY_SURNAME = "Canarywhistle"
CANARY_ADDRESS = "7 Tweeting Lane"


def test_a_database_error_recording_a_person_shows_none_of_their_details(
    client: TestClient,
    world: World,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE person RENAME COLUMN address TO address_moved")
    body = payloads.person(
        nhs_number=CANARY_NHS, family_name=CANARY_SURNAME, address=CANARY_ADDRESS
    )

    with pytest.raises(DBAPIError) as raised:
        client.post("/people", json=body, headers=auth(world.tokens["social_worker"]))

    message = str(raised.value)
    printed = capsys.readouterr()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "address" in message and "hidden" in message
    for canary in (CANARY_NHS, CANARY_NHS[:3] + " " + CANARY_NHS[3:6], CANARY_SURNAME):
        assert canary not in message
        assert canary not in printed.out + printed.err
        assert canary not in logged
    assert CANARY_ADDRESS not in message + printed.out + printed.err + logged
