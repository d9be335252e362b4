"""A referral's page, the list of referrals, and the broker's actions on one referral.

What a role sees of a referral is what the API shows it (`referral_read`): a provider sees
only its own offers and not the cascade behind them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from homecare.access import (
    Actor,
    Permission,
    Role,
    load_readable,
    readable_packages,
    readable_people,
    readable_referrals,
)
from homecare.brokerage import service
from homecare.brokerage.domain import NOT_PLACED, DeclineReason, ReferralStatus
from homecare.brokerage.repository import referral_read
from homecare.brokerage.tables import Referral
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.market.tables import Contract, Organisation
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.web import forms
from homecare.web.context import WebContext, form_data, web_context
from homecare.web.format import sentence
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
RECENT = 200


def person_names(session: Session, actor: Actor, ids: set[int]) -> dict[int, str]:
    """Names of the people the actor may see, by id."""
    if not ids:
        return {}
    rows = session.scalars(readable_people(actor).where(Person.id.in_(ids)))
    return {p.id: f"{p.given_name} {p.family_name}" for p in rows}


def may_withdraw(actor: Actor) -> bool:
    return actor.role in (Role.BROKER, Role.COMMISSIONER, Role.SOCIAL_WORKER) or actor.may(
        Permission.BROKER
    )


@router.get("/app/referrals")
def referrals(request: Request, ctx: WebContext = Depends(web_context)) -> Response:
    with ctx.transaction() as (session, me):
        rows = list(
            session.scalars(
                readable_referrals(me.actor)
                .order_by(Referral.referred_at.desc(), Referral.id.desc())
                .limit(RECENT)
            )
        )
        names = person_names(session, me.actor, {r.person_id for r in rows})
        return render(
            request,
            "referrals/list.html",
            title="Referrals",
            referrals=rows,
            names=names,
            may_refer=me.actor.may(Permission.REFER),
        )


def _cascade(session: Session, referral: Referral) -> list[dict[str, Any]]:
    """This round's order of providers, each with the answer it gave in this round."""
    offers = {
        o.provider_id: o for o in referral.offers if o.cascade_round == referral.cascade_round
    }
    steps = []
    for rank, step in enumerate(referral.cascade_plan, start=1):
        provider = session.get(Organisation, step["provider_id"])
        contract = session.get(Contract, step["contract_id"])
        offer = offers.get(step["provider_id"])
        steps.append(
            {
                "rank": rank,
                "provider": provider.name if provider else "",
                "role": contract.role if contract else "",
                "status": offer.status if offer else None,
            }
        )
    return steps


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
    person = session.scalars(readable_people(actor).where(Person.id == referral.person_id)).first()
    package = session.scalars(
        readable_packages(actor).where(Package.referral_id == referral.id)
    ).first()
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
        cascade=_cascade(session, referral) if actor.may(Permission.BROKER) else [],
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
    referral_id: int,
    done: str | None = None,
    ctx: WebContext = Depends(web_context),
) -> Response:
    with ctx.transaction() as (session, me):
        row = load_readable(
            session, readable_referrals(me.actor), Referral, referral_id, "referral"
        )
        return _referral_page(request, session, me.actor, row, done=done)


@router.post("/app/referrals/{referral_id}/recascade")
def recascade(
    referral_id: int,
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
    request: Request, referral_id: int, ctx: WebContext = Depends(web_context)
) -> Response:
    with ctx.transaction() as (session, me):
        row = load_readable(
            session, readable_referrals(me.actor), Referral, referral_id, "referral"
        )
        if not may_withdraw(me.actor):
            raise Forbidden(f"the {me.actor.role.value} role may not withdraw referrals")
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
    referral_id: int,
    form: FormData = Depends(form_data),
    ctx: WebContext = Depends(web_context),
) -> Response:
    errors: dict[str, str] = {}
    reason = forms.text(form, "reason")
    try:
        with ctx.transaction(form) as (session, me):
            load_readable(session, readable_referrals(me.actor), Referral, referral_id, "referral")
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
        row = load_readable(
            session, readable_referrals(me.actor), Referral, referral_id, "referral"
        )
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
