"""Envelopes of time and the time bank through the HTTP API and the store.

The package is Aire Homecare's half-hour morning and bed call every day: 420 minutes (7
hours) a week. Its default envelope from Monday 5 October 2026 is 1,680 minutes (28
hours) over four weeks to Sunday 1 November, with a bank capped at 420 minutes and 60
minutes that may be brought forward.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.service import actor_for_token
from homecare.audit import AuditEvent
from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.delivery.tables import Visit
from homecare.errors import Conflict
from homecare.packages.tables import Package
from homecare.timebank import service
from homecare.timebank.tables import TimeBankEntry
from tests.conftest import auth
from tests.support.caseload import Placed, place_package
from tests.support.payloads import VALID_NHS_NUMBERS
from tests.support.world import World

AIRE = "Aire Homecare"
START = "2026-10-05"

# --- helpers -----------------------------------------------------------------------------


def _open(
    client: TestClient, world: World, package_id: int, token: str = AIRE, **terms: Any
) -> httpx.Response:
    return client.post(
        f"/packages/{package_id}/envelope",
        json={"starts_on": START, **terms},
        headers=auth(world.tokens.get(token, token)),
    )


def _opened(client: TestClient, world: World, package_id: int, **terms: Any) -> dict[str, Any]:
    response = _open(client, world, package_id, **terms)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _move(client: TestClient, package_id: int, what: str, token: str, body: Any) -> httpx.Response:
    return client.post(f"/packages/{package_id}/time-bank/{what}", json=body, headers=auth(token))


def _ask_and_accept(
    client: TestClient, world: World, placed: Placed, minutes: int, day: str = "2026-10-09"
) -> httpx.Response:
    """Banked hours used the only way they can be: asked for as an extra visit by the
    person, and drawn when the provider accepts (409 at either step when the bank is short)."""
    asked = client.post(
        f"/packages/{placed.package_id}/time-bank-requests",
        json={"kind": "extra_visit", "day": day, "band": "tea", "minutes": minutes},
        headers=auth(placed.person_token),
    )
    if asked.status_code != 201:
        return asked
    return client.post(
        f"/time-bank-requests/{asked.json()['id']}/accept", headers=auth(world.tokens[AIRE])
    )


def _balance(client: TestClient, package_id: int, token: str) -> httpx.Response:
    return client.get(f"/packages/{package_id}/time-bank", headers=auth(token))


def _assert_refused(response: httpx.Response, status: int, field: str | None) -> None:
    assert response.status_code == status, response.text
    assert response.json().get("field") == field, response.json()


def _assert_schema_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields, fields


def _ledger_sums(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(TimeBankEntry.pot, func.sum(TimeBankEntry.minutes)).group_by(TimeBankEntry.pot)
        ).all()
    return {pot: int(total) for pot, total in rows}


def _audited(engine: Engine, action: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
            )
            or 0
        )


def _visit(engine: Engine, placed: Placed, world: World, **values: Any) -> int:
    """A visit on the package as the delivery side would have planned it."""
    fields: dict[str, Any] = {
        "package_id": placed.package_id,
        "person_id": placed.person_id,
        "provider_id": world.providers[AIRE],
        "source": "pattern",
        "source_id": 1,
        "day": date(2026, 10, 6),
        "band": "morning",
        "window_start": datetime(2026, 10, 6, 6, 0, tzinfo=UTC),
        "window_end": datetime(2026, 10, 6, 9, 0, tzinfo=UTC),
        "planned_minutes": 30,
        "carers": 1,
        "latitude": 53.8,
        "longitude": -1.6,
    }
    fields.update(values)
    with unit_of_work(engine) as s:
        visit = Visit(**fields)
        s.add(visit)
        s.flush()
        return visit.id


AT = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


# --- opening an envelope -----------------------------------------------------------------


def test_the_provider_puts_a_package_on_an_envelope_and_the_first_period_is_granted(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    body = _opened(client, world, placed.package_id)
    # 420 minutes a week × 4 weeks = 1,680 minutes, 28 hours.
    assert body["envelope_minutes"] == 1680
    assert body["envelope_hours"] == "28.00"
    assert body["bank_minutes"] == 0 and body["total_minutes"] == 1680
    assert (body["period_start"], body["period_end"]) == ("2026-10-05", "2026-11-01")
    assert (body["bank_cap_minutes"], body["overdraft_minutes"]) == (420, 60)
    assert body["drawable_minutes"] == 60
    assert [(e["pot"], e["kind"], e["minutes"]) for e in body["entries"]] == [
        ("envelope", "grant", 1680)
    ]
    assert _audited(engine, "time_bank.opened") == 1


def test_the_envelopes_terms_may_be_set_when_it_is_opened(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    body = _opened(
        client,
        world,
        placed.package_id,
        period_weeks=2,
        minutes_per_period=900,
        carry_over_share=0.5,
        bank_cap_minutes=120,
        overdraft_minutes=0,
    )
    assert (body["minutes_per_period"], body["hours_per_period"]) == (900, "15.00")
    assert body["period_end"] == "2026-10-18"
    assert (body["carry_over_share"], body["bank_cap_minutes"]) == (0.5, 120)
    assert body["overdraft_minutes"] == 0


def test_a_package_is_put_on_an_envelope_only_once(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    _assert_refused(_open(client, world, placed.package_id), 409, None)


def test_another_provider_cannot_open_or_see_the_envelope(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    assert _open(client, world, placed.package_id, token="Bramley Care").status_code == 404
    _opened(client, world, placed.package_id)
    assert _balance(client, placed.package_id, world.tokens["Bramley Care"]).status_code == 404


def test_the_person_and_the_council_may_not_open_an_envelope(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    assert _open(client, world, placed.package_id, token=placed.person_token).status_code == 403
    assert _open(client, world, placed.package_id, token="commissioner").status_code == 403


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"starts_on": "2026-10-04"}, "starts_on"),  # before the package starts
        ({"period_weeks": 0}, "period_weeks"),  # the schema's; tests/unit has the others
    ],
)
def test_impossible_envelope_terms_are_refused_naming_the_term(
    client: TestClient, world: World, engine: Engine, terms: dict[str, Any], field: str
) -> None:
    placed = place_package(engine, world)
    response = _open(client, world, placed.package_id, **terms)
    assert response.status_code == 422, response.text
    _assert_schema_refused(response, field)
    assert _ledger_sums(engine) == {}


def test_an_envelope_may_not_start_in_a_period_already_over(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    clock.set(datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    _assert_refused(_open(client, world, placed.package_id), 422, "starts_on")


# --- banking and drawing -----------------------------------------------------------------


def test_the_person_banks_hours_while_family_visit_and_uses_them_another_day(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    banked = _move(
        client,
        placed.package_id,
        "bank",
        placed.person_token,
        {"minutes": 90, "note": "My daughter is taking me out on Sunday"},
    )
    assert banked.status_code == 200, banked.text
    # 1,680 - 90 = 1,590 in the envelope, 90 (1.5 hours) in the bank.
    assert (banked.json()["envelope_minutes"], banked.json()["bank_minutes"]) == (1590, 90)
    assert banked.json()["bank_hours"] == "1.50"
    accepted = _ask_and_accept(client, world, placed, 120)
    assert accepted.status_code == 200, accepted.text
    drawn = _balance(client, placed.package_id, placed.person_token)
    # 90 - 120 = -30: half an hour brought forward; the envelope gains 120 -> 1,710.
    assert (drawn.json()["envelope_minutes"], drawn.json()["bank_minutes"]) == (1710, -30)
    assert drawn.json()["drawable_minutes"] == 30
    kinds = [(e["pot"], e["kind"], e["minutes"]) for e in drawn.json()["entries"]]
    assert kinds[1:] == [
        ("envelope", "bank", -90),
        ("bank", "bank", 90),
        ("bank", "draw", -120),
        ("envelope", "draw", 120),
    ]
    assert drawn.json()["entries"][1]["note"] == "My daughter is taking me out on Sunday"
    assert drawn.json()["entries"][1]["actor_role"] == "person"
    assert drawn.json()["entries"][3]["actor_role"] == "provider_manager"
    assert _audited(engine, "time_bank.banked") == 1 and _audited(engine, "time_bank.drawn") == 1


def test_the_provider_may_bank_for_the_person(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    token = world.tokens[AIRE]
    banked = _move(client, placed.package_id, "bank", token, {"minutes": 60})
    assert banked.status_code == 200, banked.text
    assert banked.json()["bank_minutes"] == 60


def test_hours_are_no_longer_drawn_without_the_provider_agreeing(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    _move(client, placed.package_id, "bank", placed.person_token, {"minutes": 60})
    retired = _move(client, placed.package_id, "draw", placed.person_token, {"minutes": 30})
    assert retired.status_code in (404, 405), retired.text
    assert _balance(client, placed.package_id, placed.person_token).json()["bank_minutes"] == 60


def test_banking_more_than_the_envelope_holds_is_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id, minutes_per_period=120)
    response = _move(client, placed.package_id, "bank", placed.person_token, {"minutes": 121})
    _assert_refused(response, 409, "minutes")
    assert "120 minutes" in response.json()["detail"]
    assert _ledger_sums(engine) == {"envelope": 120}


def test_drawing_beyond_the_overdraft_is_refused_with_the_balance(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    _move(client, placed.package_id, "bank", placed.person_token, {"minutes": 30})
    # 30 banked and 60 of overdraft: 90 may be drawn, 91 may not.
    response = _ask_and_accept(client, world, placed, 91)
    _assert_refused(response, 409, "minutes")
    assert "the bank can give 1 hour 30 minutes now" in response.json()["detail"]
    ok = _ask_and_accept(client, world, placed, 90)
    assert ok.status_code == 200, ok.text
    assert _balance(client, placed.package_id, placed.person_token).json()["bank_minutes"] == -60
    again = _ask_and_accept(client, world, placed, 15, day="2026-10-10")
    _assert_refused(again, 409, "minutes")


def test_minutes_that_are_not_a_positive_whole_number_are_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    what = "bank"
    # One case per route; tests/unit/test_time_bank_input.py works the others.
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    response = _move(client, placed.package_id, what, placed.person_token, {"minutes": 0})
    _assert_schema_refused(response, "minutes")
    missing = _move(client, placed.package_id, what, placed.person_token, {"note": "hello"})
    _assert_schema_refused(missing, "minutes")
    assert _ledger_sums(engine) == {"envelope": 1680}


def test_another_persons_package_looks_like_no_package_at_all(
    client: TestClient, world: World, engine: Engine
) -> None:
    mine = place_package(engine, world)
    theirs = place_package(engine, world, nhs_number=VALID_NHS_NUMBERS[1])
    _opened(client, world, theirs.package_id)
    for response in (
        _balance(client, theirs.package_id, mine.person_token),
        _move(client, theirs.package_id, "bank", mine.person_token, {"minutes": 30}),
        _balance(client, 999_999, mine.person_token),
    ):
        assert response.status_code == 404, response.text
    assert _ledger_sums(engine) == {"envelope": 1680}


def test_another_provider_may_not_bank(client: TestClient, world: World, engine: Engine) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    token = world.tokens["Bramley Care"]
    assert _move(client, placed.package_id, "bank", token, {"minutes": 30}).status_code == 404


def test_the_person_the_provider_and_the_council_see_the_time_bank(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    for token in (placed.person_token, world.tokens[AIRE], world.tokens["social_worker"]):
        response = _balance(client, placed.package_id, token)
        assert response.status_code == 200, response.text
        assert response.json()["envelope_minutes"] == 1680
    assert _balance(
        client, placed.package_id, world.tokens["other_council_broker"]
    ).status_code == (404)


def test_the_council_may_look_but_not_bank(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    response = _move(
        client, placed.package_id, "bank", world.tokens["social_worker"], {"minutes": 30}
    )
    assert response.status_code == 403, response.text


def test_a_fixed_hours_package_has_no_time_bank(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    assert _balance(client, placed.package_id, placed.person_token).status_code == 404
    response = _move(client, placed.package_id, "bank", placed.person_token, {"minutes": 30})
    _assert_refused(response, 409, None)


# --- period ends -------------------------------------------------------------------------


def test_at_the_period_end_a_share_is_carried_the_rest_expires_and_a_new_period_begins(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id, minutes_per_period=600)
    _move(client, placed.package_id, "bank", placed.person_token, {"minutes": 100})
    token = world.tokens[AIRE]
    early = client.post("/time-bank/period-ends", headers=auth(token))
    assert early.json() == {"ended": 0}
    clock.set(datetime(2026, 11, 2, 6, 0, tzinfo=UTC))  # Monday 2 November, 06:00 in London
    ended = client.post("/time-bank/period-ends", headers=auth(token))
    assert ended.status_code == 200, ended.text
    assert ended.json() == {"ended": 1}
    body = _balance(client, placed.package_id, placed.person_token).json()
    # 500 left: floor(0.25 × 500) = 125 carried, 375 expire; 100 banked is under the cap
    # of 420 and stays; the new period opens with 125 + 600 = 725.
    assert (body["envelope_minutes"], body["bank_minutes"]) == (725, 100)
    assert (body["period_start"], body["period_end"]) == ("2026-11-02", "2026-11-29")
    closing = [(e["kind"], e["minutes"], e["period_start"]) for e in body["entries"][3:]]
    assert closing == [
        ("carry_over", -125, "2026-10-05"),
        ("carry_over", 125, "2026-11-02"),
        ("expiry", -375, "2026-10-05"),
        ("grant", 600, "2026-11-02"),
    ]
    assert client.post("/time-bank/period-ends", headers=auth(token)).json() == {"ended": 0}
    assert _audited(engine, "time_bank.period_ended") == 1


def test_several_overdue_periods_are_rolled_one_at_a_time(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id, minutes_per_period=400)
    # Three periods are over by 29 December: 5 Oct, 2 Nov and 30 Nov.
    clock.set(datetime(2026, 12, 29, 9, 0, tzinfo=UTC))
    ended = client.post("/time-bank/period-ends", headers=auth(world.tokens[AIRE]))
    assert ended.json() == {"ended": 3}
    body = _balance(client, placed.package_id, placed.person_token).json()
    # 400 -> carry 100: 500 -> carry 125: 525 -> carry 131 (floor of 131.25): 531.
    assert body["envelope_minutes"] == 531
    assert body["period_start"] == "2026-12-28"


def test_an_overdelivered_period_is_written_off_and_the_write_off_shows(
    engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        service.open_envelope(
            s,
            actor=SYSTEM_ACTOR,
            at=AT,
            package_id=placed.package_id,
            starts_on=date(2026, 10, 5),
            minutes_per_period=20,
        )
    visit_id = _visit(engine, placed, world, delivered_minutes=45, status="completed")
    with unit_of_work(engine) as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        service.record_delivery(s, actor=SYSTEM_ACTOR, at=AT, visit=visit)
        assert (
            service.balance(s, actor=SYSTEM_ACTOR, package_id=placed.package_id).envelope_minutes
            == -25
        )
        statement = service.end_period(
            s,
            actor=SYSTEM_ACTOR,
            at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            package_id=placed.package_id,
        )
    write_offs = [e.minutes for e in statement.entries if e.kind == "write_off"]
    assert write_offs == [25]
    assert statement.envelope_minutes == 20


def test_a_period_is_not_ended_before_its_last_day_has_passed(engine: Engine, world: World) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        service.open_envelope(
            s, actor=SYSTEM_ACTOR, at=AT, package_id=placed.package_id, starts_on=date(2026, 10, 5)
        )
    with pytest.raises(Conflict, match="2026-11-01"), unit_of_work(engine) as s:
        service.end_period(
            s,
            actor=SYSTEM_ACTOR,
            at=datetime(2026, 11, 1, 23, 30, tzinfo=UTC),  # 23:30 GMT, still Sunday
            package_id=placed.package_id,
        )


@pytest.mark.parametrize(("status", "rolled"), [("in_hospital", 1), ("ended", 0)])
def test_periods_run_on_through_a_hospital_stay_but_not_after_the_package_ends(
    client: TestClient, world: World, engine: Engine, clock: FixedClock, status: str, rolled: int
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    with unit_of_work(engine) as s:
        package = s.get(Package, placed.package_id)
        assert package is not None
        package.status = status
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    ended = client.post("/time-bank/period-ends", headers=auth(world.tokens[AIRE]))
    assert ended.json() == {"ended": rolled}


def test_the_person_may_not_end_periods(client: TestClient, world: World, engine: Engine) -> None:
    placed = place_package(engine, world)
    response = client.post("/time-bank/period-ends", headers=auth(placed.person_token))
    assert response.status_code == 403


def test_a_provider_ends_only_its_own_periods(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    placed = place_package(engine, world)
    _opened(client, world, placed.package_id)
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bramley = client.post("/time-bank/period-ends", headers=auth(world.tokens["Bramley Care"]))
    assert bramley.json() == {"ended": 0}
    assert _balance(client, placed.package_id, placed.person_token).json()["period_start"] == (
        START
    )


# --- what delivery calls -----------------------------------------------------------------


def test_a_delivered_visit_comes_off_the_envelope_once(engine: Engine, world: World) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        service.open_envelope(
            s, actor=SYSTEM_ACTOR, at=AT, package_id=placed.package_id, starts_on=date(2026, 10, 5)
        )
    visit_id = _visit(engine, placed, world, delivered_minutes=35, status="completed")
    for _ in range(2):
        with unit_of_work(engine) as s:
            visit = s.get(Visit, visit_id)
            assert visit is not None
            service.record_delivery(s, actor=SYSTEM_ACTOR, at=AT, visit=visit)
    # 1,680 - 35 = 1,645, however often the check-out is replayed.
    assert _ledger_sums(engine) == {"envelope": 1645}
    with engine.connect() as conn:
        lines = conn.execute(
            select(TimeBankEntry.kind, TimeBankEntry.visit_id).where(
                TimeBankEntry.kind == "delivery"
            )
        ).all()
    assert [tuple(line) for line in lines] == [("delivery", visit_id)]


def test_a_visit_without_delivered_minutes_or_on_a_fixed_package_changes_nothing(
    engine: Engine, world: World
) -> None:
    fixed = place_package(engine, world)
    delivered = _visit(engine, fixed, world, delivered_minutes=30, status="completed")
    planned = _visit(engine, fixed, world, source_id=2)
    with unit_of_work(engine) as s:
        for visit_id in (delivered, planned):
            visit = s.get(Visit, visit_id)
            assert visit is not None
            service.record_delivery(s, actor=SYSTEM_ACTOR, at=AT, visit=visit)
            service.bank_cancelled_visit(s, actor=SYSTEM_ACTOR, at=AT, visit=visit)
    assert _ledger_sums(engine) == {}


def test_a_cancelled_two_handed_visit_banks_the_persons_time_once(
    engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        service.open_envelope(
            s, actor=SYSTEM_ACTOR, at=AT, package_id=placed.package_id, starts_on=date(2026, 10, 5)
        )
    visit_id = _visit(engine, placed, world, planned_minutes=45, carers=2)
    for _ in range(2):
        with unit_of_work(engine) as s:
            person = actor_for_token(s, placed.person_token)
            visit = s.get(Visit, visit_id)
            assert visit is not None
            service.bank_cancelled_visit(s, actor=person, at=AT, visit=visit)
    # 45 minutes of the person's time banked, not 90 carer minutes.
    assert _ledger_sums(engine) == {"envelope": 1635, "bank": 45}
    with unit_of_work(engine) as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None and visit.banked


def test_community_hours_visits_neither_draw_from_nor_bank_into_the_envelope(
    engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        service.open_envelope(
            s, actor=SYSTEM_ACTOR, at=AT, package_id=placed.package_id, starts_on=date(2026, 10, 5)
        )
    delivered = _visit(engine, placed, world, source="community", delivered_minutes=90)
    cancelled = _visit(engine, placed, world, source="community", source_id=2)
    with unit_of_work(engine) as s:
        for visit_id in (delivered, cancelled):
            visit = s.get(Visit, visit_id)
            assert visit is not None
            service.record_delivery(s, actor=SYSTEM_ACTOR, at=AT, visit=visit)
            service.bank_cancelled_visit(s, actor=SYSTEM_ACTOR, at=AT, visit=visit)
            assert not visit.banked
    assert _ledger_sums(engine) == {"envelope": 1680}


def test_a_visit_before_the_envelope_began_is_not_drawn_from_it(
    engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        service.open_envelope(
            s, actor=SYSTEM_ACTOR, at=AT, package_id=placed.package_id, starts_on=date(2026, 10, 12)
        )
    visit_id = _visit(engine, placed, world, delivered_minutes=30, status="completed")
    with unit_of_work(engine) as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        service.record_delivery(s, actor=SYSTEM_ACTOR, at=AT, visit=visit)
    assert _ledger_sums(engine) == {"envelope": 1680}


def test_banking_a_cancelled_visit_the_envelope_cannot_cover_is_refused(
    engine: Engine, world: World
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        service.open_envelope(
            s,
            actor=SYSTEM_ACTOR,
            at=AT,
            package_id=placed.package_id,
            starts_on=date(2026, 10, 5),
            minutes_per_period=20,
        )
    visit_id = _visit(engine, placed, world, planned_minutes=30)
    with pytest.raises(Conflict), unit_of_work(engine) as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        service.bank_cancelled_visit(s, actor=SYSTEM_ACTOR, at=AT, visit=visit)
    assert _ledger_sums(engine) == {"envelope": 20}
