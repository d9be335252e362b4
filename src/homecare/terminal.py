"""What the command line prints through: one console, and one way to tell a refusal."""

from __future__ import annotations

import typer
from rich.console import Console

from homecare.errors import DomainError

console = Console()


def refused(error: DomainError) -> typer.Exit:
    """Prints why the store refused, naming the field, and the exit to raise (code 2)."""
    where = f" ({error.field})" if error.field else ""
    console.print(f"[red]Refused{where}:[/red] {error.message}")
    return typer.Exit(code=2)
