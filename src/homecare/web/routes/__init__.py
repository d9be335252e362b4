"""The pages, one module per piece of daily work."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from homecare.errors import NotFound
from homecare.web.context import WebContext, web_context
from homecare.web.render import WebRoute
from homecare.web.routes import (
    banked_hours,
    board,
    budget,
    care_worker,
    care_workers,
    changes,
    commissioner,
    contracts,
    cost_of_care,
    direct_payments,
    my_care,
    offers,
    package_changes,
    package_ends,
    packages,
    payment_runs,
    provider_alerts,
    queue,
    refer,
    referrals,
    returns,
    rounds,
    statements,
    visit_carers,
)

fallback = APIRouter(route_class=WebRoute, include_in_schema=False)


@fallback.get("/app/{rest:path}")
def unknown_page(request: Request, rest: str, ctx: WebContext = Depends(web_context)) -> Response:
    """Any other address under /app is "Page not found", once the user is signed in."""
    with ctx.transaction():
        raise NotFound(f"no page /app/{rest}")


ROUTERS = (
    board.router,
    visit_carers.router,
    refer.router,
    referrals.router,
    queue.router,
    offers.router,
    packages.router,
    package_changes.router,
    package_ends.router,
    commissioner.router,
    contracts.router,
    cost_of_care.router,
    budget.router,
    direct_payments.router,
    payment_runs.router,
    statements.router,
    provider_alerts.router,
    changes.router,
    rounds.router,
    care_workers.router,
    returns.router,
    care_worker.router,
    banked_hours.router,
    my_care.router,
    fallback,
)
