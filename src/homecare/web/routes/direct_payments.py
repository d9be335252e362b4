"""A person's direct payments, for council staff: the payments with their amounts and days,
a form to record one (a weekly amount, or weekly hours at an hourly rate), often after a
package ended because the person took one, and a form to end each. The same services as
`POST /people/{id}/direct-payments` and `POST /direct-payments/{id}/end`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Permission
from homecare.errors import Conflict, InvalidInput
from homecare.http import PathId
from homecare.money import direct_payments as service
from homecare.money.budget_repository import packages_ended_for_direct_payment
from homecare.money.budget_service import MAX_PENCE
from homecare.money.budget_tables import DirectPayment
from homecare.money.budgets import STREAM_WORDS, Stream
from homecare.money.direct_payments import end_direct_payment, record_direct_payment
from homecare.people.repository import load_person
from homecare.web import forms
from homecare.web.context import SignedIn, WebContext, form_data, web_context
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FIELDS = {
    "weekly_pence": "weekly-amount",
    "weekly_hours": "weekly-hours",
    "hourly_rate_pence": "hourly-rate",
    "starts_on": "starts-on-day",
    "ends_on": "ends-on-day",
    "stream": "stream",
    "package_id": "package",
}
DONE = {
    "recorded": "The direct payment is recorded.",
    "ended": "The direct payment's last day is recorded.",
}


def _page(
    request: Request,
    session: Session,
    me: SignedIn,
    person_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str | None = None,
) -> Response:
    service.require_direct_payment_reader(me.actor)
    person = load_person(session, me.actor, person_id)
    payments = service.listed(session, me.actor, person_id=person.id)
    ended_for = packages_ended_for_direct_payment(session, me.actor, person.id)
    name = f"{person.given_name} {person.family_name}"
    return render(
        request,
        "packages/direct_payments.html",
        title=f"Direct payments for {name}",
        status=400 if errors else 200,
        person=person,
        name=name,
        payments=[(p, service.weekly_words(p), STREAM_WORDS[Stream(p.stream)]) for p in payments],
        packages=[("", "None", None)]
        + [(str(p.id), f"Package {p.id}, ended {p.ends_on:%d/%m/%Y}", None) for p in ended_for],
        streams=[(s.value, words, None) for s, words in STREAM_WORDS.items()],
        may_record=me.actor.may(Permission.RECORD_PEOPLE),
        errors=errors,
        values=values or {"stream": "council"},
        done=DONE.get(done or ""),
    )


@router.get("/app/people/{person_id}/direct-payments")
def direct_payments_page(
    request: Request,
    person_id: PathId,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        return _page(request, session, me, person_id, done=done)


def _hours(raw: str, errors: dict[str, str]) -> Decimal | None:
    if not raw:
        return None
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        errors["weekly-hours"] = "Enter the weekly hours as a number, like 7.5"
        return None
    if not hours.is_finite() or not Decimal(0) < hours <= 168:
        errors["weekly-hours"] = "Enter weekly hours more than 0 and at most 168"
        return None
    return hours


@router.post("/app/people/{person_id}/direct-payments")
def record_page(
    request: Request,
    person_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Records a direct payment, as `record_direct_payment` does for the API."""
    errors: dict[str, str] = {}
    amount_raw, hours_raw = forms.text(form, "weekly-amount"), forms.text(form, "weekly-hours")
    weekly = forms.parse_pence(
        amount_raw, errors, anchor="weekly-amount", what="the weekly amount",
        most_pence=MAX_PENCE,
    ) if amount_raw or not hours_raw else None  # fmt: skip
    hours = _hours(hours_raw, errors)
    rate = forms.parse_pence(
        forms.text(form, "hourly-rate"), errors, anchor="hourly-rate", what="the hourly rate",
        most_pence=MAX_PENCE,
    ) if hours_raw else None  # fmt: skip
    starts_on = forms.parse_date(form, "starts-on", "the first day", errors, anchor="starts-on-day")
    ends_on = None
    if any(forms.text(form, f"ends-on-{p}") for p in ("day", "month", "year")):
        ends_on = forms.parse_date(form, "ends-on", "the last day", errors, anchor="ends-on-day")
    package_raw = forms.text(form, "package")
    package_id = forms.record_id(package_raw) if package_raw else None
    if package_raw and package_id is None:
        errors["package"] = "Choose the package this follows, or none"
    with ctx.transaction(form) as (session, me):
        if not errors and starts_on is not None:
            try:
                record_direct_payment(
                    session, actor=me.actor, at=ctx.now(), person_id=person_id,
                    starts_on=starts_on, ends_on=ends_on,
                    stream=forms.text(form, "stream") or "council", weekly_pence=weekly,
                    weekly_hours=hours, hourly_rate_pence=rate, package_id=package_id,
                )  # fmt: skip
            except (InvalidInput, Conflict) as exc:
                forms.domain_error(exc, FIELDS, errors, default="weekly-amount")
        if errors:
            return _page(request, session, me, person_id, errors=errors,
                         values=forms.values(form))  # fmt: skip
        return redirect(f"/app/people/{person_id}/direct-payments?done=recorded")


@router.post("/app/direct-payments/{direct_payment_id}/end")
def end_page(
    request: Request,
    direct_payment_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    """Records a direct payment's last day, as `end_direct_payment` does for the API."""
    errors: dict[str, str] = {}
    anchor = f"last-day-{direct_payment_id}-day"
    last_day = forms.parse_date(form, "last-day", "the last day", errors, anchor=anchor)
    with ctx.transaction(form) as (session, me):
        payment: DirectPayment = service.loaded(session, me.actor, direct_payment_id)
        if not errors and last_day is not None:
            try:
                end_direct_payment(
                    session, actor=me.actor, at=ctx.now(), direct_payment_id=payment.id,
                    ends_on=last_day, reason=forms.text(form, "reason") or None,
                )  # fmt: skip
            except (InvalidInput, Conflict) as exc:
                forms.domain_error(exc, {"ends_on": anchor}, errors, default=anchor)
        if errors:
            return _page(request, session, me, payment.person_id, errors=errors,
                         values=forms.values(form))  # fmt: skip
        return redirect(f"/app/people/{payment.person_id}/direct-payments?done=ended")
