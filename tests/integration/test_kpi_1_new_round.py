"""KPI 1 keeps a miss when a broker re-offers a referral every provider declined.

The referral is made on Monday 5 October 2026 at 09:00 UTC; the four Leeds providers
decline it in turn by 11:00, which ends its first round with no provider: a miss for
KPI 1 (referrals converting to service starts). At 12:00 the broker starts a new round
(`POST /referrals/{id}/recascade`), which puts it to Aire again: the person still has
no care, and the new round is a new attempt for the same referral, so the miss stays in
the brokerage KPIs and in the monitoring return alike.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from homecare.clock import FixedClock
from tests.conftest import auth
from tests.integration.test_brokerage_api import _refer
from tests.support.world import MONDAY_10AM, World

PROVIDERS = ("Aire Homecare", "Kirkstall Care", "Bramley Care", "Wortley Care")


def _decline_all(client: TestClient, world: World, clock: FixedClock) -> None:
    for hour, provider in enumerate(PROVIDERS):
        clock.set(MONDAY_10AM + timedelta(minutes=30 * (hour + 1)))
        offers = client.get("/offers?status=open", headers=auth(world.tokens[provider])).json()
        assert len(offers) == 1, provider
        declined = client.post(
            f"/offers/{offers[0]['id']}/decline",
            json={"reason": "no_capacity"},
            headers=auth(world.tokens[provider]),
        )
        assert declined.status_code == 200, declined.text


def _kpi_1(client: TestClient, world: World) -> tuple[Any, Any]:
    """KPI 1 from /kpis/brokerage and from /monitoring/kpis, for the week of the referral."""
    token = auth(world.tokens["commissioner"])
    brokerage = client.get(
        "/kpis/brokerage", params={"from": "2026-10-05", "to": "2026-10-11"}, headers=token
    )
    monitoring = client.get("/monitoring/kpis", params={"period": "2026-W41"}, headers=token)
    assert brokerage.status_code == 200, brokerage.text
    assert monitoring.status_code == 200, monitoring.text
    overall = next(k for k in brokerage.json()["overall"] if k["number"] == 1)
    total = next(
        r
        for r in monitoring.json()["rows"]
        if r["kpi"] == 1 and r["provider_id"] is None and r["lot"] is None
    )
    return overall, total


def test_a_new_round_for_a_referral_every_provider_declined_keeps_the_kpi_1_miss(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    referral = _refer(client, world)
    _decline_all(client, world, clock)
    broker = auth(world.tokens["broker"])
    assert client.get(f"/referrals/{referral['id']}", headers=broker).json()["status"] == (
        "exhausted"
    )
    before = _kpi_1(client, world)

    clock.set(MONDAY_10AM + timedelta(hours=3))
    again = client.post(f"/referrals/{referral['id']}/recascade", headers=broker)
    after = _kpi_1(client, world)

    assert again.status_code == 200, again.text
    assert again.json()["status"] == "offered"
    brokerage, monitoring = after
    assert before == after
    assert (brokerage["met_count"], brokerage["eligible_count"]) == (0, 1)
    assert brokerage["missed_referral_ids"] == [referral["id"]]
    assert (monitoring["met"], monitoring["eligible"], monitoring["rag"]) == (0, 1, "red")
    assert monitoring["missed"]["ids"] == [referral["id"]]


def test_the_brokerage_kpis_say_their_as_at_and_agree_with_the_monitoring_kpis(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    token = auth(world.tokens["commissioner"])
    week = {"from": "2026-10-05", "to": "2026-10-11"}
    clock.set(MONDAY_10AM + timedelta(days=14))  # the week is over and settled

    settled = client.get("/kpis/brokerage", params=week, headers=token).json()
    monitoring = client.get("/monitoring/kpis", params={"period": "2026-W41"}, headers=token)
    now = client.get("/kpis/brokerage", params={**week, "as_at": "now"}, headers=token).json()

    # 06:00 on Monday 12 October: the midnight after the week, plus six hours to settle.
    assert settled["as_at_basis"] == "settled"
    assert settled["as_at_text"] == "Figures as at 06:00 on Monday 12 October 2026"
    assert settled["as_at"] == monitoring.json()["as_at"] == settled["as_of"]
    assert now["as_at_basis"] == "now" and now["as_at"] > settled["as_at"]
