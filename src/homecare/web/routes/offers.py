"""A provider manager's offers: accept with an agreed start date, or decline with a reason.

The pages call `accept_offer` and `decline_offer` exactly as the API does; an offer of
another provider is "Page not found", as it is a 404 in the API.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission, require
from homecare.access_log import log_person_read
from homecare.brokerage import service
from homecare.brokerage.domain import DeclineReason, OfferStatus
from homecare.brokerage.repository import load_offer, offer_list, offer_read
from homecare.errors import Conflict, InvalidInput
from homecare.http import PathId
from homecare.people.repository import person_names, person_or_none
from homecare.web import forms
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.listing import Filter, ListSpec, page_of, read_query, rows_of
from homecare.web.render import WebRoute, redirect, render
from homecare.web.routes.referrals import DECLINE_REASONS

router = APIRouter(route_class=WebRoute, include_in_schema=False)

DONE = {"declined": "Offer declined. It has gone to the next provider."}
STATUSES = {
    OfferStatus.OPEN.value: "Waiting for your answer",
    OfferStatus.ACCEPTED.value: "Accepted",
    OfferStatus.DECLINED.value: "Declined",
    OfferStatus.EXPIRED.value: "Lapsed",
    OfferStatus.WITHDRAWN.value: "Withdrawn",
}
LIST = ListSpec(
    path="/app/offers",
    noun="offers",
    search_label="Search offers",
    search_hint="A person's name, postcode or NHS number",
    sorts=("due", "offered", "answer-by", "hours", "status"),
    filters=(Filter("status", "Status", STATUSES),),
    default_sort="due",
)
"""Open offers first, priority and the soonest due first, then the latest answered."""


@router.get("/app/offers")
def offers(
    request: Request, done: str | None = None, ctx: WebContext = Depends(web_context)
) -> Response:
    query, errors = read_query(request.query_params, LIST)
    with ctx.transaction() as (session, me):
        require(me.actor, Permission.RESPOND_TO_OFFERS)
        page = page_of(offer_list(session, me.actor, query), query, LIST, errors)
        names = person_names(session, me.actor, {o.referral.person_id for o in page.rows})
        return render(
            request,
            "offers/list.html",
            title="Offers",
            page=rows_of(page, [offer_read(session, o, me.actor) for o in page.rows]),
            names=names,
            reasons=DECLINE_REASONS,
            done=DONE.get(done or ""),
            errors=errors,
        )


def _offer_page(
    request: Request,
    session: Session,
    actor: Actor,
    ctx: WebContext,
    offer_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    log_read: bool = False,
) -> Response:
    """The offer, with the person while it shows them; `log_read` when the page is opened."""
    require(actor, Permission.RESPOND_TO_OFFERS)
    offer = load_offer(session, actor, offer_id)
    read = offer_read(session, offer, actor)
    person = person_or_none(session, actor, read.person_id) if read.person_id else None
    if log_read and person is not None:
        log_person_read(session, actor, ctx.now(), person.id, "offer", "page")
    name = f"{person.given_name} {person.family_name}" if person else ""
    answerable = offer.status == OfferStatus.OPEN.value and ctx.now() <= offer.respond_by
    return render(
        request,
        "offers/show.html",
        title=f"Offer for {name}" if name else f"Offer {offer.id}",
        offer=read,
        name=name,
        person=person,
        answerable=answerable,
        reasons=[(value, label, None) for value, label in DECLINE_REASONS.items()],
        reason_labels=DECLINE_REASONS,
        values=forms.date_values("agreed-start", read.required_start) if values is None else values,
        errors=errors,
    )


@router.get("/app/offers/{offer_id}")
def offer(request: Request, offer_id: PathId, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        return _offer_page(request, session, me.actor, ctx, offer_id, log_read=True)


def _refused(
    request: Request, ctx: WebContext, offer_id: int, form: FormData, errors: dict[str, str]
) -> Response:
    with ctx.transaction() as (session, me):
        return _offer_page(
            request, session, me.actor, ctx, offer_id, values=forms.values(form), errors=errors
        )


@router.post("/app/offers/{offer_id}/accept")
def accept(
    request: Request,
    offer_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    try:
        with ctx.transaction(form) as (session, me):
            require(me.actor, Permission.RESPOND_TO_OFFERS)
            load_offer(session, me.actor, offer_id)
            starts = forms.parse_date(
                form, "agreed-start", "the agreed start date", errors, anchor="agreed-start-day"
            )
            if starts is not None:
                package = service.accept_offer(
                    session, actor=me.actor, at=ctx.now(), offer_id=offer_id, agreed_start=starts
                )
                return redirect(f"/app/packages/{package.id}?done=accepted")
    except InvalidInput as exc:
        errors["agreed-start-day"] = sentence(exc.message)
    except Conflict as exc:
        errors["offer"] = sentence(exc.message)
    return _refused(request, ctx, offer_id, form, errors)


@router.post("/app/offers/{offer_id}/decline")
def decline(
    request: Request,
    offer_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    reason = forms.text(form, "reason")
    note = forms.text(form, "note")
    try:
        with ctx.transaction(form) as (session, me):
            require(me.actor, Permission.RESPOND_TO_OFFERS)
            load_offer(session, me.actor, offer_id)
            if reason not in DECLINE_REASONS:
                errors["reason"] = "Select why you are declining the offer"
            if reason == DeclineReason.OTHER.value and not note:
                errors["note"] = "Enter why you are declining the offer"
            elif len(note) > 500:
                errors["note"] = "The reason must be 500 characters or fewer"
            if not errors:
                service.decline_offer(
                    session,
                    actor=me.actor,
                    at=ctx.now(),
                    offer_id=offer_id,
                    reason=DeclineReason(reason),
                    note=note or None,
                    settings=ctx.settings,
                )
                return redirect("/app/offers?done=declined")
    except InvalidInput as exc:
        errors["note" if exc.field == "note" else "reason"] = sentence(exc.message)
    except Conflict as exc:
        errors["offer"] = sentence(exc.message)
    return _refused(request, ctx, offer_id, form, errors)
