"""The 29 measures, one function each: ORM queries and Python sums, no shared frames.

Each takes a `Query` for one group and returns its parts as (part, value, numerator,
denominator, cases), the engine's columns, so the two can be compared row by row.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from homecare.calendar import local_date
from homecare.changes.tables import ProviderChange
from homecare.community.tables import CommunityHours
from homecare.delivery.tables import Attendance
from homecare.delivery.worked_days import LONGEST_STINT_SECONDS, TRAVEL_CAP_MINUTES
from homecare.hospital.tables import HospitalStay
from homecare.monitoring.periods import weekdays_in
from homecare.quality.tables import (
    CaseStudy,
    Complaint,
    Incident,
    PeopleSurveyResponse,
    RefundCredit,
    SicknessAbsence,
    StaffingSpend,
    StaffMovement,
    StaffSurveyResponse,
    TrainingRecord,
)
from homecare.reviews.domain import made_progress, progress_over
from homecare.reviews.service import rating_of
from homecare.reviews.tables import Review
from homecare.workforce.tables import CareWorker
from tests.support.monitoring_baseline.query import (
    DELIVERED,
    Query,
    Value,
    lot_number,
    overlap,
    ratio,
)


def m01(q: Query) -> list[Value]:
    packages = q.packages()
    started = sum(1 for p in packages if q.inside(p.starts_on))
    ended = sum(1 for p in packages if q.inside(p.ends_on))
    return [("started", started, None, None, None), ("ended", ended, None, None, None)]


def m02(q: Query) -> list[Value]:
    packages = q.packages()
    started = sum(p.weekly_minutes for p in packages if q.inside(p.starts_on)) / 60
    ended = sum(p.weekly_minutes for p in packages if q.inside(p.ends_on)) / 60
    return [("started_hours", started, None, None, None), ("ended_hours", ended, None, None, None)]


def m03(q: Query) -> list[Value]:
    packages = q.package_map()
    up: dict[str, set[int]] = defaultdict(set)
    net = 0
    stmt = select(ProviderChange).where(ProviderChange.package_id.in_(list(packages)))
    for c in q.session.scalars(stmt):
        if c.within_parameters and q.inside(c.effective_from):
            delta = c.to_weekly_minutes - c.from_weekly_minutes
            net += delta
            if delta:
                up["provider_increases" if delta > 0 else "provider_decreases"].add(c.package_id)
        decided = c.status in ("approved", "amended", "reversed") and c.decided_at is not None
        if decided and c.decided_weekly_minutes is not None and c.decided_at is not None:
            before = c.to_weekly_minutes if c.within_parameters else c.from_weekly_minutes
            delta = c.decided_weekly_minutes - before
            if delta and q.inside(local_date(c.decided_at)):
                net += delta
                up["social_worker_increases" if delta > 0 else "social_worker_decreases"].add(
                    c.package_id
                )
    parts = [
        "provider_increases",
        "provider_decreases",
        "social_worker_increases",
        "social_worker_decreases",
    ]
    return [(p, len(up[p]), None, None, None) for p in parts] + [
        ("net_hours", net / 60, None, None, None)
    ]


def m04(q: Query) -> list[Value]:
    packages = q.package_map()
    due = {
        r.package_id
        for r in q.session.scalars(select(Review).where(Review.package_id.in_(list(packages))))
        if q.inside(r.due_on)
    }
    return [("due", len(due), None, None, None)]


def m05(q: Query) -> list[Value]:
    people = {p.person_id for _, p in q.visits(DELIVERED)}
    return [("people", len(people), None, None, None)]


def m06(q: Query) -> list[Value]:
    minutes = sum(
        v.delivered_minutes or 0 for v, _ in q.visits(DELIVERED) if v.place_kind == "community"
    )
    return [("hours", minutes / 60, None, None, None)]


def m07(q: Query) -> list[Value]:
    packages = q.package_map()
    people = set()
    for stay in q.session.scalars(
        select(HospitalStay).where(HospitalStay.package_id.in_(list(packages)))
    ):
        admitted = local_date(stay.admitted_at)
        discharged = local_date(stay.discharged_at) if stay.discharged_at else None
        if admitted <= q.period.end and (discharged is None or discharged >= q.period.start):
            people.add(packages[stay.package_id].person_id)
    return [("people", len(people), None, None, None)]


def m08(q: Query) -> list[Value]:
    minutes = sum(v.planned_minutes * v.carers for v, _ in q.visits(["hospital"]))
    return [("hours", minutes / 60, None, None, None)]


def m09(q: Query) -> list[Value]:
    from homecare.brokerage.tables import Referral

    cases = []
    for p in q.packages():
        if p.referral_id is None or not q.inside(p.starts_on):
            continue
        referral = q.session.get(Referral, p.referral_id)
        if referral is None:
            continue
        cases.append((referral.id, (p.starts_on - local_date(referral.referred_at)).days))
    if not cases:
        return [("median_days", None, None, 0.0, None), ("mean_days", None, None, 0.0, None)]
    days = [d for _, d in cases]
    listed = [{"case_id": i, "value": float(d)} for i, d in sorted(cases)]
    n = float(len(cases))
    return [
        ("median_days", float(statistics.median(days)), None, n, listed),
        ("mean_days", statistics.mean(days), None, n, None),
    ]


def m10(q: Query) -> list[Value]:
    end = q.period.end
    minutes = sum(
        p.weekly_minutes
        for p in q.packages()
        if p.starts_on <= end and (p.ends_on is None or p.ends_on >= end)
    )
    return [("hours", minutes / 60, None, None, None)]


def m11(q: Query) -> list[Value]:
    lot_1 = {i: p for i, p in q.package_map().items() if lot_number(q.session, p.lot_id) == 1}
    due, on_time = set(), set()
    for r in q.session.scalars(select(Review).where(Review.package_id.in_(list(lot_1)))):
        if q.inside(r.due_on):
            due.add(r.package_id)
            if r.done_on is not None and r.done_on <= r.due_on:
                on_time.add(r.package_id)
    return [("reviewed_on_time", len(on_time), len(on_time), len(due), None)]


def m12(q: Query) -> list[Value]:
    packages = q.package_map()
    rated, progressed = set(), set()
    for package_id, package in packages.items():
        done = list(
            q.session.scalars(
                select(Review)
                .where(Review.package_id == package_id, Review.done_on.is_not(None))
                .order_by(Review.done_on, Review.recorded_at, Review.id)
            )
        )
        steps = progress_over([rating_of(r) for r in done])
        for review, step in zip(done, steps, strict=True):
            if review.opted_out or review.wellbeing is None or not q.inside(review.done_on):
                continue
            rated.add(package.person_id)
            if made_progress(step):
                progressed.add(package.person_id)
    return [("people", len(progressed), len(progressed), len(rated), None)]


def _examples(kind: str) -> Callable[[Query], list[Value]]:
    def examples(q: Query) -> list[Value]:
        rows = [c for c in q.dated(CaseStudy, CaseStudy.occurred_on) if c.kind == kind]
        return [("examples", len(rows), None, None, None)]

    return examples


def m14(q: Query) -> list[Value]:
    workers = {
        w.id for w in q.session.scalars(q.providers_of(select(CareWorker), CareWorker.provider_id))
    }
    first = datetime.combine(q.period.start - timedelta(days=1), time(0), UTC)
    after = datetime.combine(q.period.end + timedelta(days=2), time(0), UTC)
    stints: dict[tuple[int, date], list[tuple[int, int]]] = defaultdict(list)
    stmt = select(Attendance).where(
        Attendance.checked_in_at >= first,
        Attendance.checked_in_at < after,
        Attendance.checked_in_at.is_not(None),
        Attendance.checked_out_at.is_not(None),
    )
    for a in q.session.scalars(stmt):
        if a.care_worker_id in workers and a.checked_in_at and a.checked_out_at:
            # Call monitoring to the whole second, a stint at most a day, as the engine.
            start = math.floor(a.checked_in_at.timestamp())
            end = math.floor(a.checked_out_at.timestamp())
            length = min(max(end - start, 0), LONGEST_STINT_SECONDS)
            stints[(a.care_worker_id, local_date(a.checked_in_at))].append((start, length))
    travel = care = 0.0
    for (_, day), day_stints in stints.items():
        if not q.inside(day):
            continue
        ordered = sorted(day_stints)
        for (start, length), following in zip(ordered, [*ordered[1:], None], strict=True):
            care += length / 60
            if following is not None:
                travel += min(max((following[0] - start - length) / 60, 0.0), TRAVEL_CAP_MINUTES)
    care_hours = care / 60
    return [
        ("travel_hours", travel / 60, None, None, None),
        ("travel_minutes_per_care_hour", ratio(travel, care_hours), travel, care_hours, None),
    ]


def m15(q: Query) -> list[Value]:
    direct = indirect = total = 0.0
    stmt = select(StaffingSpend).where(
        StaffingSpend.period_start <= q.period.end, StaffingSpend.period_end >= q.period.start
    )
    for s in q.session.scalars(q.providers_of(stmt, StaffingSpend.provider_id)):
        share = overlap(s.period_start, s.period_end, q.period) / (
            (s.period_end - s.period_start).days + 1
        )
        direct += s.direct_staff_pence * share
        indirect += s.indirect_staff_pence * share
        total += s.total_spend_pence * share
    return [
        ("direct_pct", ratio(direct, total, 100), direct, total, None),
        ("indirect_pct", ratio(indirect, total, 100), indirect, total, None),
    ]


def m16(q: Query) -> list[Value]:
    stmt = select(SicknessAbsence).where(
        SicknessAbsence.first_day <= q.period.end, SicknessAbsence.last_day >= q.period.start
    )
    days = 0.0
    for a in q.session.scalars(q.providers_of(stmt, SicknessAbsence.provider_id)):
        length = (a.last_day - a.first_day).days + 1
        days += a.working_days * overlap(a.first_day, a.last_day, q.period) / length
    working = q.average_headcount() * weekdays_in(q.period)
    return [
        ("sickness_days", days, None, None, None),
        ("sickness_pct", ratio(days, working, 100), days, working, None),
    ]


def m17(q: Query) -> list[Value]:
    leavers = sum(1 for m in q.dated(StaffMovement, StaffMovement.on) if m.kind == "leaver")
    headcount = q.average_headcount()
    return [
        ("leavers", leavers, None, None, None),
        ("turnover_pct", ratio(leavers, headcount, 100), leavers, headcount, None),
    ]


def m18(q: Query) -> list[Value]:
    answers = q.dated(StaffSurveyResponse, StaffSurveyResponse.answered_on)
    n = float(len(answers))
    if not answers:
        return [("job_satisfaction", None, None, 0.0, None), ("morale", None, None, 0.0, None)]
    return [
        ("job_satisfaction", statistics.mean(a.job_satisfaction for a in answers), None, n, None),
        ("morale", statistics.mean(a.morale for a in answers), None, n, None),
    ]


def m19(q: Query) -> list[Value]:
    hours = sum(t.hours for t in q.dated(TrainingRecord, TrainingRecord.completed_on))
    headcount = q.average_headcount()
    return [
        ("training_hours", hours, None, None, None),
        ("training_hours_per_staff", ratio(hours, headcount), hours, headcount, None),
    ]


def m20(q: Query) -> list[Value]:
    answered = [
        a
        for a in q.dated(PeopleSurveyResponse, PeopleSurveyResponse.answered_on)
        if a.respondent in ("person", "family")
        and a.what_matters_understood is not None
        and a.supported_by_carers is not None
    ]
    yes = sum(1 for a in answered if a.what_matters_understood and a.supported_by_carers)
    n = len(answered)
    return [("understood_and_supported_pct", ratio(yes, n, 100), yes, n, None)]


def m21(q: Query) -> list[Value]:
    packages = q.package_map()
    people = set()
    ids = list(packages)
    for c in q.session.scalars(select(ProviderChange).where(ProviderChange.package_id.in_(ids))):
        decided = c.status in ("approved", "amended") and c.decided_at is not None
        if decided and c.decided_at is not None and c.decided_weekly_minutes is not None:
            lower = c.decided_weekly_minutes < c.from_weekly_minutes
            if lower and q.inside(local_date(c.decided_at)):
                people.add(packages[c.package_id].person_id)
    for h in q.session.scalars(select(CommunityHours).where(CommunityHours.package_id.in_(ids))):
        if h.outcome == "goes_independently" and q.inside(h.ends_on):
            people.add(packages[h.package_id].person_id)
    return [("people", len(people), None, None, None)]


def m22(q: Query) -> list[Value]:
    return [("complaints", len(q.dated(Complaint, Complaint.received_on)), None, None, None)]


def m23(q: Query) -> list[Value]:
    return [("incidents", len(q.dated(Incident, Incident.occurred_on)), None, None, None)]


def m24(q: Query) -> list[Value]:
    pence = sum(r.amount_pence for r in q.dated(RefundCredit, RefundCredit.issued_on))
    return [("value", pence / 100, None, None, None)]


def m26(q: Query) -> list[Value]:
    answered = [
        a
        for a in q.dated(PeopleSurveyResponse, PeopleSurveyResponse.answered_on)
        if a.respondent == "unpaid_carer" and a.unpaid_carer_supported is not None
    ]
    yes = sum(1 for a in answered if a.unpaid_carer_supported)
    n = len(answered)
    return [
        ("well_supported", yes, yes, n, None),
        ("well_supported_pct", ratio(yes, n, 100), yes, n, None),
    ]


MEASURE_FUNCTIONS: dict[int, Callable[[Query], list[Value]]] = {
    1: m01, 2: m02, 3: m03, 4: m04, 5: m05, 6: m06, 7: m07, 8: m08, 9: m09, 10: m10,
    11: m11, 12: m12, 13: _examples("case_study"), 14: m14, 15: m15, 16: m16, 17: m17,
    18: m18, 19: m19, 20: m20, 21: m21, 22: m22, 23: m23, 24: m24,
    25: _examples("community_development"), 26: m26,
    27: _examples("hospital_admission_avoided"), 28: _examples("pressure_off_other_services"),
    29: _examples("service_gap"),
}  # fmt: skip
