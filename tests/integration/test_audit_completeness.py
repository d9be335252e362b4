"""Every change through the API is audited exactly as declared, and a refused one not at all.

One scripted journey walks the write routes in the order a council, a provider, a carer
and a family would use them, counting audit rows before and after each call: one row per
record changed (routes that change several records declare how many, from what their
answer says). Then each write route is sent a bad request (a body it does not take, or a
role that may not use it): no audit row, and no row anywhere in the store changes. Every
mutating route the app serves is in the journey, or is a page form calling the same service
as a route in it, or is named with where else its audit is proved. Every key the journey's
audit rows hold is declared personal or plain, for the purge. The figures go to the JSON
file named by HOMECARE_RELIABILITY_REPORT, when it is set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare import schema
from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.service import create_user
from homecare.audit import PERSONAL_DETAIL, PLAIN_DETAIL, AuditEvent
from homecare.backup import fingerprints
from homecare.calendar import local_date
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.jobs import wait_for_jobs
from homecare.packages.tables import Package
from tests.conftest import auth
from tests.integration.test_quality_records_api import KINDS as QUALITY_KINDS
from tests.integration.test_quality_records_api import Aire
from tests.integration.test_quality_records_api import _body as quality_body
from tests.support import payloads
from tests.support.caseload import hire_care_worker
from tests.support.world import MONDAY_10AM, World
from tests.support.write_routes import NOT_IN_THE_JOURNEY, WRITES, unexplained

Json = dict[str, Any]
STATIC = frozenset({"postcode_point"})
"""The postcode directory: no request writes it, and hashing it each time is slow."""


def _all_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in schema.metadata.tables.items()
        }


def _latest_actions(engine: Engine, rows: int) -> list[str]:
    with engine.connect() as conn:
        found = conn.execute(
            select(AuditEvent.action, AuditEvent.entity_id)
            .order_by(AuditEvent.id.desc())
            .limit(rows)
        )
        return [f"{action} {entity_id}" for action, entity_id in found]


def _status(client: TestClient, world: World, referral_id: int) -> str:
    answer = client.get(f"/referrals/{referral_id}", headers=auth(world.tokens["broker"]))
    return str(answer.json()["status"])


@dataclass
class Journey:
    client: TestClient
    engine: Engine
    world: World
    checked: list[tuple[str, int]]
    routes: dict[str, tuple[str, str, bool]]
    """Per route, the last address called, the token used and whether it took a body."""

    def call(
        self,
        method: str,
        route: str,
        token: str,
        *,
        body: Json | None = None,
        audits: int | Callable[[Json], int] = 1,
        csv: str | None = None,
        **ids: Any,
    ) -> Json:
        """One write that must succeed and leave exactly `audits` audit rows."""
        before = _all_counts(self.engine)
        headers = auth(self.world.tokens.get(token, token))
        response = self.client.request(
            method,
            route.format(**ids),
            json=body,
            content=csv.encode() if csv is not None else None,
            headers={**headers, "Content-Type": "text/csv"} if csv is not None else headers,
        )
        assert response.is_success, f"{method} {route}: {response.status_code} {response.text}"
        wait_for_jobs()  # a job the write started writes its own audit rows
        answer: Json = response.json() if response.content else {}
        after = _all_counts(self.engine)
        expected = audits(answer) if callable(audits) else audits
        written = after["audit_event"] - before["audit_event"]
        if os.environ.get("AUDIT_DISCOVER"):
            print("STEP", method, route, written, _latest_actions(self.engine, written))
            expected = written
        assert written == expected, (
            f"{method} {route} wrote {written} audit rows, not {expected}: "
            f"{_latest_actions(self.engine, written)}"
        )
        grown = {t for t in after if after[t] != before[t]} - {"audit_event", "record_access"}
        assert written or not grown, f"{method} {route} changed {sorted(grown)} unaudited"
        self.checked.append((f"{method} {route}", written))
        self.routes[f"{method} {route}"] = (route.format(**ids), token, body is not None)
        return answer


def _journey(client: TestClient, engine: Engine, world: World, clock: FixedClock) -> Journey:
    j = Journey(client, engine, world, [], {})
    council = "commissioner"
    j.call(
        "POST",
        "/organisations",
        council,
        body={"kind": "provider", "name": "Calder Care", "cqc_location_id": "1-2000000001"},
    )
    j.call("POST", "/lots", council, body={"number": 3, "name": "Reablement"})
    j.call("POST", "/zones", council, body={"name": "Farnley", "lsoa_codes": ["E01011728"]})
    contract = j.call(
        "POST",
        "/contracts",
        council,
        body={
            "provider_id": world.providers["Wortley Care"],
            "lot": 1,
            "zone_id": world.empty_zone_id,
            "role": "framework",
            "hourly_rate": "24.00",
            "weekly_capacity_hours": "100",
            "starts_on": "2026-11-01",
            "ends_on": "2031-10-31",
        },
    )
    contract_id = contract["id"]
    j.call(
        "POST",
        "/contracts/{contract_id}/rate-changes",
        council,
        body={"hourly_rate": "24.80", "effective_from": "2027-04-05", "reason": "Uplift"},
        contract_id=contract_id,
    )
    j.call(
        "POST",
        "/contracts/{contract_id}/limit-changes",
        council,
        body={"weekly_capacity_hours": "120", "reason": "Winter capacity"},
        contract_id=contract_id,
    )
    j.call(
        "POST",
        "/contracts/{contract_id}/extension",
        council,
        body={"ends_on": "2033-10-31", "reason": "Extension option taken"},
        contract_id=contract_id,
    )
    j.call(
        "POST",
        "/contracts/{contract_id}/termination",
        council,
        body={"ends_on": "2032-03-31", "reason": "Provider leaving home care"},
        contract_id=contract_id,
    )
    j.call(
        "POST",
        "/organisations/{organisation_id}/workforce-data-set",
        council,
        body={"completed_on": "2026-09-30"},
        organisation_id=world.providers["Wortley Care"],
    )
    person = j.call("POST", "/people", "social_worker", body=payloads.person())
    referral = j.call(
        "POST", "/referrals", "social_worker", body=payloads.referral(person["id"]), audits=3
    )
    offer = referral["offers"][0]
    package = j.call(
        "POST",
        "/offers/{offer_id}/accept",
        "Aire Homecare",
        body={"agreed_start": "2026-10-06"},
        offer_id=offer["id"],
        audits=2,
    )
    package_id = package["id"]
    # A second referral, declined by the primary, re-cascaded, then withdrawn.
    other = j.call(
        "POST",
        "/people",
        "social_worker",
        body=payloads.person(nhs_number=payloads.VALID_NHS_NUMBERS[1]),
    )
    second = j.call(
        "POST", "/referrals", "social_worker", body=payloads.referral(other["id"]), audits=3
    )
    j.call(
        "POST",
        "/offers/{offer_id}/decline",
        "Aire Homecare",
        body={"reason": "no_capacity"},
        offer_id=second["offers"][0]["id"],
        audits=2,
    )
    clock.set(clock.now() + timedelta(hours=5))
    lapsed = j.call("POST", "/brokerage/lapse-overdue", "broker", audits=lambda a: 2 * a["lapsed"])
    assert lapsed["lapsed"] == 1
    while _status(client, world, second["id"]) == "offered":  # the rest of the round lapses
        clock.set(clock.now() + timedelta(hours=5))
        j.call("POST", "/brokerage/lapse-overdue", "broker", audits=lambda a: 2 * a["lapsed"])
    j.call(
        "POST",
        "/referrals/{referral_id}/recascade",
        "broker",
        referral_id=second["id"],
        audits=2,  # the new round planned, and its first offer made
    )
    j.call(
        "POST",
        "/referrals/{referral_id}/withdraw",
        "broker",
        body={"reason": "the family chose a direct payment"},
        referral_id=second["id"],
        audits=2,  # the referral, and its open offer withdrawn with it
    )
    # The provider's side: a carer, the week's visits, call monitoring, the time bank.
    ben = j.call(
        "POST",
        "/care-workers",
        "Aire Homecare",
        body={
            "name": "Ben Ward",
            "contract_type": "guaranteed_hours",
            "weekly_contracted_hours": 30,
            "travel_mode": "drive",
            "home_postcode": payloads.ARMLEY_POSTCODE,
        },
    )
    j.call(
        "POST",
        "/care-workers/{care_worker_id}/leaving",
        "Aire Homecare",
        body={"left_on": "2026-10-30", "reason": "Moving to Manchester"},
        care_worker_id=ben["id"],
        audits=1,  # the leaving; he had no visits or rounds to lose
    )
    worker = hire_care_worker(engine, world)
    with unit_of_work(engine) as s:
        _, family = create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=world.council_id,
            role=Role.PERSON,
            name="Family",
            email="family@example.org",
            person_id=person["id"],
        )
    with unit_of_work(engine) as s:
        leaver, _ = create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=world.council_id,
            role=Role.BROKER,
            name="Leaver",
            email="leaver@example.org",
        )
    j.call("POST", "/users/{user_id}/disable", council, user_id=leaver.id)
    j.call("POST", "/users/{user_id}/enable", council, user_id=leaver.id)
    aire = Aire(worker.care_worker_id, worker.token, person["id"], package_id, family)
    for kind in QUALITY_KINDS:
        made = j.call("POST", f"/quality/{kind}", "Aire Homecare", body=quality_body(kind, aire))
        if kind == "complaints":
            complaints = made
    j.call(
        "POST",
        "/quality/complaints/{complaint_id}/close",
        "Aire Homecare",
        body={"closed_on": "2026-10-05", "upheld": True},
        complaint_id=complaints["id"],
    )
    generated = j.call(
        "POST",
        "/visits/generate",
        "Aire Homecare",
        body={"start": "2026-10-05", "end": "2026-10-11"},
        audits=lambda a: 1,
    )
    assert generated["created"] > 0
    # A small day: one package's two calls, so the search is short.
    j.call("POST", "/rounds/optimise", "Aire Homecare", body={"day": "2026-10-09", "time_limit": 1})
    # Re-optimising as a job writes the search and, when the job runs, the new plan; undo
    # puts the first plan back.
    search = {"time_limit": 1}
    j.call(
        "POST",
        "/round-plans/{day}/searches",
        "Aire Homecare",
        body=search,
        audits=2,
        day="2026-10-09",
    )
    j.call("POST", "/round-plans/{day}/undo", "Aire Homecare", day="2026-10-09")
    j.call("POST", "/rounds/{day}/visits", "Aire Homecare", day="2026-10-09")
    visits = client.get(
        f"/visits?package_id={package_id}", headers=auth(world.tokens["Aire Homecare"])
    ).json()
    first, later = visits[0], visits[-1]
    j.call(
        "PUT",
        "/visits/{visit_id}/carers",
        "Aire Homecare",
        body={"care_worker_ids": [worker.care_worker_id]},
        visit_id=first["id"],
    )
    clock.set(datetime.fromisoformat(first["window_start"]) + timedelta(minutes=5))
    j.call(
        "POST",
        "/call-events",
        worker.token,
        body={
            "events": [
                {
                    "client_event_id": "in-1",
                    "visit_id": first["id"],
                    "kind": "check_in",
                    "occurred_at": clock.now().isoformat(),
                }
            ]
        },
    )
    # Checked out of the first visit before the next, or the live check-in there is refused
    j.call(
        "POST",
        "/call-events",
        worker.token,
        body={
            "events": [
                {
                    "client_event_id": "out-1",
                    "visit_id": first["id"],
                    "kind": "check_out",
                    "occurred_at": (clock.now() + timedelta(minutes=1)).isoformat(),
                }
            ]
        },
        audits=2,
    )
    late = visits[1]
    j.call(
        "PUT",
        "/visits/{visit_id}/carers",
        "Aire Homecare",
        body={"care_worker_ids": [worker.care_worker_id]},
        visit_id=late["id"],
    )
    clock.set(datetime.fromisoformat(late["window_end"]) + timedelta(minutes=71))
    j.call(
        "POST",
        "/call-events",
        worker.token,
        body={
            "events": [
                {
                    "client_event_id": "in-2",
                    "visit_id": late["id"],
                    "kind": "check_in",
                    "occurred_at": (clock.now() - timedelta(minutes=1)).isoformat(),
                }
            ]
        },
        audits=2,
    )
    j.call(
        "PUT",
        "/visits/{visit_id}/carers",
        "Aire Homecare",
        body={"care_worker_ids": [worker.care_worker_id]},
        visit_id=later["id"],
    )
    away = {"client_event_id": "away-1", "visit_id": later["id"], "kind": "not_at_home"}
    away["occurred_at"] = clock.now().isoformat()
    j.call("POST", "/call-events", worker.token, body={"events": [away]}, audits=2)
    j.call(
        "POST", "/visits/{visit_id}/not-at-home/undo", worker.token, visit_id=later["id"], audits=2
    )
    alerts = client.get("/alerts?open=true", headers=auth(world.tokens["Aire Homecare"])).json()
    j.call("POST", "/alerts/{alert_id}/acknowledge", "Aire Homecare", alert_id=alerts[0]["id"])
    j.call("POST", "/visits/{visit_id}/cancel", family, body={"bank": False}, visit_id=later["id"])
    j.call(
        "POST",
        "/packages/{package_id}/envelope",
        "Aire Homecare",
        body={"starts_on": "2026-10-06"},
        package_id=package_id,
    )
    move = {"minutes": 60, "note": "Her daughter is visiting on Sunday"}
    j.call(
        "POST", "/packages/{package_id}/time-bank/bank", family, body=move, package_id=package_id
    )
    today = local_date(clock.now())
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    for day, answer in ((saturday, "accept"), (saturday + timedelta(days=1), "decline")):
        asked = j.call(
            "POST",
            "/packages/{package_id}/time-bank-requests",
            family,
            body={"kind": "extra_visit", "day": day.isoformat(), "band": "lunch", "minutes": 30},
            package_id=package_id,
        )
        j.call(
            "POST",
            f"/time-bank-requests/{{request_id}}/{answer}",
            "Aire Homecare",
            body={"reason": "No carer free on Sunday"} if answer == "decline" else None,
            request_id=asked["id"],
            audits=2 if answer == "accept" else 1,
        )
    withdrawn = j.call(
        "POST",
        "/packages/{package_id}/time-bank-requests",
        family,
        body={"kind": "extra_visit", "day": saturday.isoformat(), "band": "tea", "minutes": 30},
        package_id=package_id,
    )
    j.call("POST", "/time-bank-requests/{request_id}/withdraw", family, request_id=withdrawn["id"])
    j.call("POST", "/time-bank/period-ends", "Aire Homecare", audits=lambda a: a["ended"])
    hours = j.call(
        "POST",
        "/packages/{package_id}/community-hours",
        "Aire Homecare",
        body={
            "purpose": "Go to the Armley lunch club on her own",
            "place_name": "Armley Lunch Club",
            "postcode": payloads.ARMLEY_POSTCODE,
            "day": "wed",
            "band": "lunch",
            "minutes": 90,
            "starts_on": "2026-10-07",
            "ends_on": "2026-11-11",
        },
        package_id=package_id,
    )
    j.call(
        "POST",
        "/community-hours/{community_hours_id}/outcome",
        "Aire Homecare",
        body={"outcome": "goes_independently", "note": "She now walks there with a neighbour"},
        community_hours_id=hours["id"],
    )
    j.call("POST", "/community-hours/end-due", "Aire Homecare", audits=lambda a: a["ended"])
    stay = j.call(
        "POST",
        "/packages/{package_id}/hospital-stays",
        "Aire Homecare",
        body={"hospital": "St James's University Hospital", "admitted_at": clock.now().isoformat()},
        package_id=package_id,
    )
    j.call(
        "POST",
        "/hospital-stays/{stay_id}/discharge",
        "Aire Homecare",
        body={"discharged_at": clock.now().isoformat(), "decision": "resume"},
        stay_id=stay["id"],
    )
    change = j.call(
        "POST",
        "/packages/{package_id}/changes",
        "Aire Homecare",
        body={
            "to_weekly_minutes": 700,
            "reason": "Margaret now dresses herself; the morning call needs less time",
            "consent_by_name": "Margaret Holroyd",
            "consent_by_relationship": "self",
            "consent_method": "in_person",
            "consent_at": (clock.now() - timedelta(hours=1)).isoformat(),
        },
        package_id=package_id,
    )
    clock.set(datetime.fromisoformat(f"{change['submit_from']}T10:00:00+00:00"))
    j.call("POST", "/changes/{change_id}/submit", "Aire Homecare", change_id=change["id"])
    j.call(
        "POST",
        "/changes/{change_id}/decision",
        "social_worker",
        body={"decision": "approve"},
        change_id=change["id"],
    )
    asked = j.call(
        "POST",
        "/packages/{package_id}/consent-requests",
        "Aire Homecare",
        body={"to_weekly_minutes": 680, "reason": "Mornings now take less time"},
        package_id=package_id,
    )
    j.call(
        "POST",
        "/consent-requests/{request_id}/answer",
        family,
        body={"answer": "no", "name": "Margaret Holroyd", "relationship": "self"},
        request_id=asked["id"],
    )
    j.call("POST", "/reviews/due", "social_worker", audits=lambda a: a["created"])
    review = client.get(
        f"/reviews?package_id={package_id}", headers=auth(world.tokens["Aire Homecare"])
    ).json()[0]
    j.call(
        "POST",
        "/reviews/{review_id}",
        "Aire Homecare",
        body={"ratings": {"wellbeing": 4, "home": 5, "community": 4}},
        review_id=review["id"],
        audits=2,  # the review recorded, and the next one falling due
    )
    clock.set(clock.now() + timedelta(days=7))
    # Each visit closed is one row; each closed as missed also raises an alert, one more.
    j.call("POST", "/visits/close", "Aire Homecare", audits=lambda a: a["closed"] + a["missed"])
    j.call("POST", "/time-bank/period-ends", "Aire Homecare", audits=lambda a: a["ended"])
    # A caseload moves in from an extract: the person recorded, the package transferred in,
    # and the import itself.
    extract = (
        "nhs_number,given_name,family_name,date_of_birth,address,postcode,provider,lot,"
        "starts_on,ends_on,days,morning_minutes,lunch_minutes,tea_minutes,bed_minutes,"
        'two_carers,outcomes\n9994000004,Edna,Whitaker,1936-05-02,"1 Town Street, Armley",'
        f"LS12 1AU,Aire Homecare,1,{local_date(clock.now()).isoformat()},,every day,30,,,30,,\n"
    )
    j.call("POST", "/caseload/imports", council, csv=extract, audits=3)
    # The person's care moves to Kirkstall from tomorrow; the new package becomes
    # short-term care (a planned last day), is extended, then ends.
    today = local_date(clock.now())
    moving = {
        "contract_id": world.contracts["Kirkstall Care/1"],
        "handover_day": (today + timedelta(days=1)).isoformat(),
        "reason": "persons_choice",
    }
    moved = j.call("POST", "/packages/{package_id}/move", "social_worker", body=moving,
                   package_id=package_id)  # fmt: skip
    with unit_of_work(engine) as s:
        short_term = s.get(Package, moved["id"])
        assert short_term is not None
        short_term.ends_on = today + timedelta(days=14)
    until = {"until": (today + timedelta(days=28)).isoformat()}
    j.call("POST", "/packages/{package_id}/extend", "social_worker", body=until,
           package_id=moved["id"])  # fmt: skip
    last_day = {"last_day": today.isoformat(), "reason": "moved_away"}
    j.call("POST", "/packages/{package_id}/end", "social_worker", body=last_day,
           package_id=moved["id"])  # fmt: skip
    # CQC publishes Aire's fall to Inadequate: the rating's change, and the alert it raises
    # to Leeds (below its threshold), each audited; the commissioner then marks it read.
    ratings = (
        "Location ID,Location Name,Service / Population Group,Domain,Latest Rating,"
        "Publication Date\n1-1000000001,Aire Homecare,Overall,Overall,Inadequate,2026-12-02\n"
    )
    j.call("POST", "/cqc/imports", council, csv=ratings,
           audits=lambda a: a["changes"] + a["alerts"])  # fmt: skip
    alert = client.get("/alerts/ratings", headers=auth(world.tokens[council])).json()[0]
    j.call("POST", "/alerts/ratings/{alert_id}/read", council, alert_id=alert["id"])
    # Paying Aire: payment rules from tomorrow, a run drafted, every provider's drafted (one
    # audit each), checked and approved by a second finance officer; Aire disputes a line,
    # the council upholds it (the dispute answered and an adjustment asked for), and an
    # adjustment asked for by one finance officer is approved by the other.
    resumed = clock.now()
    clock.set(datetime(2026, 11, 3, 10, 0, tzinfo=UTC))  # period 11 has ended
    rules = {
        "effective_from": "2026-11-04",
        "reason": "Framework payment terms",
        "rules": {"basis": "actual", "billing_unit_minutes": 15, "rounding": "nearest",
                  "second_carer": "in_full", "minimum_minutes": 0},
    }  # fmt: skip
    j.call("POST", "/money/contracts/{contract_id}/payment-rules", council, body=rules,
           contract_id=world.contracts["Aire Homecare/1"])  # fmt: skip
    fuel = {"name": "Fuel grant", "kind": "grant", "funding_source": "Fuel grant fund",
            "starts_on": "2026-11-04", "pence_per_hour": 28, "passed_to_staff": True}  # fmt: skip
    j.call("POST", "/money/enhancements", council, body=fuel)
    period = {"provider_id": world.providers["Aire Homecare"], "period": "2026-P11"}
    run = j.call("POST", "/money/payment-runs", "finance", body=period)
    j.call("POST", "/money/payment-runs/draft-all", "finance", body={"period": "2026-P11"},
           audits=len)  # fmt: skip
    j.call("POST", "/money/payment-runs/{run_id}/check", "finance", run_id=run["id"])
    j.call("POST", "/money/payment-runs/{run_id}/approve", "finance_2", run_id=run["id"])
    lines = client.get(f"/money/payment-runs/{run['id']}", headers=auth(world.tokens["finance"]))
    line_id = lines.json()["line_items"][0]["id"]
    disputed = j.call("POST", "/money/payment-run-lines/{line_id}/disputes", "Aire Homecare",
                      body={"reason": "Sunday's visit was given"}, line_id=line_id)  # fmt: skip
    answer = {"upheld": True, "resolution": "The timesheet shows it", "pence": 1311}
    j.call("POST", "/money/disputes/{dispute_id}/resolve", "finance", body=answer,
           dispute_id=disputed["id"], audits=2)  # fmt: skip
    extra = {"provider_id": world.providers["Aire Homecare"], "package_id": package_id,
             "pence": 2500, "reason": "An agreed overrun on the Tuesday"}  # fmt: skip
    asked = j.call("POST", "/money/adjustments", "finance", body=extra)
    j.call("POST", "/money/adjustments/{adjustment_id}/approve", "finance_2",
           adjustment_id=asked["id"])  # fmt: skip
    clock.set(resumed)
    # The year's budget and a drawdown from its contingency; a direct payment begun and ended.
    budget = {
        "lines": [{"lot_number": 1, "stream": "council", "pence": 450_000_000}],
        "contingency_pence": 35_700_000,
    }
    j.call("PUT", "/money/budgets/{year}", council, body=budget, year=2026)
    drawn = {"amount_pence": 5_000_000, "reason": "Winter pressures agreed at panel"}
    j.call("POST", "/money/budgets/{year}/contingency/drawdowns", council, body=drawn, year=2026)
    direct = {"weekly_pence": 20_000, "starts_on": today.isoformat()}
    paid = j.call("POST", "/people/{person_id}/direct-payments", "social_worker", body=direct,
                  person_id=person["id"])  # fmt: skip
    ended = {"ends_on": (today + timedelta(days=90)).isoformat()}
    j.call("POST", "/direct-payments/{direct_payment_id}/end", "social_worker", body=ended,
           direct_payment_id=paid["id"])  # fmt: skip
    return j


def _write_routes(client: TestClient) -> set[str]:
    """Every write route the HTTP API documents, but those that store nothing or are
    proved elsewhere (NOT_IN_THE_JOURNEY says where)."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method in operations
        if method.upper() in WRITES
    } - set(NOT_IN_THE_JOURNEY)


def _undeclared_detail_keys(engine: Engine) -> set[str]:
    """Keys in the journey's audit rows that are neither personal nor plain: the purge
    would not know whether to remove them."""
    with engine.connect() as conn:
        details = conn.scalars(select(AuditEvent.detail))
        return {key for detail in details for key in detail or {}} - PERSONAL_DETAIL - PLAIN_DETAIL


def _report(figures: Json) -> None:
    """Merges this check's figures into the shared reliability report, when one is asked for."""
    target = os.environ.get("HOMECARE_RELIABILITY_REPORT")
    if not target:
        return
    path = Path(target)
    report = json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}
    report["audit_completeness"] = figures
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")


def test_every_change_is_audited_as_declared_and_a_refused_one_not_at_all(
    engine: Engine, world: World, client: TestClient, clock: FixedClock
) -> None:
    journey = _journey(client, engine, world, clock)
    refused: dict[str, int] = {}
    for name, (url, token, took_body) in sorted(journey.routes.items()):
        method = name.split(" ", 1)[0]
        before = fingerprints(engine, STATIC, schema.metadata)
        # A body the route does not take; a route without one, by a role that may not use it.
        response: httpx.Response = client.request(
            method,
            url,
            json={"not_a_field": True} if took_body else None,
            headers=auth(world.tokens.get(token, token) if took_body else world.tokens["nurse"]),
        )
        refused[name] = response.status_code
        assert fingerprints(engine, STATIC, schema.metadata) == before, f"{name} changed the store"
    all_writes = _write_routes(client)
    not_covered = sorted(all_writes - set(journey.routes))
    _report(
        {
            "write_routes": len(all_writes),
            "routes_covered": len(journey.routes),
            "changes_checked": len(journey.checked),
            "audit_rows_checked": sum(rows for _, rows in journey.checked),
            "refused_requests_checked": len(refused),
            "not_covered": not_covered,
        }
    )

    assert all(400 <= status < 500 for status in refused.values()), refused
    assert set(journey.routes) <= all_writes
    assert not_covered == [], f"write routes outside the journey: {not_covered}"
    routes = list(client.app.routes)  # type: ignore[attr-defined]
    assert unexplained(routes, set(journey.routes)) == []
    assert _undeclared_detail_keys(engine) == set()
