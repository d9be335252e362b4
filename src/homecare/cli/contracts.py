"""Contracts from the command line: the annual uplift a council's finance team applies to
every contract at once, each rate change recorded as its own version."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.cli.app import DatabaseUrl, app, settings_for
from homecare.db import make_engine, unit_of_work
from homecare.errors import DomainError
from homecare.market.rates import uplift_council
from homecare.market.tables import Lot, Organisation
from homecare.terminal import console

contracts_app = typer.Typer(help="Contracts: rate changes and their versions.")
app.add_typer(contracts_app, name="contracts")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date like 2027-04-05") from None


def _percent(text: str) -> Decimal:
    try:
        return Decimal(text.removesuffix("%"))
    except InvalidOperation:
        raise typer.BadParameter(f"'{text}' is not a percentage like 3.5") from None


@contracts_app.command("uplift")
def uplift_command(
    council: Annotated[str, typer.Option(help="The council's name, as recorded")],
    percent: Annotated[Decimal, typer.Option(parser=_percent, help="e.g. 3.5 for 3.5%")],
    effective_from: Annotated[
        date, typer.Option("--from", parser=_day, help="First day of the new rates, YYYY-MM-DD")
    ],
    reason: Annotated[str, typer.Option(help="Why, e.g. 'Annual uplift 2027/28'")],
    lot: Annotated[int | None, typer.Option(help="Only this lot's contracts")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Raise every contract's rate from a day, all or none; never backdated."""
    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            council_id = session.scalar(
                select(Organisation.id).where(
                    Organisation.kind == "council", Organisation.name == council
                )
            )
            if council_id is None:
                console.print(f"[red]No council is called '{council}'.[/red]")
                raise typer.Exit(2)
            lot_id = None
            if lot is not None:
                lot_id = session.scalar(
                    select(Lot.id).where(Lot.council_id == council_id, Lot.number == lot)
                )
                if lot_id is None:
                    console.print(f"[red]{council} has no lot {lot}.[/red]")
                    raise typer.Exit(2)
            done = uplift_council(session, actor=SYSTEM_ACTOR, at=datetime.now(LONDON),
                                  council_id=council_id, percent=percent,
                                  effective_from=effective_from, reason=reason,
                                  lot_id=lot_id)  # fmt: skip
            names = {
                row.id: row.name
                for row in session.execute(select(Organisation.id, Organisation.name))
            }
    except DomainError as refused:
        console.print(f"[red]Nothing changed: {refused.message}.[/red]")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    table = Table(title=f"{len(done)} contracts: new rates from {effective_from:%-d %B %Y}")
    for column in ("Contract", "Provider", "Rate now", "New rate"):
        table.add_column(column)
    for u in done:
        table.add_row(str(u.contract_id), names.get(u.provider_id, "?"),
                      f"£{u.from_pence / 100:.2f}", f"£{u.to_pence / 100:.2f}")  # fmt: skip
    console.print(table)
