"""Every role's brokerage work, done in a real browser against `homecare serve`.

A social worker refers someone, the broker sees the referral in the queue, the provider
manager accepts it; when every provider declines, the broker finds the person on the
awaiting-care list and acts. Each page visited is checked with axe-core (the README's
screenshots of these pages are taken from the demo by tests/e2e/test_demo_today.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.web.conftest import PASSWORD, Site, check_accessibility
from tests.e2e.web.steps import heading, press_and_follow, sign_in, tab_to

Page = Any
NewPage = Callable[..., Page]


def refer_someone(page: Page, site: Site, given: str, family: str, *, shots: bool = False) -> str:
    """Records a new person and refers them; returns the referral page's address."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Refer someone").click()
    assert heading(page) == "Refer someone"
    page.get_by_label("Name, NHS number or postcode").fill(family)
    page.get_by_role("button", name="Search").click()
    assert f"No one you can see matches ‘{family}’" in page.inner_text("main")
    check_accessibility(page)
    page.get_by_role("button", name="Record someone new").click()

    assert heading(page) == "Record someone new"
    page.get_by_label("NHS number").fill(next(site.nhs_numbers))
    page.get_by_label("First name").fill(given)
    page.get_by_label("Last name").fill(family)
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("12")
    born.get_by_label("Month").fill("4")
    born.get_by_label("Year").fill("1938")
    page.get_by_label("Address").fill("14 Town Street, Armley, Leeds")
    page.get_by_label("Postcode").fill("LS12 1AU")
    check_accessibility(page)
    page.get_by_role("button", name="Save and continue").click()

    assert heading(page) == "Referral details"
    assert f"{given} {family}" in page.inner_text("main")
    if shots:
        page.get_by_role("button", name="Send referral").click()
        expect(page).to_have_title(re.compile(r"^Error: "))
        summary = page.locator(".govuk-error-summary")
        assert "Enter the minutes of at least one visit" in summary.inner_text()
        assert "Enter the required start date" in summary.inner_text()
        check_accessibility(page)
        summary.get_by_role("link", name="Enter the minutes of at least one visit").click()
        assert page.evaluate("document.activeElement.id") == "visit-mon-morning"
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(f"{day} morning visit, minutes").fill("45")
        page.get_by_label(f"{day} bed visit, minutes").fill("30")
    page.get_by_label("2 carers on Monday morning").check()
    page.get_by_label("Weekly carer hours (optional)").fill("7")
    page.get_by_label("Outcomes the person wants (optional)").fill(
        "Get up and dressed each morning\nGo to the lunch club on Fridays"
    )
    starts = site.start_date()
    needed = page.get_by_role("group", name="When does care need to start?")
    needed.get_by_label("Day").fill(str(starts.day))
    needed.get_by_label("Month").fill(str(starts.month))
    needed.get_by_label("Year").fill(str(starts.year))
    check_accessibility(page)
    page.get_by_role("button", name="Send referral").click()

    assert heading(page) == f"{given} {family}"
    assert "Referral sent" in page.inner_text(".govuk-notification-banner")
    return str(page.url)


def open_offer_for(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Offers").click()
    assert heading(page) == "Offers"
    page.get_by_role("link", name=name).first.click()
    assert heading(page) == name


def test_a_referral_goes_from_the_social_worker_through_the_broker_to_a_provider(
    new_page: NewPage, site: Site
) -> None:
    social_worker = new_page()
    sign_in(social_worker, site, "social_worker")
    assert heading(social_worker) == "Referrals"
    assert "Priya Shah, Leeds City Council" in social_worker.inner_text("header")
    check_accessibility(social_worker)

    referral_url = refer_someone(social_worker, site, "Dorothy", "Pickersgill", shots=True)
    main = social_worker.inner_text("main")
    assert "Offered to a provider" in main
    assert "Aire Homecare" in main
    assert "7 hours" in main and "1.5 hours" in main
    check_accessibility(social_worker)

    broker = new_page()
    sign_in(broker, site, "broker")
    assert heading(broker) == "Referral queue"
    row = broker.get_by_role("row").filter(has_text="Dorothy Pickersgill")
    assert "Aire Homecare" in row.inner_text()
    assert re.search(r"less than a minute|\d+ minutes?", row.inner_text())
    check_accessibility(broker)
    row.get_by_role("link", name="Dorothy Pickersgill").click()
    order = broker.get_by_role("table").filter(has_text="Not asked yet")
    providers = [
        order.get_by_role("row").nth(i).get_by_role("cell").nth(1).inner_text() for i in range(1, 5)
    ]
    assert providers == ["Aire Homecare", "Kirkstall Care", "Bramley Care", "Wortley Care"]
    check_accessibility(broker)

    provider = new_page()
    sign_in(provider, site, "Aire Homecare")
    assert heading(provider) == "Today"
    provider.get_by_role("navigation", name="Menu").get_by_role("link", name="Offers").click()
    assert heading(provider) == "Offers"
    check_accessibility(provider)
    open_offer_for(provider, "Dorothy Pickersgill")
    check_accessibility(provider)
    provider.get_by_role("button", name="Accept offer").click()

    assert heading(provider) == "Dorothy Pickersgill"
    main = provider.inner_text("main")
    assert "Offer accepted" in main
    assert "£26.22" in main and "£183.54" in main
    check_accessibility(provider)

    social_worker.goto(referral_url)
    assert "Placed" in social_worker.inner_text("main")
    broker.goto("/app/queue")
    assert "Dorothy Pickersgill" not in broker.inner_text("main")

    # With JavaScript, people are found as the name is typed (htmx), without pressing Search.
    social_worker.goto("/app/refer")
    social_worker.get_by_label("Name, NHS number or postcode").press_sequentially("Pickers")
    found = social_worker.get_by_role("link", name="Refer Dorothy Pickersgill")
    found.wait_for()
    assert social_worker.url.endswith("/app/refer?q=Pickers")
    check_accessibility(social_worker)


def test_when_every_provider_declines_the_broker_finds_the_person_awaiting_care(
    new_page: NewPage, site: Site
) -> None:
    social_worker = new_page()
    sign_in(social_worker, site, "social_worker")
    referral_url = refer_someone(social_worker, site, "Arthur", "Sutcliffe")

    # Aire answers with the keyboard alone.
    aire = new_page()
    aire.goto("/")
    tab_to(aire, "#email")
    aire.keyboard.type(site.emails["Aire Homecare"])
    aire.keyboard.press("Tab")
    aire.keyboard.type(PASSWORD)
    press_and_follow(aire, "Enter")
    assert heading(aire) == "Today"
    tab_to(aire, "nav a:text('Offers')")
    press_and_follow(aire, "Enter")
    assert heading(aire) == "Offers"
    tab_to(aire, "a:text('Arthur Sutcliffe')")
    press_and_follow(aire, "Enter")
    tab_to(aire, "#reason")
    aire.keyboard.press("Space")
    tab_to(aire, "button:text('Decline offer')")
    press_and_follow(aire, "Enter")
    assert "Offer declined" in aire.inner_text(".govuk-notification-banner")
    check_accessibility(aire)

    # Kirkstall's manager has JavaScript switched off: the form works all the same.
    kirkstall = new_page(javascript=False)
    sign_in(kirkstall, site, "Kirkstall Care", javascript=False)
    open_offer_for(kirkstall, "Arthur Sutcliffe")
    kirkstall.get_by_role("button", name="Decline offer").click()
    assert "Select why you are declining the offer" in kirkstall.inner_text(".govuk-error-summary")
    kirkstall.get_by_label("Other").check()
    kirkstall.get_by_role("button", name="Decline offer").click()
    assert "Enter why you are declining the offer" in kirkstall.inner_text(".govuk-error-summary")
    kirkstall.get_by_label("Tell the council why").fill("Our only hoist-trained pair is away")
    kirkstall.get_by_role("button", name="Decline offer").click()
    assert "Offer declined" in kirkstall.inner_text(".govuk-notification-banner")

    for provider, reason in (
        ("Bramley Care", "Cannot staff the visit times"),
        ("Wortley Care", "Outside the area we work in"),
    ):
        page = new_page()
        sign_in(page, site, provider)
        open_offer_for(page, "Arthur Sutcliffe")
        if provider == "Bramley Care":
            page.get_by_label("Other").check()
            check_accessibility(page)
        page.get_by_label(reason).check()
        page.get_by_role("button", name="Decline offer").click()
        assert "Offer declined" in page.inner_text(".govuk-notification-banner")

    broker = new_page()
    sign_in(broker, site, "broker")
    assert "Arthur Sutcliffe" not in broker.inner_text("main")
    broker.get_by_role("navigation", name="Menu").get_by_role("link", name="Awaiting care").click()
    row = broker.get_by_role("row").filter(has_text="Arthur Sutcliffe")
    assert row.get_by_role("cell").last.inner_text() == "4"
    check_accessibility(broker)

    row.get_by_role("link", name="Arthur Sutcliffe").click()
    main = broker.inner_text("main")
    assert "Every provider declined" in main
    assert "Other: Our only hoist-trained pair is away" in main
    check_accessibility(broker)
    broker.get_by_role("button", name="Start a new round of offers").click()
    assert "A new round of offers has started" in broker.inner_text(".govuk-notification-banner")
    assert "Offered to a provider" in broker.inner_text("main")
    check_accessibility(broker)

    broker.get_by_role("link", name="Withdraw this referral").click()
    assert heading(broker) == "Withdraw the referral"
    broker.get_by_role("button", name="Withdraw referral").click()
    assert "Enter why you are withdrawing the referral" in broker.inner_text(".govuk-error-summary")
    check_accessibility(broker)
    broker.get_by_label("Why are you withdrawing the referral?").fill(
        "Mr Sutcliffe chose a direct payment"
    )
    broker.get_by_role("button", name="Withdraw referral").click()
    assert "Referral withdrawn" in broker.inner_text(".govuk-notification-banner")

    social_worker.goto(referral_url)
    assert "Withdrawn" in social_worker.inner_text("main")
    assert "Mr Sutcliffe chose a direct payment" in social_worker.inner_text("main")


def test_a_provider_manager_opening_another_providers_package_sees_page_not_found(
    new_page: NewPage, site: Site
) -> None:
    wortley = new_page()
    sign_in(wortley, site, "Wortley Care")

    own = wortley.goto(f"/app/packages/{site.packages['Wortley Care']}")
    assert own is not None and own.status == 200
    other = wortley.goto(f"/app/packages/{site.packages['Aire Homecare']}")

    assert other is not None and other.status == 404
    assert heading(wortley) == "Page not found"
    assert "Holroyd" not in wortley.content()
    check_accessibility(wortley)

    wortley.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="People and packages"
    ).click()
    assert heading(wortley) == "People and packages"
    check_accessibility(wortley)


def test_signing_out_ends_the_session_for_good(new_page: NewPage, site: Site) -> None:
    page = new_page()
    sign_in(page, site, "broker")
    cookie = next(c for c in page.context.cookies() if c["name"] == "__Host-homecare_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"

    page.get_by_role("button", name="Sign out").click()

    assert heading(page) == "Sign in to Home care"
    assert "You have signed out" in page.inner_text("main")
    check_accessibility(page)
    page.context.add_cookies([cookie])
    page.goto("/app/queue")
    assert heading(page) == "Sign in to Home care"
