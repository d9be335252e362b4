"""The one role ladder every readable statement climbs (`homecare.access.scoped`)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import column, select, table

from homecare.access import SYSTEM_ACTOR, Actor, Role, scoped

ROWS = table("row", column("council_id"), column("provider_id"), column("person_id"))


def _where(actor: Actor) -> str:
    stmt = scoped(
        actor,
        select(ROWS),
        council=lambda org: ROWS.c.council_id == org,
        provider=lambda org: ROWS.c.provider_id == org,
        person=lambda person_id: ROWS.c.person_id == person_id,
    )
    compiled: Any = stmt.compile(compile_kwargs={"literal_binds": True})
    text = str(compiled)
    return text.split("WHERE", 1)[1].strip() if "WHERE" in text else ""


def _actor(role: Role, kind: str | None, org: int | None = 7, **ids: int) -> Actor:
    return Actor(user_id=1, organisation_id=org, organisation_kind=kind, role=role, **ids)


def test_the_platform_itself_sees_every_row() -> None:
    assert _where(SYSTEM_ACTOR) == ""


def test_council_staff_see_their_councils_rows() -> None:
    assert _where(_actor(Role.BROKER, "council")) == "row.council_id = 7"


def test_a_providers_manager_sees_the_providers_rows() -> None:
    assert _where(_actor(Role.PROVIDER_MANAGER, "provider")) == "row.provider_id = 7"


def test_a_person_sees_only_their_own_rows_though_their_account_sits_under_the_council() -> None:
    assert _where(_actor(Role.PERSON, "council", person_id=42)) == "row.person_id = 42"


@pytest.mark.parametrize(
    "actor",
    [
        _actor(Role.CARE_WORKER, "provider", care_worker_id=3),
        _actor(Role.NEIGHBOURHOOD_NURSE, "nhs_trust"),
        _actor(Role.PERSON, "council"),
        _actor(Role.PROVIDER_MANAGER, "provider", org=None),
    ],
)
def test_a_role_without_a_clause_or_without_an_id_sees_nothing(actor: Actor) -> None:
    assert _where(actor) in ("false", "0 = 1")
