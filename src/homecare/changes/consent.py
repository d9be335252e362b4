"""Consent requests: the provider asks online, and the person or their consenter answers.

A provider-led change needs the consent of the person, or of whoever the council has
recorded as able to consent for them (000 §11, §29). Instead of visiting or phoning, the
provider can put the proposed change to them on their own page; a yes becomes the change
itself, with consent given online by the one who answered, and a no stays on record so the
provider sees it was declined.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import SYSTEM_ACTOR, Actor, Permission, Role, load_readable, require
from homecare.accounts.service import actor_for_user
from homecare.accounts.tables import UserAccount
from homecare.changes.domain import (
    Answer,
    ConsentMethod,
    consent_relationship,
    consent_status,
    parse_answer,
)
from homecare.changes.patterns import from_json, of_visits, to_json, weekly
from homecare.changes.repository import open_request, readable_consent_requests
from homecare.changes.service import check_proposable, propose_change, proposed_pattern
from homecare.changes.tables import ConsentRequest
from homecare.config import Settings
from homecare.errors import Conflict, Forbidden
from homecare.packages.repository import readable_packages
from homecare.packages.tables import Package
from homecare.pattern import PlannedVisit
from homecare.people.tables import Person


def status_of(request: ConsentRequest) -> str:
    """open, agreed or declined: how the person's page and the provider read a request."""
    return consent_status(request.answer)


def request_consent(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    package_id: int,
    reason: str,
    visits: Sequence[PlannedVisit] | None = None,
    to_weekly_minutes: int | None = None,
) -> ConsentRequest:
    """The package's provider asks for consent to a new weekly pattern, with its reason;
    given only a new weekly total, the current visits scaled to it.

    The change is checked now as `propose_change` would check it, so the person is never
    asked about a change that could not be made; one request is open per package.
    """
    require(actor, Permission.MANAGE_DELIVERY)
    package = load_readable(session, readable_packages(actor), Package, package_id, "package")
    session.refresh(package, with_for_update=True)
    pattern = proposed_pattern(package, to_weekly_minutes, visits)
    check_proposable(session, package, pattern, reason)
    waiting = open_request(session, package.id)
    if waiting is not None:
        raise Conflict(
            f"consent request {waiting.id} to this package is still waiting for an answer",
            field="package_id",
        )
    request = ConsentRequest(
        package_id=package.id,
        provider_id=package.provider_id,
        from_weekly_minutes=package.weekly_minutes,
        to_weekly_minutes=weekly(pattern),
        from_pattern=to_json(of_visits(package.visits)),
        to_pattern=to_json(pattern),
        reason=reason.strip(),
        requested_by=actor.user_id,
        requested_at=at,
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="consent.requested",
        entity="consent_request",
        entity_id=request.id,
        package_id=package.id,
        from_weekly_minutes=request.from_weekly_minutes,
        to_weekly_minutes=request.to_weekly_minutes,
        to_pattern=request.to_pattern,
    )
    return request


def _requester(session: Session, request: ConsentRequest) -> Actor:
    """The change is the provider's, so it is proposed as the manager who asked."""
    if request.requested_by is None:
        return SYSTEM_ACTOR
    user = session.get(UserAccount, request.requested_by)
    assert user is not None
    return actor_for_user(session, user)


def _check_answerer(session: Session, package: Package, name: str, relationship: str) -> str:
    """Only the person, or the one recorded to consent for them, may answer; 422 if not."""
    person = session.get(Person, package.person_id)
    assert person is not None
    return consent_relationship(
        person_name=f"{person.given_name} {person.family_name}",
        named_consenter=person.consent_by_name,
        given_name=name,
        given_relationship=relationship,
    )


def answer_consent(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    request_id: int,
    answer: str,
    name: str,
    relationship: str,
    settings: Settings | None = None,
) -> ConsentRequest:
    """The person's own account answers; yes proposes the change with consent given online."""
    if actor.role is not Role.PERSON:
        raise Forbidden("only the person, or whoever consents for them, answers a consent request")
    request = load_readable(
        session, readable_consent_requests(actor), ConsentRequest, request_id, "consent request"
    )
    package = session.get(Package, request.package_id)
    assert package is not None
    session.refresh(package, with_for_update=True)
    session.refresh(request)
    if request.answer is not None:
        raise Conflict(
            f"consent request {request.id} was already answered {request.answer}", field="answer"
        )
    chosen = parse_answer(answer)
    recorded = _check_answerer(session, package, name, relationship)
    if chosen is Answer.YES:
        change = propose_change(
            session,
            actor=_requester(session, request),
            at=at,
            package_id=package.id,
            visits=from_json(request.to_pattern) if request.to_pattern else None,
            to_weekly_minutes=None if request.to_pattern else request.to_weekly_minutes,
            reason=request.reason,
            consent_by_name=name,
            consent_by_relationship=relationship,
            consent_method=ConsentMethod.ONLINE.value,
            consent_at=at,
            settings=settings,
        )
        request.change_id = change.id
    request.answer = chosen.value
    request.answered_by_name = " ".join(name.split())
    request.answered_by_relationship = recorded
    request.answered_by = actor.user_id
    request.answered_at = at
    audit.record(
        session,
        actor=actor,
        at=at,
        action=f"consent.{status_of(request)}",
        entity="consent_request",
        entity_id=request.id,
        package_id=package.id,
        answer=chosen.value,
        answered_by_relationship=recorded,
        change_id=request.change_id,
    )
    return request
