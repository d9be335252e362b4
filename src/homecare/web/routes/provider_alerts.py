"""The commissioner's CQC alerts: a provider's rating fell below the council's threshold.

Read through `market.ratings` and marked read through `mark_alert_read`, exactly as the
API does: another council's alert is "Page not found" (404), and anyone but council staff
with the market permission gets "You cannot use this page" (403).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from homecare.access import Permission
from homecare.http import PathId
from homecare.market.ratings import mark_alert_read, rating_alerts
from homecare.market.repository import providers_named
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.render import WebRoute, redirect, render
from homecare.web.routes.commissioner import require_council

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SHOWN_READ = 20
"""Alerts already read, shown below the open ones for a while: the latest only."""


@router.get("/app/alerts")
def alerts_page(
    request: Request, read: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.MANAGE_MARKET)
        alerts = rating_alerts(session, me.actor)
        names = dict(providers_named(session, me.actor))
        return render(
            request,
            "commissioner/alerts.html",
            title="CQC rating alerts",
            open_alerts=[a for a in alerts if a.read_at is None],
            read_alerts=[a for a in alerts if a.read_at is not None][:SHOWN_READ],
            names=names,
            marked=read == "1",
        )


@router.post("/app/alerts/{alert_id}/read")
def mark_read(
    alert_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The commissioner has seen the alert (as `POST /alerts/ratings/{id}/read`)."""
    with ctx.transaction(form) as (session, me):
        mark_alert_read(session, actor=me.actor, at=ctx.now(), alert_id=alert_id)
    return redirect("/app/alerts?read=1")
