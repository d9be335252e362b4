"""Re-optimising a day as a job: its progress page, the figures before and after, undo back
to the plan it replaced, and the refusals (a second search, an undo after the plan changed),
in the pages and through the API alike. SQLite and PostgreSQL, through the test client."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.jobs import wait_for_jobs
from homecare.rounds.tables import Round, RoundPlan, RoundSearch, RoundStop
from tests.conftest import auth
from tests.integration.test_web_auth import sign_in
from tests.integration.test_web_rounds import AIRE, DAY, Day, error_summary, optimise, post
from tests.integration.test_web_rounds import aire_day as aire_day  # the fixtures, shared
from tests.integration.test_web_rounds import browser as browser
from tests.support.world import World

PROVIDER = "Aire Homecare"


def plan_rows(engine: Engine) -> list[tuple[int, int, str]]:
    """(care worker, person, planned start) of every stop of the day's saved plan."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Round.care_worker_id, RoundStop.person_id, RoundStop.planned_start)
            .join(RoundStop, RoundStop.round_id == Round.id)
            .order_by(Round.care_worker_id, RoundStop.sequence)
        ).all()
    return [(w, p, s.isoformat()) for w, p, s in rows]


def test_undo_puts_back_exactly_the_plan_the_re_optimisation_replaced(
    browser: TestClient, aire_day: Day, engine: Engine
) -> None:
    sign_in(browser, AIRE)
    optimise(browser)
    first = plan_rows(engine)
    with unit_of_work(engine) as s:  # the first plan is moved, so the second search differs
        for stop in s.scalars(select(RoundStop)):
            stop.planned_start += timedelta(minutes=1)
    moved = plan_rows(engine)
    optimise(browser)

    undone = post(browser, f"/app/rounds/{DAY}", f"/app/rounds/{DAY}/undo")
    page = browser.get(undone.headers["location"])

    assert undone.headers["location"] == f"/app/rounds/{DAY}?done=undone"
    assert "Re-optimisation undone" in page.text
    assert plan_rows(engine) == moved != first
    with engine.connect() as conn:
        states = conn.scalars(select(RoundSearch.state).order_by(RoundSearch.id)).all()
    assert states == ["done", "undone"]
    # The plan put back is the first search's, so undo goes one step further: to no plan.
    assert "Undo the re-optimisation" in page.text
    post(browser, f"/app/rounds/{DAY}", f"/app/rounds/{DAY}/undo")
    assert plan_rows(engine) == []


def test_undoing_the_first_plan_of_a_day_leaves_no_plan(
    browser: TestClient, aire_day: Day, engine: Engine
) -> None:
    sign_in(browser, AIRE)
    optimise(browser)

    post(browser, f"/app/rounds/{DAY}", f"/app/rounds/{DAY}/undo")

    with engine.connect() as conn:
        assert conn.scalar(select(RoundPlan.id)) is None
    assert "No rounds are planned" in browser.get(f"/app/rounds/{DAY}").text


def test_a_second_search_while_one_runs_is_refused_with_what_to_do(
    browser: TestClient, aire_day: Day, engine: Engine, world: World, clock: FixedClock
) -> None:
    sign_in(browser, AIRE)
    with unit_of_work(engine) as s:
        s.add(
            RoundSearch(
                provider_id=world.providers[PROVIDER], day=date.fromisoformat(DAY),
                requested_at=clock.now(), seconds=5, state="searching", started_at=clock.now(),
                message="", before={}, after={},
            )
        )  # fmt: skip

    refused = optimise(browser)
    progress = browser.get(f"/app/rounds/{DAY}/searches/1")

    assert error_summary(refused) == [
        "A search for this day is already running. Wait for it to finish, then look at its rounds"
    ]
    assert "Searching for shorter rounds: 0 of 5 seconds." in progress.text
    assert 'hx-trigger="every 1s"' in progress.text
    assert '<meta http-equiv="refresh" content="2">' in progress.text  # without JavaScript


def test_a_search_that_never_finished_is_shown_as_stopped_and_does_not_block(
    browser: TestClient, aire_day: Day, engine: Engine, world: World, clock: FixedClock
) -> None:
    sign_in(browser, AIRE)
    long_ago = clock.now() - timedelta(hours=1)
    with unit_of_work(engine) as s:
        s.add(
            RoundSearch(
                provider_id=world.providers[PROVIDER], day=date.fromisoformat(DAY),
                requested_at=long_ago, seconds=5, state="searching", started_at=long_ago,
                message="", before={}, after={},
            )
        )  # fmt: skip

    stopped = browser.get(f"/app/rounds/{DAY}/searches/1")
    again = optimise(browser)

    assert "The search stopped without finishing. Start it again." in stopped.text
    assert again.headers["location"] == f"/app/rounds/{DAY}/searches/2"


def test_the_api_starts_a_search_reads_it_and_undoes_it(
    client: TestClient, aire_day: Day, world: World
) -> None:
    token = auth(world.tokens[PROVIDER])

    started = client.post(f"/round-plans/{DAY}/searches", json={"time_limit": 1}, headers=token)
    wait_for_jobs()
    read = client.get(f"/round-searches/{started.json()['id']}", headers=token)
    undone = client.post(f"/round-plans/{DAY}/undo", headers=token)
    again = client.post(f"/round-plans/{DAY}/undo", headers=token)

    assert started.status_code == 202 and started.json()["state"] == "waiting"
    body = read.json()
    assert body["state"] == "done" and body["had_plan_before"] is False
    visits = next(f for f in body["figures"] if f["key"] == "visits")
    assert (visits["before"], visits["after"]) == (None, 6)
    assert undone.status_code == 200 and undone.json()["state"] == "undone"
    assert again.status_code == 409
    assert again.json()["detail"] == "That re-optimisation has already been undone"


def test_undo_after_the_plan_changed_is_a_conflict(
    client: TestClient, aire_day: Day, world: World
) -> None:
    token = auth(world.tokens[PROVIDER])
    client.post(f"/round-plans/{DAY}/searches", json={"time_limit": 1}, headers=token)
    wait_for_jobs()
    client.post("/rounds/optimise", json={"day": DAY, "time_limit": 1}, headers=token)

    refused = client.post(f"/round-plans/{DAY}/undo", headers=token)

    assert refused.status_code == 409
    assert "changed since that re-optimisation" in refused.json()["detail"]


def test_a_search_time_outside_one_to_thirty_seconds_is_a_422_naming_the_field(
    client: TestClient, aire_day: Day, world: World
) -> None:
    token = auth(world.tokens[PROVIDER])

    refused = client.post(f"/round-plans/{DAY}/searches", json={"time_limit": 90}, headers=token)

    assert refused.status_code == 422
    assert "time_limit" in refused.text


def test_another_provider_cannot_read_or_undo_aires_search(
    client: TestClient, aire_day: Day, world: World
) -> None:
    aire, wortley = auth(world.tokens[PROVIDER]), auth(world.tokens["Wortley Care"])
    started = client.post(f"/round-plans/{DAY}/searches", json={"time_limit": 1}, headers=aire)
    wait_for_jobs()

    read = client.get(f"/round-searches/{started.json()['id']}", headers=wortley)
    undo = client.post(f"/round-plans/{DAY}/undo", headers=wortley)

    assert read.status_code == 404 and undo.status_code == 404
