"""HTTP routes for people receiving care."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from homecare.access import load_readable
from homecare.access_log import log_person_read
from homecare.http import PathId, RequestContext, authenticated
from homecare.people.repository import people_of, readable_people
from homecare.people.schemas import PersonCreate, PersonRead
from homecare.people.service import record_person
from homecare.people.tables import Person

router = APIRouter(tags=["people"])


@router.get("/people", response_model=list[PersonRead])
def list_people(ctx: RequestContext = Depends(authenticated)) -> list[Person]:
    with ctx.transaction() as (session, actor):
        return people_of(session, actor)


@router.get("/people/{person_id}", response_model=PersonRead)
def get_person(person_id: PathId, ctx: RequestContext = Depends(authenticated)) -> Person:
    with ctx.transaction() as (session, actor):
        person = load_readable(session, readable_people(actor), Person, person_id, "person")
        log_person_read(session, actor, ctx.now(), person.id, "person", "api")
        return person


@router.post("/people", response_model=PersonRead, status_code=201)
def create_person(body: PersonCreate, ctx: RequestContext = Depends(authenticated)) -> Person:
    with ctx.transaction() as (session, actor):
        return record_person(session, actor=actor, at=ctx.now(), data=body)
