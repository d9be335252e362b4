"""The person's choice of provider: asked first, contracted or bought spot with a reason,
refused with the reason when the council cannot buy from it, and counted."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import create_user
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.market import service as market
from homecare.market.domain import OrganisationKind
from homecare.market.tables import Contract
from tests.conftest import auth
from tests.integration.test_lists_forms import browser_for, summary
from tests.support import payloads
from tests.support.web_client import csrf_token
from tests.support.world import MONDAY_10AM, World

SOCIAL_WORKER = "social_worker@example.org"


def _provider(engine: Engine, name: str, overall: str) -> tuple[int, str]:
    """A provider with no contract with the council, and its manager's token."""
    with unit_of_work(engine) as s:
        org = market.create_organisation(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            kind=OrganisationKind.PROVIDER,
            name=name,
            cqc_location_id=f"1-20000{len(name):05d}",
            ratings={"overall": overall},
        )
        _, token = create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=org.id,
            role=Role.PROVIDER_MANAGER,
            name=name,
            email=f"manager@{name.split()[0].lower()}.example.org",
        )
        return org.id, token


def _refer(client: TestClient, world: World, nth: int = 0, **extra: Any) -> Any:
    person = client.post(
        "/people",
        json=payloads.person(payloads.VALID_NHS_NUMBERS[nth]),
        headers=auth(world.tokens["social_worker"]),
    )
    assert person.status_code == 201, person.text
    return client.post(
        "/referrals",
        json=payloads.referral(person.json()["id"], **extra),
        headers=auth(world.tokens["social_worker"]),
    )


def test_a_contracted_choice_is_offered_first_and_the_cascade_follows_in_order(
    client: TestClient, world: World
) -> None:
    wortley = world.providers["Wortley Care"]

    made = _refer(client, world, preferred_provider_id=wortley)

    assert made.status_code == 201, made.text
    referral = made.json()
    assert [o["provider_name"] for o in referral["offers"]] == ["Wortley Care"]
    assert [s["provider_id"] for s in referral["cascade_plan"]] == [
        world.providers[n]
        for n in ("Wortley Care", "Aire Homecare", "Kirkstall Care", "Bramley Care")
    ]
    assert referral["preference_text"] == "Person's choice: Wortley Care"
    assert referral["spot_purchase"] is False
    history = client.get(
        f"/referrals/{referral['id']}/history", headers=auth(world.tokens["broker"])
    ).json()
    [chosen] = [e for e in history if e["action"] == "referral.choice_recorded"]
    assert chosen["detail"]["preferred_provider_id"] == wortley


def test_a_provider_without_a_contract_is_bought_spot_with_a_reason_and_counted(
    client: TestClient, world: World, engine: Engine
) -> None:
    calverley, manager = _provider(engine, "Calverley Care", "good")
    reason = "Their carers already support her husband"

    made = _refer(client, world, preferred_provider_id=calverley, preference_reason=reason)
    other = _refer(client, world, 1).json()

    assert made.status_code == 201, made.text
    referral = made.json()
    assert [o["provider_name"] for o in referral["offers"]] == ["Calverley Care"]
    assert referral["spot_purchase"] is True
    assert referral["preference_text"] == f"Person's choice: Calverley Care ({reason})"
    assert calverley not in [s["provider_id"] for s in other["cascade_plan"]]
    [offer] = client.get("/offers?status=open", headers=auth(manager)).json()
    accepted = client.post(
        f"/offers/{offer['id']}/accept", json={"agreed_start": "2026-10-06"}, headers=auth(manager)
    )
    assert accepted.status_code == 200, accepted.text
    # No rate was agreed: the highest contracted rate in the lot and zone, Kirkstall's £27.
    assert accepted.json()["hourly_rate"] == "27"
    kpis = client.get(
        "/kpis/brokerage?as_at=now", headers=auth(world.tokens["commissioner"])
    ).json()
    assert kpis["choice"] == {"with_preference": 1, "placed_with_preferred": 1, "spot_purchases": 1}


def test_a_choice_is_refused_without_a_reason_or_below_the_councils_rating(
    client: TestClient, world: World, engine: Engine
) -> None:
    calverley, _ = _provider(engine, "Calverley Care", "good")
    farsley, _ = _provider(engine, "Farsley Home Help", "inadequate")

    no_reason = _refer(client, world, preferred_provider_id=calverley)
    inadequate = _refer(
        client, world, 1, preferred_provider_id=farsley, preference_reason="Near her daughter"
    )
    a_council = _refer(client, world, 2, preferred_provider_id=world.council_id)

    assert no_reason.status_code == 422
    assert no_reason.json()["field"] == "preference_reason"
    assert "say why the person wants it" in no_reason.json()["detail"]
    assert inadequate.status_code == 422
    assert inadequate.json()["field"] == "preferred_provider_id"
    assert "rated Inadequate by CQC, below the council's lowest" in inadequate.json()["detail"]
    assert a_council.status_code == 422
    assert a_council.json()["field"] == "preferred_provider_id"


def test_the_referral_form_takes_the_persons_choice_and_the_page_shows_it(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    calverley, _ = _provider(engine, "Calverley Care", "good")
    person = client.post(
        "/people", json=payloads.person(), headers=auth(world.tokens["social_worker"])
    ).json()
    browser = browser_for(engine, clock, SOCIAL_WORKER)
    form = browser.get(f"/app/refer/people/{person['id']}")
    data = {
        "csrf_token": csrf_token(form.text),
        "source": "social_work",
        "lot": "1",
        "visit-mon-morning": "45",
        "required-start-day": "6",
        "required-start-month": "10",
        "required-start-year": "2026",
        "preferred_provider": str(calverley),
    }

    refused = browser.post(f"/app/refer/people/{person['id']}", data=data)
    reason = {"preference_reason": "Carers who speak Punjabi"}
    bad_rate = browser.post(
        f"/app/refer/people/{person['id']}", data=data | reason | {"spot-rate": "twenty"}
    )
    sent = browser.post(
        f"/app/refer/people/{person['id']}", data=data | reason | {"spot-rate": "£27.50"}
    )

    assert "Does the person want a particular provider?" in form.text
    assert form.text.index("Wortley Care") < form.text.index("Calverley Care")
    assert summary(refused.text) == {
        "preference-reason": "Calverley Care has no contract for this lot and zone: say why "
        "the person wants it"
    }
    assert summary(bad_rate.text) == {
        "spot-rate": "Enter the agreed hourly rate in pounds, like 26.22"
    }
    assert sent.url.path.startswith("/app/referrals/")
    with engine.connect() as c:  # the spot purchase is at the rate typed, not the default
        assert (
            c.scalar(
                select(Contract.hourly_rate_pence).where(
                    Contract.provider_id == calverley, Contract.role == "spot"
                )
            )
            == 2750
        )
    assert "Person&#39;s choice" in sent.text or "Person's choice" in sent.text
    assert "Calverley Care (Carers who speak Punjabi)" in sent.text
    kpis = browser_for(engine, clock, "commissioner@example.org").get("/app/kpis?period=2026-P11")
    choice = kpis.text.split('id="choice"', 1)[1].split("</dl>", 1)[0]
    assert re.findall(r'summary-list__value">(\d+)<', choice) == ["1", "0", "1"]
