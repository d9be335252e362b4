"""The council's finance officer pays providers: a period's runs, each run's lines and
exceptions with check and approve, adjustments asked for and approved by a second person,
and providers' disputes answered. Council staff who see the figures may read; only a
finance officer acts. The pages call the same services as the API's `/money` routes."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission
from homecare.calendar import local_date
from homecare.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecare.http import PathId
from homecare.money import disputes, runs_read, runs_service
from homecare.money.payment_ledger import ledger_for, period_of
from homecare.money.repository import organisation_names, package_people
from homecare.monitoring.periods import Period as NamedPeriod
from homecare.monitoring.periods import PeriodKind, parse_period, recent_periods
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

RUNS = "/app/payment-runs"
DISPUTES = "/app/payment-disputes"
STATUS_WORDS = {"draft": "Draft", "checked": "Checked", "approved": "Approved"}
DONE = {
    "drafted": "Every provider's run is drafted. Check each run, then another finance officer"
    " approves it.",
    "checked": "The run is checked: drafting it again on today's data gave the same run.",
    "approved": "The run is approved. It will not change; later corrections go into the next run.",
    "redrafted": "The run is drafted again from today's data.",
    "asked": "The adjustment is waiting for a second person's approval.",
    "adjustment-approved": "The adjustment is approved. The provider's next run pays it.",
    "resolved": "The dispute is answered. The provider sees the answer on its statement.",
}


def require_reader(actor: Actor) -> None:
    if actor.is_council and (
        actor.may(Permission.PAY_PROVIDERS) or actor.may(Permission.VIEW_KPIS)
    ):
        return
    raise Forbidden("only council staff read payment runs")


def last_complete_period(today: date) -> NamedPeriod:
    """The latest 4-week period that has ended: the one there is a run to pay."""
    return recent_periods(today, PeriodKind.FOUR_WEEKS, 2)[1]


def parse_amount(form: FormData, name: str, errors: dict[str, str]) -> int | None:
    """Signed pounds and pence (a minus for less), as whole pence."""
    return forms.parse_pence(
        forms.text(form, name), errors, anchor=name, what="the amount",
        most_pence=runs_service.MOST_ADJUSTMENT_PENCE, signed=True,
    )  # fmt: skip


def _runs_page(
    request: Request,
    session: Session,
    me: SignedIn,
    period: NamedPeriod,
    done: str | None,
    errors: dict[str, str] | None = None,
) -> Response:
    require_reader(me.actor)
    runs = {r.provider_id: r for r in runs_service.runs_for_period(session, me.actor, period.start)}
    council_id = me.actor.organisation_id
    assert council_id is not None
    paid = runs_service.providers_paid_by(session, council_id, period_of(period.label))
    today = local_date(request.state.now)
    choices = recent_periods(max(today, period.end), PeriodKind.FOUR_WEEKS, 6)
    return render(
        request,
        "money/runs.html",
        title="Payment runs",
        status=409 if errors else 200,
        errors=errors or {},
        ended=period.end < today,
        period=period,
        periods=[(p.label, p.name) for p in reversed(choices)],
        rows=[(p, runs.get(p.id)) for p in paid],
        status_words=STATUS_WORDS,
        may_pay=me.actor.may(Permission.PAY_PROVIDERS),
        open_disputes=len(runs_read.disputes(session, me.actor, "open")),
        waiting=len(runs_read.waiting_adjustments(session, me.actor)),
        done=DONE.get(done or ""),
        total=sum(r.total_pence for r in runs.values()),
    )


@router.get(RUNS)
def payment_runs(
    request: Request,
    period: str | None = None,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        request.state.now = ctx.now()
        chosen = period_named(period) if period else last_complete_period(local_date(ctx.now()))
        return _runs_page(request, session, me, chosen, done)


def period_named(label: str) -> NamedPeriod:
    named = parse_period(label)
    if named.kind is not PeriodKind.FOUR_WEEKS:
        raise NotFound(f"no 4-week period {label}")
    return named


@router.post(RUNS + "/draft")
def draft_every_run(
    request: Request, form: FormData = Depends(form_data), ctx: WebContext = Depends(web_context)
) -> Response:
    label = forms.text(form, "period")
    try:
        with ctx.transaction(form) as (session, me):
            ledger_for(session, me.actor, ctx.now(), period_of(label))
        return redirect(f"{RUNS}?period={label}&done=drafted")
    except (Conflict, InvalidInput) as exc:
        errors = {"draft": sentence(exc.message)}
    with ctx.transaction() as (session, me):
        request.state.now = ctx.now()
        return _runs_page(request, session, me, period_named(label), None, errors)


def _run_page(
    request: Request,
    session: Session,
    me: SignedIn,
    run_id: int,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    require_reader(me.actor)
    run = runs_read.run_detail(session, me.actor, run_id)
    label = _label_of(run["period_starts_on"])
    return render(
        request,
        "money/run.html",
        title=f"Payment run: {run['provider']}",
        status=400 if errors else 200,
        run=run,
        label=label,
        status_words=STATUS_WORDS,
        may_pay=me.actor.may(Permission.PAY_PROVIDERS),
        drafted_by_me=run["drafted_by_user_id"] == me.actor.user_id,
        dispute_links=False,
        packages=sorted({(li["package_id"], li["person"]) for li in run["line_items"]}),
        errors=errors or {},
        values=values or {},
        done=DONE.get(done or ""),
    )


def _label_of(starts_on: date) -> str:
    year, week, _ = starts_on.isocalendar()
    return f"{year}-P{(week - 1) // 4 + 1:02d}"


@router.get(RUNS + "/{run_id}")
def payment_run(
    request: Request,
    run_id: PathId,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _run_page(request, session, me, run_id, done=done)


def _act(request: Request, run_id: int, form: FormData, ctx: WebContext, action: str) -> Response:
    """Check, approve or draft again; a refusal shows on the run's page in words."""
    errors: dict[str, str] = {}
    try:
        with ctx.transaction(form) as (session, me):
            if action == "check":
                runs_service.check(session, actor=me.actor, at=ctx.now(), run_id=run_id)
            elif action == "approve":
                runs_service.approve(session, actor=me.actor, at=ctx.now(), run_id=run_id)
            else:
                run = runs_read.run_detail(session, me.actor, run_id)
                runs_service.draft(
                    session, actor=me.actor, at=ctx.now(), provider_id=run["provider_id"],
                    period=period_of(_label_of(run["period_starts_on"])),
                )  # fmt: skip
            done = {"check": "checked", "approve": "approved"}.get(action, "redrafted")
            return redirect(f"{RUNS}/{run_id}?done={done}")
    except (Conflict, Forbidden) as exc:
        errors["actions"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _run_page(request, session, me, run_id, errors=errors)


@router.post(RUNS + "/{run_id}/check")
def check_run(
    request: Request, run_id: PathId, form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:  # fmt: skip
    return _act(request, run_id, form, ctx, "check")


@router.post(RUNS + "/{run_id}/approve")
def approve_run(
    request: Request, run_id: PathId, form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:  # fmt: skip
    return _act(request, run_id, form, ctx, "approve")


@router.post(RUNS + "/{run_id}/redraft")
def redraft_run(
    request: Request, run_id: PathId, form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:  # fmt: skip
    return _act(request, run_id, form, ctx, "redraft")


@router.post(RUNS + "/{run_id}/adjustments")
def ask_for_adjustment(
    request: Request, run_id: PathId, form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:  # fmt: skip
    """An adjustment for one of the run's packages, paid by the provider's next run."""
    errors: dict[str, str] = {}
    package_id = forms.record_id(forms.text(form, "package"))
    if package_id is None:
        errors["package"] = "Select whose care the adjustment is for"
    pence = parse_amount(form, "amount", errors)
    reason = forms.text(form, "reason")
    if not reason:
        errors["reason"] = "Enter why the provider is paid more or less"
    elif len(reason) > 500:
        errors["reason"] = "The reason must be 500 characters or fewer"
    try:
        with ctx.transaction(form) as (session, me):
            run = runs_read.run_detail(session, me.actor, run_id)
            if not errors and package_id is not None and pence is not None:
                runs_service.request_adjustment(
                    session, actor=me.actor, at=ctx.now(), provider_id=run["provider_id"],
                    package_id=package_id, pence=pence, reason=reason,
                )  # fmt: skip
                return redirect(f"{RUNS}/{run_id}?done=asked#adjust")
    except (InvalidInput, Conflict, NotFound) as exc:
        forms.domain_error(exc, {"amount": "amount", "reason": "reason"}, errors, default="package")
    with ctx.transaction() as (session, me):
        return _run_page(request, session, me, run_id, errors=errors, values=forms.values(form))


# --- disputes and adjustments waiting ----------------------------------------------------


def _disputes_page(
    request: Request,
    session: Session,
    me: SignedIn,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    require_reader(me.actor)
    open_ones = runs_read.disputes(session, me.actor, "open")
    answered = [d for d in runs_read.disputes(session, me.actor) if d.status != "open"][-10:]
    lines = {d.line_id: runs_read.line_of(session, d.line_id) for d in open_ones + answered}
    waiting = runs_read.waiting_adjustments(session, me.actor)
    providers = organisation_names(
        session, {d.provider_id for d in open_ones + answered} | {a.provider_id for a in waiting}
    )
    people = package_people(
        session,
        {li.package_id for li in lines.values() if li} | {a.package_id for a in waiting},
    )
    return render(
        request,
        "money/disputes.html",
        title="Disputes and adjustments",
        status=400 if errors else 200,
        open_ones=open_ones,
        answered=list(reversed(answered)),
        lines=lines,
        waiting=waiting,
        providers=providers,
        people=people,
        may_pay=me.actor.may(Permission.PAY_PROVIDERS),
        me_id=me.actor.user_id,
        errors=errors or {},
        done=DONE.get(done or ""),
    )


@router.get(DISPUTES)
def payment_disputes(
    request: Request, done: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        return _disputes_page(request, session, me, done=done)


@router.post(DISPUTES + "/{dispute_id}/resolve")
def resolve(
    request: Request, dispute_id: PathId, form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:  # fmt: skip
    errors: dict[str, str] = {}
    answer = forms.text(form, "answer")
    if answer not in ("upheld", "rejected"):
        errors[f"answer-{dispute_id}"] = "Select whether the dispute is upheld or rejected"
    pence = 0
    if answer == "upheld" and forms.text(form, "amount"):
        pence = parse_amount(form, "amount", errors) or 0
        if "amount" in errors:
            errors[f"amount-{dispute_id}"] = errors.pop("amount")
    resolution = forms.text(form, "resolution")
    if not resolution:
        errors[f"resolution-{dispute_id}"] = "Enter what the council decided and why"
    try:
        with ctx.transaction(form) as (session, me):
            if not errors:
                disputes.resolve_dispute(
                    session, actor=me.actor, at=ctx.now(), dispute_id=dispute_id,
                    upheld=answer == "upheld", resolution=resolution, pence=pence,
                )  # fmt: skip
                return redirect(f"{DISPUTES}?done=resolved")
    except (InvalidInput, Conflict) as exc:
        errors[f"dispute-{dispute_id}"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _disputes_page(request, session, me, errors=errors)


@router.post(DISPUTES + "/adjustments/{adjustment_id}/approve")
def approve_adjustment(
    request: Request, adjustment_id: PathId, form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:  # fmt: skip
    errors: dict[str, str] = {}
    try:
        with ctx.transaction(form) as (session, me):
            runs_service.approve_adjustment(
                session, actor=me.actor, at=ctx.now(), adjustment_id=adjustment_id
            )
            return redirect(f"{DISPUTES}?done=adjustment-approved")
    except (Conflict, Forbidden) as exc:
        errors[f"adjustment-{adjustment_id}"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        return _disputes_page(request, session, me, errors=errors)
