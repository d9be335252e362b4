"""People and their packages of care, as the API scopes them: a provider sees only its own.

Opening another provider's package gives "Page not found", the page form of the API's 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from homecare.access_log import log_person_read
from homecare.calendar import local_date
from homecare.caseload.ending import may_end_care
from homecare.http import PathId
from homecare.packages.domain import END_REASON_WORDS, EndReason, PackageStatus
from homecare.packages.repository import (
    load_package,
    lot_numbers,
    package_filter_choices,
    package_list,
    package_read,
)
from homecare.people.repository import person_names, person_or_none
from homecare.web.context import WebContext, web_context
from homecare.web.listing import Filter, ListSpec, page_of, read_query
from homecare.web.render import WebRoute, render
from homecare.web.routes.package_changes import change_section, done_message

router = APIRouter(route_class=WebRoute, include_in_schema=False)

DONE = {
    "accepted": "Offer accepted. The package of care is set up.",
    "ended": "The last day of care is recorded. The visits after it are cancelled.",
    "extended": "Short-term care is extended to its new last day.",
    "moved": "The care moves to this provider from the handover day. This package continues"
    " the person's earlier one.",
}
STATUSES = {
    PackageStatus.ACTIVE.value: "Active",
    PackageStatus.IN_HOSPITAL.value: "In hospital",
    PackageStatus.AWAITING_REVIEW.value: "Awaiting review",
    PackageStatus.ENDED.value: "Ended",
}


def _spec(lots: list[int], zones: dict[int, str]) -> ListSpec:
    filters = [Filter("status", "Status", STATUSES)]
    if zones:
        filters.append(Filter("zone", "Zone", {str(k): v for k, v in zones.items()}))
    if lots:
        filters.append(Filter("lot", "Lot", {str(n): f"Lot {n}" for n in lots}))
    return ListSpec(
        path="/app/packages",
        noun="packages",
        search_label="Search people",
        search_hint="A name, postcode or NHS number",
        sorts=("person", "hours", "starts", "status"),
        filters=tuple(filters),
        default_sort="starts",
        default_descending=True,
    )


@router.get("/app/packages")
def packages(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        spec = _spec(*package_filter_choices(session, me.actor))
        query, errors = read_query(request.query_params, spec)
        page = page_of(package_list(session, me.actor, query), query, spec, errors)
        return render(
            request,
            "packages/list.html",
            title="People and packages",
            page=page,
            names=person_names(session, me.actor, {p.person_id for p in page.rows}),
            lots=lot_numbers(session, page.rows),
            statuses=STATUSES,
            today=local_date(ctx.now()),
            errors=errors,
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
            may_end=may_end_care(me.actor),
            end_words=END_REASON_WORDS.get(EndReason(row.end_reason)) if row.end_reason else None,
        )
