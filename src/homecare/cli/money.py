"""The cost of care from the command line: a model's working line by line, and the reports'
sums worked again from their inputs; each can be written to a JSON file as well."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from homecare.cli.app import app
from homecare.money.comparisons import COMPARISONS, compare, comparison_record
from homecare.money.cost_of_care import money
from homecare.money.presets import PRESETS
from homecare.money.service import cost_of_care
from homecare.terminal import console

money_app = typer.Typer(help="Money: the cost of an hour of care, and the reports' sums.")
app.add_typer(money_app, name="money")

JsonFile = Annotated[Path | None, typer.Option("--json", help="Also write the answer here")]


def _chosen(name: str, known: dict[str, Any], what: str) -> None:
    if name not in known:
        console.print(f"[red]There is no {what} called '{name}': choose {', '.join(known)}.[/red]")
        raise typer.Exit(2)


def _write(file: Path | None, record: object) -> None:
    if file is not None:
        file.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(f"Written to {file}.")


@money_app.command("cost-of-care")
def cost_of_care_command(
    preset: Annotated[str, typer.Option(help=f"One of {', '.join(PRESETS)}")],
    json_file: JsonFile = None,
) -> None:
    """A cost-per-hour model's working, line by line, with the running total."""
    _chosen(preset, PRESETS, "cost-of-care model")
    record = cost_of_care(PRESETS[preset].inputs, preset)
    table = Table(title=f"{PRESETS[preset].title}: {money(record['hourly_rate_pence'])} an hour")
    for column in ("Line", "Working", "Amount", "Running total"):
        table.add_column(column, justify="left" if column in ("Line", "Working") else "right")
    for line in record["lines"]:
        table.add_row(line["label"], line["formula"], money(line["pence"]),
                      money(line["running_total_pence"]))  # fmt: skip
    console.print(table)
    gap = record["hourly_rate_pence"] - record["published_rate_pence"]
    console.print(
        f"The salaried shift and the trusted assessor add {money(record['enhancement_pence'])}."
        f" The report's rate is {money(record['published_rate_pence'])}: these inputs come to"
        + (" it exactly." if gap == 0 else f" {money(abs(gap))} {'more' if gap > 0 else 'less'}.")
    )
    for item in record["calibrated"]:
        console.print(f"Calibrated: {item['why']}")
    _write(json_file, record)


@money_app.command("compare")
def compare_command(
    preset: Annotated[str, typer.Option(help=f"One of {', '.join(COMPARISONS)}")],
    json_file: JsonFile = None,
) -> None:
    """A report's sum worked again from its inputs, and how it differs from the report."""
    _chosen(preset, COMPARISONS, "comparison")
    c = compare(preset)
    table = Table(title=f"{c.title}: {c.percent_more}% more")
    for column in ("Figure", "Working", "Amount"):
        table.add_column(column, justify="right" if column == "Amount" else "left")
    for f in c.figures:
        table.add_row(f.label, f.working, money(f.pence))
    console.print(table)
    for r in c.reported:
        console.print(f"{r.where}: \"{r.quote}\". Report {r.figure}; from its inputs {r.ours}."
                      f" {r.difference}")  # fmt: skip
    for note in c.notes:
        console.print(f"Note: {note}")
    _write(json_file, comparison_record(c))
