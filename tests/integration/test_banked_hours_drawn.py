"""Banked hours become care: the person asks for an extra or a longer visit, the provider
accepts (the bank is drawn and the visit booked, the ledger saying what for) or declines,
and while it waits the person or family may withdraw the ask.

Aire Homecare's package is a half-hour morning and bed call every day from Monday 5
October 2026, on the default envelope: a bank that may be drawn an hour ahead.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from tests.conftest import auth
from tests.integration.test_lists_forms import browser_for
from tests.support.caseload import Placed, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.web_client import csrf_token
from tests.support.world import World

AIRE = "Aire Homecare"


def _banked(client: TestClient, engine: Engine, world: World, minutes: int) -> Placed:
    placed = place_package(engine, world)
    opened = client.post(
        f"/packages/{placed.package_id}/envelope",
        json={"starts_on": "2026-10-05"},
        headers=auth(world.tokens[AIRE]),
    )
    assert opened.status_code == 201, opened.text
    banked = client.post(
        f"/packages/{placed.package_id}/time-bank/bank",
        json={"minutes": minutes, "note": "Her son took her out"},
        headers=auth(placed.person_token),
    )
    assert banked.status_code == 200, banked.text
    return placed


def _ask(client: TestClient, placed: Placed, **body: Any) -> Any:
    return client.post(
        f"/packages/{placed.package_id}/time-bank-requests",
        json=body,
        headers=auth(placed.person_token),
    )


def _answer(client: TestClient, world: World, ask_id: int, what: str, **body: Any) -> Any:
    return client.post(
        f"/time-bank-requests/{ask_id}/{what}",
        json=body or None,
        headers=auth(world.tokens[AIRE]),
    )


def _audited(engine: Engine, action: str) -> int:
    with unit_of_work(engine) as s:
        return len(s.scalars(select(AuditEvent.id).where(AuditEvent.action == action)).all())


def _bank(client: TestClient, placed: Placed) -> Any:
    return client.get(
        f"/packages/{placed.package_id}/time-bank", headers=auth(placed.person_token)
    ).json()


def test_an_accepted_extra_visit_draws_the_bank_and_is_booked(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = _banked(client, engine, world, 90)

    asked = _ask(client, placed, kind="extra_visit", day="2026-10-09", band="tea", minutes=60)
    before = _bank(client, placed)
    waiting = client.get("/time-bank-requests", headers=auth(world.tokens[AIRE])).json()
    accepted = _answer(client, world, asked.json()["id"], "accept")

    assert asked.status_code == 201, asked.text
    assert before["bank_minutes"] == 90
    assert [w["id"] for w in waiting] == [asked.json()["id"]]
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    visit = client.get(
        f"/visits/{accepted.json()['visit_id']}", headers=auth(world.tokens[AIRE])
    ).json()
    assert (visit["day"], visit["band"], visit["source"]) == ("2026-10-09", "tea", "extra")
    assert visit["planned_minutes"] == 60 and visit["status"] == "planned"
    after = _bank(client, placed)
    assert after["bank_minutes"] == 30
    draws = [e for e in after["entries"] if e["kind"] == "draw"]
    assert {e["note"] for e in draws} == {"Extra visit on Friday 9 October 2026, tea time: 1 hour"}
    again = _ask(client, placed, kind="extra_visit", day="2026-10-09", band="tea", minutes=30)
    assert again.status_code == 409 and again.json()["field"] == "band"


def test_a_longer_visit_is_refused_in_hours_while_the_bank_is_short_then_booked(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = _banked(client, engine, world, 30)
    client.post(
        "/visits/generate",
        json={"start": "2026-10-07", "end": "2026-10-07"},
        headers=auth(world.tokens[AIRE]),
    )
    visits = client.get("/visits?day=2026-10-07", headers=auth(world.tokens[AIRE])).json()
    morning = next(v for v in visits if v["band"] == "morning")

    too_much = _ask(client, placed, kind="longer_visit", visit_id=morning["id"], minutes=120)
    asked = _ask(client, placed, kind="longer_visit", visit_id=morning["id"], minutes=30)
    shops = _ask(client, placed, kind="extra_visit", day="2026-10-08", band="lunch", minutes=90)
    emptied = _answer(client, world, shops.json()["id"], "accept")
    short = _answer(client, world, asked.json()["id"], "accept")
    client.post(
        f"/packages/{placed.package_id}/time-bank/bank",
        json={"minutes": 30},
        headers=auth(placed.person_token),
    )
    accepted = _answer(client, world, asked.json()["id"], "accept")

    assert too_much.status_code == 409
    assert too_much.json()["field"] == "minutes"
    assert too_much.json()["detail"] == (
        "not enough banked hours: 2 hours is asked for and the bank can give 1 hour 30 minutes now"
    )
    assert asked.status_code == 201, asked.text
    assert emptied.status_code == 200, emptied.text
    assert short.status_code == 409
    assert short.json()["detail"] == (
        "not enough banked hours: 30 minutes is asked for and the bank can give no hours now"
    )
    assert accepted.status_code == 200, accepted.text
    visit = client.get(f"/visits/{morning['id']}", headers=auth(world.tokens[AIRE])).json()
    assert visit["planned_minutes"] == 60


def test_a_declined_ask_draws_nothing_and_only_the_provider_answers(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = _banked(client, engine, world, 60)
    asked = _ask(client, placed, kind="extra_visit", day="2026-10-10", band="lunch", minutes=45)
    ask_id = asked.json()["id"]

    by_person = client.post(
        f"/time-bank-requests/{ask_id}/accept", headers=auth(placed.person_token)
    )
    by_other = client.post(
        f"/time-bank-requests/{ask_id}/accept", headers=auth(world.tokens["Kirkstall Care"])
    )
    declined = _answer(client, world, ask_id, "decline", reason="No carer free on Saturday")
    twice = _answer(client, world, ask_id, "accept")

    assert by_person.status_code == 403
    assert by_other.status_code == 404
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    assert twice.status_code == 409
    assert _bank(client, placed)["bank_minutes"] == 60


def test_the_family_asks_on_their_page_and_the_manager_accepts_on_theirs(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    placed = _banked(client, engine, world, 60)
    family = browser_for(engine, clock, f"family-{placed.person_id}-9990000018@example.org")
    form = family.get(f"/app/my-care/use-banked-hours?package={placed.package_id}")
    fields = {"csrf_token": csrf_token(form.text), "package": str(placed.package_id)}

    nothing = family.post("/app/my-care/use-banked-hours", data=fields | {"kind": "extra_visit"})
    sent = family.post(
        "/app/my-care/use-banked-hours",
        data=fields
        | {
            "kind": "extra_visit",
            "day-day": "9",
            "day-month": "10",
            "day-year": "2026",
            "band": "tea",
            "hours": "1",
            "note": "A bath before the weekend",
        },
    )
    manager = browser_for(engine, clock, "aire.homecare@example.org")
    waiting = manager.get("/app/banked-hours")
    ask_id = client.get("/time-bank-requests", headers=auth(world.tokens[AIRE])).json()[0]["id"]
    accepted = manager.post(
        f"/app/banked-hours/{ask_id}/accept", data={"csrf_token": csrf_token(waiting.text)}
    )

    assert "Use banked hours" in form.text
    assert nothing.status_code == 400
    assert "Enter the day of the extra visit" in nothing.text
    assert "Extra visit on Friday 9 October 2026, tea time: 1 hour" in sent.text
    assert "Waiting for the provider" in sent.text
    assert "A bath before the weekend" in waiting.text
    assert accepted.url.path == "/app/banked-hours"
    assert "The visit is booked" in accepted.text
    assert _bank(client, placed)["bank_minutes"] == 0


# --- withdrawing an ask ------------------------------------------------------------------


def _withdraw(client: TestClient, token: str, ask_id: int) -> Any:
    return client.post(f"/time-bank-requests/{ask_id}/withdraw", headers=auth(token))


def test_a_waiting_ask_is_withdrawn_and_leaves_the_provider_s_waiting_list(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = _banked(client, engine, world, 60)
    kept = _ask(client, placed, kind="extra_visit", day="2026-10-09", band="tea", minutes=30)
    asked = _ask(client, placed, kind="extra_visit", day="2026-10-10", band="lunch", minutes=45)

    withdrawn = _withdraw(client, placed.person_token, asked.json()["id"])
    waiting = client.get("/time-bank-requests", headers=auth(world.tokens[AIRE])).json()
    every = client.get("/time-bank-requests?waiting=false", headers=auth(world.tokens[AIRE]))
    again = _withdraw(client, placed.person_token, asked.json()["id"])
    accept = _answer(client, world, asked.json()["id"], "accept")

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["answered_at"] is not None
    assert [w["id"] for w in waiting] == [kept.json()["id"]]
    statuses = {a["id"]: a["status"] for a in every.json()}
    assert statuses == {kept.json()["id"]: "asked", asked.json()["id"]: "withdrawn"}
    assert again.status_code == 409
    assert again.json()["detail"] == "this request was already withdrawn on 5 October 2026"
    assert accept.status_code == 409
    assert _bank(client, placed)["bank_minutes"] == 60
    assert _audited(engine, "time_bank_request.withdrawn") == 1


def test_an_answered_ask_is_not_withdrawn_and_the_refusal_says_who_answered_and_when(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = _banked(client, engine, world, 90)
    accepted = _ask(client, placed, kind="extra_visit", day="2026-10-09", band="tea", minutes=60)
    declined = _ask(client, placed, kind="extra_visit", day="2026-10-10", band="tea", minutes=30)
    _answer(client, world, accepted.json()["id"], "accept")
    _answer(client, world, declined.json()["id"], "decline", reason="No carer free then")

    after_accept = _withdraw(client, placed.person_token, accepted.json()["id"])
    after_decline = _withdraw(client, placed.person_token, declined.json()["id"])

    assert after_accept.status_code == 409
    assert after_accept.json()["detail"] == (
        "this request was already accepted by Aire Homecare on 5 October 2026: ask them to "
        "change or cancel the visit"
    )
    assert after_decline.status_code == 409
    assert "already declined by Aire Homecare on 5 October 2026" in after_decline.json()["detail"]
    assert _bank(client, placed)["bank_minutes"] == 30
    assert _audited(engine, "time_bank_request.withdrawn") == 0


def test_another_person_s_ask_is_not_found_and_the_provider_declines_rather_than_withdraws(
    client: TestClient, engine: Engine, world: World
) -> None:
    placed = _banked(client, engine, world, 60)
    other = place_package(engine, world, nhs_number=VALID_NHS_NUMBERS[1])
    asked = _ask(client, placed, kind="extra_visit", day="2026-10-09", band="tea", minutes=30)
    ask_id = asked.json()["id"]

    by_other_person = _withdraw(client, other.person_token, ask_id)
    by_other_provider = _withdraw(client, world.tokens["Kirkstall Care"], ask_id)
    by_provider = _withdraw(client, world.tokens[AIRE], ask_id)
    missing = _withdraw(client, placed.person_token, 999_999)

    assert by_other_person.status_code == 404
    assert by_other_provider.status_code == 403
    assert by_provider.status_code == 403
    assert missing.status_code == 404
    waiting = client.get("/time-bank-requests", headers=auth(world.tokens[AIRE])).json()
    assert [w["id"] for w in waiting] == [ask_id]


def test_the_family_withdraws_on_their_page_and_the_manager_sees_it_withdrawn(
    client: TestClient, engine: Engine, world: World, clock: FixedClock
) -> None:
    placed = _banked(client, engine, world, 60)
    asked = _ask(client, placed, kind="extra_visit", day="2026-10-09", band="tea", minutes=60)
    ask_id = asked.json()["id"]
    family = browser_for(engine, clock, f"family-{placed.person_id}-9990000018@example.org")
    page = family.get(f"/app/my-care/use-banked-hours?package={placed.package_id}")

    withdrawn = family.post(
        f"/app/my-care/use-banked-hours/{ask_id}/withdraw",
        data={"csrf_token": csrf_token(page.text)},
    )
    again = family.post(
        f"/app/my-care/use-banked-hours/{ask_id}/withdraw",
        data={"csrf_token": csrf_token(page.text)},
    )
    manager = browser_for(engine, clock, "aire.homecare@example.org").get("/app/banked-hours")

    assert "Withdraw this request" in page.text
    assert f'action="/app/my-care/use-banked-hours/{ask_id}/withdraw"' in page.text
    assert withdrawn.url.path == "/app/my-care/use-banked-hours"
    assert "You withdrew the request" in withdrawn.text
    assert "Withdrawn" in withdrawn.text
    assert "Withdraw this request" not in withdrawn.text
    assert again.status_code == 400
    assert "This request was already withdrawn on 5 October 2026" in again.text
    assert "No one is waiting for an answer" in manager.text
    assert "Lately answered or withdrawn" in manager.text and "Withdrawn" in manager.text
