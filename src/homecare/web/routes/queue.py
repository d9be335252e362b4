"""The broker's lists: referrals out with providers, and people still awaiting care.

Both are windows of one brokerage read (`awaiting_list`), priority first and then the
longest waiting unless the broker sorts them: the queue holds referrals a provider is
considering, the awaiting-care list those no provider holds, where the broker must act.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Depends, Request, Response

from homecare.access import Permission, require
from homecare.brokerage.repository import awaiting_list, referral_zones
from homecare.people.repository import person_names
from homecare.web.context import WebContext, web_context
from homecare.web.listing import Filter, page_of, read_query
from homecare.web.render import WebRoute, render
from homecare.web.routes.referrals import referral_list_spec

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PRIORITY = Filter("priority", "Priority", {"yes": "Priority only"}, any_label="All referrals")


def _list(
    request: Request, ctx: WebContext, *, offered: bool, template: str, title: str
) -> Response:
    with ctx.transaction() as (session, me):
        require(me.actor, Permission.BROKER)
        now = ctx.now()
        path = "/app/queue" if offered else "/app/awaiting-care"
        spec = referral_list_spec(path, referral_zones(session, me.actor), statuses=False)
        spec = replace(
            spec,
            sorts=("priority", *spec.sorts),
            filters=(PRIORITY, *spec.filters),
            default_sort="priority",
            default_descending=False,
        )
        query, errors = read_query(request.query_params, spec)
        found = awaiting_list(session, me.actor, now, query, offered=offered)
        page = page_of(found, query, spec, errors)
        names = person_names(session, me.actor, {i.person_id for i in page.rows})
        return render(
            request, template, title=title, page=page, names=names, now=now, errors=errors
        )


@router.get("/app/queue")
def queue(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    return _list(request, ctx, offered=True, template="queue/queue.html", title="Referral queue")


@router.get("/app/awaiting-care")
def awaiting(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    return _list(request, ctx, offered=False, template="queue/awaiting.html", title="Awaiting care")
