"""A valid quality record of each kind, naming one provider's care worker, person and package."""

from __future__ import annotations

from typing import Any


def quality_bodies(care_worker_id: int, person_id: int, package_id: int) -> dict[str, Any]:
    return {
        "staff-movements": {
            "kind": "leaver",
            "on": "2026-10-01",
            "care_worker_id": care_worker_id,
            "reason": "another_sector",
        },
        "sickness-absences": {
            "care_worker_id": care_worker_id,
            "first_day": "2026-09-28",
            "last_day": "2026-09-30",
            "working_days": 3,
            "reason": "Flu",
        },
        "training": {
            "care_worker_id": care_worker_id,
            "course": "Dementia awareness",
            "category": "dementia",
            "completed_on": "2026-09-30",
            "hours": 6.5,
        },
        "staff-survey": {"answered_on": "2026-10-01", "job_satisfaction": 4, "morale": 3},
        "people-survey": {
            "respondent": "unpaid_carer",
            "answered_on": "2026-10-02",
            "person_id": person_id,
            "what_matters_understood": True,
            "supported_by_carers": True,
            "unpaid_carer_supported": False,
        },
        "case-studies": {
            "kind": "pressure_off_other_services",
            "title": "A fall caught early",
            "summary": "The carer found her on the floor, checked her and stayed with her.",
            "occurred_on": "2026-09-29",
            "person_id": person_id,
            "services_relieved": ["ambulance", "gp"],
            "formulated_with": ["person", "carers"],
        },
        "complaints": {
            "received_on": "2026-10-01",
            "category": "timekeeping",
            "summary": "Bed calls arrive after nine",
            "person_id": person_id,
        },
        "incidents": {
            "occurred_on": "2026-10-03",
            "category": "fall",
            "summary": "Slipped in the bathroom; no injury",
            "reported_to": ["cqc", "council"],
            "person_id": person_id,
        },
        "refunds": {
            "issued_on": "2026-10-02",
            "amount_pence": 1250,
            "reason": "missed_visits",
            "package_id": package_id,
        },
        "staffing-spend": {
            "period_start": "2026-09-07",
            "period_end": "2026-10-04",
            "direct_staff_pence": 12_000_000,
            "indirect_staff_pence": 2_500_050,
            "total_spend_pence": 18_000_000,
        },
    }
