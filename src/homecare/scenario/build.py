"""Builds a realistic area into the store from a seed: the market, staff and caseload.

`build_area` writes one council's home care as it stands on the first day of the month:
lots, zones from real LSOAs, providers with CQC ratings and contracts, salaried care
workers, and the people already receiving care with their packages. It returns the
referrals that will arrive during the month, for `simulate.run_month` to stream through
brokerage.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR, Actor, Role
from homecare.accounts.service import create_user
from homecare.brokerage.domain import Day, ReferralSource, TimeBand
from homecare.calendar import LONDON, is_working_day
from homecare.geo.directory import SHIPPED, PostcodeRow, import_rows, read_csv
from homecare.market import service as market
from homecare.market.domain import ContractRole, CqcRating, OrganisationKind
from homecare.market.tables import Contract
from homecare.packages.service import transfer_in_package
from homecare.packages.tables import Package
from homecare.people.domain import nhs_check_digit
from homecare.people.schemas import Gender, PersonCreate, PrimarySupportReason
from homecare.people.service import record_person
from homecare.scenario import names
from homecare.scenario.figures import CONTACT_SHARE_OF_SHIFT, AreaProfile
from homecare.scenario.needs import Need, calibrate, draw_birth_date, draw_need, weighted
from homecare.text import slug
from homecare.workforce.domain import ContractType, TravelMode
from homecare.workforce.schemas import CareWorkerCreate
from homecare.workforce.service import add_care_worker
from homecare.workforce.tables import CareWorker

LOT2_SKILLS = ["catheter_care", "stoma_care", "peg_feeding", "pressure_care", "diabetes_insulin"]
RATINGS = (
    (CqcRating.GOOD, 0.74),
    (CqcRating.OUTSTANDING, 0.08),
    (CqcRating.REQUIRES_IMPROVEMENT, 0.16),
    (CqcRating.INADEQUATE, 0.02),
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
    person: PersonPlan
    at: datetime
    source: ReferralSource
    priority: bool
    required_start: date
    authorised_delay: str | None


@dataclass
class Area:
    profile: AreaProfile
    council_id: int
    trust_id: int
    zone_ids: list[int]
    provider_ids: dict[str, int]
    primary_ids: set[int]
    referrals: list[ReferralPlan]
    tokens: dict[str, str] = field(default_factory=dict)
    """Demo users' bearer tokens, by a label such as 'broker'."""
    actors: dict[str, Actor] = field(default_factory=dict)
    """The same demo users as actors, for the simulation to act through."""
    nhs_numbers: NhsNumbers | None = None
    emails: dict[str, str] = field(default_factory=dict)
    """The demo users' sign-in emails, by the same labels; all share `DEMO_PASSWORD`."""


def plan_people(
    rng: random.Random, profile: AreaProfile, points: list[PostcodeRow], on: date
) -> list[PersonPlan]:
    lot2_share = 0.2
    needs = [draw_need(rng, lot2_share) for _ in range(profile.people)]
    calibrate(needs, profile.weekly_hours, profile.two_handed_share)
    for need in needs:
        if need.lot == 2:
            skill = rng.choice(LOT2_SKILLS)
            need.pattern = [
                replace(v, skill=skill) if v.band in (TimeBand.MORNING, TimeBand.BED) else v
                for v in need.pattern
            ]
    streets = names.STREETS[profile.key]
    plans = []
    for need in needs:
        ethnicity = weighted(rng, profile.ethnicity)
        south_asian = ethnicity.startswith("Asian")
        born = draw_birth_date(rng, on)
        older = (on.year - born.year) >= 60
        given = rng.choice(
            names.GIVEN_SOUTH_ASIAN
            if south_asian
            else names.GIVEN_OLDER
            if older
            else names.GIVEN_YOUNGER
        )
        family = rng.choice(names.FAMILY_SOUTH_ASIAN if south_asian else names.FAMILY)
        point = rng.choice(points)
        district = names.DISTRICTS.get(point.ward_code, profile.town)
        address = f"{rng.randint(1, 180)} {rng.choice(streets)}, {district}, {profile.town}"
        languages = ["English"]
        if south_asian:
            languages = rng.choice(
                (
                    ["Gujarati", "English"],
                    ["Punjabi", "English"],
                    ["Gujarati"],
                    ["Urdu", "English"],
                    ["Hindi", "English"],
                )
            )
        elif ethnicity == "White - other" and rng.random() < 0.5:
            languages = ["Polish", "English"]
        consent_by = None
        if need.dependency > 0.75 and rng.random() < 0.5:
            consent_by = (
                f"{rng.choice(names.GIVEN_YOUNGER)} {family}",
                rng.choice(
                    (
                        "daughter, lasting power of attorney (health and welfare)",
                        "son, lasting power of attorney (health and welfare)",
                        "court-appointed deputy",
                    )
                ),
            )
        outcomes = rng.sample(names.OUTCOMES, k=rng.randint(2, 3))
        plans.append(
            PersonPlan(
                given,
                family,
                born,
                point,
                address,
                ethnicity,
                languages,
                need,
                outcomes,
                consent_by,
            )
        )
    return plans


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
    plans = []
    for person in arriving:
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
                delay = rng.choice(
                    (
                        "Discharge date not yet confirmed by the ward",
                        "The person asked to start after a family visit",
                        "Equipment (hoist) to be fitted before the first visit",
                    )
                )
        plans.append(ReferralPlan(person, at, source, priority, start, delay))
    return sorted(plans, key=lambda p: p.at)


def _ratings(rng: random.Random) -> dict[str, str | None]:
    overall = weighted(rng, RATINGS)
    keys = {}
    for question in ("safe", "effective", "caring", "responsive", "well_led"):
        keys[question] = (overall if rng.random() < 0.7 else weighted(rng, RATINGS)).value
    if overall is CqcRating.GOOD and rng.random() < 0.3:
        keys["caring"] = CqcRating.OUTSTANDING.value
    return {"overall": overall.value, **keys}


def person_create(plan: PersonPlan, nhs_number: str, council_id: int | None = None) -> PersonCreate:
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


def build_area(
    session: Session,
    *,
    profile: AreaProfile,
    seed: int,
    month_start: date,
    month_end: date,
    progress: object | None = None,
) -> Area:
    """Writes the area's market, staff and existing caseload; plans the month's referrals."""
    rng = random.Random(seed)
    actor = SYSTEM_ACTOR
    at = datetime.combine(month_start, time(0, 0), LONDON) - timedelta(days=1)
    points = read_csv(SHIPPED[profile.postcodes])
    import_rows(session, points)
    people = plan_people(rng, profile, points, month_start)
    referrals = plan_referrals(rng, profile, people, month_start, month_end)
    council = market.create_organisation(
        session,
        actor=actor,
        at=at,
        kind=OrganisationKind.COUNCIL,
        name=profile.council_name,
        la_code=profile.la_code,
    )
    trust = market.create_organisation(
        session,
        actor=actor,
        at=at,
        kind=OrganisationKind.NHS_TRUST,
        name=profile.trust_name,
        ods_code=profile.trust_ods,
    )
    market.create_lot(
        session,
        actor=actor,
        at=at,
        number=1,
        name="General home care",
        required_skills=["personal_care", "medication"],
        council_id=council.id,
    )
    market.create_lot(
        session,
        actor=actor,
        at=at,
        number=2,
        name="High dependency and delegated healthcare",
        required_skills=LOT2_SKILLS,
        council_id=council.id,
    )
    lsoas = sorted({p.lsoa_code for p in points})
    zone = market.create_zone(
        session,
        actor=actor,
        at=at,
        name=profile.zone_name,
        lsoa_codes=lsoas,
        city_wide=not profile.zoned,
        council_id=council.id,
    )
    arriving = {id(r.person) for r in referrals}
    caseload = [p for p in people if id(p) not in arriving]
    contracts, assignment = _build_providers(
        session, rng, profile, council.id, zone.id, caseload, month_start, at
    )
    provider_ids = {name: c[0].provider_id for name, c in contracts.items()}
    primary_ids = {
        c.provider_id
        for cs in contracts.values()
        for c in cs
        if c.role == ContractRole.PRIMARY.value
    }
    area = Area(profile, council.id, trust.id, [zone.id], provider_ids, primary_ids, referrals)
    nhs_numbers = NhsNumbers(rng)
    _move_caseload_in(session, rng, area, contracts, assignment, nhs_numbers, at, month_start)
    _employ_staff(session, rng, profile, contracts, assignment, at)
    _create_demo_users(session, area, at)
    area.nhs_numbers = nhs_numbers
    return area


Assignment = dict[tuple[int, int], list[PersonPlan]]
"""People of the existing caseload by (provider index, lot)."""


def _assign_caseload(
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


def _build_providers(
    session: Session,
    rng: random.Random,
    profile: AreaProfile,
    council_id: int,
    zone_id: int,
    caseload: list[PersonPlan],
    month_start: date,
    at: datetime,
) -> tuple[dict[str, list[Contract]], Assignment]:
    lot2_providers = (
        [1, 2, 3, 4]
        if profile.zoned
        else sorted(rng.sample(range(profile.providers), k=int(profile.providers * 0.6)))
    )
    assignment = _assign_caseload(rng, profile, caseload, lot2_providers)
    starts_on = date(2024, 9, 9) if profile.zoned else date(2024, 4, 1)
    contracts: dict[str, list[Contract]] = {}
    for index in range(profile.providers):
        name = names.PROVIDER_NAMES[index if profile.zoned else index + 7]
        provider = market.create_organisation(
            session,
            actor=SYSTEM_ACTOR,
            at=at,
            kind=OrganisationKind.PROVIDER,
            name=name,
            cqc_location_id=f"1-{rng.randint(100_000_000, 9_999_999_999)}",
            ratings=_ratings(rng),
        )
        lots = [1, 2] if index in lot2_providers else [1]
        if profile.zoned and index == 1:
            lots = [2]
        contracts[name] = []
        for lot in lots:
            role = ContractRole.FRAMEWORK
            if profile.zoned and index == lot - 1:
                role = ContractRole.PRIMARY
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
                    role=role,
                    hourly_rate_pence=rng.randint(low, high),
                    weekly_capacity_minutes=capacity,
                    starts_on=starts_on,
                    council_id=council_id,
                )
            )
    return contracts, assignment


def _move_caseload_in(
    session: Session,
    rng: random.Random,
    area: Area,
    contracts: dict[str, list[Contract]],
    assignment: Assignment,
    nhs_numbers: NhsNumbers,
    at: datetime,
    month_start: date,
) -> None:
    names_in_order = list(contracts)
    for (index, lot), people in sorted(assignment.items()):
        contract = next(
            c for c in contracts[names_in_order[index]] if c.lot_id == _lot_id(contracts, lot)
        )
        for plan in people:
            person = record_person(
                session,
                actor=SYSTEM_ACTOR,
                at=at,
                data=person_create(plan, nhs_numbers(), area.council_id),
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


def _lot_id(contracts: dict[str, list[Contract]], lot: int) -> int:
    """Contracts carry lot ids; lot 1 and lot 2 were created in that order."""
    ids = sorted({c.lot_id for cs in contracts.values() for c in cs})
    return ids[lot - 1]


def _employ_staff(
    session: Session,
    rng: random.Random,
    profile: AreaProfile,
    contracts: dict[str, list[Contract]],
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
        count = max(6, math.ceil(minutes / contact_per_worker * 1.2))
        has_lot2 = any(c.lot_id == _lot_id(contracts, 2) for c in held)
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


EARLY = (time(7, 0), time(14, 30))
LATE = (time(14, 30), time(22, 0))
DAY_ORDER = list(Day)


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
    draw = rng.random()
    if draw < profile.salaried_share:
        kind, hours = ContractType.SALARIED_BLOCK, 37.5
    elif draw < profile.salaried_share + profile.zero_hours_share:
        kind, hours = ContractType.ZERO_HOURS, 0.0
    else:
        kind, hours = ContractType.GUARANTEED_HOURS, float(rng.choice((16, 20, 24, 30)))
    travel = rng.random()
    mode = (
        TravelMode.WALK
        if travel < profile.walk_share
        else TravelMode.CYCLE
        if travel < profile.walk_share + profile.cycle_share
        else TravelMode.DRIVE
    )
    skills = ["personal_care", "medication", "moving_and_handling"]
    if rng.random() < 0.5:
        skills.append("dementia")
    if has_lot2 and rng.random() < 0.8:
        # Providers holding Lot 2 train most of their staff for the delegated tasks.
        skills += rng.sample(LOT2_SKILLS, k=rng.randint(3, 5))
    languages = ["English"]
    if profile.key == "leicester" and rng.random() < 0.4:
        languages.append(rng.choice(("Gujarati", "Punjabi", "Hindi", "Urdu")))
    elif rng.random() < 0.08:
        languages.append(rng.choice(("Polish", "Urdu", "Romanian")))
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
            shift_hours=7.5,
            skills=skills,
            languages=languages,
            travel_mode=mode,
            home_postcode=home.postcode,
            shift_pattern=pattern,
        ),
    )


DEMO_PASSWORD = "home-care-demo"
"""The demo accounts' password, printed by the demo: a generated area is not real data."""


def _create_demo_users(session: Session, area: Area, at: datetime) -> None:
    """One user per council and NHS role, and a manager for every provider."""
    council = slug(area.profile.council_name)
    accounts = [
        ("commissioner", area.council_id, Role.COMMISSIONER, f"commissioner@{council}"),
        ("broker", area.council_id, Role.BROKER, f"broker@{council}"),
        ("social_worker", area.council_id, Role.SOCIAL_WORKER, f"social.worker@{council}"),
        (
            "nurse",
            area.trust_id,
            Role.NEIGHBOURHOOD_NURSE,
            f"nurse@{slug(area.profile.trust_name)}",
        ),
    ] + [
        (name, org_id, Role.PROVIDER_MANAGER, f"manager@{slug(name)}")
        for name, org_id in area.provider_ids.items()
    ]
    from homecare.accounts.passwords import set_password
    from homecare.accounts.service import actor_for_user

    first_provider = min(area.primary_ids)
    provider_slug = slug(next(n for n, i in area.provider_ids.items() if i == first_provider))
    worker = session.scalars(
        select(CareWorker).where(CareWorker.provider_id == first_provider).order_by(CareWorker.id)
    ).first()
    package = session.scalars(
        select(Package).where(Package.provider_id == first_provider).order_by(Package.id)
    ).first()
    links: dict[str, dict[str, int]] = {}
    if worker is not None:
        accounts.append(
            ("care_worker", first_provider, Role.CARE_WORKER, f"care.worker@{provider_slug}")
        )
        links["care_worker"] = {"care_worker_id": worker.id}
    if package is not None:
        accounts.append(("family", area.council_id, Role.PERSON, f"family@{council}"))
        links["family"] = {"person_id": package.person_id}
    for label, org_id, role, email in accounts:
        user, token = create_user(
            session,
            actor=SYSTEM_ACTOR,
            at=at,
            organisation_id=org_id,
            role=role,
            name=label.replace("_", " ").title(),
            email=f"{email}.example",
            **links.get(label, {}),
        )
        set_password(session, actor=SYSTEM_ACTOR, at=at, user_id=user.id, password=DEMO_PASSWORD)
        area.tokens[label] = token
        area.emails[label] = user.email
        area.actors[label] = actor_for_user(session, user)
