"""The 7 KPIs for one group: 1-4 through the brokerage rules, 5-7 counted row by row.

KPIs 1-4 call the brokerage KPI module as `/kpis/brokerage` does, so they check the
engine's grouping rather than the rules a second time.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from homecare.access import SYSTEM_ACTOR
from homecare.brokerage.kpi_rules import compute_kpis as brokerage_kpis
from homecare.brokerage.repository import referral_facts
from homecare.packages.tables import Package
from homecare.reviews.tables import Review
from tests.support.monitoring_baseline.query import DELIVERED, Query, lot_number

Kpi = tuple[int, int, list[int]]
"""eligible, met, missed case ids."""


def referral_kpis(q: Query, names: dict[int, str]) -> dict[int, Kpi]:
    """KPIs 1-4 exactly as `/kpis/brokerage` computes them, for one group."""
    facts = referral_facts(q.session, SYSTEM_ACTOR, q.period.start, q.period.end)
    council = q.scope.council_id
    if council is not None:
        from homecare.brokerage.tables import Referral

        ours = set(q.session.scalars(select(Referral.id).where(Referral.council_id == council)))
        facts = [f for f in facts if f.referral_id in ours]
    if not q.scope.all_referrals and q.scope.provider_ids is not None:
        allowed = {names[p] for p in q.scope.provider_ids if p in names}
        facts = [f for f in facts if f.provider in allowed]
    if q.provider is not None:
        facts = [f for f in facts if f.provider == names[q.provider]]
    if q.lot is not None:
        facts = [f for f in facts if f.lot == f"Lot {q.lot}"]
    results = brokerage_kpis(facts, q.as_of)["all"]
    return {
        r.number: (r.eligible_count, r.met_count, sorted(r.missed_referral_ids)) for r in results
    }


def _active(p: Package, day: date) -> bool:
    return p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)


def _people_kpi(cases: list[tuple[int, int, bool]]) -> Kpi:
    """(person, package, ok) → people, people all of whose cases are ok, failed packages."""
    people: dict[int, bool] = {}
    for person, _, ok in cases:
        people[person] = people.get(person, True) and ok
    missed = sorted({package for _, package, ok in cases if not ok})
    return len(people), sum(1 for ok in people.values() if ok), missed


def kpi5(q: Query) -> Kpi:
    as_at = q.as_at()
    cases = []
    for p in q.packages():
        if not _active(p, as_at):
            continue
        reviews = q.session.scalars(select(Review).where(Review.package_id == p.id))
        overdue = any(
            r.due_on < as_at and (r.done_on is None or r.done_on > as_at) for r in reviews
        )
        cases.append((p.person_id, p.id, not overdue))
    return _people_kpi(cases)


def kpi6(q: Query) -> Kpi:
    as_at = q.as_at()
    since = as_at - timedelta(weeks=q.timings.review_interval_weeks)
    cases = []
    for p in q.packages():
        first_due = p.starts_on + timedelta(weeks=q.timings.first_review_weeks)
        if lot_number(q.session, p.lot_id) != 1 or not _active(p, as_at) or first_due >= as_at:
            continue
        done = list(
            q.session.scalars(
                select(Review)
                .where(
                    Review.package_id == p.id, Review.done_on.is_not(None), Review.done_on <= as_at
                )
                .order_by(Review.done_on, Review.recorded_at, Review.id)
            )
        )
        if done and done[-1].opted_out:
            continue
        rated = any(
            not r.opted_out
            and r.wellbeing is not None
            and r.done_on is not None
            and r.done_on >= since
            for r in done
        )
        cases.append((p.person_id, p.id, rated))
    return _people_kpi(cases)


def kpi7(q: Query) -> Kpi:
    visits = q.visits((*DELIVERED, "missed"))
    met = sum(1 for v, _ in visits if v.status in DELIVERED)
    missed = sorted(v.id for v, _ in visits if v.status == "missed")
    return len(visits), met, missed
