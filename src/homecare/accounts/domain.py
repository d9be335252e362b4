"""Pure rules about accounts: who may disable whose, and when a provider's sign-in counts
as two factors."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PLATFORM_ROLE = "system"
ACCOUNT_MANAGING_ROLES = frozenset({"commissioner", "provider_manager"})
"""A council's commissioner looks after its council's accounts (family accounts too); a
provider's manager looks after the provider's care workers and managers."""

SECOND_FACTOR_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sms"})
"""RFC 8176 `amr` values that mean the identity provider asked for a second factor."""


@dataclass(frozen=True)
class Holder:
    """An account as the rules see it: which user, of which organisation, in which role."""

    user_id: int | None
    organisation_id: int | None
    role: str


class AccountChange(StrEnum):
    """What the rule answers to a request to disable or enable an account."""

    ALLOWED = "allowed"
    ROLE_MAY_NOT = "role_may_not"
    NOT_FOUND = "not_found"
    """Missing, or another organisation's: the two are never told apart."""
    OWN_ACCOUNT = "own_account"


def may_change_account(asker: Holder, account: Holder | None) -> AccountChange:
    """Whether `asker` may disable or enable `account` (None: there is no such account).

    The role is checked first, so a role that may never do this is told so whatever the id;
    the platform itself may change any account.
    """
    if asker.role == PLATFORM_ROLE:
        return AccountChange.ALLOWED if account is not None else AccountChange.NOT_FOUND
    if asker.role not in ACCOUNT_MANAGING_ROLES or asker.organisation_id is None:
        return AccountChange.ROLE_MAY_NOT
    if account is None or account.organisation_id != asker.organisation_id:
        return AccountChange.NOT_FOUND
    if account.user_id == asker.user_id:
        return AccountChange.OWN_ACCOUNT
    return AccountChange.ALLOWED


def second_factor_from_provider(amr: object) -> bool:
    """True when an ID token's `amr` claim (a list of strings) says a second factor was used."""
    return isinstance(amr, list) and any(
        isinstance(method, str) and method in SECOND_FACTOR_METHODS for method in amr
    )
