"""KPIs for the pages: the cases behind each miss and the trend, as figures and a chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import altair as alt
import polars as pl
import vl_convert as vlc
from sqlalchemy.orm import Session

from homecare.access import Actor, readable_visits
from homecare.config import Settings
from homecare.delivery.tables import Visit
from homecare.monitoring.definitions import KPI_BY_NUMBER
from homecare.monitoring.periods import Period
from homecare.monitoring.service import compute_frames, resolve_scope, timings_of
from homecare.web.commissioner_data.periods import periods_before

TREND_PERIODS = 6
"""How many 4-week periods the trend shows, ending with the one chosen."""


@dataclass(frozen=True)
class Miss:
    """One case behind a missed KPI, with where to follow it up."""

    text: str
    href: str | None


def misses(session: Session, actor: Actor, kind: str, ids: list[int]) -> list[Miss]:
    """Links for referral and package cases; a visit names its day and its package."""
    if kind == "referral":
        return [Miss(f"Referral {i}", f"/app/referrals/{i}") for i in ids]
    if kind == "package":
        return [Miss(f"Package {i}", f"/app/packages/{i}") for i in ids]
    visits = session.scalars(readable_visits(actor).where(Visit.id.in_(ids)).order_by(Visit.day))
    return [
        Miss(
            f"Visit {v.id} on {v.day:%d/%m/%Y}, package {v.package_id}",
            f"/app/packages/{v.package_id}",
        )
        for v in visits
    ]


@dataclass(frozen=True)
class TrendPoint:
    kpi: int
    name: str
    period: str
    value_pct: float | None
    target_pct: float
    rag: str | None


def kpi_trend(
    session: Session,
    actor: Actor,
    *,
    last: Period,
    provider_id: int | None,
    lot: int | None,
    now: datetime,
    settings: Settings,
) -> list[TrendPoint]:
    """Each KPI's value over the periods up to `last`, for the chosen provider and lot."""
    scope = resolve_scope(session, actor, provider_id)
    _, frame = compute_frames(
        session,
        scope=scope,
        periods=periods_before(last, TREND_PERIODS),
        as_of=now,
        timings=timings_of(settings),
        measures=[],
    )
    chosen = _same(pl.col("provider_id"), provider_id) & _same(pl.col("lot"), lot)
    return [
        TrendPoint(
            kpi=r["kpi"],
            name=KPI_BY_NUMBER[r["kpi"]].name,
            period=r["period"],
            value_pct=r["value_pct"],
            target_pct=r["target_pct"],
            rag=r["rag"],
        )
        for r in frame.filter(chosen).sort("kpi", "period").iter_rows(named=True)
    ]


def _same(column: pl.Expr, value: int | None) -> pl.Expr:
    return column.is_null() if value is None else column == value


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
