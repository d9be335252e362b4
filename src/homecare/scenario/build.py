"""Builds a realistic area into the store from a seed: the market, staff and caseload.

`build_area` writes one council's home care as it stands on the first day of the month:
lots, zones from real LSOAs, providers with CQC ratings and contracts, care workers on
the area's kinds of contract, and the people already receiving care with their
packages. It returns the referrals that will arrive during the month, for
`simulate.run_month` to stream through brokerage. Every draw comes from one generator in
a fixed order, so the same seed builds the same area.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.geo.directory import SHIPPED, PostcodeRow, import_rows, read_csv
from homecare.market import service as market
from homecare.market.domain import ContractRole, OrganisationKind
from homecare.scenario.area import Area
from homecare.scenario.demo_users import DEMO_PASSWORD as DEMO_PASSWORD
from homecare.scenario.demo_users import create_demo_users
from homecare.scenario.figures import AreaProfile
from homecare.scenario.plans import LOT2_SKILLS, NhsNumbers, plan_people, plan_referrals
from homecare.scenario.providers import build_providers, move_caseload_in
from homecare.scenario.staff import employ_staff


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
    at = datetime.combine(month_start, time(0, 0), LONDON) - timedelta(days=1)
    points = read_csv(SHIPPED[profile.postcodes])
    import_rows(session, points)
    people = plan_people(rng, profile, points, month_start)
    referrals = plan_referrals(rng, profile, people, month_start, month_end)
    council_id, trust_id = _create_council_and_trust(session, profile, at)
    _create_lots(session, council_id, trust_id, at)
    zone_id = _create_zone(session, profile, points, council_id, at)
    arriving = {id(r.person) for r in referrals}
    caseload = [p for p in people if id(p) not in arriving]
    contracts, assignment = build_providers(
        session, rng, profile, council_id, zone_id, caseload, at
    )
    provider_ids = {name: c[0].provider_id for name, c in contracts.items()}
    primary_ids = {
        c.provider_id
        for cs in contracts.values()
        for c in cs
        if c.role == ContractRole.PRIMARY.value
    }
    area = Area(profile, council_id, trust_id, [zone_id], provider_ids, primary_ids, referrals)
    nhs_numbers = NhsNumbers(rng)
    move_caseload_in(session, rng, council_id, contracts, assignment, nhs_numbers, at, month_start)
    employ_staff(session, rng, profile, contracts, assignment, at)
    create_demo_users(session, area, at)
    area.nhs_numbers = nhs_numbers
    return area


def _create_council_and_trust(
    session: Session, profile: AreaProfile, at: datetime
) -> tuple[int, int]:
    council = market.create_organisation(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        kind=OrganisationKind.COUNCIL,
        name=profile.council_name,
        la_code=profile.la_code,
    )
    trust = market.create_organisation(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        kind=OrganisationKind.NHS_TRUST,
        name=profile.trust_name,
        ods_code=profile.trust_ods,
    )
    return council.id, trust.id


def _create_lots(session: Session, council_id: int, trust_id: int, at: datetime) -> None:
    """Lot 1 before Lot 2: contracts find their lot's id by that order. The area's NHS
    trust commissions Lot 2, its delegated healthcare, with the council (000 §12, §30)."""
    market.create_lot(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        number=1,
        name="General home care",
        required_skills=["personal_care", "medication"],
        council_id=council_id,
    )
    market.create_lot(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        number=2,
        name="High dependency and delegated healthcare",
        required_skills=LOT2_SKILLS,
        council_id=council_id,
        commissioned_by_id=trust_id,
    )


def _create_zone(
    session: Session, profile: AreaProfile, points: list[PostcodeRow], council_id: int, at: datetime
) -> int:
    """One zone of every LSOA the area's postcodes fall in: the pilot's neighbourhood, or
    the whole city where the area is not zoned."""
    zone = market.create_zone(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        name=profile.zone_name,
        lsoa_codes=sorted({p.lsoa_code for p in points}),
        city_wide=not profile.zoned,
        council_id=council_id,
    )
    return zone.id
