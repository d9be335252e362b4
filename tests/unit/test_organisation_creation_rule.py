"""Who may create which kind of organisation: a table of every creator against every kind."""

from __future__ import annotations

import pytest

from homecare.market.domain import Creator, OrganisationKind, may_create_organisation

COUNCIL = OrganisationKind.COUNCIL
TRUST = OrganisationKind.NHS_TRUST
PROVIDER = OrganisationKind.PROVIDER

TABLE = [
    (Creator.PLATFORM, COUNCIL, True),
    (Creator.PLATFORM, TRUST, True),
    (Creator.PLATFORM, PROVIDER, True),
    (Creator.COUNCIL, COUNCIL, False),
    (Creator.COUNCIL, TRUST, False),
    (Creator.COUNCIL, PROVIDER, True),
    (Creator.NHS_TRUST, COUNCIL, False),
    (Creator.NHS_TRUST, TRUST, False),
    (Creator.NHS_TRUST, PROVIDER, False),
    (Creator.PROVIDER, COUNCIL, False),
    (Creator.PROVIDER, TRUST, False),
    (Creator.PROVIDER, PROVIDER, False),
]


@pytest.mark.parametrize(("creator", "kind", "allowed"), TABLE)
def test_each_creator_may_create_only_the_kinds_the_rule_lists(
    creator: Creator, kind: OrganisationKind, allowed: bool
) -> None:
    assert may_create_organisation(creator, kind) is allowed


def test_the_table_covers_every_creator_and_every_kind() -> None:
    covered = {(creator, kind) for creator, kind, _ in TABLE}

    assert covered == {(c, k) for c in Creator for k in OrganisationKind}


def test_only_the_platform_may_create_a_council() -> None:
    creators = [c for c in Creator if may_create_organisation(c, COUNCIL)]

    assert creators == [Creator.PLATFORM]
