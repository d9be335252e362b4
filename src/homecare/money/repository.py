"""What paying providers reads: the runs an actor may see, each contract's payment rules
on a day, the visits a run pays as the pure rules take them, and what approved runs have
paid already. Pages, API and command line read through these same functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from homecare.access import Actor, scoped
from homecare.delivery.outcomes import VisitStatus
from homecare.delivery.tables import Attendance, Visit
from homecare.market.rates import rate_book
from homecare.market.tables import Organisation
from homecare.money.enhancements import Enhancement
from homecare.money.payment_rules import PaymentRules, VisitToPay, on_bank_holiday
from homecare.money.payment_runs import HospitalDay, iso_week
from homecare.money.rules_data import enhancement_from, rules_from
from homecare.money.tables import (
    PaymentAdjustment,
    PaymentDispute,
    PaymentEnhancement,
    PaymentRuleSet,
    PaymentRun,
    PaymentRunLine,
    PaymentSettlement,
)
from homecare.packages.tables import Package
from homecare.people.tables import Person
from homecare.timebank.tables import TimeBankAccount, TimeBankRequest

STANDARD_RULES = PaymentRules.leeds_pilot()
"""The rules of a contract that has none of its own: actual call-monitoring minutes, by
the minute, a second carer in full, no minimum (Leeds's pilot, 000 §27)."""

LOOK_BACK = timedelta(weeks=8)
"""How far before a period a run looks for visits not yet paid (still open at the last
run, or corrected since): older corrections are made by hand as adjustments."""


def readable_runs(actor: Actor) -> Select[Any]:
    """The council's runs, to its staff; a provider's approved runs (its statements)."""
    return scoped(
        actor,
        select(PaymentRun),
        council=lambda org: PaymentRun.council_id == org,
        provider=lambda org: (PaymentRun.provider_id == org) & (PaymentRun.status == "approved"),
    )


def readable_disputes(actor: Actor) -> Select[Any]:
    return scoped(
        actor,
        select(PaymentDispute),
        council=lambda org: PaymentDispute.run_id.in_(
            select(PaymentRun.id).where(PaymentRun.council_id == org)
        ),
        provider=lambda org: PaymentDispute.provider_id == org,
    )


def readable_enhancements(actor: Actor) -> Select[Any]:
    """A council's enhancements and grants, to its staff."""
    return scoped(
        actor,
        select(PaymentEnhancement),
        council=lambda org: PaymentEnhancement.council_id == org,
    )


def readable_adjustments(actor: Actor) -> Select[Any]:
    return scoped(
        actor,
        select(PaymentAdjustment),
        council=lambda org: PaymentAdjustment.council_id == org,
    )


@dataclass
class RulesBook:
    """Each contract's rule sets by date; a contract with none is paid by STANDARD_RULES."""

    sets: dict[int, list[tuple[date, PaymentRules]]] = field(default_factory=dict)
    package_contract: dict[int, int] = field(default_factory=dict)

    def on(self, contract_id: int, day: date) -> PaymentRules:
        chosen = STANDARD_RULES
        for effective_from, rules in self.sets.get(contract_id, ()):
            if effective_from <= day:
                chosen = rules
        return chosen

    def for_package(self, package_id: int, day: date) -> PaymentRules:
        return self.on(self.package_contract[package_id], day)


def rules_book(session: Session, contract_ids: Iterable[int]) -> RulesBook:
    book = RulesBook()
    for row in session.scalars(
        select(PaymentRuleSet)
        .where(PaymentRuleSet.contract_id.in_(sorted(set(contract_ids))))
        .order_by(PaymentRuleSet.contract_id, PaymentRuleSet.effective_from)
    ):
        book.sets.setdefault(row.contract_id, []).append(
            (row.effective_from, rules_from(row.rules))
        )
    return book


def rule_sets(session: Session, contract_id: int) -> list[PaymentRuleSet]:
    return list(
        session.scalars(
            select(PaymentRuleSet)
            .where(PaymentRuleSet.contract_id == contract_id)
            .order_by(PaymentRuleSet.effective_from)
        )
    )


def enhancements_of(session: Session, council_id: int) -> list[Enhancement]:
    rows = session.scalars(
        select(PaymentEnhancement)
        .where(PaymentEnhancement.council_id == council_id)
        .order_by(PaymentEnhancement.id)
    )
    return [
        enhancement_from(r.name, r.kind, r.funding_source, r.starts_on, r.ends_on, r.spec)
        for r in rows
    ]


@dataclass(frozen=True)
class RunInputs:
    """Everything a provider's run is drafted from, read in one go."""

    visits: list[VisitToPay]
    hospital_days: list[HospitalDay]
    rules: RulesBook
    people: dict[int, str]
    """Each package's person, by name, for statements and remittances."""
    envelopes: dict[tuple[int, str], int] = field(default_factory=dict)
    """Minutes a package on an envelope of time may be paid in an ISO week."""


def run_inputs(session: Session, council_id: int, provider_id: int, last_day: date) -> RunInputs:
    """The provider's visits for the council's packages from LOOK_BACK before the period to
    its last day, with each carer's call-monitoring minutes and the rate of each day."""
    first_day = last_day - timedelta(days=27) - LOOK_BACK
    packages = {
        p.id: p
        for p in session.scalars(
            select(Package).where(
                Package.council_id == council_id, Package.provider_id == provider_id
            )
        )
    }
    book = rules_book(session, {p.contract_id for p in packages.values()})
    book.package_contract.update({p.id: p.contract_id for p in packages.values()})
    rates = rate_book(session, book.package_contract.values())
    rows = session.execute(
        select(
            Visit.id,
            Visit.package_id,
            Visit.day,
            Visit.window_start,
            Visit.planned_minutes,
            Visit.carers,
            Visit.status,
            Visit.closed_at,
            Visit.band,
            Visit.source,
            Person.lsoa_code,
            Person.postcode,
        )
        .join(Person, Person.id == Visit.person_id)
        .where(
            Visit.provider_id == provider_id,
            Visit.package_id.in_(packages),
            Visit.day >= first_day,
            Visit.day <= last_day,
        )
        .order_by(Visit.id)
    ).all()
    minutes = _carer_minutes(session, provider_id, first_day, last_day)
    visits: list[VisitToPay] = []
    stays: set[HospitalDay] = set()
    for row in rows:
        status = VisitStatus(row.status)
        if status is VisitStatus.HOSPITAL:
            stays.add(HospitalDay(row.package_id, row.day))
        notice = None
        if status is VisitStatus.CANCELLED_BY_PERSON and row.closed_at is not None:
            notice = max(0, int((row.window_start - row.closed_at).total_seconds() // 60))
        visits.append(
            VisitToPay(
                visit_id=row.id,
                package_id=row.package_id,
                day=row.day,
                starts_at=row.window_start,
                planned_minutes=row.planned_minutes,
                carers=row.carers,
                status=status,
                hourly_rate_pence=rates.rate(packages[row.package_id].contract_id, row.day),
                actual_minutes=minutes.get(row.id),
                notice_minutes=notice,
                bank_holiday=on_bank_holiday(row.window_start),
                night=row.band == "night",
                lsoa=row.lsoa_code,
                postcode=row.postcode,
                community=row.source == "community",
            )
        )
    people = package_people(session, packages)
    return RunInputs(
        visits,
        sorted(stays, key=lambda d: (d.package_id, d.day)),
        book,
        {pid: people.get(pid, "") for pid in packages},
        envelopes_of(session, set(packages), first_day, last_day),
    )


def envelopes_of(
    session: Session, package_ids: set[int], first_day: date, last_day: date
) -> dict[tuple[int, str], int]:
    """For each package on an envelope of time and each ISO week of the window, the
    minutes it may be paid: the envelope's share of a week (half up to the minute) and the
    banked hours the provider accepted to give that week."""
    accounts = session.execute(
        select(
            TimeBankAccount.package_id,
            TimeBankAccount.minutes_per_period,
            TimeBankAccount.period_weeks,
        ).where(TimeBankAccount.package_id.in_(package_ids))
    ).all()
    if not accounts:
        return {}
    drawn: dict[tuple[int, str], int] = defaultdict(int)
    for package_id, day, minutes in session.execute(
        select(TimeBankRequest.package_id, TimeBankRequest.day, TimeBankRequest.minutes).where(
            TimeBankRequest.package_id.in_([a.package_id for a in accounts]),
            TimeBankRequest.status == "accepted",
            TimeBankRequest.day >= first_day,
            TimeBankRequest.day <= last_day,
        )
    ):
        drawn[(package_id, iso_week(day))] += minutes
    weeks = sorted({iso_week(first_day + timedelta(days=d))
                    for d in range((last_day - first_day).days + 1)})  # fmt: skip
    return {
        (a.package_id, week): (2 * a.minutes_per_period + a.period_weeks) // (2 * a.period_weeks)
        + drawn.get((a.package_id, week), 0)
        for a in accounts
        for week in weeks
    }


def _carer_minutes(
    session: Session, provider_id: int, first_day: date, last_day: date
) -> dict[int, tuple[int, ...]]:
    """Each visit's carers' checked-in-to-checked-out minutes, whole minutes half up; a
    carer with only one of the two is no evidence and left out."""
    found: dict[int, list[int]] = defaultdict(list)
    for visit_id, checked_in, checked_out in session.execute(
        select(Attendance.visit_id, Attendance.checked_in_at, Attendance.checked_out_at)
        .join(Visit, Visit.id == Attendance.visit_id)
        .where(
            Visit.provider_id == provider_id,
            Visit.day >= first_day,
            Visit.day <= last_day,
            Attendance.checked_in_at.is_not(None),
            Attendance.checked_out_at.is_not(None),
        )
        .order_by(Attendance.visit_id, Attendance.id)
    ):
        assert checked_in is not None and checked_out is not None
        seconds = (checked_out - checked_in).total_seconds()
        found[visit_id].append(int((seconds + 30) // 60))
    return {k: tuple(v) for k, v in found.items()}


def paid_before(session: Session, provider_id: int) -> dict[str, int]:
    """What the provider's approved runs have paid against each key, later over earlier."""
    paid: dict[str, int] = {}
    for key, pence in session.execute(
        select(PaymentSettlement.key, PaymentSettlement.pence)
        .join(PaymentRun, PaymentRun.id == PaymentSettlement.run_id)
        .where(PaymentRun.provider_id == provider_id, PaymentRun.status == "approved")
        .order_by(PaymentRun.period_starts_on, PaymentSettlement.id)
    ):
        paid[key] = pence
    return paid


def approved_adjustments(session: Session, provider_id: int) -> list[PaymentAdjustment]:
    return list(
        session.scalars(
            select(PaymentAdjustment)
            .where(
                PaymentAdjustment.provider_id == provider_id,
                PaymentAdjustment.approved_at.is_not(None),
            )
            .order_by(PaymentAdjustment.id)
        )
    )


def run_for(session: Session, provider_id: int, starts_on: date) -> PaymentRun | None:
    return session.scalars(
        select(PaymentRun).where(
            PaymentRun.provider_id == provider_id, PaymentRun.period_starts_on == starts_on
        )
    ).first()


def unapproved_before(session: Session, provider_id: int, starts_on: date) -> PaymentRun | None:
    """An earlier run of the provider's not yet approved: it must be approved first, or a
    visit in both would be paid twice."""
    return session.scalars(
        select(PaymentRun)
        .where(
            PaymentRun.provider_id == provider_id,
            PaymentRun.period_starts_on < starts_on,
            PaymentRun.status != "approved",
        )
        .order_by(PaymentRun.period_starts_on)
    ).first()


def run_lines(session: Session, run_id: int) -> list[PaymentRunLine]:
    return list(
        session.scalars(
            select(PaymentRunLine)
            .where(PaymentRunLine.run_id == run_id)
            .order_by(PaymentRunLine.package_id, PaymentRunLine.iso_week)
        )
    )


def organisation_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(set(ids)))
    )
    return {org_id: name for org_id, name in rows}


def package_people(session: Session, package_ids: Iterable[int]) -> dict[int, str]:
    """Each package's person by name."""
    rows = session.execute(
        select(Package.id, Person.given_name, Person.family_name)
        .join(Person, Person.id == Package.person_id)
        .where(Package.id.in_(set(package_ids)))
    )
    return {pid: f"{given} {family}" for pid, given, family in rows}
