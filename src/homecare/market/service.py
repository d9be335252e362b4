"""Market actions: each checks the actor, validates, writes, and audits in one go."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, require
from homecare.calendar import local_date
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.market.contract_terms import DEFAULT_NOTICE_DAYS, require_conditions
from homecare.market.contracts import checked_conditions, first_version
from homecare.market.domain import (
    ContractRole,
    Creator,
    OrganisationKind,
    may_create_organisation,
)
from homecare.market.tables import Contract, Lot, Organisation, Zone, ZoneLsoa

LSOA_CODE = re.compile(r"^[EW]010\d{5}$")
RATING_FIELDS = ("overall", "safe", "effective", "caring", "responsive", "well_led")


def acting_council(session: Session, actor: Actor, council_id: int | None) -> int:
    """The council an action is for: the actor's own, or the one the platform names."""
    if actor.is_council and actor.organisation_id is not None:
        return actor.organisation_id
    if actor.is_system and council_id is not None:
        council = session.get(Organisation, council_id)
        if council is None or council.kind != OrganisationKind.COUNCIL:
            raise InvalidInput(f"no council {council_id}", field="council_id")
        return council_id
    raise InvalidInput("only a council's users may act for a council", field="council_id")


def create_organisation(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    kind: OrganisationKind,
    name: str,
    ods_code: str | None = None,
    la_code: str | None = None,
    cqc_location_id: str | None = None,
    ratings: dict[str, str | None] | None = None,
    phone: str | None = None,
    workforce_data_set_on: date | None = None,
) -> Organisation:
    require(actor, Permission.MANAGE_MARKET)
    creator = Creator.PLATFORM if actor.is_system else Creator(actor.organisation_kind or "")
    if not may_create_organisation(creator, kind):
        raise Forbidden(
            f"a {creator.value.replace('_', ' ')} may not create an organisation of kind"
            f" '{kind.value}'",
            field="kind",
        )
    if session.scalar(select(Organisation.id).where(Organisation.name == name)):
        raise Conflict(f"an organisation called '{name}' already exists", field="name")
    if cqc_location_id and session.scalar(
        select(Organisation.id).where(Organisation.cqc_location_id == cqc_location_id)
    ):
        raise Conflict(
            f"CQC location {cqc_location_id} is already registered", field="cqc_location_id"
        )
    if kind is OrganisationKind.PROVIDER and not cqc_location_id:
        raise InvalidInput("a provider needs its CQC location id", field="cqc_location_id")
    ratings = ratings or {}
    org = Organisation(
        kind=kind.value,
        name=name,
        ods_code=ods_code,
        la_code=la_code,
        cqc_location_id=cqc_location_id,
        phone=phone,
        workforce_data_set_on=workforce_data_set_on,
        **{f"rating_{k}": ratings.get(k) for k in RATING_FIELDS},
    )
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="organisation.created",
        entity="organisation",
        entity_id=org.id,
        kind=kind.value,
        name=name,
    )
    return org


def create_lot(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    number: int,
    name: str,
    required_skills: list[str],
    council_id: int | None = None,
    commissioned_by_id: int | None = None,
) -> Lot:
    """A lot of the council's; one an NHS trust commissions with it names the trust."""
    require(actor, Permission.MANAGE_MARKET)
    council = acting_council(session, actor, council_id)
    if session.scalar(select(Lot.id).where(Lot.council_id == council, Lot.number == number)):
        raise Conflict(f"lot {number} already exists", field="number")
    if commissioned_by_id is not None:
        trust = session.get(Organisation, commissioned_by_id)
        if trust is None or trust.kind != OrganisationKind.NHS_TRUST.value:
            raise InvalidInput(
                f"organisation {commissioned_by_id} is not an NHS trust: only a trust "
                "commissions a lot with the council",
                field="commissioned_by_id",
            )
    lot = Lot(
        council_id=council,
        number=number,
        name=name,
        required_skills=required_skills,
        commissioned_by_id=commissioned_by_id,
    )
    session.add(lot)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="lot.created",
        entity="lot",
        entity_id=lot.id,
        number=number,
        commissioned_by_id=commissioned_by_id,
    )
    return lot


def create_zone(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    name: str,
    lsoa_codes: list[str],
    city_wide: bool = False,
    council_id: int | None = None,
) -> Zone:
    """A zone claims its LSOAs: an LSOA already in another zone of the council is refused."""
    require(actor, Permission.MANAGE_MARKET)
    council = acting_council(session, actor, council_id)
    for index, code in enumerate(lsoa_codes):
        if not LSOA_CODE.match(code):
            raise InvalidInput(f"'{code}' is not an LSOA code", field=f"lsoa_codes.{index}")
    if len(set(lsoa_codes)) != len(lsoa_codes):
        raise InvalidInput("an LSOA is listed twice", field="lsoa_codes")
    if session.scalar(select(Zone.id).where(Zone.council_id == council, Zone.name == name)):
        raise Conflict(f"a zone called '{name}' already exists", field="name")
    taken = session.execute(
        select(ZoneLsoa.lsoa_code, Zone.name)
        .join(Zone, ZoneLsoa.zone_id == Zone.id)
        .where(ZoneLsoa.council_id == council, ZoneLsoa.lsoa_code.in_(lsoa_codes))
    ).first()
    if taken:
        raise Conflict(f"LSOA {taken[0]} is already in zone '{taken[1]}'", field="lsoa_codes")
    zone = Zone(council_id=council, name=name, city_wide=city_wide)
    zone.lsoas = [ZoneLsoa(council_id=council, lsoa_code=c) for c in sorted(lsoa_codes)]
    session.add(zone)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="zone.created",
        entity="zone",
        entity_id=zone.id,
        name=name,
        lsoas=len(lsoa_codes),
        city_wide=city_wide,
    )
    return zone


def create_contract(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    provider_id: int,
    lot_number: int,
    zone_id: int,
    role: ContractRole,
    hourly_rate_pence: int,
    weekly_capacity_minutes: int,
    starts_on: date,
    ends_on: date | None = None,
    council_id: int | None = None,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    override_reason: str | None = None,
) -> Contract:
    """A zone has at most one primary provider per lot at a time, and a provider gets a
    contract only when it meets the conditions (001 4.8) or an override is recorded."""
    require(actor, Permission.MANAGE_MARKET)
    council = acting_council(session, actor, council_id)
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != OrganisationKind.PROVIDER:
        raise InvalidInput(f"no provider {provider_id}", field="provider_id")
    lot = session.scalar(select(Lot).where(Lot.council_id == council, Lot.number == lot_number))
    if lot is None:
        raise InvalidInput(f"no lot {lot_number}", field="lot")
    zone = session.get(Zone, zone_id)
    if zone is None or zone.council_id != council:
        raise InvalidInput(f"no zone {zone_id}", field="zone_id")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput("a contract cannot end before it starts", field="ends_on")
    if hourly_rate_pence <= 0:
        raise InvalidInput("the hourly rate must be more than zero", field="hourly_rate")
    if weekly_capacity_minutes < 0:
        raise InvalidInput(
            "weekly capacity cannot be less than zero hours", field="weekly_capacity_hours"
        )
    if role is ContractRole.PRIMARY:
        _refuse_second_primary(session, lot.id, zone, starts_on, ends_on)
    conditions = checked_conditions(
        session, council_id=council, provider=provider, today=local_date(at)
    )
    require_conditions(conditions, override_reason)
    contract = Contract(
        council_id=council,
        provider_id=provider_id,
        lot_id=lot.id,
        zone_id=zone.id,
        role=role.value,
        hourly_rate_pence=hourly_rate_pence,
        weekly_capacity_minutes=weekly_capacity_minutes,
        starts_on=starts_on,
        ends_on=ends_on,
        notice_days=notice_days,
        flex_up_percent=20,
        flex_down_percent=20,
    )
    session.add(contract)
    session.flush()
    session.add(
        first_version(
            contract,
            actor=actor,
            at=at,
            conditions=conditions,
            override_reason=override_reason,
        )
    )
    audit.record(
        session,
        actor=actor,
        at=at,
        action="contract.created",
        entity="contract",
        entity_id=contract.id,
        provider_id=provider_id,
        lot=lot_number,
        zone_id=zone.id,
        role=role.value,
        hourly_rate_pence=hourly_rate_pence,
        conditions_unmet=[c.code for c in conditions if not c.met],
        overridden=bool((override_reason or "").strip()),
    )
    return contract


def _refuse_second_primary(
    session: Session, lot_id: int, zone: Zone, starts_on: date, ends_on: date | None
) -> None:
    for other in session.scalars(
        select(Contract).where(
            Contract.lot_id == lot_id,
            Contract.zone_id == zone.id,
            Contract.role == ContractRole.PRIMARY.value,
        )
    ):
        overlaps = (other.ends_on is None or other.ends_on >= starts_on) and (
            ends_on is None or ends_on >= other.starts_on
        )
        if overlaps:
            raise Conflict(
                f"zone '{zone.name}' already has a primary provider for this lot "
                f"(contract {other.id})",
                field="role",
            )
