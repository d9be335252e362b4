"""Every demo account's work in Chromium, in the order one depends on another, and the
month's changes as the people who make them would: the commissioner reads a contract's
terms and the CQC alert the demo's new rating raised, the family asks to use banked hours
(and withdraws a second ask) and the provider books them, the social worker ends someone's
care; the finance officer reads the period the demo paid, the provider disputes a line
of its statement and the finance officer answers.

The steps of the spine are in tests/e2e/demo_pages.py; each page is checked with axe-core
and saved under its README name.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from homecare.db import make_engine
from homecare.packages.tables import Package
from tests.e2e.demo_pages import (
    DemoStore,
    Pages,
    broker_finds_who_awaits_care,
    broker_reads_the_queue,
    care_worker,
    commissioner,
    every_provider_declines,
    everyone,
    family,
    follow,
    open_menu,
    provider_accepts,
    provider_manager,
    see_heading,
    social_worker_decides,
    social_worker_refers,
)


def take_every_screenshot(pages: Pages, demo: DemoStore) -> None:
    """Each role's pages, in the order their work depends on one another; a shared,
    busy machine is given longer than Playwright's five seconds for each page."""
    expect.set_options(timeout=20_000)
    try:
        _every_role(pages, demo)
    finally:
        expect.set_options(timeout=5_000)


def _every_role(pages: Pages, demo: DemoStore) -> None:
    everyone(pages, demo)
    commissioner(pages, demo)
    commissioner_reads_a_contract_and_the_cqc_alert(pages, demo)
    social_worker_refers(pages, demo)
    broker_reads_the_queue(pages, demo)
    provider_accepts(pages, demo)
    every_provider_declines(pages, demo)
    broker_finds_who_awaits_care(pages, demo)
    provider_manager(pages, demo)
    family(pages, demo)
    family_asks_to_use_banked_hours(pages, demo)
    provider_books_the_banked_hours(pages, demo)
    social_worker_decides(pages, demo)
    social_worker_ends_care(pages, demo)
    care_worker(pages, demo)
    finance_officer_reads_the_runs(pages, demo)
    provider_disputes_a_line(pages, demo)
    finance_officer_answers_the_dispute(pages, demo)


def commissioner_reads_a_contract_and_the_cqc_alert(pages: Pages, demo: DemoStore) -> None:
    """The demo month's uplift shows on a contract; its new rating raised one alert."""
    with pages.page(demo.emails["commissioner"]) as page:
        open_menu(page, "Providers and contracts")
        page.locator("#contracts-table a").first.click()
        expect(page.locator(".govuk-caption-l")).to_contain_text("Contract ")
        expect(page.locator("main")).to_contain_text("Contract conditions today")
        pages.shot(page, "commissioner-contract")
        open_menu(page, re.compile("^CQC alerts"), "CQC rating alerts")
        expect(page.locator("main")).to_contain_text("Inadequate")
        pages.shot(page, "commissioner-cqc-alerts")
        page.get_by_role("button", name=re.compile("^Mark read")).first.click()
        expect(page.locator(".govuk-notification-banner")).to_be_visible()


def family_asks_to_use_banked_hours(pages: Pages, demo: DemoStore) -> None:
    """Half an hour more at a visit this week, from the hours the family just banked."""
    with pages.page(demo.emails["person"]) as page:
        see_heading(page, "My care")
        page.get_by_role("link", name="Use banked hours").first.click()
        see_heading(page, "Use banked hours")
        page.get_by_label("A longer visit").check()
        page.get_by_label("Which visit?").select_option(index=1)
        page.get_by_label("How many hours?").fill("0.5")
        page.get_by_label(re.compile("^What are the hours for")).fill(
            "Time for a bath before the family comes for the weekend"
        )
        page.get_by_role("button", name="Ask your provider").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Your request is sent")
        pages.shot(page, "my-care-use-banked-hours")
        # A second ask, thought better of: withdrawn while it still waits for the provider.
        page.get_by_label("A longer visit").check()
        page.get_by_label("Which visit?").select_option(index=1)
        page.get_by_label("How many hours?").fill("0.25")
        page.get_by_role("button", name="Ask your provider").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Your request is sent")
        page.get_by_role("button", name=re.compile("^Withdraw this request")).first.click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "You withdrew the request"
        )
        expect(page.locator("#asks")).to_contain_text("Withdrawn")


def provider_books_the_banked_hours(pages: Pages, demo: DemoStore) -> None:
    with pages.page(demo.emails["provider_manager"]) as page:
        open_menu(page, "Banked hours", "Banked hours to book")
        expect(page.locator("main")).to_contain_text("Time for a bath")
        pages.shot(page, "banked-hours")
        page.get_by_role("button", name=re.compile("^Accept and book")).first.click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("The visit is booked")


def social_worker_ends_care(pages: Pages, demo: DemoStore) -> None:
    """Someone's care ends the day they move into a care home: sent without a reason first."""
    package_id = _a_live_package_of_another_provider(demo)
    with pages.page(demo.emails["social_worker"]) as page:
        page.goto(f"/app/packages/{package_id}")
        page.get_by_role("link", name=re.compile("^End or move this care")).click()
        day = demo.day
        page.get_by_label("Day", exact=True).first.fill(str(day.day))
        page.get_by_label("Month", exact=True).first.fill(str(day.month))
        page.get_by_label("Year", exact=True).first.fill(str(day.year))
        follow(page, page.get_by_role("button", name="End care on this day").click)
        expect(page.locator(".govuk-error-summary")).to_contain_text("why care is ending")
        page.get_by_label(re.compile("residential or nursing", re.IGNORECASE)).check()
        pages.shot(page, "package-end")
        follow(page, page.get_by_role("button", name="End care on this day").click)
        expect(page.locator(".govuk-notification-banner")).to_be_visible()


def _a_live_package_of_another_provider(demo: DemoStore) -> int:
    engine = make_engine(demo.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(Package.id)
                .where(
                    Package.status == "active",
                    Package.end_reason.is_(None),
                    Package.ends_on.is_(None),
                    Package.id != demo.family_package,
                    Package.starts_on <= demo.day,
                )
                .order_by(Package.id.desc())
                .limit(1)
            ).scalar_one()
    finally:
        engine.dispose()


def finance_officer_reads_the_runs(pages: Pages, demo: DemoStore) -> None:
    """The demo paid its last whole 4-week period: every provider's run approved."""
    with pages.page(demo.emails["finance_officer"]) as page:
        see_heading(page, "Payment runs")
        expect(page.locator("#runs")).to_contain_text("Approved")
        pages.shot(page, "payment-runs")
        page.locator("#runs a").last.click()  # a small provider: a page short enough to show
        expect(page.locator("#run-summary")).to_contain_text("Approved")
        pages.shot(page, "payment-run")


def provider_disputes_a_line(pages: Pages, demo: DemoStore) -> None:
    with pages.page(demo.emails["provider_manager"]) as page:
        open_menu(page, "Statements")
        page.locator("#statements a").first.click()
        expect(page.locator("#statement-summary")).to_contain_text("Paid")
        pages.shot(page, "statement", full_page=False)  # the top of some 130 lines
        page.locator("#lines").get_by_role("link", name=re.compile("^Dispute")).first.click()
        see_heading(page, "Dispute a line")
        page.get_by_label("What is wrong with this line?").fill(
            "Tuesday's lunch visit ran 20 minutes over: the carer waited for the district nurse"
        )
        pages.shot(page, "statement-dispute")
        page.get_by_role("button", name="Send the dispute").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Your dispute is sent")


def finance_officer_answers_the_dispute(pages: Pages, demo: DemoStore) -> None:
    """Upheld, with the overrun owed: an adjustment waiting for a second person."""
    with pages.page(demo.emails["finance_officer"]) as page:
        open_menu(page, "Disputes and adjustments")
        card = page.locator(".govuk-summary-card").first
        expect(card).to_contain_text("waited for the district nurse")
        pages.shot(page, "payment-disputes")
        card.get_by_label("Upheld: the provider is right").check()
        card.get_by_label(re.compile("^If upheld, the amount owed")).fill("8.74")
        card.get_by_label("What the council decided and why").fill(
            "The overrun was agreed by phone with the social worker"
        )
        card.get_by_role("button", name="Answer the dispute").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "The dispute is answered"
        )
        expect(page.locator("#waiting-adjustments")).to_contain_text("£8.74")
