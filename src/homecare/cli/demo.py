"""`homecare demo` and `homecare simulate`: an area built, a month brokered, weeks delivered."""

from __future__ import annotations

import json
import time as clock_time
from calendar import monthrange
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from homecare.calendar import LONDON
from homecare.cli.app import (
    DatabaseUrl,
    app,
    progress_bars,
    settings_for,
)
from homecare.cli.demo_report import print_delivery, print_next_steps, print_summary
from homecare.cli.rounds import first_monday_after, plan_next_week
from homecare.config import Settings
from homecare.db import make_engine, unit_of_work
from homecare.errors import InvalidInput
from homecare.migrate import downgrade, upgrade
from homecare.store_mark import mark_store, refuse_to_empty
from homecare.terminal import console, refused

DELIVERY_KEYS = ("visits", "time_bank", "changes", "reviews", "outcomes")
"""The delivery figures the summary carries at its top level."""

ReplaceStore = Annotated[
    str | None,
    typer.Option(
        "--replace-store",
        help="The store's URL or SQLite path again, to empty a store that holds data that"
        " no homecare command made",
    ),
]


@app.command()
def demo(
    area: Annotated[
        str, typer.Option(help="leeds-pilot (000 Appendix 1) or leicester")
    ] = "leeds-pilot",
    seed: Annotated[int, typer.Option(help="The same seed builds the same area")] = 2024,
    month: Annotated[str | None, typer.Option(help="YYYY-MM; default: last full month")] = None,
    summary_json: Annotated[Path | None, typer.Option(help="Also write the summary here")] = None,
    rounds_seconds: Annotated[
        float,
        typer.Option(help="Seconds of search for the next week's rounds (0: skip the rounds)"),
    ] = 25.0,
    weeks: Annotated[
        int, typer.Option(min=0, max=52, help="Weeks of delivery to play after the month")
    ] = 4,
    returns_folder: Annotated[
        Path, typer.Option("--returns", help="Where the monitoring and CLD returns go")
    ] = Path("returns"),
    database_url: DatabaseUrl = None,
    replace_store: ReplaceStore = None,
) -> None:
    """Build an area, stream a month of referrals through brokerage, play the following
    weeks of delivery with the monitoring return and the client-level data for them, plan
    the next week's rounds, and report.

    This empties the store it is pointed at before it starts: a store it made before, or an
    empty one. A store holding other data is refused unless --replace-store names it.
    """
    started = clock_time.perf_counter()
    settings = settings_for(database_url)
    engine, built, summary, month_end = _brokerage_month(
        area, seed, month, settings, replace_store, "homecare demo"
    )
    if weeks:
        summary["delivery"] = _demo_delivery(engine, built, seed, settings, month_end, weeks)
        summary.update({k: summary["delivery"][k] for k in DELIVERY_KEYS})
        summary.update(_demo_monitoring(engine, built, month_end, returns_folder))
    if rounds_seconds > 0:
        summary["rounds"] = plan_next_week(engine, month_end, rounds_seconds, seed)
    summary["seconds"] = round(clock_time.perf_counter() - started, 1)
    console.print(f"Finished in {summary['seconds']} s.")
    if summary_json:
        summary_json.write_text(json.dumps(summary, indent=2, default=str))
        console.print(f"Summary written to {summary_json}")
    print_next_steps(built, settings.database_url)


@app.command()
def simulate(
    weeks: Annotated[int, typer.Option(min=1, max=104, help="Weeks of delivery to play")] = 12,
    area: Annotated[str, typer.Option(help="leeds-pilot or leicester")] = "leeds-pilot",
    seed: Annotated[int, typer.Option(help="The same seed plays the same weeks")] = 2024,
    month: Annotated[str | None, typer.Option(help="YYYY-MM; default: last full month")] = None,
    summary_json: Annotated[Path | None, typer.Option(help="Also write the summary here")] = None,
    database_url: DatabaseUrl = None,
    replace_store: ReplaceStore = None,
) -> None:
    """A longer run: the area and its month of brokerage, then `--weeks` of delivery.

    This empties the store it is pointed at before it starts, as `homecare demo` does.
    """
    started = clock_time.perf_counter()
    settings = settings_for(database_url)
    engine, built, summary, month_end = _brokerage_month(
        area, seed, month, settings, replace_store, "homecare simulate"
    )
    summary["delivery"] = _demo_delivery(engine, built, seed, settings, month_end, weeks)
    summary.update({k: summary["delivery"][k] for k in DELIVERY_KEYS})
    summary["seconds"] = round(clock_time.perf_counter() - started, 1)
    console.print(f"Finished in {summary['seconds']} s.")
    if summary_json:
        summary_json.write_text(json.dumps(summary, indent=2, default=str))
        console.print(f"Summary written to {summary_json}")


def _previous_month(today: date) -> date:
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def _month(value: str | None) -> tuple[date, date]:
    start = (
        datetime.strptime(value, "%Y-%m").date()
        if value
        else _previous_month(datetime.now(LONDON).date())
    )
    return start, start.replace(day=monthrange(start.year, start.month)[1])


def _reset_store(url: str, command: str, replace_store: str | None = None) -> None:
    """The demo starts from an empty store: the SQLite file (with its write-ahead log) is
    removed, a server's schema is taken down and rebuilt by the migrations, and the new
    store is marked as the command's. A store holding data without such a mark is refused,
    untouched, unless `replace_store` names it."""
    try:
        refuse_to_empty(url, replace_store=replace_store, command=command)
    except InvalidInput as error:
        raise refused(error) from error
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)
    else:
        downgrade(url, "base")
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        mark_store(session, made_by=command, at=datetime.now(LONDON))
    engine.dispose()


def _brokerage_month(
    area: str,
    seed: int,
    month: str | None,
    settings: Settings,
    replace_store: str | None,
    command: str,
) -> tuple[Any, Any, dict[str, Any], date]:
    """Builds the area in an emptied store and streams the month's referrals."""
    from homecare.scenario.build import build_area
    from homecare.scenario.figures import PROFILES
    from homecare.scenario.simulate import run_month
    from homecare.scenario.summary import summarise

    if area not in PROFILES:
        raise typer.BadParameter(f"choose one of {', '.join(PROFILES)}", param_hint="--area")
    profile = PROFILES[area]
    month_start, month_end = _month(month)
    until = datetime.combine(month_end + timedelta(days=1), time(0), LONDON)
    _reset_store(settings.database_url, command, replace_store)
    engine = make_engine(settings.database_url)
    with progress_bars() as progress:
        task = progress.add_task("Creating the store", total=None)
        progress.update(
            task,
            description=f"Building {profile.council_name}: {profile.people:,}"
            " people, providers, care workers",
        )
        with unit_of_work(engine) as session:
            built = build_area(
                session, profile=profile, seed=seed, month_start=month_start, month_end=month_end
            )
        progress.update(
            task,
            description="Streaming the month's referrals through brokerage",
            total=len(built.referrals),
            completed=0,
        )
        log = run_month(
            engine,
            built,
            seed=seed,
            settings=settings,
            until=until,
            on_step=lambda: progress.advance(task),
        )
    with unit_of_work(engine) as session:
        summary = summarise(
            session,
            period_from=month_start,
            period_to=month_end,
            as_of=until - timedelta(seconds=1),
            council_id=built.council_id,
        )
    summary["brokerage"] = log.__dict__
    summary["area"] = profile.key
    print_summary(summary, profile.council_name)
    return engine, built, summary, month_end


def _demo_delivery(
    engine: Any, built: Any, seed: int, settings: Settings, month_end: date, weeks: int
) -> dict[str, Any]:
    """Weeks of delivery from the Monday after the month, with a progress bar by day."""
    from homecare.scenario.delivery import delivery_summary, run_delivery

    start = first_monday_after(month_end)
    began = clock_time.perf_counter()
    with progress_bars() as progress:
        task = progress.add_task(
            f"Playing {weeks} weeks of delivery from {start}", total=7 * weeks + 1
        )
        log = run_delivery(
            engine,
            built,
            seed=seed,
            settings=settings,
            start=start,
            weeks=weeks,
            on_day=lambda _day: progress.advance(task),
        )
        progress.advance(task)
    end = start + timedelta(days=7 * weeks - 1)
    with unit_of_work(engine) as session:
        result = delivery_summary(session, start=start, end=end, council_id=built.council_id)
    result["period"] = {"from": start.isoformat(), "to": end.isoformat()}
    result["events_sent"] = log.events_sent
    result["batches_resent"] = log.batches_resent
    result["seconds"] = round(clock_time.perf_counter() - began, 1)
    print_delivery(result)
    return result


def _demo_monitoring(engine: Any, built: Any, month_end: date, folder: Path) -> dict[str, Any]:
    """The 4-week period the delivery began in: KPIs printed, the return and the quarter's
    client-level data written to `folder`; measures and KPIs for the summary."""
    from homecare.cld.build import build_cld
    from homecare.cld.validate import validate
    from homecare.monitoring.periods import PeriodKind, periods_of_year
    from homecare.monitoring.service import compute_return
    from homecare.returns.cli import print_kpis, write_return

    start = first_monday_after(month_end)
    period = next(
        p
        for p in periods_of_year(start.isocalendar().year, PeriodKind.FOUR_WEEKS)
        if p.contains(start)
    )
    commissioner = built.actors["commissioner"]
    as_of = datetime.combine(period.end + timedelta(days=1), time(6), LONDON)
    report = compute_return(engine, actor=commissioner, period=period.label, now=as_of)
    console.rule(f"Monitoring: {period.description}")
    print_kpis(report)
    paths = write_return(report, folder)
    quarter = f"{period.end.year}Q{(period.end.month - 1) // 3 + 1}"
    with unit_of_work(engine) as session:
        extract = build_cld(session, actor=commissioner, quarter=quarter)
    cld_path = folder / extract.filename
    cld_path.write_text(extract.csv_text(), encoding="utf-8", newline="")
    problems = validate(extract.rows)
    console.print(
        f"Monitoring return written to {', '.join(str(p) for p in paths)}; client-level data"
        f" for {quarter} ({len(extract.rows):,} events, {len(problems)} problems) to {cld_path}."
    )
    return {
        "measures": _summary_measures(report),
        "kpis": _summary_kpis(report),
        "monitoring": {
            "period": period.label,
            "files": [str(p) for p in paths],
            "cld": {"file": str(cld_path), "rows": len(extract.rows), "problems": len(problems)},
        },
    }


def _summary_measures(report: Any) -> dict[str, dict[str, Any]]:
    """Each measure's parts over all providers and lots, keyed "1".."29"."""
    measures: dict[str, dict[str, Any]] = {str(n): {} for n in range(1, 30)}
    for row in report.measures:
        if row.provider_id is None and row.lot is None:
            measures[str(row.measure)][row.part] = {"value": row.value, "unit": row.unit}
    return measures


def _summary_kpis(report: Any) -> dict[str, dict[str, Any]]:
    """The seven KPIs over all providers and lots, keyed "1".."7"."""
    kpis: dict[str, dict[str, Any]] = {}
    for row in report.kpis:
        if row.provider_id is None and row.lot is None:
            kpis[str(row.kpi)] = {
                "name": row.name,
                "value": row.value_pct,
                "target": row.target_pct,
                "rag": row.rag,
                "met": None if row.value_pct is None else row.value_pct >= row.target_pct,
                "met_count": row.met,
                "eligible_count": row.eligible,
            }
    return kpis
