"""A contract over its years, for the commissioner: the terms in force, the conditions as
the provider meets them today, every version, and forms to change the rate from a day,
change the limits, extend, or end early. The same services as the API's
`/contracts/{id}/rate-changes`, `/limit-changes`, `/extension` and `/termination`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Permission
from homecare.calendar import local_date
from homecare.errors import Conflict, InvalidInput
from homecare.http import PathId
from homecare.market import contracts
from homecare.market.contract_terms import MAX_EXTENSION_MONTHS, VersionChange, add_months
from homecare.market.repository import live_under, places, readable_contract
from homecare.market.tables import ContractVersion, Organisation
from homecare.money import rules_service
from homecare.units import minutes_of_hours, pence_of_pounds
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.render import WebRoute, redirect, render
from homecare.web.routes.commissioner import require_council

router = APIRouter(route_class=WebRoute, include_in_schema=False)

CHANGE_WORDS = {
    VersionChange.MADE.value: "Made",
    VersionChange.RATE_CHANGED.value: "Rate changed",
    VersionChange.LIMITS_CHANGED.value: "Limits changed",
    VersionChange.EXTENDED.value: "Extended",
    VersionChange.TERMINATED.value: "Ended early",
}
DONE = {
    "rate": "The new rate is recorded.",
    "limits": "The new limits are recorded.",
    "extended": "The contract is extended.",
    "ended": "The contract's early end is recorded.",
}
FIELDS = {
    "hourly_rate": "rate-amount",
    "weekly_capacity_hours": "limits-capacity",
    "flex_up_percent": "limits-up",
    "flex_down_percent": "limits-down",
    "notice_days": "limits-notice",
    "override_reason": "extend-override",
}


def what_changed(version: ContractVersion) -> list[str]:
    """A version's changes as a commissioner reads them."""
    parts = []
    if version.hourly_rate_pence is not None:
        parts.append(f"Hourly rate £{Decimal(version.hourly_rate_pence) / 100:.2f}")
    if version.weekly_capacity_minutes is not None:
        parts.append(f"Weekly capacity {version.weekly_capacity_minutes / 60:g} hours")
    if version.flex_up_percent is not None:
        parts.append(f"Trusted assessor may add up to {version.flex_up_percent}%")
    if version.flex_down_percent is not None:
        parts.append(f"and reduce up to {version.flex_down_percent}%")
    if version.notice_days is not None:
        parts.append(f"Notice {version.notice_days} days")
    if version.sets_ends_on:
        parts.append(f"Ends {version.ends_on:%-d %B %Y}" if version.ends_on else "No end date")
    return parts


def _page(
    request: Request,
    session: Session,
    me: SignedIn,
    contract_id: int,
    *,
    now: datetime,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    require_council(me.actor, Permission.MANAGE_MARKET)
    contract = readable_contract(session, me.actor, contract_id)
    today = local_date(now)
    provider = session.get(Organisation, contract.provider_id)
    assert provider is not None
    versions = contracts.versions_of(session, contract.id)
    live, weekly = live_under(session, contract.id)
    first_end = versions[0].ends_on if versions else None
    return render(
        request,
        "commissioner/contract.html",
        title=f"{provider.name}: contract {contract.id}",
        status=status,
        contract=contract,
        provider=provider,
        place=places(session, me.actor).of(contract.id),
        conditions=contracts.checked_conditions(
            session, council_id=contract.council_id, provider=provider, today=today
        ),
        versions=[(v, CHANGE_WORDS.get(v.change, v.change), what_changed(v)) for v in versions],
        payment_rules=rules_service.rules_history(session, me.actor, contract.id),
        live_packages=live,
        live_hours=int(weekly) / 60,
        latest_end=add_months(first_end, MAX_EXTENSION_MONTHS) if first_end else None,
        today=today,
        done=DONE.get(request.query_params.get("done", "")),
        errors=errors,
        values=values or {},
    )


@router.get("/app/contracts/{contract_id}")
def contract_page(
    request: Request, contract_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        return _page(request, session, me, contract_id, now=ctx.now())


def _act(
    request: Request,
    ctx: WebContext,
    form: FormData,
    contract_id: int,
    errors: dict[str, str],
    action: Callable[[Session, SignedIn], object],
    *,
    anchor: str,
    done: str,
    form_name: str,
) -> Response:
    """Runs the service once the form reads cleanly; a refusal goes against the input of
    this form that it names (each form's inputs carry the form's name)."""
    fields = {
        **FIELDS,
        "reason": f"{form_name}-reason",
        "ends_on": f"{form_name}-day",
        "effective_from": f"{form_name}-from-day",
    }
    with ctx.transaction(form) as (session, me):
        require_council(me.actor, Permission.MANAGE_MARKET)
        if not errors:
            try:
                action(session, me)
            except (InvalidInput, Conflict) as exc:
                forms.domain_error(exc, fields, errors, default=anchor)
        if errors:
            return _page(request, session, me, contract_id, errors=errors,
                         values=forms.values(form), status=400, now=ctx.now())  # fmt: skip
        return redirect(f"/app/contracts/{contract_id}?done={done}")


def _reason(form: FormData, errors: dict[str, str], name: str) -> str:
    reason = forms.text(form, name)
    if len(reason) < 3:
        errors[name] = "Say why the contract changes"
    return reason


def _pounds(form: FormData, name: str, errors: dict[str, str]) -> int | None:
    amount = forms.parse_pounds(form, name, errors, what="the hourly rate")
    if amount is None:
        errors.setdefault(name, "Enter the hourly rate in pounds, like 26.22")
        return None
    return pence_of_pounds(amount)


@router.post("/app/contracts/{contract_id}/rate")
def change_rate(
    request: Request,
    contract_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    rate = _pounds(form, "rate-amount", errors)
    starts = forms.parse_date(
        form, "rate-from", "the day the new rate starts", errors, anchor="rate-from-day"
    )
    reason = _reason(form, errors, "rate-reason")

    def act(session: Session, me: SignedIn) -> object:
        assert rate is not None and starts is not None
        return contracts.change_rate(session, actor=me.actor, at=ctx.now(),
                                     contract_id=contract_id, hourly_rate_pence=rate,
                                     effective_from=starts, reason=reason)  # fmt: skip

    return _act(request, ctx, form, contract_id, errors, act, anchor="rate-amount", done="rate",
                form_name="rate")  # fmt: skip


def _whole(form: FormData, name: str, errors: dict[str, str], most: int, what: str) -> int | None:
    raw = forms.text(form, name)
    if not raw:
        return None
    number = forms.whole_number(raw.removesuffix("%"), most=most)
    if number is None:
        errors[name] = f"Enter {what} as a whole number from 0 to {most}"
    return number


@router.post("/app/contracts/{contract_id}/limits")
def change_limits(
    request: Request,
    contract_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    hours = forms.parse_number(
        form, "limits-capacity", errors, anchor="limits-capacity",
        message="Enter the weekly capacity in hours, like 350 or 350.5",
    )  # fmt: skip
    up = _whole(form, "limits-up", errors, 100, "the most a provider may add")
    down = _whole(form, "limits-down", errors, 100, "the most a provider may reduce")
    notice = _whole(form, "limits-notice", errors, 366, "the notice in days")
    starts: date | None = None
    if any(forms.text(form, f"limits-from-{p}") for p in ("day", "month", "year")):
        starts = forms.parse_date(
            form, "limits-from", "the day the limits start", errors, anchor="limits-from-day"
        )
    reason = _reason(form, errors, "limits-reason")

    def act(session: Session, me: SignedIn) -> object:
        return contracts.change_limits(
            session, actor=me.actor, at=ctx.now(), contract_id=contract_id,
            effective_from=starts, reason=reason,
            weekly_capacity_minutes=None if hours is None else minutes_of_hours(Decimal(hours)),
            flex_up_percent=up, flex_down_percent=down, notice_days=notice,
        )  # fmt: skip

    return _act(request, ctx, form, contract_id, errors, act, anchor="limits-capacity",
                done="limits", form_name="limits")  # fmt: skip


@router.post("/app/contracts/{contract_id}/extend")
def extend(
    request: Request,
    contract_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    ends = forms.parse_date(form, "extend", "the new last day", errors, anchor="extend-day")
    reason = _reason(form, errors, "extend-reason")

    def act(session: Session, me: SignedIn) -> object:
        assert ends is not None
        return contracts.extend_contract(
            session, actor=me.actor, at=ctx.now(), contract_id=contract_id, ends_on=ends,
            reason=reason, override_reason=forms.text(form, "extend-override") or None,
        )  # fmt: skip

    return _act(request, ctx, form, contract_id, errors, act, anchor="extend-day",
                done="extended", form_name="extend")  # fmt: skip


@router.post("/app/contracts/{contract_id}/terminate")
def terminate(
    request: Request,
    contract_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    ends = forms.parse_date(form, "end", "the contract's last day", errors, anchor="end-day")
    reason = _reason(form, errors, "end-reason")

    def act(session: Session, me: SignedIn) -> object:
        assert ends is not None
        return contracts.terminate_contract(
            session, actor=me.actor, at=ctx.now(), contract_id=contract_id, ends_on=ends,
            reason=reason, without_notice_reason=forms.text(form, "without-notice") or None,
        )  # fmt: skip

    return _act(request, ctx, form, contract_id, errors, act, anchor="end-day", done="ended",
                form_name="end")  # fmt: skip
