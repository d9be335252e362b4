"""Banked hours become care: the person asks, the provider accepts or declines.

Asking writes nothing to the ledger. Accepting draws the minutes from the bank (the same
`draw` as any other, so the ledger line, the lock and the overdraft rule are the usual
ones, with a note of what the hours became) and books the care in the same transaction:
a new dated visit, or more minutes on the planned one. When the visit is delivered its
minutes come off the envelope as every visit's do, so the hours drawn pay for it.

While the ask waits, the person or family may withdraw it; once answered it stays as it is
(409 saying who answered and when). There is no other way to take hours from the bank: the
direct draw, which took them without the provider agreeing, was retired (ADR 0021).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, Role, load_readable, require
from homecare.calendar import LONDON, local_date
from homecare.delivery.tables import Attendance, Visit
from homecare.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecare.market.tables import Organisation
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package
from homecare.pattern import start_window
from homecare.people.tables import Person
from homecare.timebank import service as timebank
from homecare.timebank.care_rules import (
    AskStatus,
    CareKind,
    already_closed,
    check_extra_visit,
    check_longer_visit,
    ledger_note,
    shortfall,
)
from homecare.timebank.repository import load_time_bank_request
from homecare.timebank.tables import TimeBankRequest

CANCELLED = ("cancelled_by_person",)
EXTRA_SOURCE = "extra"
"""A visit booked with banked hours; its source id is the ask's id."""


def _package_to_ask(session: Session, actor: Actor, package_id: int) -> Package:
    require(actor, Permission.USE_TIME_BANK)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    if package.status != "active":
        raise Conflict(
            f"the care is {package.status.replace('_', ' ')}: banked hours can be used once "
            "it is running again",
            field="package_id",
        )
    return package


def _check_drawable(session: Session, actor: Actor, package_id: int, minutes: int) -> None:
    """409 naming `minutes` when the bank (with its overdraft) cannot give them now."""
    try:
        statement = timebank.balance(session, actor=actor, package_id=package_id)
    except NotFound as missing:
        raise Conflict(
            "this care is on fixed weekly hours: it has no time bank", field="package_id"
        ) from missing
    short = shortfall(minutes, statement.drawable_minutes)
    if short is not None:
        raise Conflict(short, field="minutes")


def _visit_then(session: Session, package_id: int, day: date, band: str) -> Visit | None:
    return session.scalars(
        select(Visit).where(
            Visit.package_id == package_id,
            Visit.day == day,
            Visit.band == band,
            Visit.status.not_in(CANCELLED),
        )
    ).first()


def ask_for_care(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    kind: CareKind,
    minutes: int,
    day: date | None = None,
    band: str | None = None,
    visit_id: int | None = None,
    note: str | None = None,
) -> TimeBankRequest:
    """The person (or family) asks for an extra visit on a day and band, or for a planned
    visit to be longer; checked now against the bank, drawn only when the provider accepts."""
    package = _package_to_ask(session, actor, package_id)
    today = local_date(at)
    if kind is CareKind.EXTRA_VISIT:
        if day is None or band is None:
            raise InvalidInput("give the day and time of day of the extra visit", field="day")
        check_extra_visit(minutes, day, band, today)
        if not package.starts_on <= day <= (package.ends_on or day):
            raise InvalidInput("the day is outside the dates of the care", field="day")
        if _visit_then(session, package.id, day, band) is not None:
            raise Conflict(
                "there is already a visit then: ask for that visit to be longer instead",
                field="band",
            )
    else:
        visit = _planned_visit(session, package.id, visit_id, today)
        check_longer_visit(minutes, visit.planned_minutes)
        day, band = visit.day, visit.band
    _check_drawable(session, actor, package.id, minutes)
    asked = TimeBankRequest(
        package_id=package.id,
        kind=kind.value,
        minutes=minutes,
        day=day,
        band=band,
        visit_id=visit_id if kind is CareKind.LONGER_VISIT else None,
        note=(note or "").strip() or None,
        status=AskStatus.ASKED.value,
        asked_at=at,
        asked_by_user_id=actor.user_id,
    )
    session.add(asked)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank_request.asked",
        entity="time_bank_request",
        entity_id=asked.id,
        package_id=package.id,
        kind=kind.value,
        minutes=minutes,
        day=asked.day.isoformat(),
        band=asked.band,
        visit_id=asked.visit_id,
        note=asked.note,
    )
    return asked


def _planned_visit(session: Session, package_id: int, visit_id: int | None, today: date) -> Visit:
    """The package's own visit, still to come and not started."""
    visit = session.get(Visit, visit_id) if visit_id is not None else None
    if visit is None or visit.package_id != package_id:
        raise InvalidInput("choose one of the coming visits", field="visit_id")
    started = session.scalar(select(Attendance.id).where(Attendance.visit_id == visit.id))
    if visit.status != "planned" or started is not None or visit.day < today:
        raise Conflict("that visit has started or is over: choose a coming one", field="visit_id")
    return visit


def _to_answer(session: Session, actor: Actor, request_id: int) -> TimeBankRequest:
    """The provider's manager answers; the ask is locked so it is answered once."""
    require(actor, Permission.MANAGE_DELIVERY)
    if not (actor.is_provider or actor.is_system):
        raise Forbidden("only the provider of the care answers a request to use banked hours")
    asked = load_time_bank_request(session, actor, request_id, lock=True)
    if asked.status != AskStatus.ASKED.value:
        raise Conflict(f"the request was already {asked.status}", field="request_id")
    return asked


def accept_request(
    session: Session, *, actor: Actor, at: datetime, request_id: int
) -> TimeBankRequest:
    """Draws the minutes from the bank and books the care: 409 when the day has passed,
    the visit can no longer change, or the bank is short."""
    asked = _to_answer(session, actor, request_id)
    package = session.get(Package, asked.package_id)
    assert package is not None, "packages are not deleted while asks hang off them"
    if package.status != "active":
        raise Conflict(f"the care is {package.status.replace('_', ' ')}", field="request_id")
    if asked.day < local_date(at):
        raise Conflict("the day asked for has passed: decline the request", field="request_id")
    longer: Visit | None = None
    if asked.kind == CareKind.LONGER_VISIT.value:
        longer = _planned_visit(session, package.id, asked.visit_id, local_date(at))
        check_longer_visit(asked.minutes, longer.planned_minutes)
    elif _visit_then(session, package.id, asked.day, asked.band) is not None:
        raise Conflict("there is already a visit then", field="request_id")
    _draw(session, actor, at, asked)
    if longer is not None:
        longer.planned_minutes += asked.minutes
        visit = longer
    else:
        visit = _extra_visit(session, package, asked)
        asked.visit_id = visit.id
    asked.status = AskStatus.ACCEPTED.value
    asked.answered_at = at
    asked.answered_by_user_id = actor.user_id
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank_request.accepted",
        entity="time_bank_request",
        entity_id=asked.id,
        package_id=package.id,
        visit_id=visit.id,
        minutes=asked.minutes,
    )
    return asked


def _draw(session: Session, actor: Actor, at: datetime, asked: TimeBankRequest) -> None:
    """The usual draw, with a note of the care it pays for; a short bank is said in hours."""
    note = ledger_note(asked.kind, asked.day, asked.band, asked.minutes)
    try:
        timebank.draw(
            session,
            actor=actor,
            at=at,
            package_id=asked.package_id,
            minutes=asked.minutes,
            note=note,
        )
    except Conflict as refused:
        if refused.field != "minutes":
            raise
        _check_drawable(session, actor, asked.package_id, asked.minutes)
        raise


def _extra_visit(session: Session, package: Package, asked: TimeBankRequest) -> Visit:
    """A dated visit at the person's home, with as many carers as their calls need."""
    person = session.get(Person, package.person_id)
    assert person is not None
    opens, closes = start_window(asked.band)
    visit = Visit(
        package_id=package.id,
        person_id=package.person_id,
        provider_id=package.provider_id,
        source=EXTRA_SOURCE,
        source_id=asked.id,
        package_visit_id=None,
        day=asked.day,
        band=asked.band,
        window_start=datetime.combine(asked.day, opens, LONDON).astimezone(UTC),
        window_end=datetime.combine(asked.day, closes, LONDON).astimezone(UTC),
        planned_minutes=asked.minutes,
        carers=max((v.carers for v in package.visits), default=1),
        place_kind="home",
        place_name=None,
        latitude=person.latitude,
        longitude=person.longitude,
        health_tasks=[],
        status="planned",
        banked=False,
    )
    session.add(visit)
    session.flush()
    return visit


def decline_request(
    session: Session, *, actor: Actor, at: datetime, request_id: int, reason: str
) -> TimeBankRequest:
    """The provider cannot give the care asked for, and says why; nothing is drawn."""
    asked = _to_answer(session, actor, request_id)
    reason = reason.strip()
    if len(reason) < 3:
        raise InvalidInput("say why the request is declined", field="reason")
    asked.status = AskStatus.DECLINED.value
    asked.answered_at = at
    asked.answered_by_user_id = actor.user_id
    asked.decline_reason = reason
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank_request.declined",
        entity="time_bank_request",
        entity_id=asked.id,
        package_id=asked.package_id,
        reason=reason,
    )
    return asked


def withdraw_request(
    session: Session, *, actor: Actor, at: datetime, request_id: int
) -> TimeBankRequest:
    """The person or family takes back an ask the provider has not answered; nothing was
    drawn, so nothing is given back. 409 once it is accepted, declined or withdrawn."""
    require(actor, Permission.USE_TIME_BANK)
    if not (actor.role is Role.PERSON or actor.is_system):
        raise Forbidden(
            "only the person or their family withdraw a request to use banked hours: "
            "the provider declines it, saying why"
        )
    asked = load_time_bank_request(session, actor, request_id, lock=True)
    if asked.status != AskStatus.ASKED.value:
        package = session.get(Package, asked.package_id)
        provider = session.get(Organisation, package.provider_id) if package else None
        on = local_date(asked.answered_at) if asked.answered_at is not None else None
        raise Conflict(
            already_closed(asked.status, provider.name if provider else "the provider", on),
            field="request_id",
        )
    asked.status = AskStatus.WITHDRAWN.value
    asked.answered_at = at
    asked.answered_by_user_id = actor.user_id
    audit.record(
        session,
        actor=actor,
        at=at,
        action="time_bank_request.withdrawn",
        entity="time_bank_request",
        entity_id=asked.id,
        package_id=asked.package_id,
        kind=asked.kind,
        minutes=asked.minutes,
        day=asked.day.isoformat(),
        band=asked.band,
    )
    return asked
