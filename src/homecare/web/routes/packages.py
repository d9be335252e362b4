"""People and their packages of care, as the API scopes them: a provider sees only its own.

Opening another provider's package gives "Page not found", the page form of the API's 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from homecare.access import load_readable, readable_packages, readable_people
from homecare.calendar import local_date
from homecare.market.tables import Lot
from homecare.packages.routes import package_read
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.web.context import WebContext, web_context
from homecare.web.render import WebRoute, render
from homecare.web.routes.referrals import person_names

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SHOWN = 500
DONE = {"accepted": "Offer accepted. The package of care is set up."}


@router.get("/app/packages")
def packages(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        rows = list(
            session.scalars(
                readable_packages(me.actor)
                .order_by(Package.starts_on.desc(), Package.id.desc())
                .limit(SHOWN)
            )
        )
        names = person_names(session, me.actor, {p.person_id for p in rows})
        lots = {lot.id: lot.number for lot in session.scalars(select(Lot))}
        return render(
            request,
            "packages/list.html",
            title="People and packages",
            packages=rows,
            names=names,
            lots=lots,
            more=len(rows) == SHOWN,
            today=local_date(ctx.now()),
        )


@router.get("/app/packages/{package_id}")
def package(
    request: Request,
    package_id: int,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        row = load_readable(session, readable_packages(me.actor), Package, package_id, "package")
        read = package_read(session, row, local_date(ctx.now()))
        person = session.scalars(
            readable_people(me.actor).where(Person.id == row.person_id)
        ).first()
        name = f"{person.given_name} {person.family_name}" if person else f"Package {row.id}"
        return render(
            request,
            "packages/show.html",
            title=f"Package of care for {name}",
            package=read,
            person=person,
            name=name,
            done=DONE.get(done or ""),
        )
