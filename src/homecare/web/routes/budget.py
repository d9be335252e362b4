"""The commissioner's budget page: the year's position as at a day (budget, paid, committed,
direct payments, forecast) by lot and funding stream, the alert when the forecast passes
the budget with the contingency drawn, the chart, each month's provider-led changes, and
the contingency with a form to record a drawdown, through the same service as
`POST /money/budgets/{year}/contingency/drawdowns`.

For council staff who see the figures; a provider or a social worker is refused (403).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Permission
from homecare.calendar import local_date
from homecare.errors import Conflict, InvalidInput, NotFound
from homecare.money import budget_service as service
from homecare.money.budget_service import MAX_PENCE, draw_contingency
from homecare.money.budgets import STREAM_WORDS, FinancialYear, Stream
from homecare.web import budget_view as view
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.render import WebRoute, redirect, render
from homecare.web.routes.commissioner import SVG_POLICY

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FIELDS = {"amount_pence": "amount", "reason": "reason", "drawn_on": "drawn-on-day"}
DONE = "The drawdown is recorded."


def _year(raw: str | None, today: date) -> int:
    """The year chosen, or the one holding today; anything else is not a page."""
    if raw is None or not raw.strip():
        return FinancialYear.of(today).start_year
    number = forms.whole_number(raw, most=2100)
    if number is None or number < 2000:
        raise NotFound(f"no budget year {raw!r}")
    return number


def _as_at(raw: str | None, today: date, errors: dict[str, str]) -> date:
    if raw is None or not raw.strip():
        return today
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors["as-at"] = "Enter the day to read the budget as at, like 2026-11-04"
        return today


def _page(
    request: Request,
    session: Session,
    me: SignedIn,
    year: int,
    as_at: date,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: bool = False,
) -> Response:
    service.require_budget_reader(me.actor)
    position = service.position_record(session, me.actor, year, as_at)
    query = urlencode({"year": year, "as_at": as_at.isoformat()})
    return render(
        request,
        "commissioner/budget.html",
        title=f"Budget {position['label']}",
        status=400 if errors else 200,
        p=position,
        year=year,
        years=[year - 1, year, year + 1],
        streams=[(s.value, STREAM_WORDS[s]) for s in Stream],
        chart=f"/app/budget/chart.svg?{query}",
        may_draw=me.actor.may(Permission.MANAGE_MARKET),
        errors=errors,
        values=values or {},
        done=DONE if done else None,
    )


@router.get("/app/budget")
def budget_page(
    request: Request,
    year: str | None = None,
    as_at: str | None = None,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    today = local_date(ctx.now())
    with ctx.transaction() as (session, me):
        service.require_budget_reader(me.actor)
        chosen = _year(year, today)
        day = _as_at(as_at, today, errors)
        return _page(request, session, me, chosen, day, errors=errors, done=done == "drawn")


@router.get("/app/budget/chart.svg")
def budget_chart(
    year: str | None = None, as_at: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    """The chart as an image: the page's policy keeps styles out of the page itself."""
    today = local_date(ctx.now())
    with ctx.transaction() as (session, me):
        service.require_budget_reader(me.actor)
        day = _as_at(as_at, today, {})
        position = service.position_record(session, me.actor, _year(year, today), day)
    return Response(
        view.chart_svg(position["months"]),
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": SVG_POLICY},
    )


@router.post("/app/budget/drawdowns")
def budget_drawdown(
    request: Request, form: FormData = Depends(form_data), ctx: WebContext = Depends(web_context)
) -> Response:
    """Records a drawdown from the contingency, as `draw_contingency` does for the API."""
    errors: dict[str, str] = {}
    today = local_date(ctx.now())
    amount = forms.parse_pence(
        forms.text(form, "amount"),
        errors,
        anchor="amount",
        what="the amount to draw",
        most_pence=MAX_PENCE,
    )
    reason = forms.text(form, "reason")
    if not reason:
        errors["reason"] = "Enter the decision to draw on the contingency, and why"
    drawn_on = None
    if any(forms.text(form, f"drawn-on-{p}") for p in ("day", "month", "year")):
        drawn_on = forms.parse_date(
            form, "drawn-on", "the day it was decided", errors, anchor="drawn-on-day"
        )
    with ctx.transaction(form) as (session, me):
        year = _year(forms.text(form, "year"), today)
        if not errors and amount is not None:
            try:
                draw_contingency(
                    session, actor=me.actor, at=ctx.now(), year=year, amount_pence=amount,
                    reason=reason, drawn_on=drawn_on,
                )  # fmt: skip
            except (InvalidInput, Conflict, NotFound) as exc:
                forms.domain_error(exc, FIELDS, errors, default="amount")
        if errors:
            return _page(request, session, me, year, today, errors=errors,
                         values=forms.values(form))  # fmt: skip
        return redirect(f"/app/budget?{urlencode({'year': year, 'done': 'drawn'})}")
