"""The commissioner's pages: KPIs against targets with their trend, spend, zones on a map,
providers and contracts; and an NHS trust's own lot, for its nurses.

Each page is for council staff only (403 for anyone else) and reads through the same
scoping as the API: the monitoring service for KPIs, and the market, packages and
monitoring repositories for the rest, so another council's providers, zones or money
never appear and are "Page not found".
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from homecare.access import Actor, Permission
from homecare.brokerage.repository import choice_figures
from homecare.calendar import local_date
from homecare.errors import Forbidden, NotFound
from homecare.http import PathId
from homecare.market import ratings
from homecare.market import repository as market
from homecare.monitoring import repository as oversight
from homecare.monitoring.periods import Period, PeriodKind, parse_period, recent_periods
from homecare.monitoring.schemas import KpiRow
from homecare.monitoring.service import compute_return, kpis_report, latest_complete
from homecare.packages.repository import provider_caseload
from homecare.pattern import task_words
from homecare.returns.download import return_file
from homecare.web import commissioner_view as view
from homecare.web import forms
from homecare.web.context import WebContext, web_context
from homecare.web.render import SECURITY_HEADERS, WebRoute, render
from homecare.web.trust_lots import OUR_LOT, commissioned_by, lot_words, trust_lots

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SHOWN_MISSES = 50
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
"""An image carries no script; Vega's SVG may style its own text."""


def require_council(actor: Actor, permission: Permission) -> None:
    """Council staff with the permission; a provider or a social worker is refused (403)."""
    if not (actor.is_council and actor.may(permission)):
        raise Forbidden("only the council's commissioners may use this page")


def _number(text: str | None) -> int | None:
    """A select's value: blank is "all"; anything but a whole number is not a page."""
    if text is None or text.strip() == "":
        return None
    number = forms.whole_number(text)
    if number is None:
        raise NotFound(f"no such choice {text!r}")
    return number


def _period(text: str | None, ctx: WebContext) -> Period:
    if text is None or text.strip() == "":
        return latest_complete(ctx.now())
    return parse_period(text)


def _as_at_now(text: str | None) -> bool:
    """The "figures as at" choice: `now`, or the period's settled end (blank, `settled`)."""
    if text is None or text.strip() in ("", "settled"):
        return False
    if text.strip() == "now":
        return True
    raise NotFound(f"no such choice {text!r}")


def last_complete_week(today: date) -> Period:
    """The last whole week (Monday to Sunday) before today: the weekly hours' week."""
    return recent_periods(today - timedelta(days=7), PeriodKind.WEEK, 1)[0]


def _query(
    period: Period, provider_id: int | None, lot: int | None, as_at_now: bool = False
) -> str:
    chosen: dict[str, Any] = {"period": period.label}
    if provider_id is not None:
        chosen["provider_id"] = provider_id
    if lot is not None:
        chosen["lot"] = lot
    if as_at_now:
        chosen["as_at"] = "now"
    return urlencode(chosen)


# --- KPIs ----------------------------------------------------------------------------------


@router.get("/app/kpis")
def kpis(
    request: Request,
    period: str | None = None,
    provider_id: str | None = None,
    lot: str | None = None,
    as_at: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.VIEW_KPIS)
        chosen, provider, lot_number = _period(period, ctx), _number(provider_id), _number(lot)
        now_chosen = _as_at_now(as_at)
        report = kpis_report(
            session,
            actor=me.actor,
            period=chosen.label,
            provider_id=provider,
            lot=lot_number,
            now=ctx.now(),
            settings=ctx.settings,
            as_at_now=now_chosen,
        )
        rows = report.rows
        headline = [r for r in rows if r.provider_id == provider and r.lot == lot_number]
        cases = {
            r.kpi: oversight.kpi_misses(
                session, me.actor, r.missed.kind, r.missed.ids[:SHOWN_MISSES]
            )
            for r in headline
        }
        trend = oversight.kpi_trend(
            session,
            me.actor,
            last=chosen,
            provider_id=provider,
            lot=lot_number,
            now=ctx.now(),
            settings=ctx.settings,
            as_at_now=now_chosen,
        )
        return render(
            request,
            "commissioner/kpis.html",
            title="KPIs",
            period=report.period,
            as_at_text=report.as_at_text,
            as_at_now=now_chosen,
            choices=view.period_choices(ctx.now(), chosen),
            providers=market.contracted_providers(session, me.actor),
            lots=sorted(lot.number for lot in market.lots(session, me.actor)),
            provider_id=provider,
            lot=lot_number,
            headline=headline,
            cases=cases,
            shown_misses=SHOWN_MISSES,
            by_lot=_grid(rows, provider, None, "lot") if lot_number is None else [],
            by_provider=_grid(rows, None, lot_number, "provider") if provider is None else [],
            trend=view.trend_table(trend),
            query=_query(chosen, provider, lot_number, now_chosen),
            rag_rule=report.rag_rule,
            choice=choice_figures(session, me.actor, report.period.start, report.period.end),
        )


def _grid(
    rows: list[KpiRow], provider: int | None, lot: int | None, by: str
) -> list[tuple[str, dict[int, KpiRow]]]:
    """Rows for one split: (group's name, its KPIs by number), in the report's order."""
    grid: dict[str, dict[int, KpiRow]] = {}
    for r in rows:
        if by == "lot" and r.lot is not None and r.provider_id == provider:
            grid.setdefault(f"Lot {r.lot}", {})[r.kpi] = r
        if by == "provider" and r.provider_id is not None and r.lot == lot:
            grid.setdefault(r.provider_name or f"Provider {r.provider_id}", {})[r.kpi] = r
    return sorted(grid.items())


@router.get("/app/kpis/trend.svg")
def kpi_trend_chart(
    period: str | None = None,
    provider_id: str | None = None,
    lot: str | None = None,
    as_at: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The trend chart as an image: the page's policy keeps styles out of the page itself."""
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.VIEW_KPIS)
        points = oversight.kpi_trend(
            session,
            me.actor,
            last=_period(period, ctx),
            provider_id=_number(provider_id),
            lot=_number(lot),
            now=ctx.now(),
            settings=ctx.settings,
            as_at_now=_as_at_now(as_at),
        )
    return Response(
        view.trend_svg(points),
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": SVG_POLICY},
    )


@router.get("/app/kpis/return.{file_type}")
def download_return(
    file_type: Literal["xlsx", "csv"],
    period: str | None = None,
    provider_id: str | None = None,
    lot: str | None = None,
    as_at: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The monitoring return the API gives, as a workbook or CSV, for the web session."""
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.VIEW_KPIS)
        report = compute_return(
            session,
            actor=me.actor,
            period=_period(period, ctx).label,
            provider_id=_number(provider_id),
            lot=_number(lot),
            now=ctx.now(),
            settings=ctx.settings,
            as_at_now=_as_at_now(as_at),
        )
    return return_file(report, file_type)


# --- spend ---------------------------------------------------------------------------------


@router.get("/app/spend")
def spend(
    request: Request, period: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.MANAGE_MARKET)
        chosen = _period(period, ctx)
        today = local_date(ctx.now())
        where = market.places(session, me.actor)
        return render(
            request,
            "commissioner/spend.html",
            title="Spend",
            period=chosen,
            choices=view.period_choices(ctx.now(), chosen),
            today=today,
            committed=oversight.committed_spend(session, me.actor, where, today),
            delivered=oversight.delivered_spend(session, me.actor, where, chosen),
            week=oversight.weekly_hours(session, me.actor, last_complete_week(today)),
        )


# --- zones ---------------------------------------------------------------------------------


@router.get("/app/zones")
def zones(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.MANAGE_MARKET)
        summaries = oversight.zone_summaries(session, me.actor, local_date(ctx.now()))
        page = render(
            request,
            "commissioner/zones.html",
            title="Zones",
            zones=summaries,
            tiles=ctx.settings.map_tiles_url,
            attribution=ctx.settings.map_tiles_attribution,
        )
    if ctx.settings.map_tiles_url:
        page.headers["Content-Security-Policy"] = view.policy_with_tiles(
            SECURITY_HEADERS["Content-Security-Policy"], ctx.settings.map_tiles_url
        )
    return page


@router.get("/app/zones.geojson")
def zones_geojson(ctx: WebContext = Depends(web_context)) -> Response:
    """The zones' outlines for the map, as the page's table lists them."""
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.MANAGE_MARKET)
        summaries = oversight.zone_summaries(session, me.actor, local_date(ctx.now()))
    return JSONResponse(view.zones_geojson(summaries), media_type="application/geo+json")


# --- providers -----------------------------------------------------------------------------


@router.get("/app/providers")
def providers(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.MANAGE_MARKET)
        where = market.places(session, me.actor)
        today = local_date(ctx.now())
        organisations = market.contracted_providers(session, me.actor)
        return render(
            request,
            "commissioner/providers.html",
            title="Providers and contracts",
            providers=organisations,
            caseloads={
                p.id: provider_caseload(session, me.actor, p.id, today) for p in organisations
            },
            contracts=sorted(where.contracts.values(), key=lambda c: (where.of(c.id), c.role)),
            where=where,
            today=today,
            lots=market.lots(session, me.actor),
            commissioners=commissioned_by(session, me.actor),
            by_trust=commissioned_by(session, me.actor, trusts_only=True),
        )


@router.get("/app/providers/{provider_id}")
def provider(
    request: Request, provider_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        require_council(me.actor, Permission.MANAGE_MARKET)
        organisation = market.contracted_provider(session, me.actor, provider_id)
        where = market.places(session, me.actor)
        today = local_date(ctx.now())
        latest = latest_complete(ctx.now())
        report = kpis_report(
            session,
            actor=me.actor,
            period=latest.label,
            provider_id=provider_id,
            now=ctx.now(),
            settings=ctx.settings,
        )
        people, hours = provider_caseload(session, me.actor, provider_id, today)
        return render(
            request,
            "commissioner/provider.html",
            title=organisation.name,
            provider=organisation,
            contracts=market.contracts_of(session, me.actor, provider_id),
            where=where,
            by_trust=commissioned_by(session, me.actor, trusts_only=True),
            today=today,
            people=people,
            hours=hours,
            period=report.period,
            as_at_text=report.as_at_text,
            kpis=[r for r in report.rows if r.provider_id == provider_id and r.lot is None],
            query=_query(latest, provider_id, None),
            standing=ratings.standing(session, me.actor, organisation),
            rating_history=ratings.rating_history(session, provider_id),
        )


# --- an NHS trust's own lot ----------------------------------------------------------------


@router.get(OUR_LOT)
def our_lot(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    """The lots a nurse's trust commissions: who holds their contracts, the live care under
    each, and the way to its packages, through the same reads as `/contracts`."""
    with ctx.transaction() as (session, me):
        lots = trust_lots(session, me.actor)
        if not lots:
            raise Forbidden("only an NHS trust's nurse sees the lot their trust commissions")
        where = market.places(session, me.actor)
        said = commissioned_by(session, me.actor)
        shown = []
        for lot in lots:
            council = market.organisation(session, me.actor, lot.council_id).name
            contracts = [
                (c, *market.live_under(session, c.id))
                for c in market.contracts_of(session, me.actor)
                if c.lot_id == lot.id
            ]
            shown.append(
                {
                    "lot": lot,
                    "words": lot_words(lot),
                    "by": f"{said[lot.id]} with {council}",
                    "tasks": [task_words(t) for t in lot.required_skills or []],
                    "contracts": contracts,
                }
            )
        return render(
            request,
            "commissioner/our_lot.html",
            title="Our lot" if len(lots) == 1 else "Our lots",
            lots=shown,
            where=where,
            today=local_date(ctx.now()),
        )
