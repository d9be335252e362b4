"""The cascade, driven by random provider answers through the real services and store.

Whatever the providers do (decline for any reason, let the offer lapse, or accept), a
referral only moves down its stored cascade plan in order, one open offer at a time, and
ends placed with the first provider that accepted or exhausted after every provider of
the plan was asked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from homecare.access import SYSTEM_ACTOR
from homecare.accounts.service import actor_for_token
from homecare.brokerage.domain import DeclineReason, OfferStatus, ReferralStatus
from homecare.brokerage.schemas import ReferralCreate
from homecare.brokerage.service import (
    accept_offer,
    decline_offer,
    lapse_overdue_offers,
    refer,
    withdraw_referral,
)
from homecare.brokerage.tables import Offer, Referral
from homecare.calendar import local_date
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.people.domain import nhs_check_digit
from homecare.people.schemas import PersonCreate
from homecare.people.service import record_person
from homecare.workforce.tables import CareWorker
from tests.support import payloads
from tests.support.caseload import hire_care_worker
from tests.support.world import ARMLEY_POSTCODE, MONDAY_10AM, World

SETTINGS = Settings(
    database_url="unused://", offer_response_hours=4, priority_offer_response_hours=1
)
CLOSED_UNANSWERED = {OfferStatus.DECLINED.value, OfferStatus.EXPIRED.value}


def _valid_nhs_numbers() -> Iterator[str]:
    """Fresh NHS numbers in the 999 test range, each with a valid modulus-11 check digit."""
    for serial in itertools.count(500_000):
        first_nine = f"999{serial:06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            yield f"{first_nine}{check}"


_NHS_NUMBERS = _valid_nhs_numbers()


@dataclass(frozen=True)
class Decline:
    reason: DeclineReason


@dataclass(frozen=True)
class Lapse:
    pass


@dataclass(frozen=True)
class Accept:
    days_ahead: int


Answer = Decline | Lapse | Accept

REFUSALS = st.one_of(st.builds(Decline, st.sampled_from(list(DeclineReason))), st.just(Lapse()))
ACCEPTANCES = st.builds(Accept, st.integers(min_value=0, max_value=14))


def _assert_cascade_invariants(engine: Engine, referral_id: int) -> None:
    with unit_of_work(engine) as s:
        referral = s.get(Referral, referral_id)
        assert referral is not None
        plan = [step["provider_id"] for step in referral.cascade_plan]
        offers = sorted(referral.offers, key=lambda o: o.id)  # in the order they were made
        by_provider = {o.provider_id: o for o in offers}
        open_offers = [o for o in offers if o.status == OfferStatus.OPEN.value]
        open_anywhere = s.scalar(
            select(func.count()).select_from(Offer).where(Offer.status == OfferStatus.OPEN.value)
        )

        assert len(set(plan)) == len(plan), "a provider is in the plan twice"
        assert [o.provider_id for o in offers] == plan[: len(offers)], "asked out of plan order"
        assert [o.rank for o in offers] == list(range(1, len(offers) + 1))
        for offer in offers:
            assert referral.cascade_plan[offer.rank - 1] == {
                "provider_id": offer.provider_id,
                "contract_id": offer.contract_id,
            }
        assert len(open_offers) <= 1
        assert open_anywhere == len(open_offers), "another referral still holds an open offer"
        if open_offers:
            assert open_offers[0] is offers[-1]
            assert referral.status == ReferralStatus.OFFERED.value
        assert all(o.status in CLOSED_UNANSWERED for o in offers[:-1])

        if referral.status == ReferralStatus.PLACED.value:
            accepted = [o for o in offers if o.status == OfferStatus.ACCEPTED.value]
            assert len(accepted) == 1
            acceptor_rank = plan.index(accepted[0].provider_id)
            for provider_id in plan[:acceptor_rank]:
                assert provider_id in by_provider, "a provider ranked above was never asked"
                assert by_provider[provider_id].status in CLOSED_UNANSWERED
            assert offers[-1] is accepted[0]
        elif referral.status == ReferralStatus.EXHAUSTED.value:
            assert plan, "a referral with nobody to ask cannot be exhausted"
            assert set(by_provider) == set(plan)
            assert all(o.status in CLOSED_UNANSWERED for o in offers)
        elif referral.status == ReferralStatus.AWAITING_OFFER.value:
            assert plan == [] and offers == []
        else:
            assert referral.status in (ReferralStatus.OFFERED.value, ReferralStatus.WITHDRAWN.value)


def _train_everyone(engine: Engine, world: World) -> None:
    """Lot 2 is offered only to providers with a care worker trained for catheter care:
    one each, once for all the examples sharing the store."""
    with unit_of_work(engine) as s:
        if s.scalar(select(func.count()).select_from(CareWorker)):
            return
    for index, provider in enumerate(world.providers):
        hire_care_worker(
            engine, world, provider=provider, name=f"Trained {index}", skills=["catheter_care"]
        )


def _expected_outcome(plan: list[int], answers: list[Answer]) -> tuple[str, int | None]:
    """What the cascade policy says must happen: the status, and who holds or took it."""
    if not plan:
        return ReferralStatus.AWAITING_OFFER.value, None
    position = 0
    for answer in answers:
        if isinstance(answer, Accept):
            return ReferralStatus.PLACED.value, plan[position]
        position += 1
        if position == len(plan):
            return ReferralStatus.EXHAUSTED.value, None
    return ReferralStatus.OFFERED.value, plan[position]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    refusals=st.lists(REFUSALS, max_size=5),
    acceptance=st.none() | ACCEPTANCES,
    priority=st.booleans(),
    lot=st.sampled_from([1, 2]),
)
def test_whatever_providers_answer_the_referral_moves_down_its_plan_in_order(
    engine: Engine,
    world: World,
    refusals: list[Decline | Lapse],
    acceptance: Accept | None,
    priority: bool,
    lot: int,
) -> None:
    answers: list[Answer] = [*refusals, *([acceptance] if acceptance else [])]
    token_of = {
        world.providers[name]: token
        for name, token in world.tokens.items()
        if name in world.providers
    }
    now: datetime = MONDAY_10AM
    _train_everyone(engine, world)
    with unit_of_work(engine) as s:
        social_worker = actor_for_token(s, world.tokens["social_worker"])
        person = record_person(
            s,
            actor=social_worker,
            at=now,
            data=PersonCreate(
                **payloads.person(nhs_number=next(_NHS_NUMBERS), postcode=ARMLEY_POSTCODE)
            ),
        )
        referral = refer(
            s,
            actor=social_worker,
            at=now,
            data=ReferralCreate(**payloads.referral(person.id, priority=priority, lot=lot)),
            settings=SETTINGS,
        )
        referral_id = referral.id
        plan = [step["provider_id"] for step in referral.cascade_plan]
    given_answers: list[Answer] = []

    try:
        _assert_cascade_invariants(engine, referral_id)
        for answer in answers:
            with unit_of_work(engine) as s:
                offer = s.scalars(
                    select(Offer).where(
                        Offer.referral_id == referral_id, Offer.status == OfferStatus.OPEN.value
                    )
                ).one_or_none()
                if offer is None:
                    break
                given_answers.append(answer)
                if isinstance(answer, Lapse):
                    now = offer.respond_by + timedelta(minutes=1)
                    broker = actor_for_token(s, world.tokens["broker"])
                    lapsed = lapse_overdue_offers(s, actor=broker, at=now, settings=SETTINGS)
                    assert lapsed == 1
                    continue
                provider = actor_for_token(s, token_of[offer.provider_id])
                if isinstance(answer, Decline):
                    note = "A reason of our own" if answer.reason is DeclineReason.OTHER else None
                    decline_offer(
                        s,
                        actor=provider,
                        at=now,
                        offer_id=offer.id,
                        reason=answer.reason,
                        note=note,
                        settings=SETTINGS,
                    )
                else:
                    accept_offer(
                        s,
                        actor=provider,
                        at=now,
                        offer_id=offer.id,
                        agreed_start=local_date(now) + timedelta(days=answer.days_ahead),
                    )
            _assert_cascade_invariants(engine, referral_id)

        status, holder = _expected_outcome(plan, given_answers)
        event(f"ended {status}")
        with unit_of_work(engine) as s:
            ended = s.get(Referral, referral_id)
            assert ended is not None
            assert ended.status == status
            offers = sorted(ended.offers, key=lambda o: o.id)
            if status == ReferralStatus.PLACED.value:
                assert offers[-1].provider_id == holder
                assert offers[-1].status == OfferStatus.ACCEPTED.value
            if status == ReferralStatus.OFFERED.value:
                assert offers[-1].provider_id == holder
                assert offers[-1].status == OfferStatus.OPEN.value
            for offer, answer in zip(offers, given_answers, strict=False):
                if isinstance(answer, Decline):
                    assert (offer.status, offer.decline_reason) == ("declined", answer.reason.value)
                if isinstance(answer, Lapse):
                    assert offer.status == OfferStatus.EXPIRED.value
    finally:
        # Leave no open offer behind: the next example's lapse must find only its own.
        with unit_of_work(engine) as s:
            left = s.get(Referral, referral_id)
            if left is not None and left.status == ReferralStatus.OFFERED.value:
                withdraw_referral(
                    s, actor=SYSTEM_ACTOR, at=now, referral_id=referral_id, reason="end of example"
                )
