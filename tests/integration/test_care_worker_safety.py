"""The care worker's phone is safe: a second check-in refused with the way out, "not at
home" confirmed and undone, leaving early explained, overdue visits flagged.

The round of tests/integration/test_web_care_worker.py: Aisha Khan is on Margaret
Holroyd's morning call (window 7am to 10am) and two-handed bed call with Ben Hall. The
clock is Monday 5 October 2026, 10:00 in London (9:00 UTC). Aire Homecare's office number
is 0113 496 0100.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.delivery.tables import Visit
from tests.conftest import auth
from tests.integration import test_web_care_worker as web
from tests.integration.test_web_care_worker import Round, _form, _text, act, events, sign_in_as
from tests.support.world import MONDAY_10AM

NOTE = "Had porridge and her morning tablets"

round_ = web.round_
browser = web.browser
"""The round and the signed-out phone browser of the care worker's page tests."""


def _status(engine: Engine, visit_id: int) -> str:
    with engine.connect() as conn:
        return str(conn.scalar(select(Visit.status).where(Visit.id == visit_id)))


def _event(visit_id: int, kind: str, at: datetime, cid: str) -> dict[str, Any]:
    return {
        "client_event_id": cid,
        "visit_id": visit_id,
        "kind": kind,
        "occurred_at": at.isoformat(),
    }


def _send(client: TestClient, token: str, *batch: dict[str, Any]) -> list[tuple[str, Any]]:
    response = client.post("/call-events", json={"events": list(batch)}, headers=auth(token))
    assert response.status_code == 200, response.text
    return [(r["result"], r["reason"]) for r in response.json()["results"]]


# --- a second check-in ------------------------------------------------------------------


def test_a_second_check_in_on_the_page_is_refused_with_the_way_out(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    act(browser, "/app/today", round_.morning, "check-in")

    refused = act(browser, "/app/today", round_.bed, "check-in")

    assert refused.status_code == 409
    assert "Check out of 7am Margaret Holroyd first: you are still checked in there" in _text(
        refused
    )
    assert f'href="/app/today/visits/{round_.morning}" id="way-out"' in refused.text
    assert events(engine, round_.bed) == []


def test_the_api_refuses_a_live_second_check_in_as_the_page_does(
    client: TestClient, round_: Round
) -> None:
    now = MONDAY_10AM

    results = _send(
        client,
        round_.aisha.token,
        _event(round_.morning, "check_in", now, "in-morning"),
        _event(round_.bed, "check_in", now + timedelta(seconds=30), "in-bed"),
    )

    assert results == [
        ("applied", None),
        ("rejected", "still checked in to visit 1 since 10am: check out of it first"),
    ]


def test_an_offline_batch_with_an_overlapping_check_in_is_applied_once_and_flagged(
    client: TestClient, engine: Engine, round_: Round
) -> None:
    # Made at 8:40 and 8:50 London on a phone without signal, sent at 10:00.
    early = datetime(2026, 10, 5, 7, 40, tzinfo=UTC)
    batch = (
        _event(round_.morning, "check_in", early, "off-morning"),
        _event(round_.bed, "check_in", early + timedelta(minutes=10), "off-bed"),
    )

    first = _send(client, round_.aisha.token, *batch)
    again = _send(client, round_.aisha.token, *reversed(batch))

    assert first == [("applied", None), ("applied", None)]
    assert [result for result, _ in again] == ["duplicate", "duplicate"]
    with engine.connect() as conn:
        flags = conn.execute(
            select(AuditEvent.entity_id, AuditEvent.detail).where(
                AuditEvent.action == "visit.overlapping_check_in"
            )
        ).all()
    assert [(entity, detail["visit_id"]) for entity, detail in flags] == [
        (round_.bed, round_.morning)
    ]


# --- not at home ------------------------------------------------------------------------


def test_not_at_home_asks_first_with_the_steps_and_the_office_number(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    target = f"/app/today/visits/{round_.morning}/not-at-home"

    asked = browser.get(target)
    unconfirmed = browser.post(
        target, data=_form(asked.text, target) | {"confirm": "no"}, follow_redirects=False
    )

    page = _text(asked)
    assert asked.status_code == 200
    assert "Is Margaret Holroyd not at home?" in page
    assert "Ask the neighbours. Use the key safe only if the care plan says you can." in page
    assert 'href="tel:01134960100">0113 496 0100</a>' in asked.text
    assert unconfirmed.status_code == 200
    assert "Yes, record not at home" in unconfirmed.text
    assert events(engine, round_.morning) == []


def _confirm_not_at_home(browser: TestClient, visit_id: int) -> None:
    target = f"/app/today/visits/{visit_id}/not-at-home"
    data = _form(browser.get(target).text, target)
    assert browser.post(target, data=data, follow_redirects=False).status_code == 303


def test_not_at_home_can_be_undone_for_ten_minutes_and_then_counts_for_nothing(
    browser: TestClient, engine: Engine, round_: Round, clock: FixedClock
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    _confirm_not_at_home(browser, round_.morning)
    clock.set(MONDAY_10AM + timedelta(minutes=9))

    listed = _text(browser.get("/app/today"))
    undone = act(browser, "/app/today", round_.morning, "undo-not-at-home")
    after = _text(browser.get(undone.headers["location"]))

    assert "Not at home recorded — pressed by mistake? You can undo it until 10:10am" in listed
    assert undone.status_code == 303
    assert "You took back ‘not at home’ for Margaret Holroyd’s visit" in after
    assert [kind for kind, _, _ in events(engine, round_.morning)] == [
        "not_at_home",
        "undo_not_at_home",
    ]
    assert _status(engine, round_.morning) == "planned"


def test_after_ten_minutes_not_at_home_stands_and_the_api_says_call_the_office(
    browser: TestClient, client: TestClient, engine: Engine, round_: Round, clock: FixedClock
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    _confirm_not_at_home(browser, round_.morning)
    clock.set(MONDAY_10AM + timedelta(minutes=10))

    listed = browser.get("/app/today").text
    late = client.post(
        f"/visits/{round_.morning}/not-at-home/undo", headers=auth(round_.aisha.token)
    )

    assert f'id="undo-{round_.morning}"' not in listed
    assert late.status_code == 409
    assert "call the office" in late.text
    assert _status(engine, round_.morning) == "not_at_home"


def test_the_api_undoes_the_carers_own_not_at_home(client: TestClient, round_: Round) -> None:
    _send(client, round_.aisha.token, _event(round_.morning, "not_at_home", MONDAY_10AM, "nah"))

    undone = client.post(
        f"/visits/{round_.morning}/not-at-home/undo", headers=auth(round_.aisha.token)
    )
    again = client.post(
        f"/visits/{round_.morning}/not-at-home/undo", headers=auth(round_.aisha.token)
    )

    assert undone.status_code == 200
    assert undone.json()["status"] == "planned"
    assert again.status_code == 409


# --- leaving early ----------------------------------------------------------------------


def test_a_short_check_out_asks_why_and_keeps_the_reason_with_the_note(
    browser: TestClient, engine: Engine, round_: Round, clock: FixedClock
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    act(browser, "/app/today", round_.morning, "check-in")
    clock.set(MONDAY_10AM + timedelta(minutes=10))
    target = f"/app/today/visits/{round_.morning}/check-out"

    asked = act(browser, "/app/today", round_.morning, "check-out", note=NOTE)
    fields = _form(asked.text, target)
    unanswered = browser.post(target, data=fields, follow_redirects=False)
    vague = browser.post(target, data=fields | {"early_reason": "other"}, follow_redirects=False)
    answered = browser.post(
        target,
        data=fields | {"early_reason": "asked_to_leave", "early_details": "Her son arrived."},
        follow_redirects=False,
    )

    assert asked.status_code == 200
    assert "Why are you leaving early?" in _text(asked)
    assert "planned for 30 minutes and you checked in at 10am" in _text(asked)
    assert unanswered.status_code == 400
    assert "Select why you are leaving early" in unanswered.text
    assert vague.status_code == 400
    assert "Say why you are leaving early" in vague.text
    assert answered.status_code == 303
    stored = "Left early: the person asked me to leave. Her son arrived.\n\n" + NOTE
    assert events(engine, round_.morning) == [
        ("check_in", "applied", None),
        ("check_out", "applied", stored),
    ]
    assert "Left early: the person asked me to leave." in _text(
        browser.get(f"/app/today/visits/{round_.bed}")
    )


def test_a_check_out_after_most_of_the_planned_time_asks_nothing(
    browser: TestClient, engine: Engine, round_: Round, clock: FixedClock
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    act(browser, "/app/today", round_.morning, "check-in")
    clock.set(MONDAY_10AM + timedelta(minutes=23))

    posted = act(browser, "/app/today", round_.morning, "check-out")

    assert posted.status_code == 303


# --- overdue ----------------------------------------------------------------------------


def test_a_visit_not_started_after_its_window_closed_is_flagged_overdue(
    browser: TestClient, engine: Engine, round_: Round, clock: FixedClock
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    before = _text(browser.get("/app/today"))
    clock.set(MONDAY_10AM + timedelta(minutes=15))

    after = _text(browser.get("/app/today"))

    assert "Overdue" not in before
    assert "Overdue — window closed at 10am" in after


# --- before check-in --------------------------------------------------------------------


def test_the_round_shows_what_the_care_is_for_before_check_in_only(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    before = _text(browser.get("/app/today"))
    act(browser, "/app/today", round_.morning, "check-in")

    after = browser.get("/app/today").text

    assert before.count("Care is for Stay safe at home") == 2
    assert after.count("Care is for") == 1
