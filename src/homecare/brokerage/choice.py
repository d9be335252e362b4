"""The person's choice of provider (000 §4.8; 003: "choice for service users").

A person may name the provider they want. One holding a live contract in the referral's
lot and zone is simply asked first. One without needs a reason, and is bought from by a
spot purchase: a contract row of role 'spot' for that provider, lot and zone, sized to the
referral and priced at the rate agreed with it, so the package that follows has a contract
and a rate like any other. A spot contract serves its own referral only: the cascade never
offers it anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor
from homecare.brokerage.skills import providers_short
from homecare.brokerage.tables import Referral
from homecare.calendar import local_date
from homecare.errors import InvalidInput
from homecare.market.contracts import first_version
from homecare.market.domain import (
    DEFAULT_RATING_THRESHOLD,
    ContractRole,
    CqcRating,
    OrganisationKind,
    rating_below,
)
from homecare.market.tables import Contract, Organisation
from homecare.units import pence_of_pounds

RATING_WORDS = {
    CqcRating.OUTSTANDING: "Outstanding",
    CqcRating.GOOD: "Good",
    CqcRating.REQUIRES_IMPROVEMENT: "Requires improvement",
    CqcRating.INADEQUATE: "Inadequate",
    CqcRating.NOT_RATED: "Not yet rated",
}


@dataclass(frozen=True)
class Choice:
    """A checked preference: the provider, and the contract it would be paid under."""

    provider: Organisation
    reason: str | None
    contracted: bool


def live_contracts(session: Session, referral: Referral) -> list[Contract]:
    """Contracts able to take the referral: live in its lot and zone on its start date;
    no spot purchase but its own."""
    return list(
        session.scalars(
            select(Contract).where(
                Contract.council_id == referral.council_id,
                Contract.lot_id == referral.lot_id,
                Contract.zone_id == referral.zone_id,
                Contract.starts_on <= referral.required_start,
                (Contract.ends_on.is_(None)) | (Contract.ends_on >= referral.required_start),
                (Contract.role != ContractRole.SPOT.value)
                | (Contract.id == referral.spot_contract_id),
            )
        )
    )


def check_choice(
    session: Session, referral: Referral, provider_id: int, reason: str | None
) -> Choice:
    """Refuses a choice the council cannot honour (rated too low, or no staff trained for
    the referral's tasks), saying why, before anything is written."""
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != OrganisationKind.PROVIDER.value:
        raise InvalidInput(
            f"organisation {provider_id} is not a home care provider",
            field="preferred_provider_id",
        )
    council = session.get(Organisation, referral.council_id)
    threshold_value = council.rating_threshold if council else None
    threshold = CqcRating(threshold_value) if threshold_value else DEFAULT_RATING_THRESHOLD
    rating = CqcRating(provider.rating_overall) if provider.rating_overall else CqcRating.NOT_RATED
    if rating_below(rating, threshold):
        raise InvalidInput(
            f"{provider.name} is rated {RATING_WORDS[rating]} by CQC, below the council's "
            f"lowest acceptable rating ({RATING_WORDS[threshold]}), so care cannot be bought "
            "from it",
            field="preferred_provider_id",
        )
    short = providers_short(session, referral, [provider.id])
    if short:
        raise InvalidInput(
            f"{provider.name} has {short[provider.id]}, so it cannot take this referral",
            field="preferred_provider_id",
        )
    reason = (reason or "").strip() or None
    contracted = any(c.provider_id == provider.id for c in live_contracts(session, referral))
    if not contracted and reason is None:
        raise InvalidInput(
            f"{provider.name} has no contract for this lot and zone: say why the person wants it",
            field="preference_reason",
        )
    return Choice(provider=provider, reason=reason, contracted=contracted)


def contracted_rate(session: Session, referral: Referral) -> int | None:
    """The highest hourly rate (pence) the council pays under contract in the lot and zone:
    the spot rate when none was agreed, so a spot purchase costs no more than a contract."""
    rates = [c.hourly_rate_pence for c in live_contracts(session, referral)]
    return max(rates) if rates else None


def buy_spot(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    referral: Referral,
    provider: Organisation,
    hourly_rate: Decimal | None,
) -> Contract:
    """The spot purchase for a non-contracted choice: one contract row, audited."""
    pence = (
        pence_of_pounds(hourly_rate)
        if hourly_rate is not None
        else contracted_rate(session, referral)
    )
    if pence is None:
        raise InvalidInput(
            f"no provider has a contract for this lot and zone to take a rate from: enter "
            f"the hourly rate agreed with {provider.name}",
            field="spot_hourly_rate",
        )
    contract = Contract(
        council_id=referral.council_id,
        provider_id=provider.id,
        lot_id=referral.lot_id,
        zone_id=referral.zone_id,
        role=ContractRole.SPOT.value,
        hourly_rate_pence=pence,
        weekly_capacity_minutes=referral.weekly_minutes,
        starts_on=min(local_date(at), referral.required_start),
        ends_on=None,
        flex_up_percent=0,
        flex_down_percent=0,
    )
    session.add(contract)
    session.flush()
    session.add(first_version(contract, actor=actor, at=at, conditions=[], override_reason=None))
    referral.spot_contract_id = contract.id
    audit.record(
        session,
        actor=actor,
        at=at,
        action="contract.created",
        entity="contract",
        entity_id=contract.id,
        provider_id=provider.id,
        zone_id=referral.zone_id,
        role=ContractRole.SPOT.value,
        hourly_rate_pence=pence,
        referral_id=referral.id,
    )
    return contract


def record_choice(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    referral: Referral,
    provider_id: int,
    reason: str | None,
    hourly_rate: Decimal | None,
) -> None:
    """Checks the person's choice, buys spot when it must, and audits the choice."""
    choice = check_choice(session, referral, provider_id, reason)
    if choice.contracted and hourly_rate is not None:
        raise InvalidInput(
            f"{choice.provider.name} is paid its contract's rate here: leave the spot rate empty",
            field="spot_hourly_rate",
        )
    referral.preferred_provider_id = choice.provider.id
    referral.preference_reason = choice.reason
    if not choice.contracted:
        buy_spot(
            session,
            actor=actor,
            at=at,
            referral=referral,
            provider=choice.provider,
            hourly_rate=hourly_rate,
        )
    audit.record(
        session,
        actor=actor,
        at=at,
        action="referral.choice_recorded",
        entity="referral",
        entity_id=referral.id,
        preferred_provider_id=choice.provider.id,
        reason=choice.reason,
        spot_purchase=not choice.contracted,
    )


def choice_text(provider_name: str | None, reason: str | None) -> str | None:
    """ "Person's choice: Aire Homecare (lives next door)", as the pages and the API say it."""
    if provider_name is None:
        return None
    return f"Person's choice: {provider_name}" + (f" ({reason})" if reason else "")
