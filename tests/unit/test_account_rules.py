"""Who may disable or enable whose account, and which `amr` claims count as two factors."""

from __future__ import annotations

import pytest

from homecare.access import Role
from homecare.accounts.domain import (
    ACCOUNT_MANAGING_ROLES,
    PLATFORM_ROLE,
    SECOND_FACTOR_METHODS,
    AccountChange,
    Holder,
    may_change_account,
    second_factor_from_provider,
)

LEEDS, BRADFORD, AIRE, KIRKSTALL = 1, 2, 10, 11
COMMISSIONER = Holder(1, LEEDS, "commissioner")
AIRE_MANAGER = Holder(2, AIRE, "provider_manager")

TABLE = [
    (COMMISSIONER, Holder(3, LEEDS, "broker"), AccountChange.ALLOWED),
    (COMMISSIONER, Holder(4, LEEDS, "commissioner"), AccountChange.ALLOWED),
    (COMMISSIONER, Holder(5, LEEDS, "person"), AccountChange.ALLOWED),
    (COMMISSIONER, Holder(6, BRADFORD, "broker"), AccountChange.NOT_FOUND),
    (COMMISSIONER, Holder(7, AIRE, "care_worker"), AccountChange.NOT_FOUND),
    (COMMISSIONER, None, AccountChange.NOT_FOUND),
    (COMMISSIONER, COMMISSIONER, AccountChange.OWN_ACCOUNT),
    (AIRE_MANAGER, Holder(8, AIRE, "care_worker"), AccountChange.ALLOWED),
    (AIRE_MANAGER, Holder(9, AIRE, "provider_manager"), AccountChange.ALLOWED),
    (AIRE_MANAGER, Holder(10, KIRKSTALL, "care_worker"), AccountChange.NOT_FOUND),
    (AIRE_MANAGER, Holder(11, LEEDS, "person"), AccountChange.NOT_FOUND),
    (AIRE_MANAGER, AIRE_MANAGER, AccountChange.OWN_ACCOUNT),
    (Holder(12, LEEDS, "social_worker"), Holder(3, LEEDS, "broker"), AccountChange.ROLE_MAY_NOT),
    (Holder(12, LEEDS, "social_worker"), None, AccountChange.ROLE_MAY_NOT),
    (Holder(13, LEEDS, "broker"), Holder(3, LEEDS, "broker"), AccountChange.ROLE_MAY_NOT),
    (Holder(14, AIRE, "care_worker"), Holder(8, AIRE, "care_worker"), AccountChange.ROLE_MAY_NOT),
    (Holder(15, LEEDS, "person"), Holder(5, LEEDS, "person"), AccountChange.ROLE_MAY_NOT),
    (
        Holder(16, 3, "neighbourhood_nurse"),
        Holder(17, 3, "neighbourhood_nurse"),
        AccountChange.ROLE_MAY_NOT,
    ),
    (Holder(None, None, "system"), Holder(3, LEEDS, "broker"), AccountChange.ALLOWED),
    (Holder(None, None, "system"), None, AccountChange.NOT_FOUND),
]


@pytest.mark.parametrize(("asker", "account", "answer"), TABLE)
def test_each_asker_may_change_only_the_accounts_the_rule_allows(
    asker: Holder, account: Holder | None, answer: AccountChange
) -> None:
    assert may_change_account(asker, account) is answer


def test_the_rule_names_roles_that_exist() -> None:
    assert {*ACCOUNT_MANAGING_ROLES, PLATFORM_ROLE} <= {role.value for role in Role}


@pytest.mark.parametrize("method", sorted(SECOND_FACTOR_METHODS))
def test_an_amr_naming_a_second_factor_counts_as_two_factors(method: str) -> None:
    assert second_factor_from_provider(["pwd", method])


@pytest.mark.parametrize(
    "amr", [None, [], ["pwd"], ["pwd", "kba"], "mfa", [{"mfa": True}], "otp pwd"]
)
def test_an_amr_naming_no_second_factor_or_malformed_does_not(amr: object) -> None:
    assert not second_factor_from_provider(amr)
