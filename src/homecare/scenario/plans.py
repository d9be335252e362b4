"""Who the area's people are and when the month's referrals arrive, drawn from the seed.

Plans are drawn before anything is written, so building the area and streaming its
referrals read the same people in the same order for the same seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from homecare.brokerage.domain import ReferralSource
from homecare.calendar import LONDON, is_working_day
from homecare.geo.directory import PostcodeRow
from homecare.pattern import TimeBand
from homecare.people.domain import nhs_check_digit
from homecare.people.schemas import Gender, PersonCreate, PrimarySupportReason
from homecare.scenario import names
from homecare.scenario.figures import AreaProfile
from homecare.scenario.needs import Need, calibrate, draw_birth_date, draw_need, weighted

LOT2_SKILLS = ["catheter_care", "stoma_care", "peg_feeding", "pressure_care", "diabetes_insulin"]
LOT2_SHARE = 0.2
"""Share of people whose needs call for Lot 2 (high dependency, delegated healthcare)."""
SOUTH_ASIAN_LANGUAGES = (
    ["Gujarati", "English"],
    ["Punjabi", "English"],
    ["Gujarati"],
    ["Urdu", "English"],
    ["Hindi", "English"],
)
CONSENT_RELATIONSHIPS = (
    "daughter, lasting power of attorney (health and welfare)",
    "son, lasting power of attorney (health and welfare)",
    "court-appointed deputy",
)
AUTHORISED_DELAYS = (
    "Discharge date not yet confirmed by the ward",
    "The person asked to start after a family visit",
    "Equipment (hoist) to be fitted before the first visit",
)


class NhsNumbers:
    """NHS numbers from the 999 range kept for testing, each with a valid check digit."""

    def __init__(self, rng: random.Random) -> None:
        self._next = 999_000_000 + rng.randint(0, 900_000)

    def __call__(self) -> str:
        while True:
            stem = str(self._next)
            self._next += 1
            check = nhs_check_digit(stem)
            if check is not None:
                return stem + str(check)


@dataclass
class PersonPlan:
    """A person before they are recorded: who they are, where they live, what they need."""

    given_name: str
    family_name: str
    born: date
    point: PostcodeRow
    address: str
    ethnicity: str
    languages: list[str]
    need: Need
    outcomes: list[str]
    consent_by: tuple[str, str] | None


@dataclass
class ReferralPlan:
    """A person arriving during the month: when, from whom, and how soon care must start."""

    person: PersonPlan
    at: datetime
    source: ReferralSource
    priority: bool
    required_start: date
    authorised_delay: str | None


def plan_people(
    rng: random.Random, profile: AreaProfile, points: list[PostcodeRow], on: date
) -> list[PersonPlan]:
    """The area's people with needs calibrated to its weekly hours and two-handed share."""
    needs = [draw_need(rng, LOT2_SHARE) for _ in range(profile.people)]
    calibrate(needs, profile.weekly_hours, profile.two_handed_share)
    for need in needs:
        if need.lot == 2:
            skill = rng.choice(LOT2_SKILLS)
            need.pattern = [
                replace(v, skill=skill) if v.band in (TimeBand.MORNING, TimeBand.BED) else v
                for v in need.pattern
            ]
    return [_plan_person(rng, profile, points, on, need) for need in needs]


def _plan_person(
    rng: random.Random, profile: AreaProfile, points: list[PostcodeRow], on: date, need: Need
) -> PersonPlan:
    """One person, with names, languages and an address fitting the area's population."""
    ethnicity = weighted(rng, profile.ethnicity)
    south_asian = ethnicity.startswith("Asian")
    born = draw_birth_date(rng, on)
    older = (on.year - born.year) >= 60
    given_names = names.GIVEN_OLDER if older else names.GIVEN_YOUNGER
    given = rng.choice(names.GIVEN_SOUTH_ASIAN if south_asian else given_names)
    family = rng.choice(names.FAMILY_SOUTH_ASIAN if south_asian else names.FAMILY)
    point = rng.choice(points)
    district = names.DISTRICTS.get(point.ward_code, profile.town)
    street = f"{rng.randint(1, 180)} {rng.choice(names.STREETS[profile.key])}"
    languages = _languages(rng, ethnicity, south_asian)
    consent_by = _consent_by(rng, need, family)
    outcomes = rng.sample(names.OUTCOMES, k=rng.randint(2, 3))
    address = f"{street}, {district}, {profile.town}"
    return PersonPlan(
        given, family, born, point, address, ethnicity, languages, need, outcomes, consent_by
    )


def _languages(rng: random.Random, ethnicity: str, south_asian: bool) -> list[str]:
    if south_asian:
        return list(rng.choice(SOUTH_ASIAN_LANGUAGES))
    if ethnicity == "White - other" and rng.random() < 0.5:
        return ["Polish", "English"]
    return ["English"]


def _consent_by(rng: random.Random, need: Need, family: str) -> tuple[str, str] | None:
    """Half the most dependent people have someone who may consent for them."""
    if need.dependency > 0.75 and rng.random() < 0.5:
        return (f"{rng.choice(names.GIVEN_YOUNGER)} {family}", rng.choice(CONSENT_RELATIONSHIPS))
    return None


def plan_referrals(
    rng: random.Random,
    profile: AreaProfile,
    people: list[PersonPlan],
    month_start: date,
    month_end: date,
) -> list[ReferralPlan]:
    """Which people arrive as referrals during the month, when and how."""
    arriving = rng.sample(people, k=min(profile.referrals_per_month, len(people)))
    days = (month_end - month_start).days + 1
    plans = [_plan_referral(rng, profile, person, month_start, days) for person in arriving]
    return sorted(plans, key=lambda p: p.at)


def _plan_referral(
    rng: random.Random, profile: AreaProfile, person: PersonPlan, month_start: date, days: int
) -> ReferralPlan:
    """Social workers refer in office hours on working days; hospitals and the NHS
    neighbourhood teams through the long day, the nurses' referrals all for Lot 2."""
    nhs = rng.random() < profile.nhs_share_of_referrals
    if nhs:
        source = ReferralSource.NHS_NEIGHBOURHOOD_TEAM
        person.need.lot = 2
    else:
        source = rng.choice((ReferralSource.SOCIAL_WORK, ReferralSource.HOSPITAL_DISCHARGE))
    day = month_start + timedelta(days=rng.randrange(days))
    if source is ReferralSource.SOCIAL_WORK:
        while not is_working_day(day):
            day -= timedelta(days=1) if day > month_start else timedelta(days=-1)
    hour = rng.uniform(9, 17) if source is ReferralSource.SOCIAL_WORK else rng.uniform(8, 19)
    at = datetime.combine(day, time(int(hour), int(hour % 1 * 60)), LONDON)
    priority = source is ReferralSource.HOSPITAL_DISCHARGE and rng.random() < 0.5
    delay = None
    if priority:
        start = day + timedelta(days=rng.choice((0, 1, 1)))
    else:
        start = day + timedelta(days=rng.choice((1, 1, 2, 2, 3, 7, 10)))
        if (start - day).days > 3:
            delay = rng.choice(AUTHORISED_DELAYS)
    return ReferralPlan(person, at, source, priority, start, delay)


SUPPORT_REASONS = (
    (PrimarySupportReason.PERSONAL_CARE, 70),
    (PrimarySupportReason.MEMORY_AND_COGNITION, 14),
    (PrimarySupportReason.ACCESS_AND_MOBILITY, 6),
    (PrimarySupportReason.MENTAL_HEALTH, 4),
    (PrimarySupportReason.LEARNING_DISABILITY, 3),
    (PrimarySupportReason.VISUAL, 2),
    (PrimarySupportReason.SOCIAL_ISOLATION, 1),
)
"""Shares (%) of primary support reasons among people in home support; personal care
and memory and cognition dominate in older people's home care."""


def support_reason(plan: PersonPlan, nhs_number: str) -> PrimarySupportReason:
    """A reason drawn from the shares, by the NHS number so it costs the area's random
    stream nothing; delegated healthcare (Lot 2) is personal care."""
    if plan.need.lot == 2:
        return PrimarySupportReason.PERSONAL_CARE
    ticket = int(nhs_number) % 100
    for reason, share in SUPPORT_REASONS:
        if ticket < share:
            return reason
        ticket -= share
    return PrimarySupportReason.PERSONAL_CARE


def person_create(plan: PersonPlan, nhs_number: str, council_id: int | None = None) -> PersonCreate:
    """The planned person as the record a social worker or nurse would make."""
    return PersonCreate(
        nhs_number=nhs_number,
        given_name=plan.given_name,
        family_name=plan.family_name,
        date_of_birth=plan.born,
        address=plan.address,
        postcode=plan.point.postcode,
        languages=plan.languages,
        ethnicity=plan.ethnicity,
        consent_by_name=plan.consent_by[0] if plan.consent_by else None,
        consent_by_relationship=plan.consent_by[1] if plan.consent_by else None,
        gender=Gender.FEMALE if plan.given_name in names.FEMALE_GIVEN else Gender.MALE,
        primary_support_reason=support_reason(plan, nhs_number),
        council_id=council_id,
    )
