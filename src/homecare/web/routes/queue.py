"""The broker's lists: referrals out with providers, and people still awaiting care.

Both come from the API's awaiting-care query (`awaiting_care`), priority first and then
the longest waiting: the queue holds referrals a provider is considering, the
awaiting-care list those no provider holds, where the broker must act.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from homecare.access import Permission, require
from homecare.brokerage.domain import ReferralStatus
from homecare.brokerage.repository import awaiting_care
from homecare.people.repository import person_names
from homecare.web.context import WebContext, web_context
from homecare.web.render import WebRoute, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _list(
    request: Request, ctx: WebContext, *, offered: bool, template: str, title: str
) -> Response:
    with ctx.transaction() as (session, me):
        require(me.actor, Permission.BROKER)
        now = ctx.now()
        items = [
            item
            for item in awaiting_care(session, me.actor, now)
            if (item.status is ReferralStatus.OFFERED) == offered
        ]
        names = person_names(session, me.actor, {i.person_id for i in items})
        return render(request, template, title=title, items=items, names=names, now=now)


@router.get("/app/queue")
def queue(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    return _list(request, ctx, offered=True, template="queue/queue.html", title="Referral queue")


@router.get("/app/awaiting-care")
def awaiting(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    return _list(request, ctx, offered=False, template="queue/awaiting.html", title="Awaiting care")
