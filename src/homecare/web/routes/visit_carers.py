"""Putting carers on one visit by hand, from today's board: the manager ticks who goes.

The same service as `PUT /visits/{id}/carers` (`assign_carers`), so a visit with a
delegated healthcare task is refused unless a carer trained for it leads it, in the
same words (hazard H-004). The form says beside each carer which tasks they are
trained for, so the manager can choose right the first time. A care worker who has left
by the visit's day is not offered (docs/adr/0024-care-workers-leave.md).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Permission, require
from homecare.delivery.repository import visit_read
from homecare.delivery.schedule import assign_carers
from homecare.errors import Conflict, InvalidInput
from homecare.http import PathId
from homecare.pattern import task_words
from homecare.people.repository import person_names
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.render import WebRoute, redirect, render
from homecare.workforce.repository import care_workers_by_name

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FIELD = "care-workers"


def _page(
    request: Request,
    session: Session,
    me: SignedIn,
    visit_id: int,
    *,
    chosen: set[int] | None = None,
    errors: dict[str, str] | None = None,
    done: bool = False,
) -> Response:
    require(me.actor, Permission.MANAGE_DELIVERY)
    visit = visit_read(session, me.actor, visit_id)
    name = person_names(session, me.actor, {visit.person_id}).get(visit.person_id, "the person")
    tasks = set(visit.health_tasks)
    workers = [
        (
            str(w.id),
            w.name,
            ", ".join(task_words(t) for t in w.skills if t in tasks),
        )
        for w in care_workers_by_name(session, me.actor, on=visit.day)
    ]
    if chosen is None:
        chosen = {c.care_worker_id for c in visit.assigned_carers}
    return render(
        request,
        "board/carers.html",
        title=f"Carers for {name}'s visit",
        status=400 if errors else 200,
        visit=visit,
        name=name,
        tasks=[task_words(t) for t in visit.health_tasks],
        workers=workers,
        chosen={str(i) for i in chosen},
        errors=errors,
        done="The carers are on the visit" if done else None,
    )


@router.get("/app/visits/{visit_id}/carers")
def carers_form(
    request: Request,
    visit_id: PathId,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _page(request, session, me, visit_id, done=done == "assigned")


@router.post("/app/visits/{visit_id}/carers")
def put_carers_on_visit(
    request: Request,
    visit_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    picked = [forms.record_id(str(raw)) for raw in form.getlist("care_worker_ids")]
    ids = [i for i in picked if i is not None]
    if len(ids) != len(picked):
        errors[FIELD] = "Select care workers from the list"
    else:
        try:
            with ctx.transaction(form) as (session, me):
                assign_carers(
                    session, actor=me.actor, at=ctx.now(), visit_id=visit_id, care_worker_ids=ids
                )
                return redirect(f"/app/visits/{visit_id}/carers?done=assigned")
        except (InvalidInput, Conflict) as exc:
            errors[FIELD] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _page(request, session, me, visit_id, chosen=set(ids), errors=errors)
