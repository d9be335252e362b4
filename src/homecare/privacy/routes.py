"""HTTP routes for the council's information governance: the access log and subject access.

Only a role with the `govern_information` permission (the council's commissioner) may ask;
a person outside the caller's council is "not found", as everywhere else.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Response

from homecare.access_log import RecordAccess, log_person_read
from homecare.http import PathId, RequestContext, authenticated
from homecare.privacy.repository import what_seen, who_looked
from homecare.privacy.schemas import AccessRead
from homecare.privacy.subject_access import Format, export

router = APIRouter(tags=["privacy"])

SINCE = Query(default=None, description="From this moment on, e.g. 2026-10-01T00:00:00Z")
UNTIL = Query(default=None, description="Before this moment, e.g. 2026-11-01T00:00:00Z")


@router.get("/people/{person_id}/access-log", response_model=list[AccessRead])
def person_access_log(
    person_id: PathId,
    since: datetime | None = SINCE,
    until: datetime | None = UNTIL,
    ctx: RequestContext = Depends(authenticated),
) -> list[RecordAccess]:
    """Who looked at this person's record, oldest first (at most 10,000 rows)."""
    with ctx.transaction() as (session, actor):
        rows = who_looked(session, actor, person_id, since, until)
        log_person_read(session, actor, ctx.now(), person_id, "access log", "api")
        return rows


@router.get("/users/{user_id}/access-log", response_model=list[AccessRead])
def user_access_log(
    user_id: PathId,
    since: datetime | None = SINCE,
    until: datetime | None = UNTIL,
    ctx: RequestContext = Depends(authenticated),
) -> list[RecordAccess]:
    """Whose records this user was shown, oldest first (at most 10,000 rows)."""
    with ctx.transaction() as (session, actor):
        return what_seen(session, actor, user_id, since, until)


@router.get(
    "/people/{person_id}/subject-access",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "application/zip": {}}}},
)
def subject_access(
    person_id: PathId,
    format: Format = Query(default="json", description="json, or csv for a zip of CSV files"),
    ctx: RequestContext = Depends(authenticated),
) -> Response:
    """Everything held about the person, for a subject access request (audited)."""
    with ctx.transaction() as (session, actor):
        content = export(
            session, actor=actor, at=ctx.now(), person_id=person_id, format=format, via="api"
        )
    kind = "application/json" if format == "json" else "application/zip"
    name = f"subject-access-person-{person_id}.{'json' if format == 'json' else 'zip'}"
    return Response(
        content, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
