"""The budget page's chart and its form's amount: the chart is an SVG image of its own, as
the KPI trend is, because the page's content security policy keeps inline styles out."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl
import vl_convert as vlc

SERIES = ("Budget with contingency drawn", "Paid", "Forecast")
CHART_SCHEMA = {"Month": pl.String, "Order": pl.Int64, "Series": pl.String, "Pounds": pl.Float64}


def chart_rows(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each month's figures to its end, in pounds, one row per line drawn; pounds as floats
    only for drawing, never for sums."""
    rows = []
    for order, m in enumerate(months):
        values = (
            m["budget_to_date_pence"],
            m["actual_to_date_pence"],
            m["forecast_to_date_pence"],
        )
        for series, pence in zip(SERIES, values, strict=True):
            if pence is not None:
                rows.append(
                    {"Month": m["month"], "Order": order, "Series": series, "Pounds": pence / 100}
                )
    return rows


def chart_svg(months: list[dict[str, Any]]) -> str:
    """The budget's line against what is paid and the forecast, month by month to date."""
    data = pl.DataFrame(chart_rows(months), schema=CHART_SCHEMA)
    order = [m["month"] for m in months]
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("Month:O", sort=order, title=None),
            y=alt.Y("Pounds:Q", title="Pounds to date", axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "Series:N",
                title=None,
                sort=list(SERIES),
                scale=alt.Scale(domain=list(SERIES), range=["#0b0c0c", "#1d70b8", "#d4351c"]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "Series:N",
                sort=list(SERIES),
                scale=alt.Scale(domain=list(SERIES), range=[[4, 4], [1, 0], [6, 2]]),
                legend=None,
            ),
        )
        .properties(width=620, height=260)
        .configure_view(stroke="#b1b4b6")
    )
    return str(vlc.vegalite_to_svg(chart.to_dict()))
