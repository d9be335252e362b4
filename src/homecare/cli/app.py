"""The `homecare` command and its groups; each group's commands live in their own module."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from homecare.cld.cli import export_app
from homecare.config import Settings, get_settings
from homecare.returns.cli import returns as returns_command
from homecare.terminal import console

app = typer.Typer(
    help="Neighbourhood home care: zones, brokerage, packages, providers.", no_args_is_help=True
)
db_app = typer.Typer(help="The store: migrate it, back it up, restore it, drill a restore.")
users_app = typer.Typer(help="User accounts and their bearer tokens.")
geo_app = typer.Typer(help="The postcode directory.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(geo_app, name="geo")
bench_app = typer.Typer(help="Benchmarks (not tests): figures printed for people to read.")
app.add_typer(bench_app, name="bench")
app.add_typer(export_app, name="export")
audit_app = typer.Typer(help="The access log: who looked at a person, what a user saw.")
app.add_typer(audit_app, name="audit")
privacy_app = typer.Typer(help="Subject access exports and removing records past retention.")
app.add_typer(privacy_app, name="privacy")
app.command("returns")(returns_command)

DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="Defaults to HOMECARE_DATABASE_URL.")
]


def settings_for(database_url: str | None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"database_url": database_url}) if database_url else settings


def safe_url(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def progress_bars() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
