"""A referral's page, the list of referrals, and the broker's actions on one referral.

What a role sees of a referral is what the API shows it (`referral_read`): a provider sees
only its own offers and not the cascade behind them.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import Actor, Permission, Role
from homecare.access_log import log_person_read
from homecare.brokerage import service
from homecare.brokerage.domain import NOT_PLACED, DeclineReason, ReferralStatus
from homecare.brokerage.repository import (
    cascade_steps,
    load_referral,
    referral_list,
    referral_read,
    referral_zones,
    skipped_steps,
)
from homecare.brokerage.tables import Referral
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.http import PathId
from homecare.packages.repository import package_of_referral
from homecare.people.repository import person_names, person_or_none
from homecare.web import forms
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.format import sentence
from homecare.web.listing import Filter, ListSpec, page_of, read_query
from homecare.web.render import WebRoute, redirect, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

DONE = {
    "sent": "Referral sent",
    "new-round": "A new round of offers has started",
    "withdrawn": "Referral withdrawn",
}
DECLINE_REASONS = {
    DeclineReason.NO_CAPACITY.value: "No capacity",
    DeclineReason.CANNOT_MEET_START_DATE.value: "Cannot meet the start date",
    DeclineReason.SKILLS_NOT_AVAILABLE.value: "Skills not available",
    DeclineReason.CANNOT_STAFF_VISIT_TIMES.value: "Cannot staff the visit times",
    DeclineReason.OUTSIDE_OPERATING_AREA.value: "Outside the area we work in",
    DeclineReason.OTHER.value: "Other",
}
SOURCES = {
    "social_work": "Social work",
    "hospital_discharge": "Hospital discharge",
    "nhs_neighbourhood_team": "NHS neighbourhood team",
}
STATUSES = {
    ReferralStatus.AWAITING_OFFER.value: "Awaiting an offer",
    ReferralStatus.OFFERED.value: "Offered to a provider",
    ReferralStatus.EXHAUSTED.value: "Every provider declined",
    ReferralStatus.PLACED.value: "Placed",
    ReferralStatus.WITHDRAWN.value: "Withdrawn",
}
SORTS = ("person", "referred", "start", "status")


def referral_list_spec(path: str, zones: dict[int, str], *, statuses: bool = True) -> ListSpec:
    """A list of referrals: searched by the person, filtered by status and zone."""
    filters = [Filter("status", "Status", STATUSES)] if statuses else []
    if zones:
        filters.append(Filter("zone", "Zone", {str(k): v for k, v in zones.items()}))
    return ListSpec(
        path=path,
        noun="referrals",
        search_label="Search referrals",
        search_hint="A person's name, postcode or NHS number",
        sorts=SORTS,
        filters=tuple(filters),
        default_sort="referred",
        default_descending=True,
    )


def may_withdraw(actor: Actor) -> bool:
    return actor.role in (Role.BROKER, Role.COMMISSIONER, Role.SOCIAL_WORKER) or actor.may(
        Permission.BROKER
    )


@router.get("/app/referrals")
def referrals(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        zones = referral_zones(session, me.actor)
        spec = referral_list_spec("/app/referrals", zones)
        query, errors = read_query(request.query_params, spec)
        page = page_of(referral_list(session, me.actor, query), query, spec, errors)
        names = person_names(session, me.actor, {r.person_id for r in page.rows})
        return render(
            request,
            "referrals/list.html",
            title="Referrals",
            page=page,
            names=names,
            zones=zones,
            may_refer=me.actor.may(Permission.REFER),
            errors=errors,
        )


def _referral_page(
    request: Request,
    session: Session,
    actor: Actor,
    referral: Referral,
    *,
    done: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    template: str = "referrals/show.html",
    title: str | None = None,
) -> Response:
    read = referral_read(session, referral, actor)
    person = person_or_none(session, actor, referral.person_id)
    package = package_of_referral(session, actor, referral.id)
    not_placed = referral.status in [s.value for s in NOT_PLACED]
    name = f"{person.given_name} {person.family_name}" if person else f"Referral {referral.id}"
    return render(
        request,
        template,
        title=title or f"Referral for {name}",
        referral=read,
        person=person,
        name=name,
        package=package,
        source=SOURCES.get(read.source.value, read.source.value),
        cascade=cascade_steps(session, referral) if actor.may(Permission.BROKER) else [],
        skipped=skipped_steps(session, referral) if actor.may(Permission.BROKER) else [],
        offers=sorted(read.offers, key=lambda o: (o.cascade_round, o.rank)),
        reasons=DECLINE_REASONS,
        may_recascade=actor.may(Permission.BROKER)
        and referral.status
        in (ReferralStatus.EXHAUSTED.value, ReferralStatus.AWAITING_OFFER.value),
        may_withdraw=not_placed and may_withdraw(actor),
        done=DONE.get(done or ""),
        values=values or {},
        errors=errors,
    )


@router.get("/app/referrals/{referral_id}")
def referral(
    request: Request,
    referral_id: PathId,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        row = load_referral(session, me.actor, referral_id)
        log_person_read(session, me.actor, ctx.now(), row.person_id, "referral", "page")
        return _referral_page(request, session, me.actor, row, done=done)


@router.post("/app/referrals/{referral_id}/recascade")
def recascade(
    referral_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction(form) as (session, me):
        service.recascade(
            session, actor=me.actor, at=ctx.now(), referral_id=referral_id, settings=ctx.settings
        )
    return redirect(f"/app/referrals/{referral_id}?done=new-round")


@router.get("/app/referrals/{referral_id}/withdraw")
def withdraw_form(
    request: Request, referral_id: PathId, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        row = load_referral(session, me.actor, referral_id)
        if not may_withdraw(me.actor):
            raise Forbidden(f"the {me.actor.role.value} role may not withdraw referrals")
        log_person_read(session, me.actor, ctx.now(), row.person_id, "referral", "page")
        return _referral_page(
            request,
            session,
            me.actor,
            row,
            template="referrals/withdraw.html",
            title="Withdraw the referral",
        )


@router.post("/app/referrals/{referral_id}/withdraw")
def withdraw(
    request: Request,
    referral_id: PathId,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    reason = forms.text(form, "reason")
    try:
        with ctx.transaction(form) as (session, me):
            load_referral(session, me.actor, referral_id)
            if len(reason) < 3:
                errors["reason"] = "Enter why you are withdrawing the referral"
            elif len(reason) > 300:
                errors["reason"] = "Reason must be 300 characters or fewer"
            else:
                service.withdraw_referral(
                    session, actor=me.actor, at=ctx.now(), referral_id=referral_id, reason=reason
                )
                return redirect(f"/app/referrals/{referral_id}?done=withdrawn")
    except (InvalidInput, Conflict) as exc:
        errors["reason"] = sentence(exc.message)
    with ctx.transaction() as (session, me):
        row = load_referral(session, me.actor, referral_id)
        return _referral_page(
            request,
            session,
            me.actor,
            row,
            template="referrals/withdraw.html",
            title="Withdraw the referral",
            values=forms.values(form),
            errors=errors,
        )
