"""Looking after the store, the postcode directory and user accounts; serving the app."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from homecare.access import SYSTEM_ACTOR, Role
from homecare.calendar import LONDON
from homecare.cli.app import (
    DatabaseUrl,
    app,
    db_app,
    geo_app,
    safe_url,
    settings_for,
    users_app,
)
from homecare.db import make_engine, unit_of_work
from homecare.errors import DomainError
from homecare.migrate import upgrade
from homecare.terminal import console, refused


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Create the store, or bring it up to the latest migration."""
    url = settings_for(database_url).database_url
    upgrade(url)
    console.print(f"Store at {safe_url(url)} is up to date.")


@geo_app.command("import")
def geo_import(path: Path, database_url: DatabaseUrl = None) -> None:
    """Import postcodes (columns: postcode, latitude, longitude, ward_code, district_code,
    lsoa11_code, lsoa11_name), e.g. from the council's ONS postcode directory."""
    from homecare.geo.directory import import_rows, read_csv

    engine = make_engine(settings_for(database_url).database_url)
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
    from homecare.market.repository import organisation_called

    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            org = organisation_called(session, SYSTEM_ACTOR, organisation)
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

    settings = settings_for(database_url)
    upgrade(settings.database_url)
    uvicorn.run(create_app(settings, lapse_every=lapse_every), host=host, port=port)
