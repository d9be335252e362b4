"""The net weekly hours and pounds of provider-led changes (000 §27, §29).

Adjusting packages is how the pilot means to stay within budget, so each change shows its
cost as proposed, as decided and as carried today, and the council totals them per
provider and per decision every month.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from homecare.changes.domain import (
    DECISION_GROUP,
    IMPACT_GROUPS,
    ChangeStatus,
    Impact,
    impact_of,
)
from homecare.changes.schemas import ImpactFigures, ImpactReport, ImpactTotal, ProviderImpact
from homecare.changes.tables import ProviderChange
from homecare.market.tables import Organisation
from homecare.packages.tables import Package
from homecare.units import hours, minute_pence, pounds_from_minute_pence


def impact_for(change: ProviderChange, package: Package) -> Impact:
    return impact_of(
        status=ChangeStatus(change.status),
        from_minutes=change.from_weekly_minutes,
        to_minutes=change.to_weekly_minutes,
        decided_minutes=change.decided_weekly_minutes,
        package_minutes=package.weekly_minutes,
    )


def impact_figures(impact: Impact, rate_pence: int) -> ImpactFigures:
    """One change's deltas in hours and pounds, at the rate the package had when proposed."""
    decided = impact.decided
    return ImpactFigures(
        weekly_hours_proposed=hours(impact.proposed),
        weekly_pounds_proposed=pounds_from_minute_pence(minute_pence(impact.proposed, rate_pence)),
        weekly_hours_decided=None if decided is None else hours(decided),
        weekly_pounds_decided=None
        if decided is None
        else pounds_from_minute_pence(minute_pence(decided, rate_pence)),
        weekly_hours_in_effect=hours(impact.in_effect),
        weekly_pounds_in_effect=pounds_from_minute_pence(
            minute_pence(impact.in_effect, rate_pence)
        ),
    )


@dataclass
class _Sum:
    """Totals kept in minute-pence, so pounds are rounded once, not once per change."""

    count: int = 0
    proposed_minutes: int = 0
    proposed_mp: int = 0
    in_effect_minutes: int = 0
    in_effect_mp: int = 0

    def add(self, impact: Impact, rate_pence: int) -> None:
        self.count += 1
        self.proposed_minutes += impact.proposed
        self.proposed_mp += minute_pence(impact.proposed, rate_pence)
        self.in_effect_minutes += impact.in_effect
        self.in_effect_mp += minute_pence(impact.in_effect, rate_pence)

    def total(self) -> ImpactTotal:
        return ImpactTotal(
            changes=self.count,
            weekly_hours_proposed=hours(self.proposed_minutes),
            weekly_pounds_proposed=pounds_from_minute_pence(self.proposed_mp),
            weekly_hours_in_effect=hours(self.in_effect_minutes),
            weekly_pounds_in_effect=pounds_from_minute_pence(self.in_effect_mp),
        )


def impact_report(
    rows: Iterable[tuple[ProviderChange, Package, Organisation]], *, start: date, end: date
) -> ImpactReport:
    """Totals per provider and per social-worker decision, as proposed and as now in effect."""
    overall = _Sum()
    by_provider: dict[int, tuple[str, _Sum]] = {}
    by_decision = {group: _Sum() for group in IMPACT_GROUPS}
    for change, package, provider in rows:
        impact = impact_for(change, package)
        rate = change.hourly_rate_pence
        overall.add(impact, rate)
        by_provider.setdefault(provider.id, (provider.name, _Sum()))[1].add(impact, rate)
        by_decision[DECISION_GROUP.get(ChangeStatus(change.status), "pending")].add(impact, rate)
    return ImpactReport(
        start=start,
        end=end,
        total=overall.total(),
        by_provider=[
            ProviderImpact(provider_id=pid, provider_name=name, **s.total().model_dump())
            for pid, (name, s) in sorted(by_provider.items())
        ],
        by_decision={g: by_decision[g].total() for g in IMPACT_GROUPS},
    )
