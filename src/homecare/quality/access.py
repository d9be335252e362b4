"""Who may read the quality records, following the tenancy choke point in `homecare.access`.

A provider keeps these records about itself; the councils it holds a contract with read
them to monitor the contract (000 Appendix 2). Nobody else sees any, and a row the actor
may not read is loaded exactly like a missing one (404).
"""

from __future__ import annotations

from typing import Any, TypeAlias, TypeVar

from sqlalchemy import Select, false, select

from homecare.access import Actor, Role
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

QualityRecord: TypeAlias = (
    StaffMovement
    | SicknessAbsence
    | TrainingRecord
    | StaffSurveyResponse
    | PeopleSurveyResponse
    | CaseStudy
    | Complaint
    | Incident
    | RefundCredit
    | StaffingSpend
)
"""Every table here carries the `provider_id` the records belong to."""

RecordT = TypeVar(
    "RecordT",
    StaffMovement,
    SicknessAbsence,
    TrainingRecord,
    StaffSurveyResponse,
    PeopleSurveyResponse,
    CaseStudy,
    Complaint,
    Incident,
    RefundCredit,
    StaffingSpend,
)
"""Any one kind of quality record, for the functions that treat every kind alike."""


def contracted_provider_ids(council_id: int | None) -> Select[Any]:
    """Providers holding any contract with the council, ended ones included: their past
    returns stay the council's to read."""
    from homecare.market.tables import Contract

    return select(Contract.provider_id).where(Contract.council_id == council_id)


def readable_quality(actor: Actor, model: type[QualityRecord]) -> Select[Any]:
    """The rows of `model` the actor may read: the system all, a provider its own, council
    staff those of providers contracted with their council, everyone else none."""
    stmt = select(model)
    if actor.is_system:
        return stmt
    if actor.role is Role.PROVIDER_MANAGER:
        return stmt.where(model.provider_id == actor.organisation_id)
    if actor.is_council:
        return stmt.where(model.provider_id.in_(contracted_provider_ids(actor.organisation_id)))
    return stmt.where(false())
