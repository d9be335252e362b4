"""HTTP routes for looking after accounts: disabling and enabling them.

A commissioner looks after their council's accounts and a provider's manager their
provider's; another organisation's account is "not found", as a missing one is.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from homecare.accounts.disabling import disable_user, enable_user
from homecare.accounts.schemas import AccountRead
from homecare.accounts.tables import UserAccount
from homecare.http import PathId, RequestContext, authenticated

router = APIRouter(tags=["accounts"])


@router.post("/users/{user_id}/disable", response_model=AccountRead)
def disable(user_id: PathId, ctx: RequestContext = Depends(authenticated)) -> UserAccount:
    """Stops the account signing in: its sessions end and its token is refused (audited)."""
    with ctx.transaction() as (session, actor):
        return disable_user(session, actor=actor, at=ctx.now(), user_id=user_id)


@router.post("/users/{user_id}/enable", response_model=AccountRead)
def enable(user_id: PathId, ctx: RequestContext = Depends(authenticated)) -> UserAccount:
    """Lets a disabled account sign in again, with no session of before (audited)."""
    with ctx.transaction() as (session, actor):
        return enable_user(session, actor=actor, at=ctx.now(), user_id=user_id)
