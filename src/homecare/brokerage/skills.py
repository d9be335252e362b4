"""Delegated tasks on a referral, and the trained staff a provider needs to be offered it.

A lot names the skills its care needs (Lot 2: the delegated healthcare tasks, 000 §12);
a referral's visit may name one of them as its task. A provider is offered the referral
only when its care workers between them hold every skill needed, so nobody is asked for
care it has no one trained to give; one left out is recorded with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homecare.brokerage.domain import missing_skills, needed_skills, skills_reason, task_fault
from homecare.brokerage.tables import Referral
from homecare.errors import InvalidInput
from homecare.market.tables import Lot
from homecare.pattern import PlannedVisit
from homecare.workforce.tables import CareWorker


def check_tasks(lot: Lot, pattern: list[PlannedVisit]) -> None:
    """Refuses a visit naming a task that is not one of the lot's, in the lot's words."""
    for index, visit in enumerate(pattern):
        if visit.skill is None:
            continue
        fault = task_fault(visit.skill, lot.number, lot.name, list(lot.required_skills or []))
        if fault is not None:
            raise InvalidInput(fault, field=f"visits.{index}.task")


def referral_needs(session: Session, referral: Referral) -> list[str]:
    """The skills a provider's staff must hold between them to take the referral."""
    lot = session.get(Lot, referral.lot_id)
    lot_skills = list(lot.required_skills or []) if lot is not None else []
    return needed_skills(lot_skills, (v.task for v in referral.visits))


def skills_held(
    session: Session, provider_ids: Iterable[int], *, on: date | None = None
) -> dict[int, list[list[str]]]:
    """Each provider's care workers' skills, one list per worker; given a day, only of
    those still working on it (a care worker stops on the day they leave)."""
    held: dict[int, list[list[str]]] = {}
    stmt = select(CareWorker.provider_id, CareWorker.skills).where(
        CareWorker.provider_id.in_(set(provider_ids))
    )
    if on is not None:
        stmt = stmt.where(or_(CareWorker.left_on.is_(None), CareWorker.left_on > on))
    rows = session.execute(stmt)
    for provider_id, skills in rows:
        held.setdefault(provider_id, []).append(list(skills or []))
    return held


def providers_short(
    session: Session, referral: Referral, provider_ids: Iterable[int]
) -> dict[int, str]:
    """The providers whose staff lack a skill the referral needs, each with the reason."""
    ids = list(dict.fromkeys(provider_ids))
    needed = referral_needs(session, referral)
    if not needed or not ids:
        return {}
    # The staff who will be there when the care starts: one leaving before then is not.
    held = skills_held(session, ids, on=referral.required_start)
    short = {}
    for provider_id in ids:
        missing = missing_skills(needed, held.get(provider_id, []))
        if missing:
            short[provider_id] = skills_reason(missing)
    return short
