"""A council's budget over the API: set by a commissioner, read by council staff who see the
figures, refused to a provider; the contingency drawn only within what is left; the
position as paid runs, live packages and direct payments make it; direct payments recorded
after a package ends for one.

The test world's clock is Monday 5 October 2026; the year is 2026/27 (365 days). Aire's
Lot 1 rate is £26.22; the placed package is 14 visits of 30 minutes, 7 hours a week.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.money.budget_service import budget_summary, seed_budget
from homecare.money.budget_tables import DirectPayment
from homecare.money.tables import PaymentRun, PaymentRunLine
from tests.conftest import auth
from tests.integration.test_lists_forms import browser_for, summary
from tests.support.caseload import place_package
from tests.support.web_client import csrf_token
from tests.support.world import MONDAY_10AM, World

BUDGET = {
    "lines": [
        {"lot_number": 1, "stream": "council", "pence": 400_000},
        {"lot_number": 2, "stream": "nhs", "pence": 50_000},
        {"lot_number": None, "stream": "council", "pence": 250_000},
    ],
    "contingency_pence": 30_000,
}


def _put(
    client: TestClient, world: World, body: dict[str, Any], who: str = "commissioner"
) -> httpx.Response:
    return client.put("/money/budgets/2026", json=body, headers=auth(world.tokens[who]))


def _draw(
    client: TestClient, world: World, pence: int, who: str = "commissioner"
) -> httpx.Response:
    return client.post(
        "/money/budgets/2026/contingency/drawdowns",
        json={"amount_pence": pence, "reason": "Winter pressures agreed at panel"},
        headers=auth(world.tokens[who]),
    )


def _approved_run(engine: Engine, world: World, package_id: int) -> None:
    """Aire paid for 5 October to 1 November; the first week's line is £183.54."""
    with unit_of_work(engine) as s:
        run = PaymentRun(
            council_id=world.council_id,
            provider_id=world.providers["Aire Homecare"],
            period_starts_on=date(2026, 10, 5),
            period_ends_on=date(2026, 11, 1),
            status="approved",
            fingerprint="f" * 64,
            total_pence=18_354,
            totals={"contract": 18_354},
            line_count=1,
            exception_count=0,
            drafted_at=MONDAY_10AM,
            approved_at=datetime(2026, 11, 3, 12, tzinfo=UTC),
        )
        s.add(run)
        s.flush()
        s.add(
            PaymentRunLine(
                run_id=run.id,
                package_id=package_id,
                iso_week="2026-W41",
                visit_ids=[],
                planned_minutes=420,
                actual_minutes=420,
                payable_minutes=420,
                care_pence=18_354,
                hospital_days=0,
                hospital_pence=0,
                extras=[],
                decided_by=[],
                pence=18_354,
            )
        )


def test_a_commissioner_sets_the_budget_and_council_staff_read_it_but_a_provider_may_not(
    client: TestClient, world: World
) -> None:
    put = _put(client, world, BUDGET)
    read = client.get("/money/budgets/2026", headers=auth(world.tokens["broker"]))
    by_broker = _put(client, world, BUDGET, who="broker")
    by_provider = client.get("/money/budgets/2026", headers=auth(world.tokens["Aire Homecare"]))
    other_council = client.get(
        "/money/budgets/2026", headers=auth(world.tokens["other_council_broker"])
    )

    assert put.status_code == 200, put.text
    assert read.status_code == 200, read.text
    assert read.json()["label"] == "2026/27"
    assert read.json()["budget_pence"] == 700_000
    assert [line["lot"] for line in read.json()["lines"]][-1] == "Direct payments"
    assert read.json()["contingency"]["left_pence"] == 30_000
    assert by_broker.status_code == 403
    assert by_provider.status_code == 403
    assert other_council.status_code == 404
    assert other_council.json()["detail"] == "no budget is set for 2026/27"
    unset = client.get(
        "/money/budgets/2027/position", headers=auth(world.tokens["commissioner"])
    ).json()
    assert (unset["budget_set"], unset["alert"], unset["budget_pence"]) == (False, None, 0)


def test_bad_amounts_are_refused_in_pounds_naming_the_field(
    client: TestClient, world: World
) -> None:
    negative = _put(client, world, {"lines": [{"lot_number": 1, "stream": "council", "pence": -1}]})
    no_lot = _put(client, world, {"lines": [{"lot_number": 9, "stream": "council", "pence": 1}]})
    stream = _put(client, world, {"lines": [{"lot_number": 1, "stream": "lottery", "pence": 1}]})
    assert _put(client, world, BUDGET).status_code == 200
    nothing = _draw(client, world, 0)

    assert negative.status_code == 422
    assert negative.json()["field"] == "lines[0].pence"
    assert negative.json()["detail"] == (
        "the budget for Lot 1: General home care, Council must be from £0.00 to £1,000,000,000.00"
    )
    assert no_lot.status_code == 422 and no_lot.json()["field"] == "lines[0].lot_number"
    assert stream.status_code == 422 and stream.json()["field"] == "lines[0].stream"
    assert nothing.status_code == 422
    assert nothing.json()["field"] == "amount_pence"
    assert "£0.01" in nothing.json()["detail"]


def test_the_contingency_is_drawn_only_within_what_is_left(
    client: TestClient, world: World, engine: Engine
) -> None:
    assert _put(client, world, BUDGET).status_code == 200
    by_provider = _draw(client, world, 1_000, who="Aire Homecare")
    first = _draw(client, world, 20_000)
    too_much = _draw(client, world, 15_000)
    lowered = _put(client, world, {**BUDGET, "contingency_pence": 10_000})

    assert by_provider.status_code == 403
    assert first.status_code == 200, first.text
    assert first.json()["by"] == "Commissioner"
    assert first.json()["drawn_on"] == "2026-10-05"
    assert too_much.status_code == 409
    assert too_much.json()["detail"] == (
        "£150.00 is more than the contingency has left: £100.00 of £300.00"
    )
    assert lowered.status_code == 409
    with unit_of_work(engine) as s:
        actions = list(
            s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("budget.%")))
        )
        drawn = s.scalar(
            select(func.count()).where(AuditEvent.action == "budget.contingency_drawn")
        )
    assert actions.count("budget.set") == 1
    assert drawn == 1


def test_the_position_adds_paid_committed_and_direct_payments_and_alerts_past_the_budget(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _approved_run(engine, world, placed.package_id)
    assert _put(client, world, BUDGET).status_code == 200
    # 7.5 hours at £16.50 = £123.75 a week from 5 October: 178 days to 31 March,
    # 12,375 × 178 ÷ 7 = 314,678.57 → 314,679p.
    dp = client.post(
        f"/people/{placed.person_id}/direct-payments",
        json={"weekly_hours": "7.5", "hourly_rate_pence": 1650, "starts_on": "2026-10-05"},
        headers=auth(world.tokens["social_worker"]),
    )
    assert dp.status_code == 201, dp.text
    assert dp.json()["weekly_pence"] == 12_375

    def position() -> dict[str, Any]:
        answer = client.get(
            "/money/budgets/2026/position?as_at=2026-11-04",
            headers=auth(world.tokens["commissioner"]),
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    before = position()
    assert _draw(client, world, 20_000).status_code == 200
    partly = position()
    assert _draw(client, world, 10_000).status_code == 200
    covered = position()

    # Paid: £183.54. Aire is paid to 1 November, so committed from 2 November to 31 March,
    # 150 days: 420 × 2622 × 150 ÷ 420 = 393,300p. Forecast 18,354 + 393,300 + 314,679
    # = 726,333p against 700,000p: 26,333p over.
    assert before["actual_pence"] == 18_354
    assert before["committed_pence"] == 393_300
    assert before["direct_payments_pence"] == 314_679
    assert before["forecast_pence"] == 726_333
    assert before["paid_through"] == "2026-11-01"
    assert before["over_pence"] == 26_333
    assert "by £263.33" in before["alert"]
    assert partly["over_pence"] == 6_333
    assert covered["alert"] is None
    assert covered["contingency"]["left_pence"] == 0
    assert len(before["months"]) == 12
    assert before["months"][-1]["forecast_to_date_pence"] == 726_333
    lot_one = next(r for r in before["by_lot"] if r["lot"].startswith("Lot 1"))
    assert (lot_one["actual_pence"], lot_one["committed_pence"]) == (18_354, 393_300)
    provider = client.get(
        "/money/budgets/2026/position", headers=auth(world.tokens["Aire Homecare"])
    )
    assert provider.status_code == 403


def test_a_direct_payment_follows_a_package_ended_for_one_and_ends_once(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    worker = auth(world.tokens["social_worker"])
    body = {"weekly_pence": 20_000, "starts_on": "2026-10-10", "package_id": placed.package_id}

    still_live = client.post(
        f"/people/{placed.person_id}/direct-payments", json=body, headers=worker
    )
    ended = client.post(
        f"/packages/{placed.package_id}/end",
        json={"last_day": "2026-10-09", "reason": "direct_payment"},
        headers=worker,
    )
    overlapping = client.post(
        f"/people/{placed.person_id}/direct-payments",
        json={**body, "starts_on": "2026-10-09"},
        headers=worker,
    )
    recorded = client.post(f"/people/{placed.person_id}/direct-payments", json=body, headers=worker)
    by_provider = client.post(
        f"/people/{placed.person_id}/direct-payments",
        json={"weekly_pence": 1, "starts_on": "2026-10-10"},
        headers=auth(world.tokens["Aire Homecare"]),
    )

    assert still_live.status_code == 409, still_live.text
    assert ended.status_code == 200, ended.text
    assert overlapping.status_code == 422 and overlapping.json()["field"] == "starts_on"
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["package_id"] == placed.package_id
    assert by_provider.status_code == 403
    payment = recorded.json()["id"]
    end = client.post(
        f"/direct-payments/{payment}/end", json={"ends_on": "2027-01-31"}, headers=worker
    )
    again = client.post(
        f"/direct-payments/{payment}/end", json={"ends_on": "2027-02-28"}, headers=worker
    )
    listed = client.get(f"/direct-payments?person_id={placed.person_id}", headers=worker)
    assert end.status_code == 200 and end.json()["ends_on"] == "2027-01-31"
    assert again.status_code == 409
    assert [p["id"] for p in listed.json()] == [payment]
    assert (
        client.get("/direct-payments", headers=auth(world.tokens["other_council_broker"])).json()
        == []
    )


def test_the_demo_budget_and_its_summary(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as s:
        seed_budget(s, council_id=world.council_id, year=2026, at=MONDAY_10AM)
    with unit_of_work(engine) as s:
        summary = budget_summary(s, world.council_id, date(2026, 10, 5))

    # 3,300 hours × £26.22 × 52 weeks is £4,499,352, held as £4.5m; £357,000 contingency.
    assert summary["budget_pence"] == 450_000_000
    assert summary["contingency_pence"] == 35_700_000
    assert summary["actual_pence"] == 0
    assert summary["forecast_pence"] == summary["committed_pence"]


def test_a_budget_seeded_from_a_later_day_holds_that_days_share_of_the_year(
    engine: Engine, world: World
) -> None:
    with unit_of_work(engine) as s:
        seed_budget(s, council_id=world.council_id, year=2026, at=MONDAY_10AM,
                    from_day=date(2026, 11, 2))  # fmt: skip
    with unit_of_work(engine) as s:
        summary = budget_summary(s, world.council_id, date(2026, 11, 2))

    # 2 November to 31 March is 150 of the year's 365 days; each line half up:
    # 392,000,000 × 150 ÷ 365 = 161,095,890.4 → 161,095,890; 15,000,000 → 6,164,383.6 →
    # 6,164,384 (twice); 28,000,000 → 11,506,849.3 → 11,506,849. Together 184,931,507p.
    assert summary["budget_pence"] == 184_931_507
    assert summary["contingency_pence"] == 35_700_000  # set aside whole


def test_the_commissioner_reads_the_budget_page_and_records_a_drawdown_on_it(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    place_package(engine, world)
    small = {**BUDGET, "lines": [{"lot_number": 1, "stream": "council", "pence": 100_000}]}
    assert _put(client, world, small).status_code == 200
    browser = browser_for(engine, clock, "commissioner@example.org")
    page = browser.get("/app/budget?year=2026&as_at=2026-10-05")
    token = csrf_token(page.text)

    too_much = browser.post(
        "/app/budget/drawdowns",
        data={"csrf_token": token, "year": "2026", "amount": "301", "reason": "Winter"},
    )
    empty = browser.post(
        "/app/budget/drawdowns", data={"csrf_token": token, "year": "2026", "amount": "x"}
    )
    sent = browser.post(
        "/app/budget/drawdowns",
        data={"csrf_token": token, "year": "2026", "amount": "£250.00", "reason": "Winter"},
        follow_redirects=False,
    )
    after = browser.get(sent.headers["location"])
    chart = browser.get("/app/budget/chart.svg?year=2026&as_at=2026-10-05")
    aire = browser_for(engine, clock, "aire.homecare@example.org").get("/app/budget")

    assert page.status_code == 200, page.text
    # 7 hours a week at £26.22 from 5 October to 31 March, 178 days: 18,354 × 178 ÷ 7
    # = 466,716p, past a £1,000 budget.
    assert "£4,667.16" in page.text
    assert 'id="budget-alert"' in page.text
    assert too_much.status_code == 400
    assert summary(too_much.text) == {
        "amount": "£301.00 is more than the contingency has left: £300.00 of £300.00"
    }
    assert set(summary(empty.text)) == {"amount", "reason"}
    assert sent.status_code == 303
    assert "The drawdown is recorded." in after.text
    assert "£50.00 left" in after.text
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert aire.status_code == 403


def test_a_social_worker_records_and_ends_a_direct_payment_on_the_persons_page(
    world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    browser = browser_for(engine, clock, "social_worker@example.org")
    address = f"/app/people/{placed.person_id}/direct-payments"
    page = browser.get(address)
    token = csrf_token(page.text)
    first_day = {"starts-on-day": "12", "starts-on-month": "10", "starts-on-year": "2026"}

    nothing = browser.post(address, data={"csrf_token": token, **first_day})
    no_rate = browser.post(address, data={"csrf_token": token, "weekly-hours": "7.5", **first_day})
    sent = browser.post(
        address,
        data={"csrf_token": token, "weekly-hours": "7.5", "hourly-rate": "16.50",
              "stream": "nhs", **first_day},
        follow_redirects=False,
    )  # fmt: skip
    listed = browser.get(sent.headers["location"])
    payment = direct_payment_ids(engine, placed.person_id)[0]
    ended = browser.post(
        f"/app/direct-payments/{payment}/end",
        data={"csrf_token": token, "last-day-day": "31", "last-day-month": "3",
              "last-day-year": "2027"},
        follow_redirects=False,
    )  # fmt: skip
    after = browser.get(ended.headers["location"])
    package_page = browser.get(f"/app/packages/{placed.package_id}")
    aire = browser_for(engine, clock, "aire.homecare@example.org").get(address)

    assert page.status_code == 200, page.text
    assert "No direct payments are recorded." in page.text
    assert summary(nothing.text) == {"weekly-amount": "Enter the weekly amount in pounds"}
    assert summary(no_rate.text) == {"hourly-rate": "Enter the hourly rate in pounds"}
    assert sent.status_code == 303, sent.text
    assert "The direct payment is recorded." in listed.text
    assert "£123.75 a week (7.50 hours at £16.50)" in listed.text
    assert "NHS contribution" in listed.text
    assert ended.status_code == 303, ended.text
    assert "31 March 2027" in after.text
    assert address in package_page.text
    assert aire.status_code == 403


def direct_payment_ids(engine: Engine, person_id: int) -> list[int]:
    with unit_of_work(engine) as s:
        return list(
            s.scalars(
                select(DirectPayment.id)
                .where(DirectPayment.person_id == person_id)
                .order_by(DirectPayment.id)
            )
        )
