"""The `homecare` command: demo, serve, database, users and scenarios."""

from __future__ import annotations

import json
import time as clock_time
from calendar import monthrange
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from homecare import schema as _schema  # noqa: F401  (every table registered)
from homecare.access import SYSTEM_ACTOR, Role
from homecare.calendar import LONDON
from homecare.cld.cli import export_app
from homecare.config import Settings, get_settings
from homecare.db import make_engine, unit_of_work
from homecare.errors import DomainError
from homecare.migrate import downgrade, upgrade
from homecare.returns.cli import returns as returns_command
from homecare.terminal import console, refused

app = typer.Typer(
    help="Neighbourhood home care: zones, brokerage, packages, providers.", no_args_is_help=True
)
db_app = typer.Typer(help="The store: build or upgrade it by running the migrations.")
users_app = typer.Typer(help="User accounts and their bearer tokens.")
geo_app = typer.Typer(help="The postcode directory.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(geo_app, name="geo")
bench_app = typer.Typer(help="Benchmarks (not tests): figures printed for people to read.")
app.add_typer(bench_app, name="bench")
app.add_typer(export_app, name="export")
app.command("returns")(returns_command)

DELIVERY_KEYS = ("visits", "time_bank", "changes", "reviews", "outcomes")
"""The delivery figures the summary carries at its top level."""

DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="Defaults to HOMECARE_DATABASE_URL.")
]


def _settings(database_url: str | None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"database_url": database_url}) if database_url else settings


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Create the store, or bring it up to the latest migration."""
    url = _settings(database_url).database_url
    upgrade(url)
    console.print(f"Store at {_safe(url)} is up to date.")


@geo_app.command("import")
def geo_import(path: Path, database_url: DatabaseUrl = None) -> None:
    """Import postcodes (columns: postcode, latitude, longitude, ward_code, district_code,
    lsoa11_code, lsoa11_name), e.g. from the council's ONS postcode directory."""
    from homecare.geo.directory import import_rows, read_csv

    engine = make_engine(_settings(database_url).database_url)
    with unit_of_work(engine) as session:
        added = import_rows(session, read_csv(path))
    console.print(f"Added {added} postcodes.")


@users_app.command("create")
def users_create(
    organisation: Annotated[str, typer.Option(help="Organisation id or exact name")],
    role: Annotated[Role, typer.Option(help="The user's role")],
    name: Annotated[str, typer.Option(help="Full name")],
    email: Annotated[str, typer.Option(help="Email address, unique")],
    care_worker_id: Annotated[int | None, typer.Option(help="For a care worker")] = None,
    person_id: Annotated[int | None, typer.Option(help="For a person or family")] = None,
    password: Annotated[
        str | None,
        typer.Option(help="A password for signing in to the web pages (12 characters or more)"),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user and print their bearer token (shown once, stored only as a hash)."""
    from homecare.accounts.service import create_user
    from homecare.market.tables import Organisation

    engine = make_engine(_settings(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            org = session.scalar(
                select(Organisation).where(
                    Organisation.id == int(organisation)
                    if organisation.isdigit()
                    else Organisation.name == organisation
                )
            )
            if org is None:
                raise DomainError(f"no organisation '{organisation}'", field="organisation")
            user, token = create_user(
                session,
                actor=SYSTEM_ACTOR,
                at=datetime.now(LONDON),
                organisation_id=org.id,
                role=role,
                name=name,
                email=email,
                care_worker_id=care_worker_id,
                person_id=person_id,
            )
            user_id = user.id
            if password is not None:
                from homecare.accounts.passwords import set_password

                set_password(
                    session,
                    actor=SYSTEM_ACTOR,
                    at=datetime.now(LONDON),
                    user_id=user.id,
                    password=password,
                )
    except DomainError as error:
        raise refused(error) from error
    console.print(f"User {user_id} ({role.value} at {org.name}) created.")
    console.print(f"Bearer token (shown once): [bold]{token}[/bold]")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: DatabaseUrl = None,
    lapse_every: Annotated[
        float, typer.Option(help="Seconds between checks for unanswered offers that have lapsed")
    ] = 60.0,
) -> None:
    """Run the HTTP API (OpenAPI documentation at /docs)."""
    import uvicorn

    from homecare.api.app import create_app

    settings = _settings(database_url)
    upgrade(settings.database_url)
    uvicorn.run(create_app(settings, lapse_every=lapse_every), host=host, port=port)


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


def _reset_store(url: str) -> None:
    """The demo starts from an empty store: the SQLite file is removed, a server's schema
    is taken down and rebuilt by the migrations."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        downgrade(url, "base")
    upgrade(url)


def _safe(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


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
) -> None:
    """Build an area, stream a month of referrals through brokerage, play the following
    weeks of delivery with the monitoring return and the client-level data for them, plan
    the next week's rounds, and report.

    This empties the store it is pointed at before it starts.
    """
    started = clock_time.perf_counter()
    settings = _settings(database_url)
    engine, built, summary, month_end = _brokerage_month(area, seed, month, settings)
    if weeks:
        summary["delivery"] = _demo_delivery(engine, built, seed, settings, month_end, weeks)
        summary.update({k: summary["delivery"][k] for k in DELIVERY_KEYS})
        summary.update(_demo_monitoring(engine, built, month_end, returns_folder))
    if rounds_seconds > 0:
        summary["rounds"] = _demo_rounds(engine, month_end, rounds_seconds, seed)
    summary["seconds"] = round(clock_time.perf_counter() - started, 1)
    console.print(f"Finished in {summary['seconds']} s.")
    if summary_json:
        summary_json.write_text(json.dumps(summary, indent=2, default=str))
        console.print(f"Summary written to {summary_json}")
    _print_next_steps(built, settings.database_url)


@app.command()
def simulate(
    weeks: Annotated[int, typer.Option(min=1, max=104, help="Weeks of delivery to play")] = 12,
    area: Annotated[str, typer.Option(help="leeds-pilot or leicester")] = "leeds-pilot",
    seed: Annotated[int, typer.Option(help="The same seed plays the same weeks")] = 2024,
    month: Annotated[str | None, typer.Option(help="YYYY-MM; default: last full month")] = None,
    summary_json: Annotated[Path | None, typer.Option(help="Also write the summary here")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """A longer run: the area and its month of brokerage, then `--weeks` of delivery.

    This empties the store it is pointed at before it starts.
    """
    started = clock_time.perf_counter()
    settings = _settings(database_url)
    engine, built, summary, month_end = _brokerage_month(area, seed, month, settings)
    summary["delivery"] = _demo_delivery(engine, built, seed, settings, month_end, weeks)
    summary.update({k: summary["delivery"][k] for k in DELIVERY_KEYS})
    summary["seconds"] = round(clock_time.perf_counter() - started, 1)
    console.print(f"Finished in {summary['seconds']} s.")
    if summary_json:
        summary_json.write_text(json.dumps(summary, indent=2, default=str))
        console.print(f"Summary written to {summary_json}")


def _brokerage_month(
    area: str, seed: int, month: str | None, settings: Settings
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
    engine = make_engine(settings.database_url)
    with _progress() as progress:
        task = progress.add_task("Creating the store", total=None)
        _reset_store(settings.database_url)
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
    _print_summary(summary, profile.council_name)
    return engine, built, summary, month_end


def _first_monday_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


def _demo_delivery(
    engine: Any, built: Any, seed: int, settings: Settings, month_end: date, weeks: int
) -> dict[str, Any]:
    """Weeks of delivery from the Monday after the month, with a progress bar by day."""
    from homecare.scenario.delivery import delivery_summary, run_delivery

    start = _first_monday_after(month_end)
    began = clock_time.perf_counter()
    with _progress() as progress:
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
    _print_delivery(result)
    return result


def _demo_monitoring(engine: Any, built: Any, month_end: date, folder: Path) -> dict[str, Any]:
    """The 4-week period the delivery began in: KPIs printed, the return and the quarter's
    client-level data written to `folder`; measures and KPIs for the summary."""
    from homecare.cld.build import build_cld
    from homecare.cld.validate import validate
    from homecare.monitoring.periods import PeriodKind, periods_of_year
    from homecare.monitoring.service import compute_return
    from homecare.returns.cli import print_kpis, write_return

    start = _first_monday_after(month_end)
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


def _print_delivery(result: dict[str, Any]) -> None:
    period = result["period"]
    console.rule(f"Delivery: {period['from']} to {period['to']}")
    visits = result["visits"]
    table = Table(title="Visits (call monitoring)")
    for column in (
        "Planned",
        "Completed",
        "Late",
        "Short",
        "Missed",
        "Not at home",
        "Cancelled by person",
        "Suspended (hospital)",
        "In the community",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        *(
            f"{visits[k]:,}"
            for k in (
                "planned",
                "completed",
                "late",
                "short",
                "missed",
                "not_at_home",
                "cancelled_by_person",
                "suspended_in_hospital",
                "in_community",
            )
        )
    )
    console.print(table)
    bank, changes = result["time_bank"], result["changes"]
    reviews, outcomes = result["reviews"], result["outcomes"]
    console.print(
        f"Time bank: [bold]{bank['packages_on_envelopes']}[/bold] packages on envelopes of "
        f"time, {bank['hours_banked']:,.1f} hours banked, {bank['hours_drawn']:,.1f} drawn.\n"
        f"Provider-led changes: [bold]{changes['provider_led']}[/bold] "
        f"({changes['in_trial']} in their four-week trial, {changes['awaiting_decision']} "
        f"awaiting a social worker, {changes['approved']} approved, {changes['amended']} "
        f"amended, {changes['reversed']} reversed).\n"
        f"Reviews: {reviews['done']} done of {reviews['due']} due "
        f"({reviews['done_on_time']} on time); outcomes rated at {outcomes['rated']}, "
        f"{outcomes['opted_out']} opted out.\n"
        f"Hospital admissions: {result['hospital']['admissions']}. "
        f"Call-monitoring events sent: {result['events_sent']:,} "
        f"({result['batches_resent']} batches sent twice by phones retrying, applied once). "
        f"Played in {result['seconds']} s."
    )


def _demo_rounds(engine: Any, month_end: date, seconds: float, seed: int) -> dict[str, Any]:
    """The week after the month: every provider's rounds, beside the hand-planned baseline."""
    monday = _first_monday_after(month_end)
    days = [monday + timedelta(days=i) for i in range(7)]
    with _progress() as progress:
        task = progress.add_task("Planning next week's rounds", total=None)
        rows = _roster_rows(
            engine, days, None, seconds, seed, on_step=lambda: progress.advance(task)
        )
    totals = _print_rounds(
        rows, f"Rounds for the week from {monday} (hand-planned greedy baseline in brackets)"
    )
    travel, greedy_travel = totals["travel_minutes"], totals["greedy_travel_minutes"]
    return {
        "week_start": monday.isoformat(),
        "visits": int(totals["visits"]),
        "double_ups": int(totals["two_handed_visits"]),
        "unplaced": int(totals["unassigned_visits"]),
        "greedy_unplaced": int(totals["greedy_unassigned_visits"]),
        "late": int(totals["late_visits"]),
        "greedy_late": int(totals["greedy_late_visits"]),
        "travel_minutes": round(travel),
        "greedy_travel_minutes": round(greedy_travel),
        "travel_per_care_hour": round(travel / (totals["contact_minutes"] / 60), 2),
        "greedy_travel_per_care_hour": round(
            greedy_travel / (totals["greedy_contact_minutes"] / 60), 2
        ),
        "unsynchronised_double_ups": int(totals["unsynchronised_double_ups"]),
    }


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _print_summary(summary: dict[str, Any], council: str) -> None:
    period = summary["period"]
    console.rule(f"{council}: {period['from']} to {period['to']}")
    console.print(
        f"People receiving care: [bold]{summary['people']}[/bold]   "
        f"Weekly hours: [bold]{summary['weekly_hours']:,.1f}[/bold]   "
        f"Two-handed share of hours: [bold]{summary['two_handed_share']:.1%}[/bold]   "
        f"Referrals this month: [bold]{summary['referrals']}[/bold]"
    )
    providers = Table(title="Packages by provider")
    for column in ("Provider", "Packages", "Weekly hours"):
        providers.add_column(column, justify="left" if column == "Provider" else "right")
    for name, row in summary["packages_by_provider"].items():
        providers.add_row(name, str(row["packages"]), f"{row['weekly_hours']:,.1f}")
    console.print(providers)
    awaiting = Table(title=f"Awaiting care ({len(summary['awaiting'])})")
    for column in ("Referral", "Priority", "Lot", "Status", "Hours/week", "Waiting", "Offered to"):
        awaiting.add_column(column)
    for a in summary["awaiting"]:
        awaiting.add_row(
            str(a["referral_id"]),
            "yes" if a["priority"] else "",
            str(a["lot"]),
            a["status"],
            f"{a['weekly_hours']:.1f}",
            f"{a['waiting_hours']:.0f} h",
            a["offered_to"] or "-",
        )
    console.print(awaiting)
    kpis = Table(title="Brokerage KPIs (000 Appendix 2)")
    for column in ("KPI", "Measure", "Value", "Target", "Met", "Cases"):
        kpis.add_column(column)
    for number, k in summary["kpis"].items():
        value = "-" if k["value"] is None else f"{k['value']:.1f}%"
        met = "-" if k["met"] is None else ("[green]yes[/green]" if k["met"] else "[red]no[/red]")
        kpis.add_row(
            number,
            k["name"],
            value,
            f"{k['target']:.0f}%",
            met,
            f"{k['met_count']}/{k['eligible_count']}",
        )
    console.print(kpis)


def _print_next_steps(area: Any, url: str) -> None:
    from homecare.scenario.build import DEMO_PASSWORD

    console.rule("Open the app")
    console.print(
        f"Store: {_safe(url)}. Start it with [bold]homecare serve[/bold] "
        "(or `.venv/bin/homecare serve`), then open http://127.0.0.1:8000/ in a browser "
        f"and sign in as any of these, with the password [bold]{DEMO_PASSWORD}[/bold]:"
    )
    for label, email in area.emails.items():
        console.print(f"  {label.replace('_', ' ')}: {email}", soft_wrap=True)
    console.print(
        "The HTTP API is described at http://127.0.0.1:8000/docs; the same users' bearer "
        "tokens (send as 'Authorization: Bearer <token>'):"
    )
    for label, token in area.tokens.items():
        console.print(f"  {label.replace('_', ' ')}: {token}", soft_wrap=True)


def _roster_rows(
    engine: Any,
    days: list[date],
    provider_names: list[str] | None,
    budget: float,
    seed: int,
    on_step: Any = None,
) -> list[dict[str, Any]]:
    """Optimises and saves every provider's rounds for each day; one transaction each."""
    from homecare.market.tables import Organisation
    from homecare.rounds.day import due_visits
    from homecare.rounds.service import optimise_day
    from homecare.rounds.travel import travel_source

    travel = travel_source(get_settings())
    rows = []
    with unit_of_work(engine) as session:
        stmt = select(Organisation).where(Organisation.kind == "provider")
        if provider_names:
            stmt = stmt.where(Organisation.name.in_(provider_names))
        providers = [(p.id, p.name) for p in session.scalars(stmt.order_by(Organisation.id))]
        load = {(pid, d): len(due_visits(session, pid, d)) for pid, _ in providers for d in days}
    total = sum(load.values()) or 1
    for day in days:
        for provider_id, name in providers:
            if not load[(provider_id, day)]:
                continue
            limit = max(0.5, budget * load[(provider_id, day)] / total)
            with unit_of_work(engine) as session:
                outcome = optimise_day(
                    session,
                    actor=SYSTEM_ACTOR,
                    at=datetime.now(LONDON),
                    provider_id=provider_id,
                    day=day,
                    travel=travel,
                    time_limit=limit,
                    seed=seed,
                )
            rows.append(
                {
                    "day": day.isoformat(),
                    "provider": name,
                    "ours": outcome.ours.as_dict(),
                    "greedy": outcome.greedy.as_dict(),
                    "seconds": outcome.plan.seconds,
                }
            )
            if on_step:
                on_step()
    return rows


def _print_rounds(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    table = Table(title=title)
    for column in (
        "Day",
        "Provider",
        "Visits",
        "Double-ups",
        "Carers",
        "Unplaced",
        "Late",
        "Travel min (greedy)",
        "Travel/care h (greedy)",
        "Contact share",
        "Unsynchronised",
    ):
        table.add_column(column, justify="left" if column in ("Day", "Provider") else "right")
    totals: dict[str, float] = {}
    for row in rows:
        ours, greedy = row["ours"], row["greedy"]
        for key in (
            "visits",
            "two_handed_visits",
            "unassigned_visits",
            "late_visits",
            "travel_minutes",
            "contact_minutes",
            "paid_minutes",
            "unsynchronised_double_ups",
        ):
            totals[key] = totals.get(key, 0) + ours[key]
            totals[f"greedy_{key}"] = totals.get(f"greedy_{key}", 0) + greedy[key]
        table.add_row(
            row["day"],
            row["provider"],
            f"{ours['visits']:.0f}",
            f"{ours['two_handed_visits']:.0f}",
            f"{ours['carers_on_shift']:.0f}",
            f"{ours['unassigned_visits']:.0f} ({greedy['unassigned_visits']:.0f})",
            f"{ours['late_visits']:.0f} ({greedy['late_visits']:.0f})",
            f"{ours['travel_minutes']:.0f} ({greedy['travel_minutes']:.0f})",
            f"{ours['travel_per_care_hour']:.1f} ({greedy['travel_per_care_hour']:.1f})",
            f"{ours['contact_share_of_paid']:.0%}",
            f"{ours['unsynchronised_double_ups']:.0f}",
        )
    Console(width=200).print(table)
    return totals


@app.command()
def roster(
    day: Annotated[str, typer.Option("--date", help="The day, YYYY-MM-DD")],
    week: Annotated[bool, typer.Option(help="Seven days from the date")] = False,
    provider: Annotated[
        list[str] | None, typer.Option(help="Provider name(s); default all")
    ] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds of search in all")] = 60.0,
    seed: int = 1,
    database_url: DatabaseUrl = None,
) -> None:
    """Optimise and save the rounds of every provider's care workers for a day or a week."""
    start = date.fromisoformat(day)
    days = [start + timedelta(days=i) for i in range(7 if week else 1)]
    engine = make_engine(_settings(database_url).database_url)
    with _progress() as progress:
        task = progress.add_task("Optimising rounds", total=None)
        rows = _roster_rows(
            engine, days, provider, time_limit, seed, on_step=lambda: progress.advance(task)
        )
    _print_rounds(rows, f"Rounds from {days[0]} to {days[-1]} (greedy baseline in brackets)")


@bench_app.command("rounds")
def bench_rounds(
    paths: Annotated[list[Path], typer.Argument(help="Instance files or folders of them")],
    time_limit: Annotated[float, typer.Option(help="Seconds per instance, each solver")] = 10.0,
    threads: Annotated[int, typer.Option(help="Search threads (each with its own seed)")] = 2,
    seed: int = 1,
    baseline: Annotated[bool, typer.Option(help="Also solve with OR-Tools / VROOM")] = True,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the rows here")] = None,
    solutions: Annotated[Path | None, typer.Option(help="Write each solution here")] = None,
) -> None:
    """Solve benchmark instances (Mankowska, Solomon, Italian) against the best known."""
    from homecare.rounds import bench

    table = Table(title=f"Rounds benchmark, {time_limit:g} s per instance, {threads} threads")
    for column in (
        "Instance",
        "Ours",
        "Best known",
        "Gap",
        "s",
        "Feasible",
        "Baseline",
        "Baseline gap",
        "Ours / baseline",
    ):
        table.add_column(column, justify="left" if column == "Instance" else "right")

    def show(row: bench.BenchRow) -> None:
        ratio = f"{row.objective / row.baseline_objective:.3f}" if row.baseline_objective else "-"
        table.add_row(
            row.instance,
            f"{row.objective:.3f}",
            _fmt(row.best_known),
            _pct(row.gap_pct),
            f"{row.seconds:.1f}",
            "yes" if row.feasible else "NO",
            _fmt(row.baseline_objective),
            _pct(row.baseline_gap_pct),
            ratio,
        )
        console.print(
            f"{row.instance}: {row.objective:.3f} (gap {_pct(row.gap_pct)}), "
            f"baseline {_fmt(row.baseline_objective)}"
        )

    rows = bench.run(
        paths,
        time_limit=time_limit,
        threads=threads,
        seed=seed,
        baseline=baseline,
        solutions=solutions,
        on_row=show,
    )
    console.print(table)
    gaps = [r.gap_pct for r in rows if r.gap_pct is not None]
    base = [r.baseline_gap_pct for r in rows if r.baseline_gap_pct is not None]
    if gaps:
        console.print(
            f"Mean gap to best known: ours {sum(gaps) / len(gaps):.2f}% over "
            f"{len(gaps)} instances"
            + (f"; baseline {sum(base) / len(base):.2f}% over {len(base)}" if base else "")
        )
    if json_file:
        json_file.write_text(json.dumps(bench.as_json(rows), indent=2))


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}%"


if __name__ == "__main__":  # pragma: no cover
    app()
