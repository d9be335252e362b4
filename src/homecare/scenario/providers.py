"""The area's providers, their contracts and the caseload they already hold.

A zoned area (the Leeds pilot) has a primary provider for each lot in its zone and a
framework behind them; a city-wide area (Leicester) has the framework alone, so nobody is
primary and larger providers hold more of the caseload.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import local_date
from homecare.market import service as market
from homecare.market.contracts import checked_conditions
from homecare.market.domain import ContractRole, CqcRating, OrganisationKind
from homecare.market.tables import Contract, Organisation
from homecare.packages.service import transfer_in_package
from homecare.people.service import record_person
from homecare.scenario import names
from homecare.scenario.figures import AreaProfile
from homecare.scenario.needs import weighted
from homecare.scenario.plans import NhsNumbers, PersonPlan, person_create

RATINGS = (
    (CqcRating.GOOD, 0.74),
    (CqcRating.OUTSTANDING, 0.08),
    (CqcRating.REQUIRES_IMPROVEMENT, 0.16),
    (CqcRating.INADEQUATE, 0.02),
)
LOT2_PROVIDERS_ZONED = [1, 2, 3, 4]
"""In a zoned area the Lot 2 primary and three of the framework hold Lot 2."""
LOT2_SHARE_OF_FRAMEWORK = 0.6
"""In a city-wide area, the share of the framework that also holds Lot 2."""
FIRST_CITY_WIDE_NAME = 7
"""City-wide areas take provider names after the zoned pilot's."""

Assignment = dict[tuple[int, int], list[PersonPlan]]
"""People of the existing caseload by (provider index, lot)."""
Contracts = dict[str, list[Contract]]
"""Each provider's contracts, by name, in the order the providers were created."""


def ratings(rng: random.Random) -> dict[str, str | None]:
    """An overall CQC rating, with the key questions mostly agreeing with it."""
    overall = weighted(rng, RATINGS)
    keys = {}
    for question in ("safe", "effective", "caring", "responsive", "well_led"):
        keys[question] = (overall if rng.random() < 0.7 else weighted(rng, RATINGS)).value
    if overall is CqcRating.GOOD and rng.random() < 0.3:
        keys["caring"] = CqcRating.OUTSTANDING.value
    return {"overall": overall.value, **keys}


def assign_caseload(
    rng: random.Random, profile: AreaProfile, caseload: list[PersonPlan], lot2_providers: list[int]
) -> Assignment:
    """Zoned areas: most people with the zone's primary for their lot, some with the
    framework. City-wide: spread over the framework, larger providers holding more."""
    assignment: Assignment = defaultdict(list)
    weights = [1 / (i + 1) ** 0.8 for i in range(profile.providers)]
    for person in caseload:
        lot = person.need.lot
        if profile.zoned:
            primary = 0 if lot == 1 else 1
            others = [i for i in range(2, profile.providers) if lot == 1 or i in lot2_providers]
            provider = primary if rng.random() < 0.9 else rng.choice(others)
        else:
            pool = list(range(profile.providers)) if lot == 1 else lot2_providers
            provider = rng.choices(pool, weights=[weights[i] for i in pool], k=1)[0]
        assignment[(provider, lot)].append(person)
    return assignment


def build_providers(
    session: Session,
    rng: random.Random,
    profile: AreaProfile,
    council_id: int,
    zone_id: int,
    caseload: list[PersonPlan],
    at: datetime,
) -> tuple[Contracts, Assignment]:
    """Every provider with its contracts, each contract's capacity a little above the
    caseload it already holds."""
    lot2_providers = (
        LOT2_PROVIDERS_ZONED
        if profile.zoned
        else sorted(
            rng.sample(range(profile.providers), k=int(profile.providers * LOT2_SHARE_OF_FRAMEWORK))
        )
    )
    assignment = assign_caseload(rng, profile, caseload, lot2_providers)
    starts_on = date(2024, 9, 9) if profile.zoned else date(2024, 4, 1)
    contracts: Contracts = {}
    for index in range(profile.providers):
        name = names.PROVIDER_NAMES[index if profile.zoned else index + FIRST_CITY_WIDE_NAME]
        provider = market.create_organisation(
            session,
            actor=SYSTEM_ACTOR,
            at=at,
            kind=OrganisationKind.PROVIDER,
            name=name,
            cqc_location_id=f"1-{rng.randint(100_000_000, 9_999_999_999)}",
            ratings=ratings(rng),
            phone=f"0113 496 {index:04d}",
            workforce_data_set_on=local_date(at) - timedelta(days=30 + 11 * index),
        )
        contracts[name] = []
        for lot in _lots(profile, index, lot2_providers):
            low, high = profile.lot1_rates_pence if lot == 1 else profile.lot2_rates_pence
            held = sum(p.need.carer_minutes for p in assignment.get((index, lot), []))
            capacity = int(held * rng.uniform(1.04, 1.15)) + rng.randint(10, 60) * 60
            contracts[name].append(
                market.create_contract(
                    session,
                    actor=SYSTEM_ACTOR,
                    at=at,
                    provider_id=provider.id,
                    lot_number=lot,
                    zone_id=zone_id,
                    role=_role(profile, index, lot),
                    hourly_rate_pence=rng.randint(low, high),
                    weekly_capacity_minutes=capacity,
                    starts_on=starts_on,
                    council_id=council_id,
                    override_reason=_override(session, council_id, provider, at),
                )
            )
    return contracts, assignment


IMPROVEMENT_PLAN = (
    "Working towards Good under a CQC improvement plan: self-assessment statement received"
    " at award (001 4.8k)"
)


def _override(
    session: Session, council_id: int, provider: Organisation, at: datetime
) -> str | None:
    """A provider short of the conditions was let its contract on its improvement plan, as
    001 allows; the override says so."""
    results = checked_conditions(
        session, council_id=council_id, provider=provider, today=local_date(at)
    )
    return None if all(r.met for r in results) else IMPROVEMENT_PLAN


def _lots(profile: AreaProfile, index: int, lot2_providers: list[int]) -> list[int]:
    """The zoned pilot's second provider is its Lot 2 primary and holds Lot 2 alone."""
    if profile.zoned and index == 1:
        return [2]
    return [1, 2] if index in lot2_providers else [1]


def _role(profile: AreaProfile, index: int, lot: int) -> ContractRole:
    """In a zoned area the first provider is Lot 1's primary and the second Lot 2's."""
    if profile.zoned and index == lot - 1:
        return ContractRole.PRIMARY
    return ContractRole.FRAMEWORK


def move_caseload_in(
    session: Session,
    rng: random.Random,
    council_id: int,
    contracts: Contracts,
    assignment: Assignment,
    nhs_numbers: NhsNumbers,
    at: datetime,
    month_start: date,
) -> None:
    """The people already receiving care, moved in from the council's old system with
    packages that started up to two and a half years ago."""
    names_in_order = list(contracts)
    for (index, lot), people in sorted(assignment.items()):
        contract = next(
            c for c in contracts[names_in_order[index]] if c.lot_id == lot_id(contracts, lot)
        )
        for plan in people:
            person = record_person(
                session,
                actor=SYSTEM_ACTOR,
                at=at,
                data=person_create(plan, nhs_numbers(), council_id),
            )
            transfer_in_package(
                session,
                actor=SYSTEM_ACTOR,
                at=at,
                person_id=person.id,
                contract=contract,
                pattern=plan.need.pattern,
                outcomes=plan.outcomes,
                starts_on=month_start - timedelta(days=rng.randint(14, 900)),
            )


def lot_id(contracts: Contracts, lot: int) -> int:
    """Contracts carry lot ids; lot 1 and lot 2 were created in that order."""
    ids = sorted({c.lot_id for cs in contracts.values() for c in cs})
    return ids[lot - 1]
