"""The quality records behind the monitoring return, through the HTTP API, on both stores.

The clock stands at Monday 5 October 2026, 10:00 in London, so every day up to and
including 5 October has happened. Aire Homecare keeps the records; Bramley Care is
another provider under the same council; the commissioner reads, never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR
from homecare.audit import AuditEvent
from homecare.db import unit_of_work
from homecare.errors import InvalidInput
from homecare.quality import service
from homecare.quality.tables import Complaint
from tests.conftest import auth
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import ARMLEY_POSTCODE, MONDAY_10AM, World

Json = dict[str, Any]
AIRE = "Aire Homecare"
BRAMLEY = "Bramley Care"

KINDS = (
    "staff-movements",
    "sickness-absences",
    "training",
    "staff-survey",
    "people-survey",
    "case-studies",
    "complaints",
    "incidents",
    "refunds",
    "staffing-spend",
)


@dataclass(frozen=True)
class Aire:
    """What Aire serves: a care worker with an account, and a person with a package."""

    care_worker_id: int
    care_worker_token: str
    person_id: int
    package_id: int
    person_token: str


def _aire(engine: Engine, world: World) -> Aire:
    worker = hire_care_worker(engine, world)
    placed = place_package(engine, world)
    return Aire(
        care_worker_id=worker.care_worker_id,
        care_worker_token=worker.token,
        person_id=placed.person_id,
        package_id=placed.package_id,
        person_token=placed.person_token,
    )


def _body(kind: str, aire: Aire) -> Json:
    """A valid record of each kind, naming Aire's own care worker, person and package."""
    return {
        "staff-movements": {
            "kind": "leaver",
            "on": "2026-10-01",
            "care_worker_id": aire.care_worker_id,
            "reason": "another_sector",
        },
        "sickness-absences": {
            "care_worker_id": aire.care_worker_id,
            "first_day": "2026-09-28",
            "last_day": "2026-09-30",
            "working_days": 3,
            "reason": "Flu",
        },
        "training": {
            "care_worker_id": aire.care_worker_id,
            "course": "Dementia awareness",
            "category": "dementia",
            "completed_on": "2026-09-30",
            "hours": 6.5,
        },
        "staff-survey": {
            "answered_on": "2026-10-01",
            "job_satisfaction": 4,
            "morale": 3,
            "comment": "More notice of rota changes, please",
        },
        "people-survey": {
            "respondent": "unpaid_carer",
            "answered_on": "2026-10-02",
            "person_id": aire.person_id,
            "what_matters_understood": True,
            "supported_by_carers": True,
            "unpaid_carer_supported": False,
            "comment": "I would like a call when the carers run late",
        },
        "case-studies": {
            "kind": "pressure_off_other_services",
            "title": "A fall caught early",
            "summary": "The carer found Mrs B on the floor, checked her and stayed with her.",
            "occurred_on": "2026-09-29",
            "person_id": aire.person_id,
            "services_relieved": ["ambulance", "gp"],
            "formulated_with": ["person", "carers"],
        },
        "complaints": {
            "received_on": "2026-10-01",
            "category": "timekeeping",
            "summary": "Bed calls arrive after nine",
            "person_id": aire.person_id,
        },
        "incidents": {
            "occurred_on": "2026-10-03",
            "category": "fall",
            "summary": "Slipped in the bathroom; no injury",
            "reported_to": ["cqc", "council"],
            "person_id": aire.person_id,
        },
        "refunds": {
            "issued_on": "2026-10-02",
            "amount_pence": 1250,
            "reason": "missed_visits",
            "package_id": aire.package_id,
        },
        "staffing-spend": {
            "period_start": "2026-09-07",
            "period_end": "2026-10-04",
            "direct_staff_pence": 12_000_000,
            "indirect_staff_pence": 2_500_050,
            "total_spend_pence": 18_000_000,
        },
    }[kind]


def _post(
    client: TestClient, world: World, path: str, body: Json, token: str = AIRE
) -> httpx.Response:
    return client.post(f"/quality/{path}", json=body, headers=auth(world.tokens.get(token, token)))


def _get(client: TestClient, world: World, path: str, token: str = AIRE) -> httpx.Response:
    return client.get(f"/quality/{path}", headers=auth(world.tokens.get(token, token)))


def _created(client: TestClient, world: World, path: str, body: Json, token: str = AIRE) -> Json:
    response = _post(client, world, path, body, token)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _refused(response: httpx.Response, status: int, field: str) -> str:
    """A domain refusal: the status, the field at fault and a message; returns the message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["field"] == field, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body["detail"]  # type: ignore[no-any-return]


def _each_refused(
    client: TestClient, world: World, path: str, valid: Json, cases: list[tuple[Json, str]]
) -> None:
    """Every case is the valid body changed a little; each is refused and nothing is kept."""
    for change, field in cases:
        body = {k: v for k, v in {**valid, **change}.items() if v is not ...}
        _refused(_post(client, world, path, body), 422, field)
    assert _get(client, world, path).json() == []


# --- each kind round-trips -----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_valid_record_of_each_kind_is_kept_and_read_back(
    client: TestClient, world: World, engine: Engine, kind: str
) -> None:
    aire = _aire(engine, world)
    body = _body(kind, aire)

    created = _created(client, world, kind, body)

    assert created["provider_id"] == world.providers[AIRE]
    assert {k: created[k] for k in body} == body
    assert _get(client, world, f"{kind}/{created['id']}").json() == created
    assert _get(client, world, kind).json() == [created]
    assert _get(client, world, kind, "commissioner").json() == [created]


def test_money_is_shown_in_pence_and_in_pounds(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)

    refund = _created(client, world, "refunds", _body("refunds", aire))
    spend = _created(client, world, "staffing-spend", _body("staffing-spend", aire))

    assert (refund["amount_pence"], refund["amount_pounds"]) == (1250, "12.50")
    assert (spend["direct_staff_pounds"], spend["indirect_staff_pounds"]) == (
        "120000.00",
        "25000.50",
    )
    assert spend["total_spend_pounds"] == "180000.00"


def test_a_movement_takes_the_care_workers_contract_type_unless_given(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)

    leaver = _created(client, world, "staff-movements", _body("staff-movements", aire))
    starter = _created(
        client,
        world,
        "staff-movements",
        {"kind": "starter", "on": "2026-10-05", "contract_type": "zero_hours"},
    )

    assert (leaver["contract_type"], leaver["reason"]) == ("salaried_block", "another_sector")
    assert (starter["care_worker_id"], starter["contract_type"]) == (None, "zero_hours")
    assert starter["reason"] is None


def test_every_record_and_closing_is_audited(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    complaint = _created(client, world, "complaints", _body("complaints", aire))
    _created(client, world, "refunds", _body("refunds", aire))
    closed = client.post(
        f"/quality/complaints/{complaint['id']}/close",
        json={"closed_on": "2026-10-05", "upheld": True},
        headers=auth(world.tokens[AIRE]),
    )
    assert closed.status_code == 200, closed.text

    with unit_of_work(engine) as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity.in_(["complaint", "refund_credit"]))
        ).all()
        assert sorted(e.action for e in events) == [
            "complaint.closed",
            "complaint.recorded",
            "refund_credit.recorded",
        ]
        assert {e.detail["provider_id"] for e in events} == {world.providers[AIRE]}


# --- validation names the field ------------------------------------------------------------


def test_bad_staff_movements_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _each_refused(
        client,
        world,
        "staff-movements",
        _body("staff-movements", aire),
        [
            ({"kind": "transfer"}, "kind"),
            ({"on": "2026-10-06"}, "on"),
            ({"reason": ...}, "reason"),
            ({"reason": "bored"}, "reason"),
            ({"kind": "starter"}, "reason"),
            ({"contract_type": "casual"}, "contract_type"),
            ({"kind": "starter", "reason": ..., "care_worker_id": ...}, "contract_type"),
            ({"care_worker_id": 999_999}, "care_worker_id"),
        ],
    )


def test_bad_sickness_absences_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _each_refused(
        client,
        world,
        "sickness-absences",
        _body("sickness-absences", aire),
        [
            ({"last_day": "2026-09-27"}, "last_day"),
            ({"working_days": 0}, "working_days"),
            ({"working_days": 4}, "working_days"),
            ({"first_day": "2026-10-06", "last_day": "2026-10-07"}, "first_day"),
            ({"reason": "x" * 101}, "reason"),
            ({"care_worker_id": 999_999}, "care_worker_id"),
        ],
    )


def test_working_days_are_bounded_by_the_weekdays_the_care_worker_works(
    client: TestClient, world: World, engine: Engine
) -> None:
    """Aire's hired carer works all week; one hired with no shift pattern works weekdays."""
    aire = _aire(engine, world)
    weekday_worker = client.post(
        "/care-workers",
        json={
            "name": "Ben Ward",
            "contract_type": "guaranteed_hours",
            "weekly_contracted_hours": 30,
            "travel_mode": "drive",
            "home_postcode": ARMLEY_POSTCODE,
        },
        headers=auth(world.tokens[AIRE]),
    ).json()["id"]
    weekend = {"first_day": "2026-09-26", "last_day": "2026-09-27", "working_days": 2}
    a_week = {"first_day": "2026-09-14", "last_day": "2026-09-20"}

    seven_day = _post(
        client, world, "sickness-absences", {"care_worker_id": aire.care_worker_id, **weekend}
    )
    weekday_only = _post(
        client, world, "sickness-absences", {"care_worker_id": weekday_worker, **weekend}
    )
    too_many = _post(
        client,
        world,
        "sickness-absences",
        {"care_worker_id": weekday_worker, "working_days": 6, **a_week},
    )
    five = _post(
        client,
        world,
        "sickness-absences",
        {"care_worker_id": weekday_worker, "working_days": 5, **a_week},
    )

    assert seven_day.status_code == 201, seven_day.text
    _refused(weekday_only, 422, "last_day")
    _refused(too_many, 422, "working_days")
    assert five.status_code == 201, five.text


def test_bad_training_records_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _each_refused(
        client,
        world,
        "training",
        _body("training", aire),
        [
            ({"hours": 0}, "hours"),
            ({"hours": -2}, "hours"),
            ({"hours": 200.5}, "hours"),
            ({"category": "cooking"}, "category"),
            ({"course": "   "}, "course"),
            ({"course": "c" * 201}, "course"),
            ({"completed_on": "2026-10-06"}, "completed_on"),
            ({"care_worker_id": 999_999}, "care_worker_id"),
        ],
    )
    most = _post(client, world, "training", {**_body("training", aire), "hours": 200})
    assert most.status_code == 201, most.text


def test_bad_staff_survey_answers_are_refused_and_the_survey_stays_anonymous(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    valid = _body("staff-survey", aire)
    _each_refused(
        client,
        world,
        "staff-survey",
        valid,
        [
            ({"job_satisfaction": 0}, "job_satisfaction"),
            ({"job_satisfaction": 6}, "job_satisfaction"),
            ({"morale": 0}, "morale"),
            ({"answered_on": "2026-10-06"}, "answered_on"),
        ],
    )

    named = _post(client, world, "staff-survey", {**valid, "care_worker_id": aire.care_worker_id})

    assert named.status_code == 422, named.text
    assert any(e["field"] == "care_worker_id" for e in named.json()["errors"])
    created = _created(client, world, "staff-survey", valid)
    assert "care_worker_id" not in created


def test_bad_people_survey_answers_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    no_answers = {
        "what_matters_understood": None,
        "supported_by_carers": None,
        "unpaid_carer_supported": None,
    }
    _each_refused(
        client,
        world,
        "people-survey",
        _body("people-survey", aire),
        [
            ({"respondent": "neighbour"}, "respondent"),
            ({"respondent": "family"}, "unpaid_carer_supported"),
            (no_answers, "what_matters_understood"),
            ({"source": "phone"}, "source"),
            ({"answered_on": "2026-10-06"}, "answered_on"),
            ({"person_id": 999_999}, "person_id"),
            ({"comment": "c" * 2001}, "comment"),
        ],
    )
    at_review = _created(
        client,
        world,
        "people-survey",
        {"respondent": "person", "answered_on": "2026-10-05", "supported_by_carers": True}
        | {"source": "review"},
    )
    assert (at_review["person_id"], at_review["unpaid_carer_supported"]) == (None, None)


def test_bad_case_studies_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _each_refused(
        client,
        world,
        "case-studies",
        _body("case-studies", aire),
        [
            ({"kind": "anecdote"}, "kind"),
            ({"title": ""}, "title"),
            ({"summary": "  "}, "summary"),
            ({"kind": "case_study"}, "services_relieved"),
            ({"services_relieved": []}, "services_relieved"),
            ({"services_relieved": ["gp", "fire_brigade"]}, "services_relieved.1"),
            ({"formulated_with": ["mayor"]}, "formulated_with.0"),
            ({"formulated_with": ["family", "family"]}, "formulated_with.1"),
            ({"occurred_on": "2026-10-06"}, "occurred_on"),
            ({"person_id": 999_999}, "person_id"),
        ],
    )
    study = _created(
        client,
        world,
        "case-studies",
        {
            "kind": "case_study",
            "title": "Back to the lunch club",
            "summary": "Planned with Mr C, his daughter and the neighbourhood team.",
            "occurred_on": "2026-09-15",
            "formulated_with": ["person", "family", "neighbourhood_team", "carers"],
        },
    )
    assert study["services_relieved"] == []


def test_bad_complaints_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _each_refused(
        client,
        world,
        "complaints",
        _body("complaints", aire),
        [
            ({"category": "rudeness"}, "category"),
            ({"summary": ""}, "summary"),
            ({"received_on": "2026-10-06"}, "received_on"),
            ({"person_id": 999_999}, "person_id"),
        ],
    )


def test_a_complaint_closes_once_with_its_finding(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    complaint = _created(client, world, "complaints", _body("complaints", aire))
    close = f"/quality/complaints/{complaint['id']}/close"
    headers = auth(world.tokens[AIRE])
    assert (complaint["closed_on"], complaint["upheld"]) == (None, None)

    early = client.post(close, json={"closed_on": "2026-09-30", "upheld": True}, headers=headers)
    later = client.post(close, json={"closed_on": "2026-10-06", "upheld": True}, headers=headers)
    _refused(early, 422, "closed_on")
    _refused(later, 422, "closed_on")
    no_finding = client.post(close, json={"closed_on": "2026-10-02"}, headers=headers)
    assert no_finding.status_code == 422, no_finding.text

    closed = client.post(close, json={"closed_on": "2026-10-01", "upheld": False}, headers=headers)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["closed_on"], closed.json()["upheld"]) == ("2026-10-01", False)

    again = client.post(close, json={"closed_on": "2026-10-05", "upheld": True}, headers=headers)
    _refused(again, 409, "closed_on")
    assert _get(client, world, f"complaints/{complaint['id']}").json()["upheld"] is False


def test_bad_incidents_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _each_refused(
        client,
        world,
        "incidents",
        _body("incidents", aire),
        [
            ({"category": "spill"}, "category"),
            ({"reported_to": []}, "reported_to"),
            ({"reported_to": ["press"]}, "reported_to.0"),
            ({"reported_to": ["cqc", "cqc"]}, "reported_to.1"),
            ({"summary": " "}, "summary"),
            ({"occurred_on": "2026-10-06"}, "occurred_on"),
            ({"person_id": 999_999}, "person_id"),
        ],
    )


def test_bad_refunds_are_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _each_refused(
        client,
        world,
        "refunds",
        _body("refunds", aire),
        [
            ({"amount_pence": 0}, "amount_pence"),
            ({"amount_pence": -500}, "amount_pence"),
            ({"amount_pence": 10**12}, "amount_pence"),
            ({"reason": "whim"}, "reason"),
            ({"issued_on": "2026-10-06"}, "issued_on"),
            ({"package_id": 999_999}, "package_id"),
        ],
    )
    credit = _created(
        client,
        world,
        "refunds",
        {"issued_on": "2026-10-05", "amount_pence": 5, "reason": "goodwill"},
    )
    assert (credit["package_id"], credit["amount_pounds"]) == (None, "0.05")


def test_bad_staffing_spend_is_refused_naming_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _each_refused(
        client,
        world,
        "staffing-spend",
        _body("staffing-spend", aire),
        [
            ({"period_end": "2026-09-07"}, "period_end"),
            ({"period_end": "2026-09-06"}, "period_end"),
            ({"period_end": "2026-10-06"}, "period_end"),
            ({"direct_staff_pence": -1}, "direct_staff_pence"),
            ({"indirect_staff_pence": -1}, "indirect_staff_pence"),
            ({"total_spend_pence": -1}, "total_spend_pence"),
            ({"total_spend_pence": 14_500_049}, "total_spend_pence"),
        ],
    )
    exact = _post(
        client,
        world,
        "staffing-spend",
        {**_body("staffing-spend", aire), "total_spend_pence": 14_500_050},
    )
    assert exact.status_code == 201, exact.text


# --- overlaps conflict ---------------------------------------------------------------------


def test_a_care_workers_sickness_absences_may_not_overlap(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    other = hire_care_worker(engine, world, name="Carol Dunn")
    first = _created(client, world, "sickness-absences", _body("sickness-absences", aire))
    span = {"first_day": "2026-09-30", "last_day": "2026-10-02", "working_days": 3}

    overlapping = _post(
        client, world, "sickness-absences", {"care_worker_id": aire.care_worker_id, **span}
    )
    inside = _post(
        client,
        world,
        "sickness-absences",
        {
            "care_worker_id": aire.care_worker_id,
            "first_day": "2026-09-29",
            "last_day": "2026-09-29",
            "working_days": 1,
        },
    )
    next_day = _post(
        client,
        world,
        "sickness-absences",
        {**span, "care_worker_id": aire.care_worker_id, "first_day": "2026-10-01"}
        | {"working_days": 2},
    )
    colleague = _post(
        client, world, "sickness-absences", {"care_worker_id": other.care_worker_id, **span}
    )

    assert str(first["id"]) in _refused(overlapping, 409, "first_day")
    _refused(inside, 409, "first_day")
    assert next_day.status_code == 201, next_day.text
    assert colleague.status_code == 201, colleague.text
    assert len(_get(client, world, "sickness-absences").json()) == 3


def test_a_providers_staffing_spend_periods_may_not_overlap(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    _created(client, world, "staffing-spend", _body("staffing-spend", aire))
    earlier = {
        "period_start": "2026-08-10",
        "period_end": "2026-09-07",
        "direct_staff_pence": 100,
        "indirect_staff_pence": 100,
        "total_spend_pence": 300,
    }

    overlapping = _post(client, world, "staffing-spend", earlier)
    before = _post(client, world, "staffing-spend", {**earlier, "period_end": "2026-09-06"})
    bramley = _post(client, world, "staffing-spend", earlier, BRAMLEY)

    _refused(overlapping, 409, "period_start")
    assert before.status_code == 201, before.text
    assert bramley.status_code == 201, bramley.text
    assert [s["period_start"] for s in _get(client, world, "staffing-spend").json()] == [
        "2026-08-10",
        "2026-09-07",
    ]


# --- who reads and who writes --------------------------------------------------------------


def test_another_provider_can_neither_read_nor_name_your_records(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    for kind in KINDS:
        created = _created(client, world, kind, _body(kind, aire))
        assert _get(client, world, kind, BRAMLEY).json() == []
        assert _get(client, world, f"{kind}/{created['id']}", BRAMLEY).status_code == 404
        assert (
            _get(client, world, f"{kind}?provider_id={world.providers[AIRE]}", BRAMLEY).json() == []
        )

    for kind, field in [
        ("staff-movements", "care_worker_id"),
        ("sickness-absences", "care_worker_id"),
        ("training", "care_worker_id"),
        ("people-survey", "person_id"),
        ("case-studies", "person_id"),
        ("complaints", "person_id"),
        ("incidents", "person_id"),
        ("refunds", "package_id"),
    ]:
        message = _refused(_post(client, world, kind, _body(kind, aire), BRAMLEY), 422, field)
        assert "not one of yours" in message
        assert AIRE not in message


def test_another_provider_cannot_close_your_complaint(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    complaint = _created(client, world, "complaints", _body("complaints", aire))

    response = client.post(
        f"/quality/complaints/{complaint['id']}/close",
        json={"closed_on": "2026-10-05", "upheld": True},
        headers=auth(world.tokens[BRAMLEY]),
    )

    assert response.status_code == 404, response.text
    assert _get(client, world, f"complaints/{complaint['id']}").json()["closed_on"] is None


def test_the_council_reads_its_providers_records_and_writes_none(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    bramley_worker = hire_care_worker(engine, world, provider=BRAMLEY, name="Dev Patel")
    aires = {kind: _created(client, world, kind, _body(kind, aire)) for kind in KINDS}
    bramleys = _created(
        client,
        world,
        "training",
        {**_body("training", aire), "care_worker_id": bramley_worker.care_worker_id},
        BRAMLEY,
    )

    for kind, created in aires.items():
        for user in ("commissioner", "broker"):
            assert _get(client, world, f"{kind}/{created['id']}", user).json() == created
        refused = _post(client, world, kind, _body(kind, aire), "commissioner")
        assert refused.status_code == 403, refused.text
        assert len(_get(client, world, kind).json()) == 1

    assert [t["id"] for t in _get(client, world, "training", "commissioner").json()] == [
        aires["training"]["id"],
        bramleys["id"],
    ]
    only_bramley = _get(
        client, world, f"training?provider_id={world.providers[BRAMLEY]}", "commissioner"
    ).json()
    assert only_bramley == [bramleys]
    close = client.post(
        f"/quality/complaints/{aires['complaints']['id']}/close",
        json={"closed_on": "2026-10-05", "upheld": True},
        headers=auth(world.tokens["commissioner"]),
    )
    assert close.status_code == 403, close.text


def test_another_council_sees_none_of_the_records(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    for kind in KINDS:
        created = _created(client, world, kind, _body(kind, aire))
        assert _get(client, world, kind, "other_council_broker").json() == []
        assert (
            _get(client, world, f"{kind}/{created['id']}", "other_council_broker").status_code
            == 404
        )


@pytest.mark.parametrize("account", ["person", "care_worker"])
def test_a_person_or_care_worker_account_sees_nothing_and_records_nothing(
    client: TestClient, world: World, engine: Engine, account: str
) -> None:
    aire = _aire(engine, world)
    token = aire.person_token if account == "person" else aire.care_worker_token
    for kind in KINDS:
        created = _created(client, world, kind, _body(kind, aire))
        assert _get(client, world, kind, token).json() == []
        assert _get(client, world, f"{kind}/{created['id']}", token).status_code == 404
        assert _post(client, world, kind, _body(kind, aire), token).status_code == 403


# --- listing by period ---------------------------------------------------------------------


def test_lists_filter_by_period_and_spans_count_when_they_overlap_it(
    client: TestClient, world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    complaints = [
        _created(
            client,
            world,
            "complaints",
            {**_body("complaints", aire), "received_on": day},
        )["received_on"]
        for day in ("2026-09-01", "2026-09-15", "2026-10-01")
    ]
    _created(client, world, "sickness-absences", _body("sickness-absences", aire))

    def received(query: str) -> list[str]:
        return [c["received_on"] for c in _get(client, world, f"complaints?{query}").json()]

    assert received("") == complaints
    assert received("from=2026-09-15") == ["2026-09-15", "2026-10-01"]
    assert received("to=2026-09-15") == ["2026-09-01", "2026-09-15"]
    assert received("from=2026-09-02&to=2026-09-30") == ["2026-09-15"]
    straddling = _get(client, world, "sickness-absences?from=2026-09-30&to=2026-10-05").json()
    assert len(straddling) == 1
    assert _get(client, world, "sickness-absences?from=2026-10-01").json() == []
    _refused(_get(client, world, "complaints?from=2026-10-01&to=2026-09-01"), 422, "from")


# --- the service, as a simulation calls it -------------------------------------------------


def test_the_system_records_for_the_provider_it_names_under_the_same_rules(
    world: World, engine: Engine
) -> None:
    aire = _aire(engine, world)
    bramley_worker = hire_care_worker(engine, world, provider=BRAMLEY, name="Dev Patel")
    complaint: Json = {
        "received_on": MONDAY_10AM.date(),
        "category": "communication",
        "summary": "Nobody rang back",
    }

    with unit_of_work(engine) as s:
        recorded = service.record_complaint(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            provider_id=world.providers[AIRE],
            person_id=aire.person_id,
            **complaint,
        )
        assert recorded.provider_id == world.providers[AIRE]
    with unit_of_work(engine) as s, pytest.raises(InvalidInput) as unnamed:
        service.record_complaint(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, **complaint)
    with unit_of_work(engine) as s, pytest.raises(InvalidInput) as not_theirs:
        service.record_training(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            provider_id=world.providers[AIRE],
            care_worker_id=bramley_worker.care_worker_id,
            course="Moving and handling",
            category="mandatory",
            completed_on=MONDAY_10AM.date(),
            hours=3,
        )

    assert unnamed.value.field == "provider_id"
    assert not_theirs.value.field == "care_worker_id"
    with unit_of_work(engine) as s:
        assert [c.id for c in s.scalars(select(Complaint))] == [recorded.id]
