"""The README's screenshots, taken from the demo's own store as each demo account uses it.

The demo's store is served by `homecare serve` on the demo's clock and Debian's Chromium
signs in as each demo account. What the demo leaves undone at its clock (no referral
open, no one awaiting care, no change waiting for the person's answer or the social
worker's decision) is done through the pages, as the people would do it: the social
worker refers two people, the broker reads the queue, one is taken on by the first
provider asked and the other declined by every provider in turn, so the broker finds them
awaiting care; the provider's manager proposes a change of visits, the family agrees to
it and the social worker decides. Every page is checked with axe-core and saved under its
README name in docs/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from homecare.accounts.tables import UserAccount
from homecare.brokerage.tables import Offer, Referral
from homecare.db import make_engine
from homecare.delivery.tables import Visit, VisitCarer
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.scenario.build import DEMO_PASSWORD
from tests.e2e.web.conftest import SCREENSHOTS, check_accessibility, valid_nhs_numbers

Page = Any
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
README_SHOTS = frozenset(
    {
        "sign-in", "page-not-found",
        "commissioner-kpis", "commissioner-spend", "commissioner-zones", "commissioner-providers",
        "referral-queue", "referral-broker", "awaiting-care", "referral-every-provider-declined",
        "withdraw-with-errors",
        "refer-someone", "record-someone-new", "referral-form", "referral-form-with-errors",
        "referral-social-worker", "changes-queue", "change-decision",
        "live-board", "offers", "offer", "offer-decline-other", "package", "people-and-packages",
        "package-change-visits", "rounds-map", "rounds-timeline", "care-workers", "returns",
        "care-worker-today", "care-worker-visit", "care-worker-checked-in",
        "care-worker-second-check-in", "care-worker-leaving-early", "care-worker-not-at-home",
        "my-care", "my-care-time-bank", "my-care-consent", "my-care-rating",
        "commissioner-contract", "commissioner-cqc-alerts", "my-care-use-banked-hours",
        "banked-hours", "package-end",
        "payment-runs", "payment-run", "statement", "statement-dispute", "payment-disputes",
    }
)  # fmt: skip
"""Every screenshot the demo's pages give, by the file name the README links."""


@dataclass(frozen=True)
class DemoStore:
    """What the demo made that the pages are opened on, read from its store."""

    database_url: str
    day: date
    emails: dict[str, str]
    """The demo accounts by role; the provider's manager is the care worker's."""
    managers: dict[int, str]
    """Every provider's manager, by the provider's organisation id."""
    family_package: int
    another_providers_package: int
    places: dict[int, tuple[float, float]]
    """Where each of the care worker's visits today is, by visit id."""
    postcode: str
    """A postcode in the care worker's patch, for someone new to refer."""
    consenter: tuple[str, str]
    """Who consents for the person the family account is for, and how they are related."""
    nhs_numbers: Iterator[str] = field(default_factory=lambda: valid_nhs_numbers(999_400_000))
    """For the people referred: valid, and in a range the demo does not use."""


def read_demo_store(database_url: str, day: date) -> DemoStore:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            accounts = conn.execute(
                select(
                    UserAccount.role,
                    UserAccount.email,
                    UserAccount.organisation_id,
                    UserAccount.person_id,
                    UserAccount.care_worker_id,
                )
            ).all()
            by_role = {a.role: a for a in accounts if a.role != "provider_manager"}
            managers = {
                a.organisation_id: a.email for a in accounts if a.role == "provider_manager"
            }
            carer, family = by_role["care_worker"], by_role["person"]
            emails = {role: a.email for role, a in by_role.items()}
            emails["provider_manager"] = managers[carer.organisation_id]
            family_package, given, surname, by_name, by_relationship = conn.execute(
                select(
                    Package.id,
                    Person.given_name,
                    Person.family_name,
                    Person.consent_by_name,
                    Person.consent_by_relationship,
                )
                .join(Person, Person.id == Package.person_id)
                .where(Package.person_id == family.person_id, Package.status == "active")
            ).one()
            another = conn.execute(
                select(Package.id)
                .where(Package.provider_id != carer.organisation_id)
                .order_by(Package.id)
                .limit(1)
            ).scalar_one()
            visits = conn.execute(
                select(Visit.id, Person.latitude, Person.longitude, Person.postcode)
                .join(VisitCarer, VisitCarer.visit_id == Visit.id)
                .join(Person, Person.id == Visit.person_id)
                .where(VisitCarer.care_worker_id == carer.care_worker_id, Visit.day == day)
                .order_by(Visit.window_start, Visit.id)
            ).all()
    finally:
        engine.dispose()
    return DemoStore(
        database_url=database_url,
        day=day,
        emails=emails,
        managers=managers,
        family_package=family_package,
        another_providers_package=another,
        places={v.id: (v.latitude, v.longitude) for v in visits},
        postcode=visits[0].postcode,
        consenter=(by_name, by_relationship or "") if by_name else (f"{given} {surname}", "self"),
    )


def offered_to(database_url: str, who: tuple[str, str]) -> int | None:
    """The provider the person's referral is offered to now; None when no one is asked."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(Offer.provider_id)
                .join(Referral, Referral.id == Offer.referral_id)
                .join(Person, Person.id == Referral.person_id)
                .where(
                    Person.given_name == who[0],
                    Person.family_name == who[1],
                    Offer.responded_at.is_(None),
                )
            ).scalar_one_or_none()
    finally:
        engine.dispose()


class Pages:
    """Signed-in browser pages on the served demo; every script error is kept to report."""

    def __init__(self, browser: Any, url: str, folder: Path = SCREENSHOTS) -> None:
        self.browser = browser
        self.url = url
        self.folder = folder
        self.problems: list[str] = []
        self.taken: list[str] = []

    @contextmanager
    def page(self, email: str | None, *, phone: bool = False, **options: Any) -> Iterator[Page]:
        context = self.browser.new_context(
            base_url=self.url, viewport=PHONE if phone else DESKTOP, **options
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                self.problems.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )
        try:
            page.goto("/")
            if email is not None:
                page.fill("#email", email)
                page.fill("#password", DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                expect(page.locator(".app-header__user")).to_contain_text("Signed in as")
            yield page
        finally:
            context.close()

    def shot(
        self, page: Page, name: str, element: str | None = None, *, full_page: bool = True
    ) -> None:
        """axe-core on the page as it stands, then the whole page (or one element, or what
        the window shows of a long page) saved."""
        assert name in README_SHOTS, name
        check_accessibility(page)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = str(self.folder / f"{name}.png")
        if element is None:
            page.screenshot(path=path, full_page=full_page)
        else:
            target = page.locator(element).first
            target.scroll_into_view_if_needed()
            target.screenshot(path=path)
        self.taken.append(name)


def see_heading(page: Page, text: str | re.Pattern[str]) -> None:
    """Waits for the page whose heading this is: a click's new page may not be there yet."""
    expect(page.locator("h1").first).to_have_text(text)


def open_menu(
    page: Page, name: str | re.Pattern[str], heading: str | re.Pattern[str] | None = None
) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()
    see_heading(page, heading or name)


def everyone(pages: Pages, demo: DemoStore) -> None:
    with pages.page(None) as page:
        see_heading(page, "Sign in to Home care")
        pages.shot(page, "sign-in")


def commissioner(pages: Pages, demo: DemoStore) -> None:
    with pages.page(demo.emails["commissioner"]) as page:
        see_heading(page, "KPIs")
        expect(page.locator("#kpi-table tbody tr")).to_have_count(7)
        chart = page.locator("#trend-chart")
        expect(chart).to_have_js_property("complete", True)
        expect(chart).not_to_have_js_property("naturalWidth", 0)
        pages.shot(page, "commissioner-kpis")
        open_menu(page, "Zones")
        expect(page.locator("#zones-map[data-ready='true']")).to_be_attached()
        pages.shot(page, "commissioner-zones")
        open_menu(page, "Spend")
        expect(page.locator("#committed-by-provider")).to_contain_text("£")
        pages.shot(page, "commissioner-spend")
        open_menu(page, "Providers and contracts")
        expect(page.locator("#providers-table tbody tr").first).to_be_visible()
        pages.shot(page, "commissioner-providers")


ACCEPTED = ("Dorothy", "Pickersgill")
"""Referred, and taken on by the first provider asked."""
DECLINED = ("Arthur", "Oddy")
"""Referred, and declined by every provider asked, so awaiting care."""
REASONS = ("Cannot staff the visit times", "Outside the area we work in", "No capacity")


def refer(pages: Pages, page: Page, demo: DemoStore, who: tuple[str, str], shots: bool) -> None:
    """Finds no one of the name, records them and refers them for morning and bed visits;
    with `shots`, the referral form is sent once empty first."""
    given, family = who
    open_menu(page, "Refer someone")
    page.get_by_label("Name, NHS number or postcode").fill(family)
    follow(page, page.get_by_role("button", name="Search").click)
    expect(page.locator("main")).to_contain_text(f"No one you can see matches ‘{family}’")
    if shots:
        pages.shot(page, "refer-someone")
    page.get_by_role("button", name="Record someone new").click()
    see_heading(page, "Record someone new")
    page.get_by_label("NHS number").fill(next(demo.nhs_numbers))
    page.get_by_label("First name").fill(given)
    page.get_by_label("Last name").fill(family)
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("12")
    born.get_by_label("Month").fill("4")
    born.get_by_label("Year").fill("1938")
    page.get_by_label("Address").fill("14 Town Street, Leeds")
    page.get_by_label("Postcode").fill(demo.postcode)
    if shots:
        pages.shot(page, "record-someone-new")
    page.get_by_role("button", name="Save and continue").click()
    see_heading(page, "Referral details")
    if shots:
        page.get_by_role("button", name="Send referral").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter the minutes of at least one visit"
        )
        pages.shot(page, "referral-form-with-errors")
    for day in DAYS[:5]:
        page.get_by_label(f"{day} morning visit, minutes").fill("45")
        page.get_by_label(f"{day} bed visit, minutes").fill("30")
    page.get_by_label("2 carers on Monday morning").check()
    page.get_by_label("Outcomes the person wants (optional)").fill(
        "Get up and dressed each morning\nGo to the lunch club on Fridays"
    )
    needed = page.get_by_role("group", name="When does care need to start?")
    starts = demo.day + timedelta(days=3)
    needed.get_by_label("Day").fill(str(starts.day))
    needed.get_by_label("Month").fill(str(starts.month))
    needed.get_by_label("Year").fill(str(starts.year))
    if shots:
        pages.shot(page, "referral-form")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral sent")
    see_heading(page, f"{given} {family}")


def social_worker_refers(pages: Pages, demo: DemoStore) -> None:
    with pages.page(demo.emails["social_worker"]) as page:
        see_heading(page, "Referrals")
        refer(pages, page, demo, ACCEPTED, shots=True)
        pages.shot(page, "referral-social-worker")
        refer(pages, page, demo, DECLINED, shots=False)


def broker_reads_the_queue(pages: Pages, demo: DemoStore) -> None:
    with pages.page(demo.emails["broker"]) as page:
        see_heading(page, "Referral queue")
        row = page.get_by_role("row").filter(has_text=" ".join(ACCEPTED))
        expect(row).to_have_count(1)
        pages.shot(page, "referral-queue")
        row.get_by_role("link", name=" ".join(ACCEPTED)).click()
        expect(page.locator("main")).to_contain_text("Not asked yet")
        pages.shot(page, "referral-broker")


def open_offer(page: Page, name: str) -> None:
    open_menu(page, "Offers")
    page.get_by_role("link", name=name).first.click()
    see_heading(page, name)


def provider_accepts(pages: Pages, demo: DemoStore) -> None:
    name = " ".join(ACCEPTED)
    provider = offered_to(demo.database_url, ACCEPTED)
    assert provider is not None, f"{name}'s referral is offered to no one"
    with pages.page(demo.managers[provider]) as page:
        open_menu(page, "Offers")
        pages.shot(page, "offers")
        page.get_by_role("link", name=name).first.click()
        see_heading(page, name)
        pages.shot(page, "offer")
        page.get_by_role("button", name="Accept offer").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Offer accepted")
        pages.shot(page, "package")


def every_provider_declines(pages: Pages, demo: DemoStore) -> None:
    """Each provider in the cascade declines in turn; the first says why in its own words."""
    name = " ".join(DECLINED)
    for turn in range(20):
        provider = offered_to(demo.database_url, DECLINED)
        if provider is None:
            return
        with pages.page(demo.managers[provider]) as page:
            open_offer(page, name)
            if turn == 0:
                page.get_by_label("Other").check()
                page.get_by_label("Tell the council why").fill(
                    "Our only hoist-trained pair is away this month"
                )
                pages.shot(page, "offer-decline-other")
            else:
                page.get_by_label(REASONS[turn % len(REASONS)]).check()
            page.get_by_role("button", name="Decline offer").click()
            expect(page.locator(".govuk-notification-banner")).to_contain_text("Offer declined")
    raise AssertionError(f"the offers for {name} never ran out")


def broker_finds_who_awaits_care(pages: Pages, demo: DemoStore) -> None:
    name = " ".join(DECLINED)
    with pages.page(demo.emails["broker"]) as page:
        open_menu(page, re.compile("^Awaiting care"), "Awaiting care")
        row = page.get_by_role("row").filter(has_text=name)
        expect(row).to_have_count(1)
        pages.shot(page, "awaiting-care")
        row.get_by_role("link", name=name).click()
        expect(page.locator("main")).to_contain_text("Every provider declined")
        pages.shot(page, "referral-every-provider-declined")
        page.get_by_role("link", name="Withdraw this referral").click()
        see_heading(page, "Withdraw the referral")
        page.get_by_role("button", name="Withdraw referral").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter why you are withdrawing the referral"
        )
        pages.shot(page, "withdraw-with-errors")


def provider_manager(pages: Pages, demo: DemoStore) -> None:
    """The care worker's provider: today's board, the caseload, a change of visits for the
    family's person, the day's rounds, the care workers and the returns."""
    with pages.page(demo.emails["provider_manager"]) as page:
        see_heading(page, "Today")
        expect(page.locator("#live-board")).to_be_visible()
        pages.shot(page, "live-board")
        open_menu(page, "People and packages")
        pages.shot(page, "people-and-packages")

        page.goto(f"/app/packages/{demo.family_package}")
        page.get_by_role("button", name="Propose a change to the visits").click()
        see_heading(page, re.compile("’s visits$"))
        for day_name in DAYS:
            for band in ("lunch", "tea"):
                field = page.get_by_label(f"{day_name} {band}, minutes")
                field.fill(str(int(field.input_value() or 0) + 30))
        page.get_by_label("Why should the visits change?").fill(
            "Needs help with a hot meal at lunchtime and more time at teatime since coming home"
            " from hospital"
        )
        pages.shot(page, "package-change-visits")
        page.get_by_role("button", name="Ask the person to agree").click()
        expect(page.locator("main")).to_contain_text("Waiting for an answer")

        page.goto(f"/app/rounds/{demo.day.isoformat()}")
        see_heading(page, re.compile("^Rounds for "))
        expect(page.locator("#rounds-map[data-drawn]")).not_to_have_attribute("data-drawn", "0")
        expect(page.locator("#rounds-map[data-area-drawn]")).to_have_count(1)
        pages.shot(page, "rounds-timeline", element="svg.app-timeline")
        picker = page.get_by_label("Show one care worker's round")
        picker.select_option(index=1)
        page.get_by_role("button", name="Show", exact=True).click()
        see_heading(page, re.compile("^Rounds for "))
        expect(page.locator("#rounds-map[data-area-drawn]")).to_have_count(1)
        pages.shot(page, "rounds-map")
        open_menu(page, "Care workers")
        pages.shot(page, "care-workers")
        open_menu(page, "Monitoring returns")
        pages.shot(page, "returns")

        missing = page.goto(f"/app/packages/{demo.another_providers_package}")
        assert missing is not None and missing.status == 404
        see_heading(page, "Page not found")
        pages.shot(page, "page-not-found")


def family(pages: Pages, demo: DemoStore) -> None:
    """The family reads the plan, answers the change asked of them, banks hours and rates."""
    with pages.page(demo.emails["person"]) as page:
        see_heading(page, "My care")
        pages.shot(page, "my-care")
        page.get_by_role("link", name="Answer the request").click()
        see_heading(page, "Changes to your care")
        page.get_by_label("Yes, I agree").check()
        name, relationship = demo.consenter
        page.get_by_label("Your full name").fill(name)
        page.get_by_label(re.compile("^How are you related to")).fill(relationship)
        pages.shot(page, "my-care-consent")
        page.get_by_role("button", name="Send your answer").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "You agreed to the change"
        )
        page.get_by_role("link", name="Back to my care").click()
        page.get_by_role("link", name="Bank hours").click()
        page.get_by_label("How many hours do you want to bank?").fill("2")
        page.get_by_label("Why are you banking hours?").fill("I am staying with Mum at the weekend")
        page.get_by_role("button", name="Bank hours").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("You banked 2 hours.")
        pages.shot(page, "my-care-time-bank")
        page.get_by_role("link", name="Back to my care").click()
        page.get_by_role("link", name="Rate how things are going").click()
        for legend, score in (
            ("My well-being and independence", "4"),
            ("My home", "5"),
            ("My community", "3"),
        ):
            group = page.get_by_role("group", name=re.compile(f"^{legend}"))
            group.get_by_label(re.compile(f"^{score}")).check()
        page.get_by_role("button", name="Send your rating").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Your ratings are on your review"
        )
        pages.shot(page, "my-care-rating")


def social_worker_decides(pages: Pages, demo: DemoStore) -> None:
    with pages.page(demo.emails["social_worker"]) as page:
        open_menu(page, "Changes to approve")
        see_heading(page, "Changes to approve")
        pages.shot(page, "changes-queue")
        queue = page.get_by_role("table").filter(has_text="Oldest first")
        queue.get_by_role("row").nth(1).get_by_role("link").first.click()
        see_heading(page, re.compile("^Change to "))
        page.get_by_label("Approve the change").check()
        page.get_by_label("Note", exact=True).fill(
            "Discussed with the family: the hospital discharge team agree"
        )
        pages.shot(page, "change-decision")
        page.get_by_role("button", name="Save decision").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("is approved")


def care_worker(pages: Pages, demo: DemoStore) -> None:
    """On a phone at the first visit still to do: the round, the visit, a check-in, a second
    check-in refused, leaving early, and "not at home" asked about at the next."""
    with pages.page(demo.emails["care_worker"], phone=True, permissions=["geolocation"]) as page:
        see_heading(page, "Today’s round")
        todo = [
            int(str(b.get_attribute("id")).removeprefix("check-in-"))
            for b in page.locator("[id^='check-in-']").all()
        ]
        first, second = todo[0], todo[1]
        latitude, longitude = demo.places[first]
        page.context.set_geolocation({"latitude": latitude, "longitude": longitude})
        pages.shot(page, "care-worker-today")
        page.locator(f"#visit-{first}-heading a").click()
        expect(page.locator(f"#check-in-{first}")).to_be_visible()
        pages.shot(page, "care-worker-visit")
        follow(page, lambda: page.click(f"#check-in-{first}"))
        expect(page.locator(".govuk-notification-banner")).to_contain_text("You checked in to")
        pages.shot(page, "care-worker-checked-in")

        page.goto(f"/app/today/visits/{second}")
        follow(page, lambda: page.click(f"#check-in-{second}"))
        expect(page.locator(".govuk-error-summary")).to_contain_text("you are still checked in")
        pages.shot(page, "care-worker-second-check-in")

        follow(page, lambda: page.click("#way-out"))
        follow(page, lambda: page.click(f"#check-out-{first}"))
        see_heading(page, "Why are you leaving early?")
        follow(page, lambda: page.click(f"#check-out-{first}"))
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Select why you are leaving early"
        )
        page.get_by_label("The person asked me to leave").check()
        page.get_by_label("Tell the office more").fill("Her son arrived and took her to the shops.")
        pages.shot(page, "care-worker-leaving-early")
        follow(page, lambda: page.click(f"#check-out-{first}"))
        expect(page.locator(".govuk-notification-banner")).to_contain_text("You checked out of")

        latitude, longitude = demo.places[second]
        page.context.set_geolocation({"latitude": latitude, "longitude": longitude})
        follow(page, lambda: page.click(f"#not-at-home-{second}"))
        see_heading(page, re.compile("^Is .* not at home\\?$"))
        pages.shot(page, "care-worker-not-at-home")


def follow(page: Page, action: Callable[[], None]) -> None:
    with page.expect_navigation():
        action()
    page.wait_for_load_state()
