"""How the commissioner's pages show what they read: the period select, the KPI trend as a
table and a chart, the zones as GeoJSON, and the page policy that lets map tiles in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import altair as alt
import polars as pl
import vl_convert as vlc

from homecare.calendar import local_date
from homecare.monitoring.periods import Period, PeriodKind, recent_periods
from homecare.monitoring.repository import TrendPoint, ZoneSummary

PICKER: tuple[tuple[str, PeriodKind, int], ...] = (
    ("4-week periods", PeriodKind.FOUR_WEEKS, 14),
    ("Weeks", PeriodKind.WEEK, 9),
    ("Calendar months", PeriodKind.MONTH, 13),
    ("Quarters", PeriodKind.QUARTER, 5),
    ("Half years", PeriodKind.HALF, 3),
    ("Years", PeriodKind.YEAR, 2),
)
"""The picker's groups: each kind's period in progress and the latest complete ones."""

Choice = tuple[str, str]


def period_choices(now: datetime, shown: Period) -> list[tuple[str, list[Choice]]]:
    """(group, [(label, words)]) for the period select, in plain English.

    A period asked for by its address (an older one) is offered too, so the select
    always says which period the page shows.
    """
    today = local_date(now)
    groups: list[tuple[str, list[Choice]]] = []
    for title, kind, count in PICKER:
        options = []
        for period in recent_periods(today, kind, count):
            running = " (in progress)" if period.contains(today) else ""
            options.append((period.label, f"{period.name}{running}"))
        groups.append((title, options))
    offered = {label for _, options in groups for label, _ in options}
    if shown.label not in offered:
        groups.append(("Chosen", [(shown.label, shown.name)]))
    return groups


def trend_table(points: list[TrendPoint]) -> dict[str, Any]:
    """The trend as the page's table: periods across, one row per KPI."""
    periods = sorted({p.period for p in points})
    values: dict[tuple[int, str], TrendPoint] = {(p.kpi, p.period): p for p in points}
    kpis = sorted({(p.kpi, p.name, p.target_pct) for p in points})
    return {"periods": periods, "kpis": kpis, "values": values}


TREND_SCHEMA = {
    "KPI": pl.String,
    "Period": pl.String,
    "Value (%)": pl.Float64,
    "Target (%)": pl.Float64,
}


def trend_svg(points: list[TrendPoint]) -> str:
    """Small multiples, one per KPI: the value each period against the target's line."""
    rows = [
        {
            "KPI": f"KPI {p.kpi}",
            "Period": p.period,
            "Value (%)": p.value_pct,
            "Target (%)": p.target_pct,
        }
        for p in points
    ]
    data = pl.DataFrame(rows, schema=TREND_SCHEMA)
    base = alt.Chart().encode(x=alt.X("Period:O", title=None))
    value = base.mark_line(point=True, color="#1d70b8").encode(
        y=alt.Y("Value (%):Q", title="Per cent", scale=alt.Scale(domain=[0, 100]))
    )
    target = base.mark_line(strokeDash=[4, 4], color="#0b0c0c").encode(y="Target (%):Q")
    chart = (
        alt.layer(value, target, data=data)
        .properties(width=190, height=120)
        .facet(facet=alt.Facet("KPI:N", title=None), columns=4)
        .configure_view(stroke="#b1b4b6")
    )
    return str(vlc.vegalite_to_svg(chart.to_dict()))


def zones_geojson(zones: list[ZoneSummary]) -> dict[str, Any]:
    """A FeatureCollection: each zone's outline with what the map's labels say."""
    features = []
    for zone in zones:
        if len(zone.outline) >= 4:
            geometry: dict[str, Any] = {"type": "Polygon", "coordinates": [zone.outline]}
        elif zone.outline:
            geometry = {"type": "MultiPoint", "coordinates": zone.outline}
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "id": zone.id,
                "geometry": geometry,
                "properties": {
                    "name": zone.name,
                    "primary": ", ".join(zone.primary) or "None",
                    "framework": ", ".join(zone.framework) or "None",
                    "people": zone.people,
                    "weekly_hours": float(zone.weekly_hours),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def policy_with_tiles(policy: str, tiles_url: str) -> str:
    """The page's policy, letting images come from the tile server as well.

    A `{s}` subdomain placeholder becomes a wildcard, as the tile layer picks one.
    """
    parts = urlsplit(tiles_url.replace("{s}", "subdomain"))
    host = (parts.hostname or "").replace("subdomain", "*")
    port = f":{parts.port}" if parts.port else ""
    source = f"{parts.scheme}://{host}{port}"
    return policy.replace("img-src 'self' data:", f"img-src 'self' data: {source}", 1)
