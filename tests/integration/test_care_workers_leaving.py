"""A care worker leaving (docs/adr/0024-care-workers-leave.md): the API's refusals, the
cascade no longer counting their skills, their visits from the leaving day needing a carer
again, their rounds taken out of saved plans, and the manager's page and lists.

The test world's clock is Monday 5 October 2026; in it Lot 2 needs catheter care.
"""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.tables import Visit, VisitCarer
from homecare.rounds.day import on_shift
from homecare.rounds.tables import Round, RoundPlan
from tests.conftest import auth
from tests.integration.test_delegated_tasks import SHORT, _lot_two, _person
from tests.integration.test_lists_forms import browser_for, summary
from tests.support.caseload import hire_care_worker, place_package
from tests.support.web_client import csrf_token
from tests.support.world import MONDAY_10AM, World

AIRE = "Aire Homecare"


def _leave(client: TestClient, world: World, worker_id: int, left_on: str, who: str = AIRE):
    return client.post(
        f"/care-workers/{worker_id}/leaving",
        json={"left_on": left_on, "reason": "Moving to Manchester"},
        headers=auth(world.tokens[who]),
    )


def test_leaving_is_refused_before_hiring_too_far_ahead_twice_and_for_another_provider(
    client: TestClient, world: World, engine: Engine
) -> None:
    worker = hire_care_worker(engine, world).care_worker_id

    before_hired = _leave(client, world, worker, "2026-10-01")
    too_far = _leave(client, world, worker, "2027-10-07")
    not_theirs = _leave(client, world, worker, "2026-10-30", who="Wortley Care")
    left = _leave(client, world, worker, "2026-10-30")
    again = _leave(client, world, worker, "2026-11-02")

    assert before_hired.status_code == 422, before_hired.text
    assert before_hired.json()["field"] == "left_on"
    assert before_hired.json()["detail"] == (
        "the leaving day, 1 October 2026, is before they were hired on 5 October 2026"
    )
    assert too_far.status_code == 422 and too_far.json()["field"] == "left_on"
    assert "7 October 2027, is more than a year ahead" in too_far.json()["detail"]
    assert not_theirs.status_code == 404
    assert left.status_code == 200, left.text
    assert left.json()["left_on"] == "2026-10-30"
    assert left.json()["hired_on"] == "2026-10-05"
    assert again.status_code == 409
    assert again.json()["detail"] == (
        "Aisha Khan has already left: their leaving day is 30 October 2026"
    )
    # Still working today, so still listed; once past the day, only among those who left.
    aire = auth(world.tokens[AIRE])
    assert [w["id"] for w in client.get("/care-workers", headers=aire).json()] == [worker]
    assert client.get("/care-workers?staff=left", headers=aire).json() == []


def test_a_leaver_no_longer_counts_for_the_cascade_from_the_day_care_starts(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = hire_care_worker(engine, world, name="Trained Aire", skills=["catheter_care"])
    bramley = hire_care_worker(
        engine, world, provider="Bramley Care", name="Trained Bramley", skills=["catheter_care"]
    )
    # The referral's care starts on 6 October: Aire's leaves that day, Bramley's the next.
    assert _leave(client, world, aire.care_worker_id, "2026-10-06").status_code == 200
    assert _leave(client, world, bramley.care_worker_id, "2026-10-07", "Bramley Care").is_success

    made = client.post(
        "/referrals", json=_lot_two(_person(client, world)), headers=auth(world.tokens["nurse"])
    )

    assert made.status_code == 201, made.text
    read = client.get(f"/referrals/{made.json()['id']}", headers=auth(world.tokens["broker"]))
    plan = [s["provider_id"] for s in read.json()["cascade_plan"]]
    skipped = {s["provider_id"]: s["reason"] for s in read.json()["cascade_skipped"]}
    assert plan == [world.providers["Bramley Care"]]
    assert skipped[world.providers[AIRE]] == SHORT


def test_the_leavers_visits_and_rounds_from_the_day_need_a_carer_again(
    client: TestClient, world: World, engine: Engine
) -> None:
    place_package(engine, world)
    worker = hire_care_worker(engine, world).care_worker_id
    with unit_of_work(engine) as s:
        generate_visits(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            start=date(2026, 10, 5),
            end=date(2026, 10, 11),
            provider_id=world.providers[AIRE],
        )
        ids = list(s.scalars(select(Visit.id).order_by(Visit.day, Visit.id)))
        for visit_id in ids:
            assign_carers(
                s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, visit_id=visit_id, care_worker_ids=[worker]
            )
    aire = auth(world.tokens[AIRE])
    planned = client.post("/rounds/optimise", json={"day": "2026-10-09", "time_limit": 1},
                          headers=aire)  # fmt: skip
    assert planned.status_code == 200, planned.text

    left = _leave(client, world, worker, "2026-10-08")

    assert left.status_code == 200, left.text
    with unit_of_work(engine) as s:
        kept = set(
            s.scalars(
                select(Visit.day).join(VisitCarer, VisitCarer.visit_id == Visit.id).distinct()
            )
        )
        lost = list(
            s.scalars(select(AuditEvent.entity_id).where(AuditEvent.action == "visit.carer_left"))
        )
        [left_audit] = s.scalars(select(AuditEvent).where(AuditEvent.action == "care_worker.left"))
        plan = s.scalars(select(RoundPlan).where(RoundPlan.day == date(2026, 10, 9))).one()
        rounds = s.scalars(select(Round).where(Round.plan_id == plan.id)).all()
        reasons = {u.reason for u in plan.unassigned}
        working = {
            day: [w.id for w in on_shift(s, world.providers[AIRE], day)]
            for day in (date(2026, 10, 7), date(2026, 10, 8))
        }
    assert kept == {date(2026, 10, d) for d in (5, 6, 7)}
    assert len(lost) == len([d for d in range(8, 12)]) * 2  # two calls a day, 8 to 11 October
    assert left_audit.detail["unassigned"] == len(lost)
    assert left_audit.detail["left_on"] == "2026-10-08"
    assert rounds == []
    assert reasons == {"Aisha Khan leaves on 8 October 2026: re-optimise the day"}
    assert working == {date(2026, 10, 7): [worker], date(2026, 10, 8): []}
    # Put back on a visit after leaving: refused; before the day they leave, still allowed.
    later, earlier = ids[-1], ids[0]
    back = client.put(f"/visits/{later}/carers", json={"care_worker_ids": [worker]}, headers=aire)
    assert back.status_code == 409, back.text
    assert back.json()["detail"] == (
        "Aisha Khan left on 8 October 2026: choose someone who still works here on the visit's day"
    )
    before = client.put(f"/visits/{earlier}/carers", json={"care_worker_ids": [worker]},
                        headers=aire)  # fmt: skip
    assert before.status_code == 200, before.text


def test_the_manager_records_leaving_on_the_page_and_the_leaver_is_not_offered_for_visits(
    world: World, engine: Engine, clock: FixedClock
) -> None:
    place_package(engine, world)
    leaver = hire_care_worker(engine, world, name="Ben Carter").care_worker_id
    hire_care_worker(engine, world, name="Aisha Khan")
    with unit_of_work(engine) as s:
        generate_visits(
            s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=date(2026, 10, 5),
            end=date(2026, 10, 5), provider_id=world.providers[AIRE],
        )  # fmt: skip
        visit_id = s.scalars(select(Visit.id).order_by(Visit.id)).first()
    browser = browser_for(engine, clock, "aire.homecare@example.org")
    page = browser.get(f"/app/care-workers/{leaver}")
    token = csrf_token(page.text)
    address = f"/app/care-workers/{leaver}/leaving"
    when = {"left-on-day": "5", "left-on-month": "10", "left-on-year": "2026"}

    refused = browser.post(address, data={"csrf_token": token, "reason": ""})
    too_early = browser.post(
        address, data={"csrf_token": token, "reason": "Retiring", "left-on-day": "1",
                       "left-on-month": "10", "left-on-year": "2026"},
    )  # fmt: skip
    sent = browser.post(address, data={"csrf_token": token, "reason": "Retiring", **when})

    assert "Record leaving" in page.text
    assert refused.status_code == 400
    assert summary(refused.text) == {
        "left-on-day": "Enter the day they leave",
        "reason": "Enter why they are leaving",
    }
    assert summary(too_early.text) == {
        "left-on-day": "The leaving day, 1 October 2026, is before they were hired on "
        "5 October 2026"
    }
    assert sent.status_code == 200 and sent.url.path == f"/app/care-workers/{leaver}"
    assert "The leaving day is recorded." in sent.text
    assert "5 October 2026: Retiring" in sent.text
    assert 'action="/app/care-workers/' not in sent.text
    listed = browser.get("/app/care-workers").text
    gone = browser.get("/app/care-workers?staff=left").text
    carers = browser.get(f"/app/visits/{visit_id}/carers").text
    assert "Ben Carter" not in listed and "Aisha Khan" in listed
    assert "Ben Carter" in gone and "Aisha Khan" not in gone
    assert "Ben Carter" not in carers and "Aisha Khan" in carers
