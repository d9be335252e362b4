"""A provider's statements: its approved payment runs, each line with how it was worked
out, the remittance to download, and a dispute raised on a line with a reason. Another
provider's statement is "Page not found"; the same services as the API's `/money`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission
from homecare.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecare.http import PathId
from homecare.money import disputes, runs_read, runs_service
from homecare.money.repository import readable_runs
from homecare.money.tables import PaymentRun
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

STATEMENTS = "/app/statements"
DONE = {"disputed": "Your dispute is sent. The council will answer it here."}


def _require_manager(actor: Actor) -> None:
    if not (actor.is_provider and actor.may(Permission.MANAGE_DELIVERY)):
        raise Forbidden("only a provider's managers read its statements")


@router.get(STATEMENTS)
def statements(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        _require_manager(me.actor)
        runs = list(
            session.scalars(readable_runs(me.actor).order_by(PaymentRun.period_starts_on.desc()))
        )
        return render(
            request,
            "money/statements.html",
            title="Statements",
            runs=[runs_service.run_record(session, r) for r in runs],
            open_disputes=len(runs_read.disputes(session, me.actor, "open")),
        )


def _statement_page(
    request: Request,
    session: Session,
    me: SignedIn,
    run_id: int,
    *,
    line_id: int | None = None,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    _require_manager(me.actor)
    run = runs_read.run_detail(session, me.actor, run_id)
    line = None
    if line_id is not None:
        line = next((li for li in run["line_items"] if li["id"] == line_id), None)
        if line is None:
            raise NotFound(f"statement line {line_id} not found")
    return render(
        request,
        "money/dispute.html" if line else "money/statement.html",
        title="Dispute a line"
        if line
        else f"Statement: 4 weeks to {run['period_ends_on']:%-d %B %Y}",
        status=400 if errors else 200,
        run=run,
        line=line,
        dispute_links=True,
        errors=errors or {},
        values=values or {},
        done=DONE.get(done or ""),
    )


@router.get(STATEMENTS + "/{run_id}")
def statement(
    request: Request,
    run_id: PathId,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _statement_page(request, session, me, run_id, done=done)


@router.get(STATEMENTS + "/{run_id}/lines/{line_id}")
def dispute_form(
    request: Request, run_id: PathId, line_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        return _statement_page(request, session, me, run_id, line_id=line_id)


@router.post(STATEMENTS + "/{run_id}/lines/{line_id}")
def dispute_line(
    request: Request, run_id: PathId, line_id: PathId, form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:  # fmt: skip
    errors: dict[str, str] = {}
    reason = forms.text(form, "reason")
    if not reason:
        errors["reason"] = "Enter what is wrong with the line"
    elif len(reason) > 1000:
        errors["reason"] = "What is wrong must be 1,000 characters or fewer"
    try:
        with ctx.transaction(form) as (session, me):
            _statement_page(request, session, me, run_id, line_id=line_id)
            if not errors:
                disputes.raise_dispute(
                    session, actor=me.actor, at=ctx.now(), line_id=line_id, reason=reason
                )
                return redirect(f"{STATEMENTS}/{run_id}?done=disputed#line-{line_id}")
    except (InvalidInput, Conflict) as exc:
        errors["reason"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _statement_page(
            request, session, me, run_id, line_id=line_id, errors=errors, values=forms.values(form)
        )
