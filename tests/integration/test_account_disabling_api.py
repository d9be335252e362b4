"""Disabling and enabling accounts through the HTTP API, on SQLite and on PostgreSQL.

A commissioner looks after their council's accounts, a provider's manager their
provider's; another organisation's account answers exactly as a missing one.
"""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.accounts.tables import UserAccount, WebSession
from homecare.accounts.web_sessions import start_web_session
from homecare.audit import AuditEvent
from homecare.db import unit_of_work
from tests.conftest import auth
from tests.support.caseload import hire_care_worker, place_package
from tests.support.world import MONDAY_10AM, World

MISSING = 987654


def user_id(engine: Engine, email: str) -> int:
    with unit_of_work(engine) as s:
        return s.scalars(select(UserAccount.id).where(UserAccount.email == email)).one()


def disable(client: TestClient, token: str, target: int | str) -> httpx.Response:
    response: httpx.Response = client.post(f"/users/{target}/disable", headers=auth(token))
    return response


def enable(client: TestClient, token: str, target: int | str) -> httpx.Response:
    response: httpx.Response = client.post(f"/users/{target}/enable", headers=auth(token))
    return response


def audit_rows(engine: Engine, action: str, target: int) -> list[AuditEvent]:
    with unit_of_work(engine) as s:
        return list(
            s.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == action, AuditEvent.entity_id == target
                )
            )
        )


def test_a_commissioner_disables_a_broker_of_their_council_whose_token_then_stops(
    client: TestClient, world: World, engine: Engine
) -> None:
    broker = user_id(engine, "broker@example.org")
    with unit_of_work(engine) as s:
        user = s.get(UserAccount, broker)
        assert user is not None
        start_web_session(s, user=user, at=MONDAY_10AM, signed_in_with="password")
    assert client.get("/referrals", headers=auth(world.tokens["broker"])).status_code == 200

    disabled = disable(client, world.tokens["commissioner"], broker)

    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["id"] == broker and disabled.json()["disabled_at"] is not None
    refused = client.get("/referrals", headers=auth(world.tokens["broker"]))
    assert refused.status_code == 401
    with unit_of_work(engine) as s:
        ended = s.scalars(select(WebSession.ended_at).where(WebSession.user_id == broker)).all()
    assert ended and all(at is not None for at in ended)


def test_a_provider_manager_disables_one_of_their_own_care_workers(
    client: TestClient, world: World, engine: Engine
) -> None:
    worker = hire_care_worker(engine, world)
    with unit_of_work(engine) as s:
        account = s.scalars(
            select(UserAccount.id).where(UserAccount.care_worker_id == worker.care_worker_id)
        ).one()

    disabled = disable(client, world.tokens["Aire Homecare"], account)

    assert disabled.status_code == 200, disabled.text
    assert client.get("/visits", headers=auth(worker.token)).status_code == 401


def test_a_commissioner_may_disable_a_family_account_of_their_council(
    client: TestClient, world: World, engine: Engine
) -> None:
    placed = place_package(engine, world)
    with unit_of_work(engine) as s:
        family = s.scalars(
            select(UserAccount.id).where(UserAccount.person_id == placed.person_id)
        ).one()

    assert disable(client, world.tokens["commissioner"], family).status_code == 200


def test_another_organisations_account_answers_exactly_as_a_missing_one(
    client: TestClient, world: World, engine: Engine
) -> None:
    bradford = user_id(engine, "other_council_broker@example.org")
    kirkstall = user_id(engine, "kirkstall.care@example.org")

    for token, theirs in (("commissioner", bradford), ("Aire Homecare", kirkstall)):
        for act in (disable, enable):
            foreign = act(client, world.tokens[token], theirs)
            missing = act(client, world.tokens[token], MISSING)

            assert foreign.status_code == missing.status_code == 404
            assert foreign.text.replace(str(theirs), "ID") == missing.text.replace(
                str(MISSING), "ID"
            )
    out_of_range = disable(client, world.tokens["commissioner"], 2**63)
    assert out_of_range.status_code == 404
    with unit_of_work(engine) as s:
        assert s.get(UserAccount, bradford).disabled_at is None  # type: ignore[union-attr]
    assert client.get("/referrals", headers=auth(world.tokens["other_council_broker"])).is_success


def test_nobody_may_disable_their_own_account(
    client: TestClient, world: World, engine: Engine
) -> None:
    me = user_id(engine, "commissioner@example.org")

    refused = disable(client, world.tokens["commissioner"], me)

    assert refused.status_code == 409
    assert refused.json()["field"] == "user_id"
    assert refused.json()["detail"] == "you cannot disable your own account"
    assert audit_rows(engine, "user.disabled", me) == []


def test_a_social_worker_may_not_disable_accounts(
    client: TestClient, world: World, engine: Engine
) -> None:
    broker = user_id(engine, "broker@example.org")

    refused = disable(client, world.tokens["social_worker"], broker)
    missing = disable(client, world.tokens["social_worker"], MISSING)

    assert refused.status_code == missing.status_code == 403
    assert "may not disable accounts" in refused.json()["detail"]
    assert audit_rows(engine, "user.disabled", broker) == []


def test_an_enabled_account_works_again_and_each_change_is_audited_once(
    client: TestClient, world: World, engine: Engine
) -> None:
    broker = user_id(engine, "broker@example.org")
    commissioner = user_id(engine, "commissioner@example.org")

    disabled = disable(client, world.tokens["commissioner"], broker)
    enabled = enable(client, world.tokens["commissioner"], broker)

    assert disabled.status_code == enabled.status_code == 200
    assert enabled.json()["disabled_at"] is None
    assert client.get("/referrals", headers=auth(world.tokens["broker"])).status_code == 200
    for action in ("user.disabled", "user.enabled"):
        rows = audit_rows(engine, action, broker)
        assert [(r.actor_user_id, r.entity) for r in rows] == [(commissioner, "user")]


def test_disabling_twice_or_enabling_an_enabled_account_is_a_conflict_changing_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    broker = user_id(engine, "broker@example.org")
    token = world.tokens["commissioner"]

    not_disabled = enable(client, token, broker)
    disable(client, token, broker)
    again = disable(client, token, broker)

    assert not_disabled.status_code == again.status_code == 409
    assert again.json()["field"] == "user_id"
    assert again.json()["detail"] == "this account is already disabled"
    assert len(audit_rows(engine, "user.disabled", broker)) == 1
    assert audit_rows(engine, "user.enabled", broker) == []
