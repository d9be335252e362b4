"""Monitoring returns to download: a provider its own, the council any provider's, for a
period in plain words and "as at" its settled end or now, as `/monitoring/returns` gives them.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from homecare.calendar import local_date
from homecare.errors import InvalidInput
from homecare.market.repository import contracted_providers
from homecare.monitoring.periods import PeriodKind
from homecare.monitoring.service import compute_return, require_monitoring, return_provider
from homecare.returns.download import return_file
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, web_context
from homecare.web.render import WebRoute, render
from homecare.web.rounds_view import return_periods

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PERIOD_KINDS = {
    PeriodKind.WEEK.value: "Week",
    PeriodKind.FOUR_WEEKS.value: "4-week period",
    PeriodKind.MONTH.value: "Calendar month",
    PeriodKind.QUARTER.value: "Quarter",
    PeriodKind.HALF.value: "Half year",
    PeriodKind.YEAR.value: "Year",
}
FORMATS = {"xlsx": "Excel workbook (.xlsx)", "csv": "CSV (comma-separated values)"}
AS_AT_CHOICES = {
    "settled": "The end of the period (the figures stay the same whenever it is downloaded)",
    "now": "Now",
}


def _returns_page(
    request: Request,
    session: Session,
    me: SignedIn,
    today: date,
    kind: str,
    *,
    errors: dict[str, str] | None = None,
    chosen: dict[str, str] | None = None,
) -> Response:
    kind = kind if kind in PERIOD_KINDS else PeriodKind.FOUR_WEEKS.value
    providers = contracted_providers(session, me.actor) if me.actor.is_council else []
    return render(
        request,
        "rounds/returns.html",
        title="Monitoring returns",
        kind=kind,
        kinds=[(value, label, None) for value, label in PERIOD_KINDS.items()],
        periods=return_periods(kind, today),
        providers=[(p.id, p.name) for p in providers],
        formats=[(value, label, None) for value, label in FORMATS.items()],
        as_at_choices=[(value, label, None) for value, label in AS_AT_CHOICES.items()],
        chosen=chosen or {},
        errors=errors,
    )


@router.get("/app/returns")
def returns(
    request: Request,
    kind: str = PeriodKind.FOUR_WEEKS.value,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        require_monitoring(me.actor)
        return _returns_page(request, session, me, local_date(ctx.now()), kind)


@router.get("/app/returns/download")
def download_return(
    request: Request,
    period: str = "",
    provider: str = "",
    file_type: str = Query(default="xlsx", alias="format"),
    kind: str = PeriodKind.FOUR_WEEKS.value,
    as_at: str = "settled",
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The return as `/monitoring/returns` gives it: a provider only ever gets its own."""
    with ctx.transaction() as (session, me):
        require_monitoring(me.actor)
        provider_id = return_provider(me.actor, forms.record_id(provider))
        errors: dict[str, str] = {}
        if file_type not in FORMATS:
            errors["format"] = "Select the kind of file to download"
        else:
            try:
                report = compute_return(
                    session,
                    actor=me.actor,
                    period=period,
                    provider_id=provider_id,
                    now=ctx.now(),
                    settings=ctx.settings,
                    as_at_now=as_at == "now",
                )
            except InvalidInput:
                errors["period"] = "Select the period the return is for"
        if errors:
            chosen = {"period": period, "provider": provider, "format": file_type, "as_at": as_at}
            today = local_date(ctx.now())
            return _returns_page(request, session, me, today, kind, errors=errors, chosen=chosen)
    return return_file(report, file_type)
