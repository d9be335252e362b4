"""Ending care and extending short-term care, from the package's page: a social worker,
nurse or broker records the last day and why, and sees what follows from it. The same
services as `POST /packages/{id}/end` and `/extend`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.calendar import local_date
from homecare.caseload.ending import end_package, extend_package, may_end_care
from homecare.caseload.moving import move_package
from homecare.caseload.repository import move_choices
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.http import PathId
from homecare.packages.domain import (
    END_REASON_WORDS,
    MOVE_REASON_WORDS,
    PLATFORM_REASONS,
    EndReason,
    MoveReason,
)
from homecare.packages.repository import load_package
from homecare.people.repository import person_or_none
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

CHOSEN_REASONS = [
    (reason.value, words, None)
    for reason, words in END_REASON_WORDS.items()
    if reason not in PLATFORM_REASONS
]
FIELDS = {
    "last_day": "last-day-day",
    "until": "until-day",
    "reason": "reason",
    "handover_day": "handover-day",
    "contract_id": "contract",
}


def _page(
    request: Request,
    session: Session,
    me: SignedIn,
    package_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    now: datetime,
) -> Response:
    if not may_end_care(me.actor):
        raise Forbidden("only a social worker, a nurse or a broker ends care")
    package = load_package(session, me.actor, package_id)
    today = local_date(now)
    person = person_or_none(session, me.actor, package.person_id)
    name = f"{person.given_name} {person.family_name}" if person else f"Package {package.id}"
    return render(
        request,
        "packages/end.html",
        title=f"End or move the care of {name}",
        status=status,
        package=package,
        name=name,
        reasons=CHOSEN_REASONS,
        recorded=END_REASON_WORDS.get(EndReason(package.end_reason))
        if package.end_reason
        else None,
        extendable=package.ends_on is not None
        and package.end_reason is None
        and package.status != "ended",
        move_to=[(str(c), name, None) for c, name in move_choices(session, package, today)],
        move_reasons=[(r.value, words, None) for r, words in MOVE_REASON_WORDS.items()],
        errors=errors,
        values=values or {},
    )


@router.get("/app/packages/{package_id}/end")
def end_form(
    request: Request, package_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        return _page(request, session, me, package_id, now=ctx.now())


def _act(
    request: Request,
    ctx: WebContext,
    form: FormData,
    package_id: int,
    errors: dict[str, str],
    action: Callable[[Session, SignedIn], int],
    *,
    anchor: str,
    done: str,
) -> Response:
    """Runs the service once the form reads cleanly; shows every problem on the page, or
    goes to the package the action leaves the person's care in."""
    with ctx.transaction(form) as (session, me):
        landing = package_id
        if not errors:
            try:
                landing = action(session, me)
            except (InvalidInput, Conflict) as exc:
                forms.domain_error(exc, FIELDS, errors, default=anchor)
        if errors:
            return _page(request, session, me, package_id, errors=errors,
                         values=forms.values(form), status=400, now=ctx.now())  # fmt: skip
        return redirect(f"/app/packages/{landing}?done={done}")


@router.post("/app/packages/{package_id}/end")
def end_care(
    request: Request,
    package_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    last_day = forms.parse_date(
        form, "last-day", "the last day of care", errors, anchor="last-day-day"
    )
    chosen = forms.text(form, "reason")
    reason = next((r for r in EndReason if r.value == chosen), None)
    if reason is None or reason in PLATFORM_REASONS:
        errors["reason"] = "Select why care is ending"

    def end(session: Session, me: SignedIn) -> int:
        assert last_day is not None and reason is not None
        end_package(session, actor=me.actor, at=ctx.now(), package_id=package_id,
                    last_day=last_day, reason=reason)  # fmt: skip
        return package_id

    return _act(request, ctx, form, package_id, errors, end, anchor="last-day-day", done="ended")


@router.post("/app/packages/{package_id}/extend")
def extend_care(
    request: Request,
    package_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    until: date | None = forms.parse_date(
        form, "until", "the new last day of care", errors, anchor="until-day"
    )

    def extend(session: Session, me: SignedIn) -> int:
        assert until is not None
        extend_package(session, actor=me.actor, at=ctx.now(), package_id=package_id, until=until)
        return package_id

    return _act(request, ctx, form, package_id, errors, extend, anchor="until-day",
                done="extended")  # fmt: skip


@router.post("/app/packages/{package_id}/move")
def move_care(
    request: Request,
    package_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    contract_id = forms.record_id(forms.text(form, "contract"))
    if contract_id is None:
        errors["contract"] = "Select the provider the care moves to"
    handover = forms.parse_date(form, "handover", "the handover day", errors, anchor="handover-day")
    chosen = forms.text(form, "move-reason")
    reason = next((r for r in MoveReason if r.value == chosen), None)
    if reason is None:
        errors["move-reason"] = "Select why the care moves"

    def move(session: Session, me: SignedIn) -> int:
        assert contract_id is not None and handover is not None and reason is not None
        new = move_package(
            session, actor=me.actor, at=ctx.now(), package_id=package_id,
            contract_id=contract_id, handover_day=handover, reason=reason,
            handover_visits=forms.text(form, "handover-visits") == "yes",
        )  # fmt: skip
        return new.id

    return _act(request, ctx, form, package_id, errors, move, anchor="contract", done="moved")
