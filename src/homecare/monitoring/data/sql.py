"""The SQL for each frame, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Integer, Select, case, func, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from homecare.brokerage.tables import Offer, Referral
from homecare.changes.tables import ProviderChange
from homecare.community.tables import CommunityHours
from homecare.delivery.tables import Visit, WorkedDay
from homecare.hospital.tables import HospitalStay
from homecare.market.tables import Contract, Lot, Organisation
from homecare.monitoring.data.snapshot import (
    CODE_SPAN,
    COMMUNITY_BIT,
    DATE,
    DAY_SPAN,
    LONG_WINDOW_DAYS,
    STATUS,
    VISIT_STATUSES,
    Scope,
    Window,
)
from homecare.packages.tables import Package
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
from homecare.reviews.tables import Review
from homecare.workforce.tables import CareWorker


class epoch_days(FunctionElement[int]):
    """A date as whole days since 1970-01-01, cheap for every store to hand over."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_days)
def _epoch_days(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


class unindexed(FunctionElement[Any]):
    """A column SQLite must not answer from its index: over a long window a plain scan
    of the table is several times faster than walking the index row by row."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def _in_providers(column: Any, scope: Scope) -> Any:
    return true() if scope.provider_ids is None else column.in_(scope.provider_ids)


def _scoped_packages(scope: Scope) -> Select[Any]:
    stmt = select(Package.id)
    if scope.council_id is not None:
        stmt = stmt.where(Package.council_id == scope.council_id)
    if scope.provider_ids is not None:
        stmt = stmt.where(Package.provider_id.in_(scope.provider_ids))
    return stmt


def utc_midnight(day: date) -> datetime:
    """Midnight UTC of a day: the stored moments a padded London-date range compares with."""
    return datetime.combine(day, time(0), UTC)


def statements_for(scope: Scope, window: Window) -> dict[str, Select[Any]]:
    s, e = window.start, window.end
    first, after = utc_midnight(s - timedelta(days=1)), utc_midnight(e + timedelta(days=2))
    workers = select(CareWorker.id).where(_in_providers(CareWorker.provider_id, scope))

    def by_council(stmt: Any, column: Any) -> Any:
        return stmt if scope.council_id is None else stmt.where(column == scope.council_id)

    packages: Any = select(
        Package.id.label("package_id"),
        Package.council_id,
        Package.person_id,
        Package.provider_id,
        Lot.number.label("lot"),
        Package.referral_id,
        Package.weekly_minutes,
        Package.starts_on,
        Package.ends_on,
        Package.agreed_at,
    ).join(Lot, Lot.id == Package.lot_id)
    packages = by_council(packages, Package.council_id).where(
        _in_providers(Package.provider_id, scope)
    )
    referrals: Any = select(
        Referral.id.label("referral_id"),
        Lot.number.label("lot"),
        Referral.priority,
        Referral.authorised_delay,
        Referral.status,
        Referral.referred_at,
        Referral.cascade_round,
    ).join(Lot, Lot.id == Referral.lot_id)
    referrals = by_council(referrals, Referral.council_id)
    if not scope.all_referrals and scope.provider_ids is not None:
        placed = select(Package.referral_id).where(Package.provider_id.in_(scope.provider_ids))
        referrals = referrals.where(Referral.id.in_(placed))
    contracts = select(Contract.lot_id).where(_in_providers(Contract.provider_id, scope))
    if scope.council_id is not None:
        contracts = contracts.where(Contract.council_id == scope.council_id)
    providers = select(
        Organisation.id.label("provider_id"), Organisation.name.label("provider_name")
    ).where(Organisation.kind == "provider", _in_providers(Organisation.id, scope))
    if scope.council_id is not None:
        contracted = select(Contract.provider_id).where(Contract.council_id == scope.council_id)
        providers = providers.where(Organisation.id.in_(contracted))

    def dated(model: Any, column: Any, *cols: Any) -> Select[Any]:
        return select(*cols).where(
            _in_providers(model.provider_id, scope), column >= s, column <= e
        )

    def overlapping(model: Any, first_col: Any, last_col: Any, *cols: Any) -> Select[Any]:
        return select(*cols).where(
            _in_providers(model.provider_id, scope), first_col <= e, last_col >= s
        )

    return {
        "providers": providers,
        "lots": select(Lot.number.label("lot")).where(Lot.id.in_(contracts)).distinct(),
        "packages": packages,
        "referrals": referrals,
        "visits": _visits(scope, window),
        "missed_visits": _missed_visits(scope, window),
        "worked_days": select(
            WorkedDay.care_worker_id,
            WorkedDay.day,
            WorkedDay.travel_minutes,
            WorkedDay.care_minutes,
        ).where(
            WorkedDay.day >= s,
            WorkedDay.day <= e,
            true() if scope.provider_ids is None else WorkedDay.care_worker_id.in_(workers),
        ),
        "first_offers": select(Offer.referral_id, Offer.responded_at, Offer.respond_by).where(
            Offer.cascade_round == 1,
            Offer.referral_id.in_(referrals.with_only_columns(Referral.id)),
        ),
        "care_workers": select(CareWorker.id.label("care_worker_id"), CareWorker.provider_id).where(
            _in_providers(CareWorker.provider_id, scope)
        ),
        "staff_movements": select(
            StaffMovement.provider_id,
            StaffMovement.care_worker_id,
            StaffMovement.kind,
            StaffMovement.on,
        ).where(_in_providers(StaffMovement.provider_id, scope)),
        "sickness": overlapping(
            SicknessAbsence,
            SicknessAbsence.first_day,
            SicknessAbsence.last_day,
            SicknessAbsence.provider_id,
            SicknessAbsence.first_day,
            SicknessAbsence.last_day,
            SicknessAbsence.working_days,
        ),
        "training": dated(
            TrainingRecord,
            TrainingRecord.completed_on,
            TrainingRecord.provider_id,
            TrainingRecord.completed_on,
            TrainingRecord.hours,
        ),
        "staff_survey": dated(
            StaffSurveyResponse,
            StaffSurveyResponse.answered_on,
            StaffSurveyResponse.provider_id,
            StaffSurveyResponse.answered_on,
            StaffSurveyResponse.job_satisfaction,
            StaffSurveyResponse.morale,
        ),
        "people_survey": dated(
            PeopleSurveyResponse,
            PeopleSurveyResponse.answered_on,
            PeopleSurveyResponse.provider_id,
            PeopleSurveyResponse.respondent,
            PeopleSurveyResponse.answered_on,
            PeopleSurveyResponse.what_matters_understood,
            PeopleSurveyResponse.supported_by_carers,
            PeopleSurveyResponse.unpaid_carer_supported,
        ),
        "case_studies": dated(
            CaseStudy,
            CaseStudy.occurred_on,
            CaseStudy.provider_id,
            CaseStudy.kind,
            CaseStudy.occurred_on,
        ),
        "complaints": dated(
            Complaint, Complaint.received_on, Complaint.provider_id, Complaint.received_on
        ),
        "incidents": dated(
            Incident, Incident.occurred_on, Incident.provider_id, Incident.occurred_on
        ),
        "refunds": dated(
            RefundCredit,
            RefundCredit.issued_on,
            RefundCredit.provider_id,
            RefundCredit.issued_on,
            RefundCredit.amount_pence,
        ),
        "spend": overlapping(
            StaffingSpend,
            StaffingSpend.period_start,
            StaffingSpend.period_end,
            StaffingSpend.provider_id,
            StaffingSpend.period_start,
            StaffingSpend.period_end,
            StaffingSpend.direct_staff_pence.label("direct_pence"),
            StaffingSpend.indirect_staff_pence.label("indirect_pence"),
            StaffingSpend.total_spend_pence.label("total_pence"),
        ),
        "reviews": select(
            Review.id.label("review_id"),
            Review.package_id,
            Review.due_on,
            Review.done_on,
            Review.recorded_at,
            Review.wellbeing,
            Review.home,
            Review.community,
            Review.opted_out,
        ).where(Review.package_id.in_(_scoped_packages(scope))),
        "changes": select(
            ProviderChange.id.label("change_id"),
            ProviderChange.package_id,
            ProviderChange.from_weekly_minutes,
            ProviderChange.to_weekly_minutes,
            ProviderChange.within_parameters,
            ProviderChange.status,
            ProviderChange.effective_from,
            ProviderChange.decided_at,
            ProviderChange.decided_weekly_minutes,
        ).where(ProviderChange.package_id.in_(_scoped_packages(scope))),
        "community_hours": select(
            CommunityHours.id.label("community_hours_id"),
            CommunityHours.package_id,
            CommunityHours.ends_on,
            CommunityHours.outcome,
        ).where(
            CommunityHours.package_id.in_(_scoped_packages(scope)),
            CommunityHours.ends_on >= s,
            CommunityHours.ends_on <= e,
        ),
        "hospital_stays": select(
            HospitalStay.id.label("stay_id"),
            HospitalStay.package_id,
            HospitalStay.admitted_at,
            HospitalStay.discharged_at,
        ).where(
            HospitalStay.package_id.in_(_scoped_packages(scope)),
            HospitalStay.admitted_at < after,
            or_(HospitalStay.discharged_at.is_(None), HospitalStay.discharged_at >= first),
        ),
    }


def _visit_day(scope: Scope, window: Window) -> Any:
    """The missed visits' day, kept off SQLite's day index over a long window of many
    providers: there the few missed visits are found faster through the status index."""
    few_providers = scope.provider_ids is not None and len(scope.provider_ids) <= 4
    long_window = (window.end - window.start).days >= LONG_WINDOW_DAYS
    return unindexed(Visit.day) if long_window and not few_providers else Visit.day


def _missed_visits(scope: Scope, window: Window) -> Any:
    day = _visit_day(scope, window)
    return select(Visit.id.label("visit_id"), Visit.package_id, Visit.day).where(
        Visit.status == "missed",
        _in_providers(Visit.provider_id, scope),
        day >= window.start,
        day <= window.end,
    )


def _visits(scope: Scope, window: Window) -> Select[Any]:
    """The visits in the window, each as its package and one packed number."""
    code = case(
        {status: i for i, status in enumerate(VISIT_STATUSES)},
        value=Visit.status,
        else_=VISIT_STATUSES.index("unknown"),
    ) + case((Visit.place_kind == "community", COMMUNITY_BIT), else_=0)
    minutes = func.coalesce(Visit.delivered_minutes, Visit.planned_minutes * Visit.carers)
    packed = (minutes * DAY_SPAN + epoch_days(Visit.day)) * CODE_SPAN + code
    columns: list[Any] = [Visit.package_id, packed.label("packed")]
    return select(*columns).where(
        _in_providers(Visit.provider_id, scope),
        Visit.day >= window.start,
        Visit.day <= window.end,
    )


def decode_visits(frame: pl.DataFrame) -> pl.DataFrame:
    """Visits as read (`VISITS_READ`) to the snapshot's schema."""
    packed = pl.col("packed")
    code = packed % CODE_SPAN
    return frame.select(
        pl.col("package_id"),
        ((packed // CODE_SPAN) % DAY_SPAN).cast(pl.Int32).cast(DATE).alias("day"),
        (code % COMMUNITY_BIT)
        .replace_strict(list(range(len(VISIT_STATUSES))), list(VISIT_STATUSES), return_dtype=STATUS)
        .alias("status"),
        (code >= COMMUNITY_BIT).alias("community"),
        (packed // (CODE_SPAN * DAY_SPAN)).alias("minutes"),
    )
