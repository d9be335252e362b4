"""What the demo reports: caseload, providers, the awaiting-care list and KPIs 1-4."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.access import SYSTEM_ACTOR
from homecare.brokerage.kpi_rules import compute_kpis
from homecare.brokerage.repository import awaiting_care, referral_facts
from homecare.market.tables import Organisation
from homecare.packages.tables import Package, PackageVisit


def summarise(
    session: Session, *, period_from: date, period_to: date, as_of: datetime, council_id: int
) -> dict[str, Any]:
    packages = list(
        session.scalars(
            select(Package).where(Package.council_id == council_id, Package.status == "active")
        )
    )
    total = sum(p.weekly_minutes for p in packages)
    two_handed = sum(
        v.minutes * v.carers
        for v in session.scalars(
            select(PackageVisit)
            .join(Package, PackageVisit.package_id == Package.id)
            .where(
                Package.council_id == council_id,
                Package.status == "active",
                PackageVisit.carers > 1,
            )
        )
    )
    providers = {o.id: o.name for o in session.scalars(select(Organisation))}
    by_provider: dict[str, dict[str, float]] = defaultdict(
        lambda: {"packages": 0, "weekly_hours": 0.0}
    )
    for package in packages:
        entry = by_provider[providers[package.provider_id]]
        entry["packages"] += 1
        entry["weekly_hours"] = round(entry["weekly_hours"] + package.weekly_minutes / 60, 2)
    facts = [f for f in referral_facts(session, SYSTEM_ACTOR, period_from, period_to)]
    kpis = compute_kpis(facts, as_of)["all"]
    awaiting = awaiting_care(session, SYSTEM_ACTOR, as_of)
    return {
        "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
        "people": len({p.person_id for p in packages}),
        "weekly_hours": round(total / 60, 1),
        "two_handed_share": round(two_handed / total, 3) if total else 0.0,
        "packages_by_provider": dict(
            sorted(by_provider.items(), key=lambda kv: -kv[1]["weekly_hours"])
        ),
        "referrals": len(facts),
        "awaiting": [
            {
                "referral_id": a.referral_id,
                "priority": a.priority,
                "lot": a.lot,
                "status": a.status.value,
                "weekly_hours": float(a.weekly_hours),
                "waiting_hours": a.waiting_hours,
                "waiting_working_days": a.waiting_working_days,
                "offered_to": a.offered_to,
                "providers_tried": a.providers_tried,
            }
            for a in awaiting
        ],
        "kpis": {
            str(k.number): {
                "name": k.name,
                "value": k.value_pct,
                "target": k.target_pct,
                "met": k.met,
                "met_count": k.met_count,
                "eligible_count": k.eligible_count,
                "missed_referral_ids": k.missed_referral_ids,
            }
            for k in kpis
        },
    }
