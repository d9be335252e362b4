"""The access log, subject access exports and the retention purge, from the command line.

Each command runs as the platform itself in one unit of work; reading a person's log from
here is itself logged (via 'cli'), as it is from the API.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from homecare.access import SYSTEM_ACTOR
from homecare.access_log import RecordAccess, log_person_read
from homecare.calendar import LONDON
from homecare.cli.app import DatabaseUrl, audit_app, privacy_app, settings_for
from homecare.db import make_engine, unit_of_work
from homecare.errors import DomainError
from homecare.terminal import console, refused

Since = Annotated[
    datetime | None, typer.Option(help="From this day or moment on (London time), e.g. 2026-10-01")
]
Until = Annotated[
    datetime | None, typer.Option(help="Before this day or moment (London time), e.g. 2026-11-01")
]


def _london(moment: datetime | None) -> datetime | None:
    """A day or moment typed at the terminal, read as London time."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _print_log(rows: list[RecordAccess], names: dict[int, str], title: str) -> None:
    table = Table(title=title)
    for column in ("when (London)", "user", "role", "organisation", "person", "what", "via"):
        table.add_column(column)
    for r in rows:
        user = names.get(r.user_id, str(r.user_id)) if r.user_id else "the platform"
        table.add_row(
            r.at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S"),
            user,
            r.role,
            str(r.organisation_id or ""),
            str(r.person_id),
            r.what,
            r.via,
        )
    console.print(table)
    console.print(f"{len(rows):,} {'read' if len(rows) == 1 else 'reads'}.")


@audit_app.command("who-looked")
def who_looked_command(
    person: Annotated[int, typer.Option(help="The person's id")],
    since: Since = None,
    until: Until = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Every time this person's record was shown, and to whom, oldest first."""
    from homecare.privacy.repository import user_names, who_looked

    engine = make_engine(settings_for(database_url).database_url)
    with unit_of_work(engine) as session:
        rows = who_looked(session, SYSTEM_ACTOR, person, _london(since), _london(until))
        names = user_names(session, {r.user_id for r in rows if r.user_id})
        log_person_read(session, SYSTEM_ACTOR, datetime.now(LONDON), person, "access log", "cli")
    _print_log(rows, names, f"Who looked at person {person}")


@audit_app.command("what-seen")
def what_seen_command(
    user: Annotated[str, typer.Option(help="The user's email address")],
    since: Since = None,
    until: Until = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Every person's record this user was shown, oldest first."""
    from homecare.privacy.repository import user_called, what_seen

    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            account = user_called(session, user)
            if account is None:
                raise DomainError(f"no user with the email address {user}", field="user")
            rows = what_seen(session, SYSTEM_ACTOR, account.id, _london(since), _london(until))
            names = {account.id: f"{account.name} <{account.email}>"}
    except DomainError as error:
        raise refused(error) from error
    _print_log(rows, names, f"What {user} saw")


@privacy_app.command("sar")
def sar_command(
    person: Annotated[int, typer.Option(help="The person's id")],
    out: Annotated[Path, typer.Option("--out", help="The file to write")],
    format: Annotated[
        str, typer.Option("--format", help="json, or csv for a zip of one CSV per kind")
    ] = "json",
    database_url: DatabaseUrl = None,
) -> None:
    """Export everything held about a person, for a subject access request (audited)."""
    from homecare.privacy.subject_access import export

    if format not in ("json", "csv"):
        raise refused(DomainError("format must be json or csv", field="format"))
    engine = make_engine(settings_for(database_url).database_url)
    try:
        with unit_of_work(engine) as session:
            content = export(
                session,
                actor=SYSTEM_ACTOR,
                at=datetime.now(LONDON),
                person_id=person,
                format="json" if format == "json" else "csv",
                via="cli",
            )
    except DomainError as error:
        raise refused(error) from error
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    console.print(f"Wrote everything held about person {person} to {out}.")


@privacy_app.command("purge")
def purge_command(
    as_at: Annotated[
        datetime, typer.Option("--as-at", formats=["%Y-%m-%d"], help="The day to purge as at")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would go")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Delete every record past its retention period (src/homecare/privacy/retention.toml),
    with what hangs off it, in one transaction, leaving a tombstone audit row for each."""
    from homecare.privacy.purge import purge

    engine = make_engine(settings_for(database_url).database_url)
    with unit_of_work(engine) as session:
        plan = purge(
            session,
            actor=SYSTEM_ACTOR,
            at=datetime.now(LONDON),
            as_at=as_at.date(),
            dry_run=dry_run,
        )
    deleted, unlinked = plan.deleted_counts(), plan.unlinked_counts()
    verb = "Would delete" if dry_run else "Deleted"
    for name, count in deleted.items():
        console.print(f"{verb} {count:,} {name} rows.")
    for link, count in unlinked.items():
        console.print(f"{'Would unlink' if dry_run else 'Unlinked'} {count:,} rows ({link}).")
    if plan.scrubbed_count():
        removed = "Would remove" if dry_run else "Removed"
        console.print(
            f"{removed} personal details from {plan.scrubbed_count():,} earlier audit rows."
        )
    if not deleted and not unlinked:
        console.print(f"Nothing is past retention on {as_at.date().isoformat()}.")
