"""People and their packages of care, as the API scopes them: a provider sees only its own.

Opening another provider's package gives "Page not found", the page form of the API's 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from homecare.access_log import log_person_read
from homecare.calendar import local_date
from homecare.http import PathId
from homecare.packages.repository import latest_packages, load_package, lot_numbers, package_read
from homecare.people.repository import person_names, person_or_none
from homecare.web.context import WebContext, web_context
from homecare.web.render import WebRoute, render
from homecare.web.routes.package_changes import change_section, done_message

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SHOWN = 500
DONE = {"accepted": "Offer accepted. The package of care is set up."}


@router.get("/app/packages")
def packages(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        rows = latest_packages(session, me.actor, SHOWN)
        return render(
            request,
            "packages/list.html",
            title="People and packages",
            packages=rows,
            names=person_names(session, me.actor, {p.person_id for p in rows}),
            lots=lot_numbers(session, rows),
            more=len(rows) == SHOWN,
            today=local_date(ctx.now()),
        )


@router.get("/app/packages/{package_id}")
def package(
    request: Request,
    package_id: PathId,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        row = load_package(session, me.actor, package_id)
        log_person_read(session, me.actor, ctx.now(), row.person_id, "package", "page")
        read = package_read(session, row, local_date(ctx.now()))
        person = person_or_none(session, me.actor, row.person_id)
        section = change_section(session, me.actor, row, local_date(ctx.now()))
        name = f"{person.given_name} {person.family_name}" if person else f"Package {row.id}"
        return render(
            request,
            "packages/show.html",
            title=f"Package of care for {name}",
            package=read,
            person=person,
            name=name,
            done=DONE.get(done or "") or done_message(done),
            section=section,
        )
