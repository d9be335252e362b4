"""Care bending to people's lives: envelopes of time and the time bank, community hours,
and hospital stays, played through the same services the API calls."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.community import service as community
from homecare.community.tables import CommunityHours
from homecare.db import unit_of_work
from homecare.delivery import visit_actions
from homecare.delivery.tables import Visit
from homecare.hospital import service as hospital
from homecare.hospital.tables import HospitalStay
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.scenario import names
from homecare.scenario.stage import Stage, at
from homecare.timebank import drawing
from homecare.timebank import service as timebank
from homecare.timebank.care_rules import LONGEST_VISIT, SMALLEST_ADDITION, CareKind
from homecare.timebank.tables import TimeBankAccount

ENVELOPE_SHARE = 0.3
"""Share of packages put on an envelope of time when delivery starts (001 Appendix A)."""
CANCEL_PER_VISIT = 0.02
BANK_WHEN_CANCELLING = 0.6
DRAW_PER_ENVELOPE_DAY = 0.02
ADMISSION_PER_PERSON_DAY = 0.0006
"""About 1.7% of people admitted in four weeks."""
COMMUNITY_SHARE = 0.03
DRAW_NOTES = (
    "Time for a trip to the shops",
    "Extra help after a bad night",
    "Company on a hospital appointment",
)


def open_envelopes(stage: Stage) -> None:
    """Some packages move to an envelope of time as delivery begins."""
    opened = at(stage.start, 3)
    with unit_of_work(stage.engine) as session:
        for package in stage.active_packages(session):
            if stage.rng.random() < ENVELOPE_SHARE:
                timebank.open_envelope(
                    session,
                    actor=stage.manager(package.provider_id),
                    at=opened,
                    package_id=package.id,
                    starts_on=max(stage.start, package.starts_on),
                )


def start_community_hours(stage: Stage) -> None:
    """A few people are introduced to a community resource over four to six weeks."""
    started = at(stage.start, 3)
    rng = stage.rng
    places = names.COMMUNITY_PLACES[stage.area.profile.key]
    with unit_of_work(stage.engine) as session:
        for package in stage.active_packages(session):
            if rng.random() >= COMMUNITY_SHARE:
                continue
            person = session.get(Person, package.person_id)
            assert person is not None
            place, purpose = rng.choice(places)
            community.start_community_hours(
                session,
                actor=stage.manager(package.provider_id),
                at=started,
                package_id=package.id,
                purpose=purpose,
                place_name=place,
                latitude=person.latitude + rng.uniform(-0.004, 0.004),
                longitude=person.longitude + rng.uniform(-0.006, 0.006),
                day=rng.choice(("mon", "tue", "wed", "thu", "fri")),
                band="lunch",
                minutes=rng.choice((90, 120)),
                starts_on=max(stage.start, package.starts_on),
                ends_on=max(stage.start, package.starts_on)
                + timedelta(weeks=rng.choice((4, 5, 6))),
            )
            stage.log.community_hours += 1


def community_outcomes(stage: Stage, day: date) -> None:
    """Whether each person who finished an introduction goes on, alone or supported."""
    with unit_of_work(stage.engine) as session:
        ended = session.scalars(
            select(CommunityHours).where(CommunityHours.status == "ended")
        ).all()
        for uplift in ended:
            package = session.get(Package, uplift.package_id)
            assert package is not None
            draw = stage.rng.random()
            outcome = (
                "goes_independently"
                if draw < 0.5
                else "goes_with_support"
                if draw < 0.8
                else "did_not_continue"
            )
            community.record_community_outcome(
                session,
                actor=stage.manager(package.provider_id),
                at=at(day, 9),
                community_hours_id=uplift.id,
                outcome=outcome,
                note="Recorded at the end of the introduction",
            )


def people_choose(stage: Stage, day: date) -> None:
    """The evening before: a few visits cancelled (hours banked), and a few visits made
    longer with banked hours, asked by the person and accepted by the provider."""
    with unit_of_work(stage.engine) as session:
        on_envelope = set(session.scalars(select(TimeBankAccount.package_id)))
        _cancel_visits(stage, session, day, on_envelope)
        _use_banked_hours(stage, session, day, on_envelope)


def _cancel_visits(stage: Stage, session: Session, day: date, on_envelope: set[int]) -> None:
    """People on an envelope of time mostly bank the hours of a home visit they cancel."""
    evening = at(day - timedelta(days=1), 19)
    planned = session.scalars(
        select(Visit).where(Visit.day == day, Visit.status == "planned").order_by(Visit.id)
    ).all()
    for visit in planned:
        if stage.rng.random() >= CANCEL_PER_VISIT:
            continue
        bank = (
            visit.package_id in on_envelope
            and visit.place_kind == "home"
            and stage.rng.random() < BANK_WHEN_CANCELLING
            and _envelope_left(session, visit.package_id) >= visit.planned_minutes
        )
        visit_actions.cancel_visit(
            session,
            actor=stage.person_actor(visit.person_id),
            at=evening,
            visit_id=visit.id,
            bank=bank,
        )


def _use_banked_hours(stage: Stage, session: Session, day: date, on_envelope: set[int]) -> None:
    """A few people ask for one of the day's home visits to be longer, paid from their bank,
    and the provider's manager accepts: the hours are drawn and the visit lengthened."""
    evening = at(day - timedelta(days=1), 19)
    for package_id in sorted(on_envelope):
        if stage.rng.random() >= DRAW_PER_ENVELOPE_DAY:
            continue
        package = session.get(Package, package_id)
        assert package is not None
        visit = session.scalars(
            select(Visit)
            .where(
                Visit.package_id == package_id,
                Visit.day == day,
                Visit.status == "planned",
                Visit.place_kind == "home",
            )
            .order_by(Visit.id)
        ).first()
        if package.status != "active" or visit is None:
            continue
        state = timebank.balance(session, actor=SYSTEM_ACTOR, package_id=package_id)
        minutes = min(stage.rng.choice((30, 60, 60, 90)), LONGEST_VISIT - visit.planned_minutes)
        if minutes < SMALLEST_ADDITION or state.drawable_minutes < minutes:
            continue
        asked = drawing.ask_for_care(
            session,
            actor=stage.person_actor(package.person_id),
            at=evening,
            package_id=package_id,
            kind=CareKind.LONGER_VISIT,
            minutes=minutes,
            visit_id=visit.id,
            note=stage.rng.choice(DRAW_NOTES),
        )
        drawing.accept_request(
            session,
            actor=stage.manager(package.provider_id),
            at=evening + timedelta(minutes=30),
            request_id=asked.id,
        )


def _envelope_left(session: Session, package_id: int) -> int:
    state = timebank.balance(session, actor=SYSTEM_ACTOR, package_id=package_id)
    return state.envelope_minutes


def admissions_and_discharges(stage: Stage, day: date) -> None:
    """People in hospital three days or more may come home; a few others are admitted."""
    with unit_of_work(stage.engine) as session:
        _discharges(stage, session, day)
        _admissions(stage, session, day)


def _discharges(stage: Stage, session: Session, day: date) -> None:
    open_stays = session.scalars(
        select(HospitalStay).where(HospitalStay.discharged_at.is_(None))
    ).all()
    for stay in open_stays:
        length = (day - stay.admitted_at.astimezone(LONDON).date()).days
        if length < 3 or stage.rng.random() > 0.25:
            continue
        package = session.get(Package, stay.package_id)
        assert package is not None
        discharged = at(day, 14)
        hospital.discharge(
            session,
            actor=stage.manager(package.provider_id),
            at=discharged,
            stay_id=stay.id,
            discharged_at=discharged,
            decision="resume" if stage.rng.random() < 0.75 else "review",
        )
        stage.log.discharges += 1


def _admissions(stage: Stage, session: Session, day: date) -> None:
    hospitals = names.HOSPITALS[stage.area.profile.key]
    for package in stage.active_packages(session):
        if stage.rng.random() >= ADMISSION_PER_PERSON_DAY:
            continue
        admitted = at(day, stage.rng.choice((6, 9, 11, 15)))
        hospital.admit(
            session,
            actor=stage.manager(package.provider_id),
            at=admitted,
            package_id=package.id,
            hospital=stage.rng.choice(hospitals),
            admitted_at=admitted,
        )
        stage.log.admissions += 1
