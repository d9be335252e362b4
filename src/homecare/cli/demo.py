"""`homecare demo` and `homecare simulate`: an area built, a month brokered, weeks delivered."""

from __future__ import annotations

import json
import time as clock_time
from datetime import datetime, time, timedelta
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
from homecare.cli.demo_money import pay_the_month
from homecare.cli.demo_report import print_delivery, print_next_steps, print_summary
from homecare.cli.rounds import plan_days
from homecare.config import Settings
from homecare.db import make_engine, unit_of_work
from homecare.errors import DomainError, InvalidInput
from homecare.migrate import downgrade, upgrade
from homecare.scenario.story import Story, read_clock, story_ending
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


Today = Annotated[
    str | None,
    typer.Option(
        "--today",
        help="The demo's clock, e.g. 2026-12-07T13:00 (a day alone means 13:00); the story"
        " ends then. Default: now",
    ),
]


@app.command()
def demo(
    area: Annotated[
        str, typer.Option(help="leeds-pilot (000 Appendix 1) or leicester")
    ] = "leeds-pilot",
    seed: Annotated[int, typer.Option(help="The same seed builds the same area")] = 2024,
    today: Today = None,
    summary_json: Annotated[Path | None, typer.Option(help="Also write the summary here")] = None,
    rounds_seconds: Annotated[
        float,
        typer.Option(
            help="Seconds of search for the rounds of today and the next 7 days (0: skip)"
        ),
    ] = 25.0,
    weeks: Annotated[
        int,
        typer.Option(min=0, max=52, help="Weeks of delivery, the last of them this week"),
    ] = 4,
    returns_folder: Annotated[
        Path, typer.Option("--returns", help="Where the monitoring and CLD returns go")
    ] = Path("returns"),
    database_url: DatabaseUrl = None,
    replace_store: ReplaceStore = None,
) -> None:
    """Build an area, stream four weeks of referrals through brokerage, then play weeks of
    delivery up to the demo's clock (today, now): past visits delivered, today's up to now
    and still to come after it, the rounds planned for today and the next 7 days. Write
    the monitoring return and client-level data of the last 4-week period, and report.

    This empties the store it is pointed at before it starts: a store it made before, or an
    empty one. A store holding other data is refused unless --replace-store names it.
    """
    started = clock_time.perf_counter()
    settings = settings_for(database_url)
    story = _story(today, weeks)
    engine, built, summary = _brokerage_month(
        area, seed, story, settings, replace_store, "homecare demo"
    )
    if story.delivery_from is not None:
        summary["delivery"] = _demo_delivery(
            engine, built, seed, settings, story, rounds_seconds=rounds_seconds
        )
        summary.update({k: summary["delivery"][k] for k in DELIVERY_KEYS})
        if "rounds" in summary["delivery"]:
            summary["rounds"] = summary["delivery"].pop("rounds")
        summary.update(_demo_monitoring(engine, built, story, returns_folder))
        summary["today"] = _today_summary(engine, built, settings, story)
    elif rounds_seconds > 0:
        summary["rounds"] = plan_days(engine, story.round_days, rounds_seconds, seed)
    summary.update(_changes_over_the_month(engine, built, story))
    summary["money"] = pay_the_month(engine, built, story.now, story.delivery_from)
    summary["seconds"] = round(clock_time.perf_counter() - started, 1)
    console.print(f"Finished in {summary['seconds']} s.")
    if summary_json:
        summary_json.write_text(json.dumps(summary, indent=2, default=str))
        console.print(f"Summary written to {summary_json}")
    print_next_steps(built, settings.database_url)


@app.command()
def simulate(
    weeks: Annotated[
        int, typer.Option(min=1, max=104, help="Weeks of delivery, the last of them this week")
    ] = 12,
    area: Annotated[str, typer.Option(help="leeds-pilot or leicester")] = "leeds-pilot",
    seed: Annotated[int, typer.Option(help="The same seed plays the same weeks")] = 2024,
    today: Today = None,
    summary_json: Annotated[Path | None, typer.Option(help="Also write the summary here")] = None,
    database_url: DatabaseUrl = None,
    replace_store: ReplaceStore = None,
) -> None:
    """A longer run: the area and its four weeks of brokerage, then `--weeks` of delivery
    up to the clock (today, now).

    This empties the store it is pointed at before it starts, as `homecare demo` does.
    """
    started = clock_time.perf_counter()
    settings = settings_for(database_url)
    story = _story(today, weeks)
    engine, built, summary = _brokerage_month(
        area, seed, story, settings, replace_store, "homecare simulate"
    )
    summary["delivery"] = _demo_delivery(engine, built, seed, settings, story, rounds_seconds=0)
    summary.update({k: summary["delivery"][k] for k in DELIVERY_KEYS})
    summary["today"] = _today_summary(engine, built, settings, story)
    summary.update(_changes_over_the_month(engine, built, story))
    summary["money"] = pay_the_month(engine, built, story.now, story.delivery_from)
    summary["seconds"] = round(clock_time.perf_counter() - started, 1)
    console.print(f"Finished in {summary['seconds']} s.")
    if summary_json:
        summary_json.write_text(json.dumps(summary, indent=2, default=str))
        console.print(f"Summary written to {summary_json}")


def _story(today: str | None, weeks: int) -> Story:
    try:
        return story_ending(read_clock(today), weeks)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--today") from error


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
    story: Story,
    settings: Settings,
    replace_store: str | None,
    command: str,
) -> tuple[Any, Any, dict[str, Any]]:
    """Builds the area in an emptied store and streams the four weeks' referrals."""
    from homecare.scenario.build import build_area
    from homecare.scenario.figures import PROFILES
    from homecare.scenario.simulate import run_month
    from homecare.scenario.summary import summarise
    from homecare.scenario.turnover import Window

    if area not in PROFILES:
        raise typer.BadParameter(f"choose one of {', '.join(PROFILES)}", param_hint="--area")
    profile = PROFILES[area]
    until = story.brokerage_until
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
                session,
                profile=profile,
                seed=seed,
                month_start=story.brokerage_from,
                month_end=story.brokerage_to,
            )
        progress.update(
            task,
            description=f"Streaming referrals from {story.brokerage_from:%-d %B} to"
            f" {story.brokerage_to:%-d %B %Y} through brokerage",
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
            changes=Window(
                datetime.combine(story.brokerage_from, time(0), LONDON), story.today, True
            ),
        )
    with unit_of_work(engine) as session:
        summary = summarise(
            session,
            period_from=story.brokerage_from,
            period_to=story.brokerage_to,
            as_of=until - timedelta(seconds=1),
            council_id=built.council_id,
        )
    summary["brokerage"] = log.__dict__
    summary["area"] = profile.key
    summary["clock"] = story.now.isoformat()
    print_summary(summary, profile.council_name)
    return engine, built, summary


def _demo_delivery(
    engine: Any,
    built: Any,
    seed: int,
    settings: Settings,
    story: Story,
    *,
    rounds_seconds: float,
) -> dict[str, Any]:
    """Delivery from the story's first Monday to its clock, with a progress bar by day;
    with `rounds_seconds`, the rounds of today and the next 7 days are planned on the
    evening before today and today's carers follow them."""
    from homecare.scenario.delivery import DeliverySimulation, delivery_summary
    from homecare.scenario.demo_users import link_for_today

    assert story.delivery_from is not None
    start = story.delivery_from
    began = clock_time.perf_counter()
    simulation = DeliverySimulation(
        engine, built, seed=seed, settings=settings, start=start, until=story.now
    )
    whole_days = (story.today - start).days
    with progress_bars() as progress:
        task = progress.add_task(
            f"Playing delivery from {start} to {story.now:%Y-%m-%d %H:%M}", total=whole_days + 1
        )
        simulation.run(on_day=lambda _day: progress.advance(task))
        progress.advance(task)
    rounds = None
    if rounds_seconds > 0:
        rounds = _plan_ahead(engine, story, rounds_seconds, seed)
    log = simulation.play_today()
    with unit_of_work(engine) as session:
        link_for_today(session, built, story.today, story.now)
    with unit_of_work(engine) as session:
        result = delivery_summary(
            session, start=start, end=story.today, council_id=built.council_id
        )
    result["period"] = {"from": start.isoformat(), "to": story.today.isoformat()}
    result["events_sent"] = log.events_sent
    result["batches_resent"] = log.batches_resent
    result["seconds"] = round(clock_time.perf_counter() - began, 1)
    print_delivery(result)
    if rounds is not None:
        result["rounds"] = rounds
    return result


def _changes_over_the_month(engine: Any, built: Any, story: Story) -> dict[str, Any]:
    """Packages started, ended and moved, and the contracts' and ratings' changes, over the
    four weeks to today, with the weekly hours on their first day and today."""
    from homecare.scenario.turnover import turnover_summary

    with unit_of_work(engine) as session:
        changes = turnover_summary(
            session,
            council_id=built.council_id,
            start=story.today - timedelta(days=27),
            end=story.today,
        )
    packages, contracts = changes["packages"], changes["contracts"]
    console.print(
        f"Over the month: {packages['started']} packages started, {packages['ended']} ended,"
        f" {packages['moved']} moved provider; weekly hours {packages['weekly_hours_start']:,}"
        f" → {packages['weekly_hours_end']:,}; {contracts['rate_changes']} rate changes,"
        f" {contracts['rating_changes']} rating changes."
    )
    return changes


def _plan_ahead(engine: Any, story: Story, seconds: float, seed: int) -> dict[str, Any]:
    """The evening before today: visits made for the days ahead, every provider's rounds
    planned for today and the next 7 days, and each day's carers put on its visits."""
    from homecare.access import SYSTEM_ACTOR
    from homecare.delivery.schedule import carers_from_rounds, generate_visits
    from homecare.market.repository import providers_named
    from homecare.scenario.stage import at

    evening = min(at(story.today - timedelta(days=1), 18), story.now)
    days = story.round_days
    with unit_of_work(engine) as session:
        generate_visits(session, actor=SYSTEM_ACTOR, at=evening, start=days[0], end=days[-1])
    rounds = plan_days(engine, days, seconds, seed, at=evening)
    with unit_of_work(engine) as session:
        providers = providers_named(session, SYSTEM_ACTOR, None)
    for day in days:
        for provider_id, _name in providers:
            with unit_of_work(engine) as session:
                try:
                    carers_from_rounds(
                        session, actor=SYSTEM_ACTOR, at=evening, provider_id=provider_id, day=day
                    )
                except DomainError:
                    session.rollback()  # no rounds that day for this provider
    return rounds


def _today_summary(engine: Any, built: Any, settings: Settings, story: Story) -> dict[str, Any]:
    """Today's visits up to the clock, counted as the live board counts them."""
    from homecare.delivery.outcomes import Thresholds
    from homecare.delivery.repository import day_states
    from homecare.delivery.today import count_states

    commissioner = built.actors["commissioner"]
    with unit_of_work(engine) as session:
        states = day_states(
            session, commissioner, story.today, story.now, Thresholds.from_settings(settings)
        )
    counts = count_states(state for _visit, state in states)
    today = {
        "as_of": story.now.isoformat(),
        "visits": len(states),
        "checked_in": counts["checked_in"],
        "completed": counts["done"],
        "late": counts["late"],
        "missed": counts["missed"],
        "not_at_home": counts["not_at_home"],
        "due": counts["due"],
        "not_needed": counts["not_needed"],
    }
    console.print(
        f"Today, {story.now:%A %-d %B %Y} at {story.now:%H:%M}: {today['visits']:,} visits;"
        f" {today['completed']:,} done, {today['checked_in']:,} checked in, {today['due']:,}"
        f" still to come, {today['late']:,} late, {today['missed']:,} missed,"
        f" {today['not_at_home']:,} not at home."
    )
    return today


def _demo_monitoring(engine: Any, built: Any, story: Story, folder: Path) -> dict[str, Any]:
    """The last 4-week period that ended before today: KPIs printed, the return and the
    quarter's client-level data written to `folder`; measures and KPIs for the summary."""
    from homecare.cld.build import build_cld
    from homecare.cld.validate import validate
    from homecare.monitoring.periods import PeriodKind, periods_of_year
    from homecare.monitoring.service import compute_return
    from homecare.returns.cli import print_kpis, write_return

    year = story.today.year
    period = max(
        (
            p
            for y in (year - 1, year)
            for p in periods_of_year(y, PeriodKind.FOUR_WEEKS)
            if p.end < story.today
        ),
        key=lambda p: p.end,
    )
    commissioner = built.actors["commissioner"]
    report = compute_return(engine, actor=commissioner, period=period.label, now=story.now)
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
