"""The CLD return through the HTTP API and the CLI, on SQLite and on PostgreSQL.

The caseload, all in the quarter 2026Q4 (1 October-31 December 2026):
- A: referred by social work on Monday 5 October, placed with Aire Homecare from the 6th;
- B: referred on hospital discharge the same day, then withdrawn: the person declined;
- C: a package moved in with Aire's caseload, running since 1 June, reviewed on 16 November;
- D: a package that ended on 30 September, before the quarter: no rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from homecare.audit import AuditEvent
from homecare.cld.cli import export_app
from homecare.cld.spec import COLUMNS
from homecare.cld.validate import validate
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.packages.tables import Package
from tests.conftest import auth
from tests.support import payloads
from tests.support.caseload import place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.world import World

Json = dict[str, Any]
QUARTER = "2026Q4"
LEEDS = "E08000035"
PERSON_COLUMNS = {
    "LA_Code": LEEDS,
    "Gender": "Unknown",
    "Client_Type": "Service User",
    "Postcode": "LS12 1AU",
    "Primary_Support_Reason": "",
}


@dataclass(frozen=True)
class Caseload:
    a: int
    b: int
    c: int
    a_referral: int
    b_referral: int
    a_package: int
    c_package: int
    c_review: int


def _person(client: TestClient, world: World, nhs_number: str, **extra: Any) -> int:
    response = client.post(
        "/people",
        json=payloads.person(nhs_number=nhs_number, **extra),
        headers=auth(world.tokens["social_worker"]),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _refer(client: TestClient, world: World, person_id: int, source: str) -> Json:
    response = client.post(
        "/referrals",
        json=payloads.referral(person_id, source=source),
        headers=auth(world.tokens["social_worker"]),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _build_caseload(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> Caseload:
    a = _person(client, world, VALID_NHS_NUMBERS[0], ethnicity="White British")
    a_referral = _refer(client, world, a, "social_work")
    accepted = client.post(
        f"/offers/{a_referral['offers'][0]['id']}/accept",
        json={"agreed_start": "2026-10-06"},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert accepted.status_code == 200, accepted.text

    b = _person(client, world, VALID_NHS_NUMBERS[1], ethnicity="Asian or Asian British - Indian")
    b_referral = _refer(client, world, b, "hospital_discharge")
    withdrawn = client.post(
        f"/referrals/{b_referral['id']}/withdraw",
        json={"reason": "The person declined care at home"},
        headers=auth(world.tokens["broker"]),
    )
    assert withdrawn.status_code == 200, withdrawn.text

    c = place_package(engine, world, nhs_number=VALID_NHS_NUMBERS[2], starts_on=date(2026, 6, 1))
    d = place_package(engine, world, nhs_number=VALID_NHS_NUMBERS[3], starts_on=date(2026, 3, 2))
    with unit_of_work(engine) as session:
        ended = session.get(Package, d.package_id)
        assert ended is not None
        ended.ends_on = date(2026, 9, 30)
        ended.status = "ended"

    due = client.post("/reviews/due", headers=auth(world.tokens["social_worker"]))
    assert due.status_code == 200, due.text
    review = client.get(
        f"/reviews?package_id={c.package_id}", headers=auth(world.tokens["Aire Homecare"])
    ).json()[0]
    clock.set(datetime(2026, 11, 16, 11, 0, tzinfo=UTC))
    recorded = client.post(
        f"/reviews/{review['id']}",
        json={"ratings": {"wellbeing": 4, "home": 5, "community": 4}},
        headers=auth(world.tokens["Aire Homecare"]),
    )
    assert recorded.status_code == 200, recorded.text
    return Caseload(
        a=a,
        b=b,
        c=c.person_id,
        a_referral=a_referral["id"],
        b_referral=b_referral["id"],
        a_package=accepted.json()["id"],
        c_package=c.package_id,
        c_review=review["id"],
    )


def _export(client: TestClient, world: World, token: str = "commissioner") -> Any:
    return client.get(f"/exports/cld?quarter={QUARTER}", headers=auth(world.tokens[token]))


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _pick(row: dict[str, str], *columns: str) -> tuple[str, ...]:
    return tuple(row[c] for c in columns)


def test_the_return_has_one_row_per_event_in_dhscs_columns(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    case = _build_caseload(client, world, engine, clock)

    response = _export(client, world)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="cld-{LEEDS}-{QUARTER}.csv"'
    )
    header, rows = _rows(response.text)
    assert header == list(COLUMNS)
    assert [
        _pick(r, "LA_Person_Unique_Identifier", "Event_Type", "Event_Reference", "Event_Start_Date")
        for r in rows
    ] == [
        (str(case.a), "Request", f"REQ-{case.a_referral}", "2026-10-05"),
        (str(case.a), "Assessment", f"ASM-{case.a_referral}", "2026-10-05"),
        (str(case.a), "Service", f"SVC-{case.a_package}", "2026-10-06"),
        (str(case.b), "Request", f"REQ-{case.b_referral}", "2026-10-05"),
        (str(case.c), "Service", f"SVC-{case.c_package}", "2026-06-01"),
        (str(case.c), "Review", f"REV-{case.c_review}", "2026-11-16"),
    ]
    for r in rows:
        assert {k: r[k] for k in PERSON_COLUMNS} == PERSON_COLUMNS
        assert r["Date_of_Birth"] == "1938-04-12"
    a_request, a_assessment, a_service, b_request, c_service, c_review = rows
    assert _pick(a_request, "NHS_Number", "Ethnicity") == (
        VALID_NHS_NUMBERS[0],
        "White - English, Welsh, Scottish, Northern Irish or British",
    )
    assert _pick(
        a_request, "Event_End_Date", "Event_Outcome", "Request_Route_of_Access", "Service_Type"
    ) == ("2026-10-05", "Progress to Support Planning / Services", "Community / Other route", "")
    assert _pick(a_assessment, "Event_End_Date", "Event_Outcome") == (
        "2026-10-05",
        "Progress to Support Planning / Services",
    )
    assert _pick(
        a_service,
        "Event_End_Date",
        "Event_Outcome",
        "Service_Type",
        "Service_Component",
        "Delivery_Mechanism",
        "Provider_CQC_Location_ID",
        "Unit_Cost",
        "Cost_Frequency_Unit_Type",
        "Planned_units_per_week",
    ) == (
        "",
        "Provision of service",
        "Long Term Support: Community",
        "Home Support",
        "CASSR Commissioned Support",
        "1-1000000001",
        "26.22",
        "Hourly",
        "12.50",
    )
    assert _pick(b_request, "Ethnicity", "Event_Outcome", "Request_Route_of_Access") == (
        "Asian or Asian British - Indian",
        "NFA - Support declined",
        "Discharge from Hospital",
    )
    assert _pick(c_service, "Ethnicity", "Planned_units_per_week", "Event_Outcome") == (
        "Undeclared or Not known",
        "7.00",
        "Provision of service",
    )
    assert _pick(
        c_review, "Event_End_Date", "Event_Outcome", "Review_Reason", "Review_Outcomes_Achieved"
    ) == ("2026-11-16", "No change in package", "Planned", "Fully Met")


def test_the_only_problems_are_the_support_reasons_the_store_does_not_hold(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    case = _build_caseload(client, world, engine, clock)

    response = client.get(
        f"/exports/cld/problems?quarter={QUARTER}", headers=auth(world.tokens["broker"])
    )

    assert response.status_code == 200, response.text
    assert [(p["row"], p["field"], p["event_reference"]) for p in response.json()] == [
        (2, "Primary_Support_Reason", f"ASM-{case.a_referral}"),
        (3, "Primary_Support_Reason", f"SVC-{case.a_package}"),
        (5, "Primary_Support_Reason", f"SVC-{case.c_package}"),
        (6, "Primary_Support_Reason", f"REV-{case.c_review}"),
    ]
    _, rows = _rows(_export(client, world).text)
    assert [(p.row, p.field) for p in validate(rows)] == [
        (p["row"], p["field"]) for p in response.json()
    ]


def test_the_export_of_a_store_where_everything_is_valid_passes_its_own_validation(
    client: TestClient, world: World
) -> None:
    hospital = _person(client, world, VALID_NHS_NUMBERS[0], ethnicity="White Irish")
    _refer(client, world, hospital, "hospital_discharge")
    nhs = _person(client, world, VALID_NHS_NUMBERS[1])
    _refer(client, world, nhs, "nhs_neighbourhood_team")

    _, rows = _rows(_export(client, world).text)
    problems = client.get(
        f"/exports/cld/problems?quarter={QUARTER}", headers=auth(world.tokens["commissioner"])
    )

    assert [_pick(r, "Event_Type", "Request_Route_of_Access") for r in rows] == [
        ("Request", "Discharge from Hospital"),
        ("Request", "Community / Other route"),
    ]
    assert validate(rows) == []
    assert problems.json() == []


def test_a_package_ending_in_the_quarter_shows_its_end_and_why_and_one_ending_later_is_open(
    client: TestClient, world: World, engine: Engine
) -> None:
    ends_in = place_package(engine, world, nhs_number=VALID_NHS_NUMBERS[0])
    ends_after = place_package(engine, world, nhs_number=VALID_NHS_NUMBERS[1])
    with unit_of_work(engine) as session:
        for placed, last_day in ((ends_in, date(2026, 11, 30)), (ends_after, date(2027, 1, 15))):
            package = session.get(Package, placed.package_id)
            assert package is not None
            package.ends_on = last_day
            package.end_reason = "died"

    _, rows = _rows(_export(client, world).text)

    assert [_pick(r, "Event_Start_Date", "Event_End_Date", "Event_Outcome") for r in rows] == [
        ("2026-10-05", "2026-11-30", "NFA - Deceased"),
        ("2026-10-05", "", "Provision of service"),
    ]
    assert "Event_Outcome" not in {p.field for p in validate(rows)}


def test_a_download_is_written_to_the_audit_trail(
    client: TestClient, world: World, engine: Engine
) -> None:
    place_package(engine, world)

    _export(client, world)

    with unit_of_work(engine) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export.cld")).one()
        assert (event.actor_role, event.entity_id) == ("commissioner", world.council_id)
        assert event.detail == {
            "quarter": QUARTER,
            "rows": 1,
            "filename": f"cld-{LEEDS}-{QUARTER}.csv",
        }


def test_another_council_exports_only_its_own_people(
    client: TestClient, world: World, engine: Engine
) -> None:
    place_package(engine, world)

    response = _export(client, world, token="other_council_broker")

    assert response.status_code == 200, response.text
    assert "cld-E08000032-2026Q4.csv" in response.headers["content-disposition"]
    header, rows = _rows(response.text)
    assert (header, rows) == (list(COLUMNS), [])


def test_a_provider_manager_and_a_social_worker_may_not_export(
    client: TestClient, world: World
) -> None:
    for token in ("Aire Homecare", "social_worker", "nurse"):
        for path in ("/exports/cld", "/exports/cld/problems"):
            response = client.get(f"{path}?quarter={QUARTER}", headers=auth(world.tokens[token]))
            assert response.status_code == 403, (token, path, response.text)


def test_a_malformed_quarter_is_refused_naming_the_quarter(
    client: TestClient, world: World
) -> None:
    malformed = client.get("/exports/cld?quarter=2026-07", headers=auth(world.tokens["broker"]))
    missing = client.get("/exports/cld", headers=auth(world.tokens["broker"]))

    assert malformed.status_code == 422
    assert malformed.json()["field"] == "quarter"
    assert missing.status_code == 422
    assert missing.json()["field"] == "quarter"


def test_an_export_needs_a_token(client: TestClient) -> None:
    assert client.get(f"/exports/cld?quarter={QUARTER}").status_code == 401


# --- the CLI -----------------------------------------------------------------------------


def _cli(db_url: str, out: Path, *extra: str) -> Any:
    args = ["cld", "--quarter", QUARTER, "--out", str(out), "--database-url", db_url, *extra]
    return CliRunner().invoke(export_app, args, env={"COLUMNS": "200"})


def test_the_cli_writes_the_return_and_exits_3_when_it_has_problems(
    client: TestClient,
    world: World,
    engine: Engine,
    clock: FixedClock,
    db_url: str,
    tmp_path: Path,
) -> None:
    _build_caseload(client, world, engine, clock)

    result = _cli(db_url, tmp_path / "returns", "--council", LEEDS)

    assert result.exit_code == 3, result.output
    written = tmp_path / "returns" / f"cld-{LEEDS}-{QUARTER}.csv"
    header, rows = _rows(written.read_text(encoding="utf-8"))
    assert header == list(COLUMNS)
    assert len(rows) == 6
    assert written.read_bytes().decode("utf-8") == _export(client, world).text
    assert "4 problems" in result.output
    assert "Primary_Support_Reason" in result.output
    for event_type, count in (("Request", 2), ("Assessment", 1), ("Service", 2), ("Review", 1)):
        assert any(
            line.split()[:2] == [event_type, str(count)]
            for line in result.output.replace("│", " ").splitlines()
            if line.split()
        ), (event_type, result.output)
    with unit_of_work(engine) as session:
        exports = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export.cld")
        )
        assert exports == 2


def test_the_cli_exits_0_for_a_clean_return(
    client: TestClient, world: World, db_url: str, tmp_path: Path
) -> None:
    person = _person(client, world, VALID_NHS_NUMBERS[0], ethnicity="White British")
    _refer(client, world, person, "hospital_discharge")

    result = _cli(db_url, tmp_path, "--council", LEEDS.lower())

    assert result.exit_code == 0, result.output
    assert "No problems found" in result.output
    assert (tmp_path / f"cld-{LEEDS}-{QUARTER}.csv").exists()


def test_the_cli_asks_which_council_when_the_store_holds_several(
    world: World, db_url: str, tmp_path: Path
) -> None:
    several = _cli(db_url, tmp_path)
    unknown = _cli(db_url, tmp_path, "--council", "E09000001")
    malformed = _cli(db_url, tmp_path, "--council", LEEDS, "--quarter", "2026Q9")

    assert several.exit_code == 2, several.output
    assert "name one with --council" in several.output
    assert "E08000035" in several.output
    assert unknown.exit_code == 2, unknown.output
    assert "no council with LA code E09000001" in unknown.output
    assert malformed.exit_code == 2, malformed.output
    assert "2026Q9" in malformed.output
    assert not list(tmp_path.glob("*.csv"))


def test_a_direct_payment_is_a_service_the_person_holds_with_its_weekly_cost(
    client: TestClient, world: World
) -> None:
    person = _person(client, world, VALID_NHS_NUMBERS[0])
    paid = client.post(
        f"/people/{person}/direct-payments",
        json={"weekly_pence": 38_500, "starts_on": "2026-10-12"},
        headers=auth(world.tokens["social_worker"]),
    )
    assert paid.status_code == 201, paid.text

    _, rows = _rows(_export(client, world).text)

    (row,) = [r for r in rows if r["Event_Type"] == "Service"]
    assert _pick(row, "Event_Reference", "Service_Component", "Delivery_Mechanism") == (
        f"DP-{paid.json()['id']}", "Direct Payment", "Direct Payment",
    )  # fmt: skip
    assert _pick(row, "Unit_Cost", "Cost_Frequency_Unit_Type", "Event_Start_Date") == (
        "385.00", "Weekly", "2026-10-12",
    )  # fmt: skip
    # As for every service here, only the support reason is missing: the store holds none.
    assert {p.field for p in validate(rows)} == {"Primary_Support_Reason"}
