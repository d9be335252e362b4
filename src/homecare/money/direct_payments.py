"""Direct payments: money a person takes to arrange their own care instead of a package
(000 §17; Leicester pays 1,260 people some £24m a year, 001). Social workers record them,
often following a package ended because the person took one; each counts in the year's
forecast from its first day to its last."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable
from homecare.errors import Conflict, Forbidden, InvalidInput
from homecare.money import budgets
from homecare.money.budget_repository import direct_payments_listed, readable_direct_payments
from homecare.money.budget_service import MAX_PENCE, check_pence
from homecare.money.budget_tables import DirectPayment
from homecare.packages.domain import EndReason
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package
from homecare.people.repository import load_person
from homecare.text import long_date
from homecare.units import minutes_of_hours, pounds

REASON_LENGTH = 300


def require_direct_payments(actor: Actor) -> None:
    """Council staff who record people's care (social workers, brokers) and the platform."""
    if actor.is_system or (actor.is_council and actor.may(Permission.RECORD_PEOPLE)):
        return
    raise Forbidden(f"the {actor.role.value} role may not record direct payments")


def require_direct_payment_reader(actor: Actor) -> None:
    if actor.is_system or (
        actor.is_council
        and (actor.may(Permission.RECORD_PEOPLE) or actor.may(Permission.VIEW_KPIS))
    ):
        return
    raise Forbidden(f"the {actor.role.value} role may not see direct payments")


def weekly_amount(
    *, weekly_pence: int | None, weekly_hours: Decimal | None, hourly_rate_pence: int | None
) -> tuple[int, int | None]:
    """A weekly amount in pence, and the minutes it buys when given as hours at a rate."""
    if weekly_pence is not None:
        if weekly_hours is not None or hourly_rate_pence is not None:
            raise InvalidInput(
                "give a weekly amount, or weekly hours at an hourly rate, not both",
                field="weekly_pence",
            )
        check_pence(weekly_pence, field="weekly_pence", what="the weekly amount", least=1)
        return weekly_pence, None
    if weekly_hours is None or hourly_rate_pence is None:
        raise InvalidInput(
            "give a weekly amount, or weekly hours and an hourly rate", field="weekly_pence"
        )
    if not weekly_hours.is_finite() or not Decimal(0) < weekly_hours <= Decimal(168):
        raise InvalidInput("weekly hours must be more than 0 and at most 168", field="weekly_hours")
    check_pence(hourly_rate_pence, field="hourly_rate_pence", what="the hourly rate", least=1)
    minutes = minutes_of_hours(weekly_hours)
    pence = budgets.weekly_pence_of(minutes, hourly_rate_pence)
    if pence > MAX_PENCE:
        raise InvalidInput("the weekly amount is beyond reason", field="hourly_rate_pence")
    return pence, minutes


def _following(session: Session, actor: Actor, package_id: int, person_id: int) -> Package:
    """The package a direct payment follows: the person's, ended for one."""
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    if package.person_id != person_id:
        raise InvalidInput(f"package {package_id} is not this person's care", field="package_id")
    if package.end_reason != EndReason.DIRECT_PAYMENT.value:
        raise Conflict(
            f"package {package_id} has not ended with the person taking a direct payment; "
            "record its end first"
        )
    return package


def record_direct_payment(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    person_id: int,
    starts_on: date,
    ends_on: date | None = None,
    stream: str = "council",
    weekly_pence: int | None = None,
    weekly_hours: Decimal | None = None,
    hourly_rate_pence: int | None = None,
    package_id: int | None = None,
) -> DirectPayment:
    """A person's direct payment from a day; after a package, from the day after its care."""
    require_direct_payments(actor)
    person = load_person(session, actor, person_id)
    pence, minutes = weekly_amount(
        weekly_pence=weekly_pence, weekly_hours=weekly_hours, hourly_rate_pence=hourly_rate_pence
    )
    funded = budgets.parse_stream(stream)
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(
            f"the last day, {long_date(ends_on)}, is before the first, {long_date(starts_on)}",
            field="ends_on",
        )
    if package_id is not None:
        package = _following(session, actor, package_id, person.id)
        if package.ends_on is not None and starts_on <= package.ends_on:
            raise InvalidInput(
                f"the package's care runs to {long_date(package.ends_on)}: the direct payment "
                "starts after it",
                field="starts_on",
            )
    payment = DirectPayment(
        council_id=person.council_id,
        person_id=person.id,
        package_id=package_id,
        stream=funded.value,
        weekly_pence=pence,
        weekly_minutes=minutes,
        hourly_rate_pence=hourly_rate_pence if minutes is not None else None,
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_at=at,
        recorded_by_user_id=actor.user_id,
    )
    session.add(payment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="direct_payment.recorded",
        entity="direct_payment",
        entity_id=payment.id,
        person_id=person.id,
        package_id=package_id,
        weekly_pence=pence,
        funding_stream=funded.value,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat() if ends_on else None,
    )
    return payment


def end_direct_payment(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    direct_payment_id: int,
    ends_on: date,
    reason: str | None = None,
) -> DirectPayment:
    """The last day a direct payment is paid; once ended it stays ended."""
    require_direct_payments(actor)
    payment = load_readable(
        session, readable_direct_payments(actor), DirectPayment, direct_payment_id, "direct payment"
    )
    if payment.ended_at is not None and payment.ends_on is not None:
        raise Conflict(f"this direct payment already ended on {long_date(payment.ends_on)}")
    if ends_on < payment.starts_on:
        raise InvalidInput(
            f"the last day, {long_date(ends_on)}, is before the first, "
            f"{long_date(payment.starts_on)}",
            field="ends_on",
        )
    said = " ".join((reason or "").split()) or None
    if said is not None and len(said) > REASON_LENGTH:
        raise InvalidInput(
            f"why it ends must be {REASON_LENGTH} characters or fewer", field="reason"
        )
    payment.ends_on, payment.end_reason = ends_on, said
    payment.ended_at, payment.ended_by_user_id = at, actor.user_id
    audit.record(
        session,
        actor=actor,
        at=at,
        action="direct_payment.ended",
        entity="direct_payment",
        entity_id=payment.id,
        person_id=payment.person_id,
        ends_on=ends_on.isoformat(),
        reason=said,
    )
    return payment


def loaded(session: Session, actor: Actor, direct_payment_id: int) -> DirectPayment:
    """One direct payment the actor may see; another council's is not found, as a missing one."""
    require_direct_payment_reader(actor)
    return load_readable(
        session, readable_direct_payments(actor), DirectPayment, direct_payment_id, "direct payment"
    )


def listed(session: Session, actor: Actor, *, person_id: int | None = None) -> list[DirectPayment]:
    require_direct_payment_reader(actor)
    if person_id is not None:
        load_person(session, actor, person_id)
    return list(direct_payments_listed(session, actor, person_id=person_id, council_id=None))


def weekly_words(payment: DirectPayment) -> str:
    """£123.75 a week (7.50 hours at £16.50), as the person's page shows it."""
    text = f"£{pounds(payment.weekly_pence):,} a week"
    if payment.weekly_minutes is not None and payment.hourly_rate_pence is not None:
        text += (
            f" ({Decimal(payment.weekly_minutes) / 60:.2f} hours at "
            f"£{pounds(payment.hourly_rate_pence)})"
        )
    return text
