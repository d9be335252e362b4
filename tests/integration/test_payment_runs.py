"""Payment runs through the API (docs/adr/0028-stored-payment-runs.md): a finance officer
drafts a provider's run from call monitoring, checks it and another approves it; the
provider reads its statement and disputes a line; the council upholds it, and the next run
pays the adjustment and a late correction; the remittance and payments files add up.

Aire Homecare's package has 30-minute morning and bed visits each day from Monday 5 October
2026 (14 a week); the
contract pays £26.22 an hour by the standard rules (actual minutes, by the minute).
Period 2026-P11 runs from Monday 5 October to Sunday 1 November 2026.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from homecare.access import SYSTEM_ACTOR
from homecare.cli import app
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.delivery.tables import Attendance, Visit
from homecare.timebank.service import open_envelope
from tests.conftest import auth
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import MONDAY_10AM, World

AIRE = "Aire Homecare"
P11 = "2026-P11"
AFTER_P11 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _delivered_week(engine: Engine, world: World, minutes: int = 28) -> list[int]:
    """The package's first week of visits: Monday to Saturday's twelve checked in and out
    after `minutes`, and Sunday's two marked completed with no check-in or check-out."""
    place_package(engine, world)
    worker = hire_care_worker(engine, world).care_worker_id
    with unit_of_work(engine) as s:
        generate_visits(
            s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, start=date(2026, 10, 5),
            end=date(2026, 10, 11), provider_id=world.providers[AIRE],
        )  # fmt: skip
        visits = list(s.scalars(select(Visit).order_by(Visit.day)))
        for visit in visits:
            visit.status = "completed"
            if visit.day == date(2026, 10, 11):
                continue
            start = visit.window_start + timedelta(minutes=10)
            s.add(
                Attendance(
                    visit_id=visit.id, care_worker_id=worker, checked_in_at=start,
                    checked_out_at=start + timedelta(minutes=minutes),
                )
            )  # fmt: skip
            visit.delivered_minutes = minutes
        return [v.id for v in visits]


def _draft(client: TestClient, world: World, who: str = "finance", period: str = P11):
    return client.post(
        "/money/payment-runs",
        json={"provider_id": world.providers[AIRE], "period": period},
        headers=auth(world.tokens[who]),
    )


def test_a_run_pays_recorded_minutes_holds_back_a_visit_without_evidence_and_drafts_the_same_again(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _delivered_week(engine, world)
    clock.set(AFTER_P11)

    first = _draft(client, world)
    again = _draft(client, world)

    assert first.status_code == 200, first.text
    run = first.json()
    # Twelve visits of 28 recorded minutes, by the minute, each rounded once:
    # 28 × 2622 ÷ 60 = 1223.6 → £12.24; × 12 = £146.88. Sunday's two visits have no
    # check-in or check-out: two exceptions.
    assert run["total_pence"] == 14688
    assert (run["lines"], run["exceptions"], run["status"]) == (1, 2, "draft")
    assert run["as_at"].startswith("2026-11-03T10:00")
    assert again.json()["id"] == run["id"] and again.json()["total_pence"] == 14688
    detail = client.get(f"/money/payment-runs/{run['id']}", headers=auth(world.tokens["finance"]))
    line = detail.json()["line_items"][0]
    assert (line["iso_week"], line["visits"], line["planned_minutes"]) == ("2026-W41", 12, 360)
    assert (line["actual_minutes"], line["payable_minutes"], line["pence"]) == (336, 336, 14688)
    assert line["decided_by"] == ["Paid on actual minutes, by the minute"]
    held = detail.json()["exception_items"]
    assert [(e["day"], e["reason"]) for e in held] == [("2026-10-11", "no_evidence")] * 2


def test_a_finance_officer_cannot_approve_a_run_they_drafted_and_an_approved_run_never_changes(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _delivered_week(engine, world)
    clock.set(AFTER_P11)
    run_id = _draft(client, world).json()["id"]
    finance, other = auth(world.tokens["finance"]), auth(world.tokens["finance_2"])

    unchecked = client.post(f"/money/payment-runs/{run_id}/approve", headers=other)
    checked = client.post(f"/money/payment-runs/{run_id}/check", headers=finance)
    own = client.post(f"/money/payment-runs/{run_id}/approve", headers=finance)
    approved = client.post(f"/money/payment-runs/{run_id}/approve", headers=other)
    twice = client.post(f"/money/payment-runs/{run_id}/approve", headers=other)
    redrafted = _draft(client, world, "finance_2")
    by_commissioner = _draft(client, world, "commissioner")
    by_provider = _draft(client, world, AIRE)

    assert unchecked.status_code == 409 and "check the run" in unchecked.json()["detail"]
    assert checked.status_code == 200 and checked.json()["status"] == "checked"
    assert own.status_code == 403
    assert "another finance officer must approve it" in own.json()["detail"]
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert twice.status_code == 409
    assert redrafted.status_code == 409 and "never changes" in redrafted.json()["detail"]
    assert by_commissioner.status_code == 403 and by_provider.status_code == 403


def test_the_provider_reads_its_statement_and_disputes_a_line_and_the_next_run_pays_what_was_owed(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    visit_ids = _delivered_week(engine, world)
    clock.set(AFTER_P11)
    finance, other = auth(world.tokens["finance"]), auth(world.tokens["finance_2"])
    aire, wortley = auth(world.tokens[AIRE]), auth(world.tokens["Wortley Care"])
    run_id = _draft(client, world).json()["id"]
    draft_seen = client.get(f"/money/payment-runs/{run_id}", headers=aire)
    client.post(f"/money/payment-runs/{run_id}/check", headers=finance)
    client.post(f"/money/payment-runs/{run_id}/approve", headers=other)

    statement = client.get(f"/money/payment-runs/{run_id}", headers=aire)
    not_theirs = client.get(f"/money/payment-runs/{run_id}", headers=wortley)
    line_id = statement.json()["line_items"][0]["id"]
    disputed = client.post(
        f"/money/payment-run-lines/{line_id}/disputes",
        json={"reason": "Sunday's visit was given: the phone had no signal"},
        headers=aire,
    )
    twice = client.post(
        f"/money/payment-run-lines/{line_id}/disputes", json={"reason": "Again"}, headers=aire
    )
    by_other = client.post(
        f"/money/payment-run-lines/{line_id}/disputes", json={"reason": "x"}, headers=wortley
    )

    assert draft_seen.status_code == 404  # a provider sees only approved runs
    assert statement.status_code == 200 and statement.json()["total_pence"] == 14688
    assert not_theirs.status_code == 404 and by_other.status_code == 404
    assert disputed.status_code == 201, disputed.text
    assert twice.status_code == 409

    dispute_id = disputed.json()["id"]
    resolved = client.post(
        f"/money/disputes/{dispute_id}/resolve",
        json={
            "upheld": True,
            "resolution": "The carer's timesheet shows 30 minutes",
            "pence": 1311,
        },
        headers=finance,
    )
    again = client.post(
        f"/money/disputes/{dispute_id}/resolve",
        json={"upheld": False, "resolution": "No"},
        headers=other,
    )
    waiting = client.get("/money/adjustments", headers=finance).json()
    own = client.post(f"/money/adjustments/{waiting[0]['id']}/approve", headers=finance)
    agreed = client.post(f"/money/adjustments/{waiting[0]['id']}/approve", headers=other)

    assert resolved.status_code == 200 and resolved.json()["status"] == "upheld"
    assert again.status_code == 409
    assert [(a["pence"], a["dispute_id"]) for a in waiting] == [(1311, dispute_id)]
    assert own.status_code == 403 and agreed.status_code == 200

    # After approval, Monday's carer's late check-out arrives: 40 minutes, not 28.
    with unit_of_work(engine) as s:
        attendance = s.scalars(select(Attendance).where(Attendance.visit_id == visit_ids[0])).one()
        assert attendance.checked_in_at is not None
        attendance.checked_out_at = attendance.checked_in_at + timedelta(minutes=40)
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    next_run = _draft(client, world, period="2026-P12")
    first_again = client.get(f"/money/payment-runs/{run_id}", headers=finance).json()

    assert next_run.status_code == 200, next_run.text
    adjustments = client.get(
        f"/money/payment-runs/{next_run.json()['id']}", headers=finance
    ).json()["adjustment_items"]
    # The correction: 40 minutes is £17.48 (40 × 2622 ÷ 60 = 1748), 28 was paid as £12.24
    # (28 × 2622 ÷ 60 = 1223.6 → 1224): 524p more. The upheld dispute: 1311p.
    assert sorted(a["pence"] for a in adjustments) == [524, 1311]
    assert next_run.json()["total_pence"] == 524 + 1311
    assert first_again["total_pence"] == 14688 and first_again["status"] == "approved"


def test_the_remittance_and_payments_files_add_up_to_the_run(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _delivered_week(engine, world)
    clock.set(AFTER_P11)
    finance, other = auth(world.tokens["finance"]), auth(world.tokens["finance_2"])
    run_id = _draft(client, world).json()["id"]
    client.post(f"/money/payment-runs/{run_id}/check", headers=finance)
    client.post(f"/money/payment-runs/{run_id}/approve", headers=other)

    remittance = client.get(f"/money/payment-runs/{run_id}/remittance?format=csv", headers=finance)
    workbook = client.get(f"/money/payment-runs/{run_id}/remittance?format=xlsx", headers=finance)
    payments = client.get(f"/money/payments.csv?period={P11}", headers=finance)

    rows = list(csv.DictReader(io.StringIO(remittance.text)))
    assert [r["ISO week"] for r in rows] == ["2026-W41", "Total"]
    assert rows[0]["Amount (£)"] == "146.88" and rows[-1]["Amount (£)"] == "146.88"
    assert rows[0]["Payable hours"] == "5.60"  # 336 minutes
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None and str(sheet["A1"].value).startswith("Remittance: Aire Homecare")
    ledger = list(csv.DictReader(io.StringIO(payments.text)))
    assert [(r["supplier"], r["funding_source"], r["amount_pence"]) for r in ledger] == [
        (AIRE, "Contract rate", "14688")
    ]
    assert ledger[0]["period_start"] == "2026-10-05" and ledger[0]["as_at"]


def test_bad_periods_unknown_providers_and_backdated_payment_rules_are_refused_in_words(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    finance = auth(world.tokens["finance"])
    commissioner = auth(world.tokens["commissioner"])
    contract = world.contracts[f"{AIRE}/1"]

    week = client.post(
        "/money/payment-runs", json={"provider_id": world.providers[AIRE], "period": "2026-W45"},
        headers=finance,
    )  # fmt: skip
    nobody = client.post(
        "/money/payment-runs", json={"provider_id": 999999, "period": P11}, headers=finance
    )
    rules = {
        "basis": "actual_within_tolerance", "tolerance_minutes": 5, "billing_unit_minutes": 30,
        "rounding": "up", "second_carer": "fifteen_minutes", "minimum_minutes": 30,
    }  # fmt: skip
    backdated = client.post(
        f"/money/contracts/{contract}/payment-rules",
        json={"effective_from": "2026-10-01", "reason": "Framework terms", "rules": rules},
        headers=commissioner,
    )
    unknown = client.post(
        f"/money/contracts/{contract}/payment-rules",
        json={"effective_from": "2026-10-12", "reason": "x", "rules": {**rules, "bonus": 1}},
        headers=commissioner,
    )
    bad_unit = client.post(
        f"/money/contracts/{contract}/payment-rules",
        json={"effective_from": "2026-10-12", "reason": "x",
              "rules": {**rules, "billing_unit_minutes": 20}},
        headers=commissioner,
    )  # fmt: skip
    made = client.post(
        f"/money/contracts/{contract}/payment-rules",
        json={"effective_from": "2026-10-12", "reason": "Framework terms", "rules": rules},
        headers=commissioner,
    )

    assert week.status_code == 422 and week.json()["field"] == "period"
    assert nobody.status_code == 404
    assert backdated.status_code == 409 and backdated.json()["field"] == "effective_from"
    assert "cannot be backdated" in backdated.json()["detail"]
    assert unknown.status_code == 422 and unknown.json()["field"] == "bonus"
    assert bad_unit.status_code == 422 and bad_unit.json()["field"] == "billing_unit_minutes"
    assert made.status_code == 200, made.text
    history = made.json()
    assert [h["effective_from"] for h in history] == ["2026-01-01", "2026-10-12"]
    assert history[1]["described"].startswith("Paid on actual (call-monitoring) minutes")


def test_a_visit_is_paid_by_the_rules_of_its_own_day(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _delivered_week(engine, world, minutes=22)
    commissioner = auth(world.tokens["commissioner"])
    rules = {
        "basis": "actual", "billing_unit_minutes": 30, "rounding": "up",
        "second_carer": "fifteen_minutes", "minimum_minutes": 30,
    }  # fmt: skip
    made = client.post(
        f"/money/contracts/{world.contracts[f'{AIRE}/1']}/payment-rules",
        json={"effective_from": "2026-10-08", "reason": "Half hours from Thursday", "rules": rules},
        headers=commissioner,
    )
    assert made.status_code == 200, made.text
    clock.set(AFTER_P11)

    run = _draft(client, world).json()

    # Monday to Wednesday by the minute: 22 × 2622 ÷ 60 = 961.4 → £9.61 a visit, × 6 =
    # £57.66. Thursday to Saturday in half hours rounded up: 30 minutes, £13.11 a visit,
    # × 6 = £78.66. Together £136.32.
    assert run["total_pence"] == 13632


def test_a_run_is_drafted_only_once_its_period_has_ended(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _delivered_week(engine, world)
    clock.set(datetime(2026, 11, 1, 22, 0, tzinfo=UTC))  # 22:00 on its last day, London

    early = _draft(client, world)

    assert early.status_code == 409 and early.json()["field"] == "period"
    assert early.json()["detail"] == (
        "the 4 weeks to 1 November 2026 have not ended yet: draft the run from 2 November 2026"
    )


def test_the_finance_team_drafts_runs_and_writes_the_payments_file_from_the_command_line(
    client: TestClient, world: World, engine: Engine, clock: FixedClock, db_url: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    _delivered_week(engine, world)
    runner = CliRunner()
    where = ["--council", "Leeds City Council", "--period", P11, "--database-url", db_url]

    nobody = runner.invoke(app, ["money", "draft-runs", "--council", "Leeds", "--period", P11,
                                 "--database-url", db_url])  # fmt: skip
    drafted = runner.invoke(app, ["money", "draft-runs", *where])

    assert nobody.exit_code == 2 and "No council is called 'Leeds'" in nobody.output
    assert drafted.exit_code == 0, drafted.output
    assert AIRE in drafted.output and "£146.88" in drafted.output
    run_id = client.get(f"/money/payment-runs?period={P11}",
                        headers=auth(world.tokens["finance"])).json()[0]["id"]  # fmt: skip
    clock.set(AFTER_P11)
    client.post(f"/money/payment-runs/{run_id}/check", headers=auth(world.tokens["finance"]))
    client.post(f"/money/payment-runs/{run_id}/approve", headers=auth(world.tokens["finance_2"]))
    out = tmp_path / "payments.csv"
    written = runner.invoke(app, ["money", "payments-file", *where, "--out", str(out)])

    assert written.exit_code == 0, written.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["supplier"], r["amount"]) for r in rows] == [(AIRE, "146.88")]


def test_a_grant_passed_to_staff_is_paid_as_its_own_line_with_its_fund(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _delivered_week(engine, world)
    grant = {
        "name": "Fuel grant", "kind": "grant", "funding_source": "Fuel grant fund",
        "starts_on": "2026-10-05", "pence_per_hour": 28, "passed_to_staff": True,
    }  # fmt: skip
    backdated = client.post("/money/enhancements", json={**grant, "starts_on": "2026-10-01"},
                            headers=auth(world.tokens["commissioner"]))  # fmt: skip
    by_provider = client.post("/money/enhancements", json=grant, headers=auth(world.tokens[AIRE]))
    both = client.post("/money/enhancements", json={**grant, "percent": "5"},
                       headers=auth(world.tokens["commissioner"]))  # fmt: skip
    made = client.post(
        "/money/enhancements", json=grant, headers=auth(world.tokens["commissioner"])
    )
    clock.set(AFTER_P11)

    run = _draft(client, world).json()

    assert backdated.status_code == 409 and backdated.json()["field"] == "starts_on"
    assert by_provider.status_code == 403
    assert both.status_code == 422 and both.json()["field"] == "pence_per_hour"
    assert made.status_code == 201, made.text
    assert made.json()["described"] == "Fuel grant: 28p an hour (Fuel grant fund)"
    # Each visit's 28 minutes × 28p ÷ 60 = 13.07p → 13p; twelve visits: £1.56, its own fund.
    assert run["totals_by_funding"] == {"Contract rate": 14688, "Fuel grant fund": 156}
    assert run["total_pence"] == 14688 + 156


def test_a_package_on_an_envelope_of_time_is_paid_no_more_than_its_week_allows(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    _delivered_week(engine, world, minutes=40)
    with unit_of_work(engine) as s:
        package_id = s.scalars(select(Visit.package_id)).first()
        assert package_id is not None
        # 4 weeks of 6 hours: 360 minutes a week for the envelope.
        open_envelope(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, package_id=package_id,
                      starts_on=date(2026, 10, 5), minutes_per_period=1440)  # fmt: skip
    clock.set(AFTER_P11)

    run = _draft(client, world).json()

    # Twelve visits of 40 minutes = 480 minutes, each 40 × 2622 ÷ 60 = £17.48: £209.76.
    # The envelope allows 360 a week: the 120 over come off at £26.22 an hour, −£52.44.
    assert run["total_pence"] == 12 * 1748 - 5244
    line = client.get(f"/money/payment-runs/{run['id']}",
                      headers=auth(world.tokens["finance"])).json()["line_items"][0]  # fmt: skip
    assert [(e["minutes"], e["pence"]) for e in line["extras"]] == [(-120, -5244)]
