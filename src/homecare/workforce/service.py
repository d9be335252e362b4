"""Employing care workers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, require
from homecare.calendar import local_date
from homecare.errors import InvalidInput
from homecare.geo.postcodes import normalise_postcode
from homecare.geo.repository import lookup
from homecare.workforce.domain import SKILLS
from homecare.workforce.schemas import CareWorkerCreate
from homecare.workforce.tables import CareWorker


def add_care_worker(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    data: CareWorkerCreate,
    provider_id: int | None = None,
) -> CareWorker:
    """A provider manager adds one of their own staff; the home base comes from the postcode."""
    require(actor, Permission.MANAGE_WORKFORCE)
    employer = actor.organisation_id if actor.is_provider else provider_id
    if employer is None:
        raise InvalidInput("say which provider employs the care worker", field="provider_id")
    for index, skill in enumerate(data.skills):
        if skill not in SKILLS:
            raise InvalidInput(f"unknown skill '{skill}'", field=f"skills.{index}")
    postcode = normalise_postcode(data.home_postcode, field="home_postcode")
    lat, lon = data.home_latitude, data.home_longitude
    point = lookup(session, postcode)
    if point is not None:
        lat = lat if lat is not None else point.latitude
        lon = lon if lon is not None else point.longitude
    if lat is None or lon is None:
        raise InvalidInput(
            f"{postcode} is not in the postcode directory: give home_latitude and home_longitude",
            field="home_postcode",
        )
    for day, (start, end) in data.shift_pattern.items():
        if end <= start:
            raise InvalidInput("a shift must end after it starts", field=f"shift_pattern.{day}")
    worker = CareWorker(
        provider_id=employer,
        name=data.name,
        contract_type=data.contract_type.value,
        weekly_contracted_minutes=round(data.weekly_contracted_hours * 60),
        shift_minutes=round(data.shift_hours * 60),
        skills=data.skills,
        languages=data.languages,
        travel_mode=data.travel_mode.value,
        home_postcode=postcode,
        home_latitude=lat,
        home_longitude=lon,
        shift_pattern={
            day.value: [start.strftime("%H:%M"), end.strftime("%H:%M")]
            for day, (start, end) in data.shift_pattern.items()
        },
        hired_on=local_date(at),
    )
    session.add(worker)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="care_worker.added",
        entity="care_worker",
        entity_id=worker.id,
        provider_id=employer,
    )
    return worker
