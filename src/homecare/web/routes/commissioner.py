"""The commissioner's pages: KPIs against targets with their trend, spend, zones on a map,
providers and contracts.

Each page is for council staff only (403 for anyone else) and reads through the same
scoping as the API: the monitoring service for KPIs and `readable_*` for the rest, so
another council's providers, zones or money never appear and are "Page not found".
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from homecare.access import Permission
from homecare.errors import NotFound
from homecare.monitoring.periods import Period, parse_period
from homecare.monitoring.schemas import KpiRow
from homecare.monitoring.service import compute_return, kpis_report
from homecare.returns.download import return_file
from homecare.web import commissioner_data as data
from homecare.web.commissioner_data import kpis as kpi_data
from homecare.web.commissioner_data import money as money_data
from homecare.web.commissioner_data import periods as period_data
from homecare.web.commissioner_data import zones as zone_data
from homecare.web.context import WebContext, web_context
from homecare.web.render import SECURITY_HEADERS, WebRoute, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SHOWN_MISSES = 50
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""An image carries no script; Vega's SVG may style its own text."""


def _number(text: str | None) -> int | None:
    """A select's value: blank is "all"; anything but a whole number is not a page."""
    if text is None or text.strip() == "":
        return None
    if not text.strip().isdigit():
        raise NotFound(f"no such choice {text!r}")
    return int(text)


def _period(text: str | None, ctx: WebContext) -> Period:
    if text is None or text.strip() == "":
        return period_data.latest_complete(ctx.now())
    return parse_period(text)


def _query(period: Period, provider_id: int | None, lot: int | None) -> str:
    chosen: dict[str, Any] = {"period": period.label}
    if provider_id is not None:
        chosen["provider_id"] = provider_id
    if lot is not None:
        chosen["lot"] = lot
    return urlencode(chosen)


# --- KPIs ----------------------------------------------------------------------------------


@router.get("/app/kpis")
def kpis(
    request: Request,
    period: str | None = None,
    provider_id: str | None = None,
    lot: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        data.require_council(me.actor, Permission.VIEW_KPIS)
        chosen, provider, lot_number = _period(period, ctx), _number(provider_id), _number(lot)
        report = kpis_report(
            session,
            actor=me.actor,
            period=chosen.label,
            provider_id=provider,
            lot=lot_number,
            now=ctx.now(),
            settings=ctx.settings,
        )
        rows = report.rows
        headline = [r for r in rows if r.provider_id == provider and r.lot == lot_number]
        cases = {
            r.kpi: kpi_data.misses(session, me.actor, r.missed.kind, r.missed.ids[:SHOWN_MISSES])
            for r in headline
        }
        trend = kpi_data.kpi_trend(
            session,
            me.actor,
            last=chosen,
            provider_id=provider,
            lot=lot_number,
            now=ctx.now(),
            settings=ctx.settings,
        )
        return render(
            request,
            "commissioner/kpis.html",
            title="KPIs",
            period=report.period,
            choices=period_data.period_choices(ctx.now(), chosen),
            providers=data.contracted_providers(session, me.actor),
            lots=sorted(lot.number for lot in data.council_lots(session, me.actor).values()),
            provider_id=provider,
            lot=lot_number,
            headline=headline,
            cases=cases,
            shown_misses=SHOWN_MISSES,
            by_lot=_grid(rows, provider, None, "lot") if lot_number is None else [],
            by_provider=_grid(rows, None, lot_number, "provider") if provider is None else [],
            trend=_trend_table(trend),
            query=_query(chosen, provider, lot_number),
            rag_rule=report.rag_rule,
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


def _trend_table(points: list[kpi_data.TrendPoint]) -> dict[str, Any]:
    periods = sorted({p.period for p in points})
    values: dict[tuple[int, str], kpi_data.TrendPoint] = {(p.kpi, p.period): p for p in points}
    kpis = sorted({(p.kpi, p.name, p.target_pct) for p in points})
    return {"periods": periods, "kpis": kpis, "values": values}


@router.get("/app/kpis/trend.svg")
def kpi_trend_chart(
    period: str | None = None,
    provider_id: str | None = None,
    lot: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The trend chart as an image: the page's policy keeps styles out of the page itself."""
    with ctx.transaction() as (session, me):
        data.require_council(me.actor, Permission.VIEW_KPIS)
        points = kpi_data.kpi_trend(
            session,
            me.actor,
            last=_period(period, ctx),
            provider_id=_number(provider_id),
            lot=_number(lot),
            now=ctx.now(),
            settings=ctx.settings,
        )
    return Response(
        kpi_data.trend_svg(points),
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": SVG_POLICY},
    )


@router.get("/app/kpis/return.{file_type}")
def download_return(
    file_type: Literal["xlsx", "csv"],
    period: str | None = None,
    provider_id: str | None = None,
    lot: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    """The monitoring return the API gives, as a workbook or CSV, for the web session."""
    with ctx.transaction() as (session, me):
        data.require_council(me.actor, Permission.VIEW_KPIS)
        report = compute_return(
            session,
            actor=me.actor,
            period=_period(period, ctx).label,
            provider_id=_number(provider_id),
            lot=_number(lot),
            now=ctx.now(),
            settings=ctx.settings,
        )
    return return_file(report, file_type)


# --- spend ---------------------------------------------------------------------------------


@router.get("/app/spend")
def spend(
    request: Request, period: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        data.require_council(me.actor, Permission.MANAGE_MARKET)
        chosen = _period(period, ctx)
        today = data.today_in_london(ctx.now())
        where = data.places(session, me.actor)
        return render(
            request,
            "commissioner/spend.html",
            title="Spend",
            period=chosen,
            choices=period_data.period_choices(ctx.now(), chosen),
            today=today,
            committed=money_data.committed_spend(session, me.actor, where, today),
            delivered=money_data.delivered_spend(session, me.actor, where, chosen),
        )


# --- zones ---------------------------------------------------------------------------------


@router.get("/app/zones")
def zones(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        data.require_council(me.actor, Permission.MANAGE_MARKET)
        summaries = zone_data.zone_summaries(session, me.actor, data.today_in_london(ctx.now()))
        page = render(
            request,
            "commissioner/zones.html",
            title="Zones",
            zones=summaries,
            tiles=ctx.settings.map_tiles_url,
            attribution=ctx.settings.map_tiles_attribution,
        )
    if ctx.settings.map_tiles_url:
        page.headers["Content-Security-Policy"] = zone_data.policy_with_tiles(
            SECURITY_HEADERS["Content-Security-Policy"], ctx.settings.map_tiles_url
        )
    return page


@router.get("/app/zones.geojson")
def zones_geojson(ctx: WebContext = Depends(web_context)) -> Response:
    """The zones' outlines for the map, as the page's table lists them."""
    with ctx.transaction() as (session, me):
        data.require_council(me.actor, Permission.MANAGE_MARKET)
        summaries = zone_data.zone_summaries(session, me.actor, data.today_in_london(ctx.now()))
    return JSONResponse(zone_data.zones_geojson(summaries), media_type="application/geo+json")


# --- providers -----------------------------------------------------------------------------


@router.get("/app/providers")
def providers(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        data.require_council(me.actor, Permission.MANAGE_MARKET)
        where = data.places(session, me.actor)
        today = data.today_in_london(ctx.now())
        organisations = data.contracted_providers(session, me.actor)
        return render(
            request,
            "commissioner/providers.html",
            title="Providers and contracts",
            providers=organisations,
            caseloads={
                p.id: data.provider_caseload(session, me.actor, p.id, today) for p in organisations
            },
            contracts=sorted(where.contracts.values(), key=lambda c: (where.of(c.id), c.role)),
            where=where,
            today=today,
        )


@router.get("/app/providers/{provider_id}")
def provider(
    request: Request, provider_id: int, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        data.require_council(me.actor, Permission.MANAGE_MARKET)
        organisation = data.contracted_provider(session, me.actor, provider_id)
        where = data.places(session, me.actor)
        today = data.today_in_london(ctx.now())
        latest = period_data.latest_complete(ctx.now())
        report = kpis_report(
            session,
            actor=me.actor,
            period=latest.label,
            provider_id=provider_id,
            now=ctx.now(),
            settings=ctx.settings,
        )
        people, hours = data.provider_caseload(session, me.actor, provider_id, today)
        return render(
            request,
            "commissioner/provider.html",
            title=organisation.name,
            provider=organisation,
            contracts=data.contracts_of(session, me.actor, provider_id),
            where=where,
            today=today,
            people=people,
            hours=hours,
            period=report.period,
            kpis=[r for r in report.rows if r.provider_id == provider_id and r.lot is None],
            query=_query(latest, provider_id, None),
        )
