"""A care worker's day on their phone, in a real browser against `homecare serve`.

Joy Mensah works for Aire Homecare and is on two of today's three visits to one person
(the served app runs on the real clock, so the visits are made for today in London).
On a phone-sized screen, using only the keyboard, she checks in to her first visit,
writes a note and checks out, saying why she leaves early. Every page is checked with
axe-core.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from homecare.access import Role
from homecare.db import make_engine, unit_of_work
from homecare.delivery.tables import Attendance, CallEvent
from homecare.pattern import TimeBand
from tests.e2e.web.conftest import Site, check_accessibility
from tests.e2e.web.steps import heading, press_and_follow, sign_in, tab_to
from tests.e2e.web.todays_visits import todays_visits

Page = Any
CARER = "care_worker"
NOTE = "Helped Margaret wash and dress. She asked for tea at lunch."
TO_DO = re.compile(r"To do|Overdue — window closed at")
"""A visit not yet started: overdue once its window has closed, on the real clock."""


@dataclass(frozen=True)
class Seeded:
    morning: int
    lunch: int
    bed: int
    care_worker_id: int
    place: tuple[float, float]


@pytest.fixture(scope="module")
def seeded(site: Site) -> Seeded:
    """Today's morning, lunch and bed calls for one person; the carer is on the first two."""
    made = todays_visits(
        site, bands=(TimeBand.MORNING, TimeBand.LUNCH, TimeBand.BED),
        staffed=("morning", "lunch"), carer="Joy Mensah",
    )  # fmt: skip
    seeded = Seeded(
        morning=made.visits["morning"],
        lunch=made.visits["lunch"],
        bed=made.visits["bed"],
        care_worker_id=made.carer.care_worker_id,
        place=made.place,
    )
    site.add_user(
        CARER,
        "Joy Mensah",
        Role.CARE_WORKER,
        site.world.providers["Aire Homecare"],
        care_worker_id=seeded.care_worker_id,
    )
    return seeded


@pytest.fixture
def phone(browser: Any, site: Site, seeded: Seeded) -> Iterator[Page]:
    """A phone-sized page that lets the site know where it is; script errors fail the test."""
    problems: list[str] = []
    latitude, longitude = seeded.place
    context = browser.new_context(
        base_url=site.url,
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": latitude + 0.0001, "longitude": longitude},
        permissions=["geolocation"],
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert problems == []


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id"))


def stored_events(site: Site, visit_id: int) -> list[CallEvent]:
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            rows = list(
                s.scalars(
                    select(CallEvent).where(CallEvent.visit_id == visit_id).order_by(CallEvent.id)
                )
            )
            s.expunge_all()
            return rows
    finally:
        engine.dispose()


def stored_attendance(site: Site, visit_id: int) -> Attendance:
    engine = make_engine(site.database_url)
    try:
        with unit_of_work(engine) as s:
            row = s.scalars(select(Attendance).where(Attendance.visit_id == visit_id)).one()
            s.expunge(row)
            return row
    finally:
        engine.dispose()


def test_a_care_worker_checks_in_and_out_using_only_the_keyboard(
    phone: Page, site: Site, seeded: Seeded
) -> None:
    morning, lunch = seeded.morning, seeded.lunch
    sign_in(phone, site, CARER)

    # Today's round: her two visits in the order she makes them, and not the third
    assert heading(phone) == "Today’s round"
    times = phone.locator(".app-round__time").all_inner_texts()
    assert times == ["7am to 10am", "11:30am to 1:30pm"]
    assert phone.locator(f"#visit-{seeded.bed}").count() == 0
    assert "14 Town Street, Armley, Leeds, LS12 1AU" in phone.inner_text(f"#visit-{morning}")
    assert TO_DO.search(phone.inner_text(f"#visit-{morning}"))
    check_accessibility(phone)

    # The first visit's page, reached by keyboard
    tab_to(phone, f"#visit-{morning}-heading a")
    press_and_follow(phone, "Enter")
    assert heading(phone) == "Margaret Holroyd"
    assert "Stay safe at home" in phone.inner_text("main")
    check_accessibility(phone)

    # Check in: back on the round with a banner, focus on the visit checked in to
    tab_to(phone, f"#check-in-{morning}")
    press_and_follow(phone, "Enter")
    assert heading(phone) == "Today’s round"
    assert "You checked in to Margaret Holroyd’s visit" in phone.inner_text(
        ".govuk-notification-banner"
    )
    assert "Checked in at" in phone.inner_text(f"#visit-{morning}")
    assert focused_id(phone) == f"visit-{morning}-heading"
    check_accessibility(phone)

    # A note, then check out: minutes after checking in, the phone asks why she is leaving
    # early; she answers, the visit is done and focus moves to the next one
    tab_to(phone, f"#note-{morning}")
    phone.keyboard.type(NOTE)
    tab_to(phone, f"#check-out-{morning}")
    press_and_follow(phone, "Enter")
    assert heading(phone) == "Why are you leaving early?"
    check_accessibility(phone)
    tab_to(phone, "#early_reason")
    phone.keyboard.press("ArrowDown")
    tab_to(phone, f"#check-out-{morning}")
    press_and_follow(phone, "Enter")
    assert "You checked out of Margaret Holroyd’s visit" in phone.inner_text(
        ".govuk-notification-banner"
    )
    assert "Done" in phone.inner_text(f"#visit-{morning}")
    assert TO_DO.search(phone.inner_text(f"#visit-{lunch}"))
    assert focused_id(phone) == f"visit-{lunch}-heading"
    check_accessibility(phone)

    # The store has both events, once each, with where the phone was at check-in
    events = stored_events(site, morning)
    assert [(e.kind, e.result, e.note) for e in events] == [
        ("check_in", "applied", None),
        ("check_out", "applied", f"Left early: everything in the plan was done.\n\n{NOTE}"),
    ]
    assert all(e.care_worker_id == seeded.care_worker_id for e in events)
    attendance = stored_attendance(site, morning)
    assert attendance.checked_in_at is not None and attendance.checked_out_at is not None
    assert attendance.check_in_metres_from_place is not None
    assert attendance.check_in_metres_from_place < 50
