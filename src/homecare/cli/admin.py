"""Looking after the store, the postcode directory and user accounts; serving the app."""

from __future__ import annotations

import copy
import logging
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

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
        typer.Option(
            help=(
                "A password for signing in to the web pages: 12 characters or more, "
                "not a common one, not a pattern, not containing the email's name"
            )
        ),
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


def _account_action(email: str, database_url: str | None, action: str) -> str:
    """Disables, enables or sets up an authenticator for the account named by email."""
    from homecare.accounts.disabling import disable_user, enable_user
    from homecare.accounts.repository import account_by_email
    from homecare.accounts.second_factor import enrol_totp

    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            user = account_by_email(session, email)
            if user is None:
                raise DomainError(f"no account with the email {email}", field="email")
            at = datetime.now(LONDON)
            if action == "disable":
                disable_user(session, actor=SYSTEM_ACTOR, at=at, user_id=user.id)
                return f"{user.email} is disabled: signed out everywhere, token refused."
            if action == "enable":
                enable_user(session, actor=SYSTEM_ACTOR, at=at, user_id=user.id)
                return f"{user.email} may sign in again."
            _, uri = enrol_totp(session, actor=SYSTEM_ACTOR, at=at, user_id=user.id)
            return (
                f"Authenticator set up for {user.email}; from now on signing in asks for a "
                f"code. Give them this address as a QR code or link (shown once):\n{uri}"
            )
    except DomainError as error:
        raise refused(error) from error


@users_app.command("disable")
def users_disable(email: str, database_url: DatabaseUrl = None) -> None:
    """Stop an account signing in or using its token; its web sessions end now."""
    console.print(_account_action(email, database_url, "disable"))


@users_app.command("enable")
def users_enable(email: str, database_url: DatabaseUrl = None) -> None:
    """Let a disabled account sign in again."""
    console.print(_account_action(email, database_url, "enable"))


@users_app.command("totp")
def users_totp(email: str, database_url: DatabaseUrl = None) -> None:
    """Set up (or replace) the account's authenticator app and print its otpauth address."""
    console.print(_account_action(email, database_url, "totp"), soft_wrap=True)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: DatabaseUrl = None,
    lapse_every: Annotated[
        float, typer.Option(help="Seconds between checks for unanswered offers that have lapsed")
    ] = 60.0,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Server processes; more than one uses more cores (PostgreSQL)"
        ),
    ] = 1,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            help="Serve as if the clock read this (e.g. 2026-12-07T13:00) and ran on from"
            " there: for a demo store made with the same --today",
        ),
    ] = None,
) -> None:
    """Run the HTTP API (OpenAPI documentation at /docs)."""
    import os

    import uvicorn

    from homecare.api.served import CLOCK_ENV, LAPSE_EVERY_ENV
    from homecare.scenario.story import read_clock

    settings = settings_for(database_url)
    if today:
        try:
            os.environ[CLOCK_ENV] = read_clock(today).isoformat()
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--today") from error
    upgrade(settings.database_url)
    os.environ["HOMECARE_DATABASE_URL"] = settings.database_url  # every worker's store
    os.environ[LAPSE_EVERY_ENV] = str(lapse_every)
    uvicorn.run(
        "homecare.api.served:served_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_config=serve_log_config(),
    )


class PathWithoutQuery(logging.Filter):
    """The access log names the path a request was for, never its query string: a people
    search's NHS number or surname (and a sign-in's page to return to, which may hold one)
    stay out of the server's logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def serve_log_config() -> dict[str, Any]:
    """Uvicorn's own logging, with the access log's query strings left out."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["path_without_query"] = {"()": PathWithoutQuery}
    config["loggers"]["uvicorn.access"]["filters"] = ["path_without_query"]
    return config
