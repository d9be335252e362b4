"""The care worker's phone pages: today's round, check in, check out, not at home, notes.

On SQLite and PostgreSQL through the test client. Margaret Holroyd has morning and bed
calls with Aire Homecare, the bed call two-handed; Aisha Khan is on both, Ben Hall on
the bed call only. Cara Lee works for Bramley Care on another person's morning call.
The clock is Monday 5 October 2026, 10:00 in London.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.passwords import set_password
from homecare.accounts.tables import UserAccount
from homecare.api.app import create_app
from homecare.clock import FixedClock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.delivery.schedule import assign_carers, generate_visits
from homecare.delivery.tables import Attendance, CallEvent, Visit
from tests.support.caseload import Worker, daily_pattern, hire_care_worker, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.world import MONDAY_10AM, World

PASSWORD = "a long enough passphrase"
MONDAY = date(2026, 10, 5)


@dataclass(frozen=True)
class Round:
    morning: int
    bed: int
    bramley_morning: int
    aisha: Worker
    ben: Worker
    cara: Worker


def _visit(engine: Engine, package_id: int, band: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                select(Visit.id).where(
                    Visit.package_id == package_id, Visit.day == MONDAY, Visit.band == band
                )
            )
            or 0
        )


def _plan(engine: Engine, visit_id: int, *workers: Worker) -> None:
    with unit_of_work(engine) as s:
        assign_carers(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            visit_id=visit_id,
            care_worker_ids=[w.care_worker_id for w in workers],
        )


@pytest.fixture
def round_(engine: Engine, world: World) -> Round:
    aire = place_package(engine, world, pattern=daily_pattern(two_handed_bed=True))
    bramley = place_package(engine, world, provider="Bramley Care", nhs_number=VALID_NHS_NUMBERS[1])
    aisha = hire_care_worker(engine, world, name="Aisha Khan")
    ben = hire_care_worker(engine, world, name="Ben Hall")
    cara = hire_care_worker(engine, world, provider="Bramley Care", name="Cara Lee")
    with unit_of_work(engine) as s:
        generate_visits(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=MONDAY, end=MONDAY)
    made = Round(
        morning=_visit(engine, aire.package_id, "morning"),
        bed=_visit(engine, aire.package_id, "bed"),
        bramley_morning=_visit(engine, bramley.package_id, "morning"),
        aisha=aisha,
        ben=ben,
        cara=cara,
    )
    _plan(engine, made.morning, aisha)
    _plan(engine, made.bed, aisha, ben)
    _plan(engine, made.bramley_morning, cara)
    return made


@pytest.fixture
def browser(engine: Engine, clock: FixedClock) -> TestClient:
    settings = Settings(database_url="unused://")
    return TestClient(
        create_app(settings, engine=engine, clock=clock), base_url="https://testserver"
    )


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in_as(browser: TestClient, engine: Engine, worker: Worker) -> None:
    with unit_of_work(engine) as s:
        user = s.scalars(
            select(UserAccount).where(UserAccount.care_worker_id == worker.care_worker_id)
        ).one()
        set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD)
        email = user.email
    form = browser.get("/sign-in")
    signed_in = browser.post(
        "/sign-in",
        data={"csrf_token": _csrf(form.text), "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303


def _form(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form that posts to `action`, as the browser would send them."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}"(.*?)</form>', html, re.S)
    assert match, f"no form posts to {action}"
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', match.group(1)))


def act(
    browser: TestClient, page: str, visit_id: int, action: str, **fields: str
) -> httpx.Response:
    """Sends the action's form as drawn on `page`, with any fields typed in."""
    target = f"/app/today/visits/{visit_id}/{action}"
    data = _form(browser.get(page).text, target) | fields
    response: httpx.Response = browser.post(target, data=data, follow_redirects=False)
    return response


def events(engine: Engine, visit_id: int) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        return [
            (row.kind, row.result, row.note)
            for row in conn.execute(
                select(CallEvent).where(CallEvent.visit_id == visit_id).order_by(CallEvent.id)
            )
        ]


def attendance(engine: Engine, visit_id: int, worker: Worker) -> Attendance | None:
    with unit_of_work(engine) as s:
        row = s.scalars(
            select(Attendance).where(
                Attendance.visit_id == visit_id,
                Attendance.care_worker_id == worker.care_worker_id,
            )
        ).first()
        if row is not None:
            s.expunge(row)
        return row


def _text(response: httpx.Response) -> str:
    """The page's words, without tags or runs of spaces, to read as a person does."""
    words = re.sub(r"<[^>]+>", " ", response.text)
    return re.sub(r"\s+", " ", words)


# --- the round -----------------------------------------------------------------------------


def test_a_care_worker_sees_their_own_visits_today_in_order(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)

    landing = browser.get("/")
    page = _text(landing)

    assert "<title>Today’s round – Home care</title>" in landing.text
    assert "Monday 5 October 2026" in page
    assert page.index("7am to 10am") < page.index("6:30pm to 9:30pm")
    assert page.count("Margaret Holroyd") >= 2
    assert "14 Town Street, Armley, Leeds, LS12 1AU" in page
    assert "Morning visit, 30 minutes" in page
    assert "Two-handed with Ben Hall" in page
    assert page.count("To do") == 2
    assert f'href="/app/today/visits/{round_.morning}"' in landing.text
    assert f"/app/today/visits/{round_.bramley_morning}" not in landing.text
    assert "autofocus" not in landing.text


def test_a_care_worker_with_no_visits_today_is_told_so(
    browser: TestClient, engine: Engine, round_: Round, clock: FixedClock
) -> None:
    clock.set(MONDAY_10AM + timedelta(days=1))
    sign_in_as(browser, engine, round_.ben)

    page = _text(browser.get("/app/today"))

    assert "Tuesday 6 October 2026" in page
    assert "You have no visits today" in page


def test_another_care_workers_visit_is_page_not_found(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.ben)
    token = _form(browser.get("/app/today").text, f"/app/today/visits/{round_.bed}/check-in")[
        "csrf_token"
    ]

    for visit_id in (round_.morning, round_.bramley_morning):
        page = browser.get(f"/app/today/visits/{visit_id}")
        posted = browser.post(
            f"/app/today/visits/{visit_id}/check-in",
            data={"csrf_token": token, "event_id": "ben-tries-1"},
        )
        assert page.status_code == 404
        assert "Page not found" in page.text
        assert posted.status_code == 404
        assert events(engine, visit_id) == []
    own = browser.get("/app/today")
    assert f"/app/today/visits/{round_.morning}" not in own.text
    assert "Two-handed with Aisha Khan" in _text(own)


def test_a_provider_manager_has_no_round(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    with unit_of_work(engine) as s:
        user = s.scalars(
            select(UserAccount).where(UserAccount.email == "aire.homecare@example.org")
        ).one()
        set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD)
    form = browser.get("/sign-in")
    browser.post(
        "/sign-in",
        data={
            "csrf_token": _csrf(form.text),
            "email": "aire.homecare@example.org",
            "password": PASSWORD,
        },
    )

    assert browser.get("/app/today").status_code == 403
    assert browser.get(f"/app/today/visits/{round_.morning}").status_code == 403


def test_the_visit_page_shows_the_place_the_plans_outcomes_and_the_actions(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)

    response = browser.get(f"/app/today/visits/{round_.bed}")
    page = _text(response)

    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Margaret Holroyd</h1>' in response.text
    assert "Bed visit, 5 October 2026" in page
    assert "14 Town Street, Armley, Leeds, LS12 1AU" in page
    assert "Stay safe at home" in page
    assert "Two-handed with Ben Hall" in page
    assert "No one has left a note" in page
    assert f'action="/app/today/visits/{round_.bed}/check-in"' in response.text
    assert f'href="/app/today/visits/{round_.bed}/not-at-home"' in response.text


# --- checking in and out -------------------------------------------------------------------


def test_checking_in_records_the_event_and_the_round_focuses_that_visit(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)

    posted = act(browser, "/app/today", round_.morning, "check-in")
    page = browser.get(posted.headers["location"])

    assert posted.status_code == 303
    assert posted.headers["location"] == f"/app/today?done=check-in&visit={round_.morning}"
    assert "You checked in to Margaret Holroyd’s visit at 10am" in _text(page)
    assert "Checked in at 10am" in _text(page)
    assert re.search(rf'id="visit-{round_.morning}-heading" tabindex="-1" autofocus', page.text)
    assert events(engine, round_.morning) == [("check_in", "applied", None)]
    recorded = attendance(engine, round_.morning, round_.aisha)
    assert recorded is not None and recorded.checked_in_at == MONDAY_10AM
    assert recorded.check_in_latitude is None


def test_a_check_in_sent_twice_is_recorded_once(
    browser: TestClient, engine: Engine, round_: Round, clock: FixedClock
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    target = f"/app/today/visits/{round_.morning}/check-in"
    data = _form(browser.get("/app/today").text, target)

    first = browser.post(target, data=data, follow_redirects=False)
    clock.set(MONDAY_10AM + timedelta(minutes=1))
    again = browser.post(target, data=data, follow_redirects=False)

    assert (first.status_code, again.status_code) == (303, 303)
    assert events(engine, round_.morning) == [("check_in", "applied", None)]
    recorded = attendance(engine, round_.morning, round_.aisha)
    assert recorded is not None and recorded.checked_in_at == MONDAY_10AM


def test_a_second_check_in_from_a_fresh_form_is_refused_with_a_conflict(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    page = f"/app/today/visits/{round_.morning}"
    stale = _form(browser.get(page).text, f"{page}/check-in")
    act(browser, page, round_.morning, "check-in")

    refused = browser.post(
        f"{page}/check-in", data=stale | {"event_id": "another-form"}, follow_redirects=False
    )

    assert refused.status_code == 409
    assert "Already checked in" in _text(refused)
    assert f'href="#actions-{round_.morning}"' in refused.text


def test_checking_out_without_checking_in_is_refused_with_a_clear_error(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    token = _form(browser.get("/app/today").text, f"/app/today/visits/{round_.morning}/check-in")[
        "csrf_token"
    ]

    refused = browser.post(
        f"/app/today/visits/{round_.morning}/check-out",
        data={"csrf_token": token, "event_id": "out-first", "note": "Left early"},
    )

    assert refused.status_code == 409
    assert "<title>Error: Visit to Margaret Holroyd – Home care</title>" in refused.text
    assert "You have not checked in to this visit. Check in before you check out" in refused.text
    assert events(engine, round_.morning) == []


def test_checking_out_with_a_note_marks_the_visit_done_and_focuses_the_next(
    browser: TestClient, engine: Engine, round_: Round, clock: FixedClock
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    act(browser, "/app/today", round_.morning, "check-in")
    clock.set(MONDAY_10AM + timedelta(minutes=30))

    posted = act(
        browser,
        "/app/today",
        round_.morning,
        "check-out",
        note="Had porridge and her morning tablets",
        latitude="53.7960",
        longitude="-1.5880",
    )
    page = browser.get(posted.headers["location"])
    later = browser.get(f"/app/today/visits/{round_.bed}")

    assert posted.status_code == 303
    assert "You checked out of Margaret Holroyd’s visit at 10:30am" in _text(page)
    assert "Done" in _text(page)
    assert re.search(rf'id="visit-{round_.bed}-heading" tabindex="-1" autofocus', page.text)
    assert events(engine, round_.morning) == [
        ("check_in", "applied", None),
        ("check_out", "applied", "Had porridge and her morning tablets"),
    ]
    with engine.connect() as conn:
        assert conn.scalar(select(Visit.status).where(Visit.id == round_.morning)) == "completed"
    assert "Had porridge and her morning tablets Aisha Khan" in _text(later)


def test_a_location_given_by_the_phone_is_kept_with_the_check_in(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)

    act(browser, "/app/today", round_.morning, "check-in", latitude="53.7960", longitude="-1.5880")
    act(browser, "/app/today", round_.morning, "check-out", early_reason="all_done")
    act(browser, "/app/today", round_.bed, "check-in", latitude="north", longitude="-1.5880")

    morning = attendance(engine, round_.morning, round_.aisha)
    bed = attendance(engine, round_.bed, round_.aisha)
    assert morning is not None and morning.check_in_latitude == pytest.approx(53.796)
    assert morning.check_in_metres_from_place is not None
    assert bed is not None and bed.check_in_latitude is None


def test_not_at_home_is_recorded_and_shown(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)

    asked = browser.get(f"/app/today/visits/{round_.morning}/not-at-home")
    target = f"/app/today/visits/{round_.morning}/not-at-home"
    posted = browser.post(target, data=_form(asked.text, target), follow_redirects=False)
    page = _text(browser.get(posted.headers["location"]))

    assert posted.status_code == 303
    assert "You recorded that Margaret Holroyd was not at home" in page
    assert "Not at home" in page
    assert events(engine, round_.morning) == [("not_at_home", "applied", None)]


def test_a_note_longer_than_allowed_is_refused_and_kept_to_edit(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)
    act(browser, "/app/today", round_.morning, "check-in")

    refused = act(browser, "/app/today", round_.morning, "check-out", note="x" * 2001)

    assert refused.status_code == 400
    assert f'href="#note-{round_.morning}"' in refused.text
    assert "The note must be 2000 characters or fewer" in refused.text
    assert [kind for kind, _, _ in events(engine, round_.morning)] == ["check_in"]


def test_an_action_without_the_forms_token_is_refused(
    browser: TestClient, engine: Engine, round_: Round
) -> None:
    sign_in_as(browser, engine, round_.aisha)

    refused = browser.post(
        f"/app/today/visits/{round_.morning}/check-in", data={"event_id": "no-token"}
    )

    assert refused.status_code == 403
    assert events(engine, round_.morning) == []
