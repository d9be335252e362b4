"""Account queries: who is signed in, and whom a person can write to about their care."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecare.access import Role
from homecare.accounts.tables import UserAccount
from homecare.market.tables import Organisation

CONTACTS_SHOWN = 2


def user_with_organisation(session: Session, user_id: int) -> tuple[UserAccount, Organisation]:
    """A signed-in user and the organisation they act for: a session names a real account."""
    user = session.get(UserAccount, user_id)
    assert user is not None
    organisation = session.get(Organisation, user.organisation_id)
    assert organisation is not None
    return user, organisation


def provider_contacts(session: Session, provider_id: int) -> list[UserAccount]:
    """The provider's managers, whom the person can write to about their care."""
    stmt = (
        select(UserAccount)
        .where(
            UserAccount.organisation_id == provider_id,
            UserAccount.role == Role.PROVIDER_MANAGER.value,
        )
        .order_by(UserAccount.id)
        .limit(CONTACTS_SHOWN)
    )
    return list(session.scalars(stmt))


def account_by_email(session: Session, email: str) -> UserAccount | None:
    """The account an operator names by its email address, in any letter case."""
    wanted = email.strip().lower()
    users = list(
        session.scalars(select(UserAccount).where(func.lower(UserAccount.email) == wanted))
    )
    exact = [u for u in users if u.email == email.strip()]
    return exact[0] if exact else (users[0] if len(users) == 1 else None)
