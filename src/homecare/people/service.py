"""Recording people: the NHS number, the postcode and where the person lives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, require
from homecare.calendar import local_date
from homecare.errors import Conflict, InvalidInput
from homecare.geo.postcodes import normalise_postcode
from homecare.geo.repository import lookup
from homecare.market.tables import Organisation
from homecare.people.domain import age_on, normalise_nhs_number
from homecare.people.schemas import PersonCreate
from homecare.people.tables import Person


def _council_for(session: Session, actor: Actor, council_id: int | None) -> int:
    if actor.is_council and actor.organisation_id is not None:
        return actor.organisation_id
    if council_id is None:
        raise InvalidInput("say which council the person lives in", field="council_id")
    council = session.get(Organisation, council_id)
    if council is None or council.kind != "council":
        raise InvalidInput(f"no council {council_id}", field="council_id")
    return council_id


def record_person(session: Session, *, actor: Actor, at: datetime, data: PersonCreate) -> Person:
    """Adds a person; where they live comes from the postcode directory when it knows it."""
    require(actor, Permission.RECORD_PEOPLE)
    nhs_number = normalise_nhs_number(data.nhs_number)
    postcode = normalise_postcode(data.postcode)
    if data.date_of_birth > local_date(at):
        raise InvalidInput("the date of birth is in the future", field="date_of_birth")
    if age_on(data.date_of_birth, local_date(at)) < 18:
        raise InvalidInput("adult social care is for people aged 18 or over", field="date_of_birth")
    if age_on(data.date_of_birth, local_date(at)) > 120:
        raise InvalidInput("the date of birth gives an age over 120", field="date_of_birth")
    council_id = _council_for(session, actor, data.council_id)
    if session.scalar(select(Person.id).where(Person.nhs_number == nhs_number)):
        raise Conflict("a person with this NHS number is already recorded", field="nhs_number")
    latitude, longitude, lsoa = data.latitude, data.longitude, data.lsoa_code
    point = lookup(session, postcode)
    if point is not None:
        latitude = latitude if latitude is not None else point.latitude
        longitude = longitude if longitude is not None else point.longitude
        lsoa = lsoa or point.lsoa_code
    if latitude is None or longitude is None or lsoa is None:
        raise InvalidInput(
            f"{postcode} is not in the postcode directory: give latitude, longitude and lsoa_code",
            field="postcode",
        )
    person = Person(
        council_id=council_id,
        recorded_by_org_id=actor.organisation_id or council_id,
        nhs_number=nhs_number,
        given_name=data.given_name,
        family_name=data.family_name,
        date_of_birth=data.date_of_birth,
        address=data.address,
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        lsoa_code=lsoa,
        languages=data.languages,
        ethnicity=data.ethnicity,
        consent_by_name=data.consent_by_name,
        consent_by_relationship=data.consent_by_relationship,
        gender=data.gender.value if data.gender else None,
        primary_support_reason=(
            data.primary_support_reason.value if data.primary_support_reason else None
        ),
    )
    session.add(person)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="person.recorded",
        entity="person",
        entity_id=person.id,
        council_id=council_id,
        lsoa=lsoa,
    )
    return person
