"""Each provider's care workers: enough for the hours it holds, on the area's contracts.

Teams work five 7.5-hour shifts a week with two days off together, half on earlies and
half on lates (ADR 0006); contract types and travel modes follow the area's figures.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, time

from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR
from homecare.geo.directory import SHIPPED, PostcodeRow, read_csv
from homecare.pattern import Day
from homecare.scenario import names
from homecare.scenario.figures import CONTACT_SHARE_OF_SHIFT, AreaProfile
from homecare.scenario.plans import LOT2_SKILLS
from homecare.scenario.providers import Assignment, Contracts, lot_id
from homecare.workforce.domain import ContractType, TravelMode
from homecare.workforce.schemas import CareWorkerCreate
from homecare.workforce.service import add_care_worker

EARLY = (time(7, 0), time(14, 30))
LATE = (time(14, 30), time(22, 0))
DAY_ORDER = list(Day)
SHIFT_HOURS = 7.5
SPARE_STAFF = 1.2
"""Teams carry a fifth more staff than the hours need, for leave, sickness and travel."""
SMALLEST_TEAM = 6


def employ_staff(
    session: Session,
    rng: random.Random,
    profile: AreaProfile,
    contracts: Contracts,
    assignment: Assignment,
    at: datetime,
) -> None:
    """Enough care workers for each provider's hours, on the area's kinds of contract."""
    points = read_csv(SHIPPED[profile.postcodes])
    for index, held in enumerate(contracts.values()):
        minutes = sum(
            p.need.carer_minutes for (i, _lot), ps in assignment.items() if i == index for p in ps
        )
        contact_per_worker = 37.5 * 60 * CONTACT_SHARE_OF_SHIFT
        count = max(SMALLEST_TEAM, math.ceil(minutes / contact_per_worker * SPARE_STAFF))
        has_lot2 = any(c.lot_id == lot_id(contracts, 2) for c in held)
        for index_in_team in range(count):
            _add_worker(
                session,
                rng,
                profile,
                held[0].provider_id,
                has_lot2,
                points,
                at,
                shift_pattern(index_in_team),
            )


def shift_pattern(index: int) -> dict[Day, tuple[time, time]]:
    """Five 7.5-hour shifts a week with two days off together, staggered through the team
    so every day is staffed; half the team works earlies (morning and lunch calls), half
    lates (tea and bed calls)."""
    off = {DAY_ORDER[index % 7], DAY_ORDER[(index + 1) % 7]}
    hours = EARLY if index % 2 == 0 else LATE
    return {day: hours for day in DAY_ORDER if day not in off}


def _add_worker(
    session: Session,
    rng: random.Random,
    profile: AreaProfile,
    provider_id: int,
    has_lot2: bool,
    points: list[PostcodeRow],
    at: datetime,
    pattern: dict[Day, tuple[time, time]],
) -> None:
    kind, hours = _contract(rng, profile)
    mode = _travel_mode(rng, profile)
    skills = _skills(rng, has_lot2)
    languages = _languages(rng, profile)
    home = rng.choice(points)
    given = rng.choice(names.GIVEN_YOUNGER + names.GIVEN_SOUTH_ASIAN)
    add_care_worker(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        provider_id=provider_id,
        data=CareWorkerCreate(
            name=f"{given} {rng.choice(names.FAMILY + names.FAMILY_SOUTH_ASIAN)}",
            contract_type=kind,
            weekly_contracted_hours=hours,
            shift_hours=SHIFT_HOURS,
            skills=skills,
            languages=languages,
            travel_mode=mode,
            home_postcode=home.postcode,
            shift_pattern=pattern,
        ),
    )


def _contract(rng: random.Random, profile: AreaProfile) -> tuple[ContractType, float]:
    """Salaried, zero-hours or guaranteed hours, in the area's shares."""
    draw = rng.random()
    if draw < profile.salaried_share:
        return ContractType.SALARIED_BLOCK, 37.5
    if draw < profile.salaried_share + profile.zero_hours_share:
        return ContractType.ZERO_HOURS, 0.0
    return ContractType.GUARANTEED_HOURS, float(rng.choice((16, 20, 24, 30)))


def _travel_mode(rng: random.Random, profile: AreaProfile) -> TravelMode:
    travel = rng.random()
    if travel < profile.walk_share:
        return TravelMode.WALK
    if travel < profile.walk_share + profile.cycle_share:
        return TravelMode.CYCLE
    return TravelMode.DRIVE


def _skills(rng: random.Random, has_lot2: bool) -> list[str]:
    """Providers holding Lot 2 train most of their staff for the delegated tasks."""
    skills = ["personal_care", "medication", "moving_and_handling"]
    if rng.random() < 0.5:
        skills.append("dementia")
    if has_lot2 and rng.random() < 0.8:
        skills += rng.sample(LOT2_SKILLS, k=rng.randint(3, 5))
    return skills


def _languages(rng: random.Random, profile: AreaProfile) -> list[str]:
    """Many of Leicester's carers speak a South Asian language as well as English."""
    languages = ["English"]
    if profile.key == "leicester" and rng.random() < 0.4:
        languages.append(rng.choice(("Gujarati", "Punjabi", "Hindi", "Urdu")))
    elif rng.random() < 0.08:
        languages.append(rng.choice(("Polish", "Urdu", "Romanian")))
    return languages
