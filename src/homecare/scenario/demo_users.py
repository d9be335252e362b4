"""The demo's users: one for every council and NHS role, a manager for every provider,
and a care worker and a family from the provider holding the most packages."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.passwords import set_password
from homecare.accounts.service import actor_for_user, create_user
from homecare.accounts.tables import UserAccount
from homecare.delivery.tables import Visit, VisitCarer
from homecare.packages.tables import Package
from homecare.scenario.area import Area
from homecare.text import slug
from homecare.timebank.tables import TimeBankAccount
from homecare.workforce.tables import CareWorker

DEMO_PASSWORD = "armley-rounds-on-foot"
"""The demo accounts' password, printed by the demo: a generated area is not real data."""

Account = tuple[str, int, Role, str]
"""A demo user: label, organisation id, role and the email before its `.example`."""


def create_demo_users(session: Session, area: Area, at: datetime) -> None:
    """One user per council and NHS role, a manager for every provider, and a care worker
    and a family to sign in as; their tokens, emails and actors go on the area."""
    accounts = _staff_accounts(area) + _provider_manager_accounts(area)
    links: dict[str, dict[str, int]] = {}
    provider_id = busiest_provider(session, area.council_id)
    worker = session.scalars(
        select(CareWorker).where(CareWorker.provider_id == provider_id).order_by(CareWorker.id)
    ).first()
    package = session.scalars(
        select(Package).where(Package.provider_id == provider_id).order_by(Package.id)
    ).first()
    if worker is not None:
        name = next(n for n, i in area.provider_ids.items() if i == provider_id)
        accounts.append(("care_worker", provider_id, Role.CARE_WORKER, f"care.worker@{slug(name)}"))
        links["care_worker"] = {"care_worker_id": worker.id}
    if package is not None:
        council = slug(area.profile.council_name)
        accounts.append(("family", area.council_id, Role.PERSON, f"family@{council}"))
        links["family"] = {"person_id": package.person_id}
    for account in accounts:
        _create(session, area, account, links.get(account[0], {}), at)


def busiest_provider(session: Session, council_id: int) -> int:
    """The provider holding the most packages, whose care worker and family sign in to the
    demo: a zone's Lot 1 primary where there is one, a city-wide framework's largest
    provider where there is not (Leicester has no primary providers)."""
    held = func.count(Package.id)
    busiest = (
        session.execute(
            select(Package.provider_id)
            .where(Package.council_id == council_id)
            .group_by(Package.provider_id)
            .order_by(held.desc(), Package.provider_id)
        )
        .scalars()
        .first()
    )
    assert busiest is not None, "the area has no caseload"
    return busiest


def _staff_accounts(area: Area) -> list[Account]:
    council = slug(area.profile.council_name)
    trust = slug(area.profile.trust_name)
    return [
        ("commissioner", area.council_id, Role.COMMISSIONER, f"commissioner@{council}"),
        ("broker", area.council_id, Role.BROKER, f"broker@{council}"),
        ("social_worker", area.council_id, Role.SOCIAL_WORKER, f"social.worker@{council}"),
        ("finance_officer", area.council_id, Role.FINANCE_OFFICER, f"finance@{council}"),
        ("nurse", area.trust_id, Role.NEIGHBOURHOOD_NURSE, f"nurse@{trust}"),
    ]


def _provider_manager_accounts(area: Area) -> list[Account]:
    return [
        (name, org_id, Role.PROVIDER_MANAGER, f"manager@{slug(name)}")
        for name, org_id in area.provider_ids.items()
    ]


def _create(
    session: Session, area: Area, account: Account, links: dict[str, int], at: datetime
) -> None:
    label, org_id, role, email = account
    user, token = create_user(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        organisation_id=org_id,
        role=role,
        name="Manager" if role is Role.PROVIDER_MANAGER else label.replace("_", " ").title(),
        email=f"{email}.example",
        **links,
    )
    set_password(session, actor=SYSTEM_ACTOR, at=at, user_id=user.id, password=DEMO_PASSWORD)
    area.tokens[label] = token
    area.emails[label] = user.email
    area.actors[label] = actor_for_user(session, user)


def link_for_today(session: Session, area: Area, day: date, now: datetime) -> None:
    """Points the demo's care worker and family accounts at a carer and a person with
    visits on the demo's day, some done and some still to come at its clock (and, for
    the family, a time bank where there is one), so both land on work for today."""
    provider_id = busiest_provider(session, area.council_id)
    todays = session.execute(
        select(Visit.person_id, Visit.package_id, VisitCarer.care_worker_id, Visit.window_start)
        .join(VisitCarer, VisitCarer.visit_id == Visit.id)
        .where(Visit.provider_id == provider_id, Visit.day == day)
    ).all()
    banked = set(session.scalars(select(TimeBankAccount.package_id)))
    carers: dict[int, list[bool]] = defaultdict(list)
    people: dict[tuple[int, int], list[bool]] = defaultdict(list)
    for person_id, package_id, worker_id, start in todays:
        carers[worker_id].append(start <= now)
        people[(person_id, package_id)].append(start <= now)

    def both_sides(befores: list[bool]) -> bool:
        return any(befores) and not all(befores)

    worker = max(carers, key=lambda w: (both_sides(carers[w]), len(carers[w]), -w), default=None)
    person = max(
        people,
        key=lambda p: (p[1] in banked, both_sides(people[p]), len(people[p]), -p[0]),
        default=None,
    )
    _relink(session, area, "care_worker", now, care_worker_id=worker)
    _relink(session, area, "family", now, person_id=person[0] if person else None)


def _relink(session: Session, area: Area, label: str, at: datetime, **link: int | None) -> None:
    ((field, value),) = link.items()
    if value is None or label not in area.emails:
        return
    user = session.scalars(select(UserAccount).where(UserAccount.email == area.emails[label]))
    account = user.one()
    if getattr(account, field) == value:
        return
    setattr(account, field, value)
    audit.record(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        action="user.linked",
        entity="user",
        entity_id=account.id,
        **{field: value},
    )
    session.flush()
    area.actors[label] = actor_for_user(session, account)
