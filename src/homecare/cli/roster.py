"""`homecare roster` and `homecare bench rounds`: rounds planned and benchmarked."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from homecare.cli.app import (
    DatabaseUrl,
    app,
    bench_app,
    progress_bars,
    settings_for,
)
from homecare.cli.rounds import print_rounds, roster_rows
from homecare.db import make_engine
from homecare.terminal import console


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
    engine = make_engine(settings_for(database_url).database_url)
    with progress_bars() as progress:
        task = progress.add_task("Optimising rounds", total=None)
        rows = roster_rows(
            engine, days, provider, time_limit, seed, on_step=lambda: progress.advance(task)
        )
    print_rounds(rows, f"Rounds from {days[0]} to {days[-1]} (greedy baseline in brackets)")


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
