"""The demo pays the month it played: every provider's run for the last 4-week period that
has ended, drafted by the platform, checked and approved by the council's finance officer;
the budget's position; and the cost of care of the area's model."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import local_date
from homecare.db import unit_of_work
from homecare.money import runs_service
from homecare.money.budget_service import budget_summary, seed_budget
from homecare.money.budgets import FinancialYear
from homecare.money.cost_of_care import work_out
from homecare.money.payment_ledger import period_of
from homecare.money.payment_terms import money
from homecare.money.presets import DEFAULT_PRESET, preset
from homecare.monitoring.periods import PeriodKind, recent_periods
from homecare.terminal import console


def pay_the_month(
    engine: Any, built: Any, now: datetime, first_day: date | None = None
) -> dict[str, Any]:
    """Runs for each provider the council pays, approved; one transaction a provider. The
    Leeds pilot's year has its budget (about £4.5m with the £357,000 contingency, 000 §27),
    its share from the first day of care the demo holds; another area's budget is not in
    the seeds, so none is set and its figures are spend."""
    today = local_date(now)
    if built.profile.key == "leeds-pilot":
        with unit_of_work(engine) as session:
            year = FinancialYear.of(today).start_year
            seed_budget(session, council_id=built.council_id, year=year, at=now,
                        from_day=first_day)  # fmt: skip
    named = recent_periods(today, PeriodKind.FOUR_WEEKS, 2)[1]
    period = period_of(named.label)
    finance = built.actors["finance_officer"]
    with unit_of_work(engine) as session:
        providers = runs_service.providers_paid_by(session, built.council_id, period)
    runs: list[dict[str, Any]] = []
    for provider in providers:
        with unit_of_work(engine) as session:
            run = runs_service.draft(
                session, actor=SYSTEM_ACTOR, at=now, provider_id=provider.id, period=period
            )
            runs_service.check(session, actor=finance, at=now, run_id=run.id)
            runs_service.approve(session, actor=finance, at=now, run_id=run.id)
            runs.append(
                {
                    "provider": provider.name,
                    "period": named.label,
                    "lines": run.line_count,
                    "payable_pence": run.total_pence,
                    "exceptions": run.exception_count,
                }
            )
    total = sum(r["payable_pence"] for r in runs)
    console.print(
        f"Paid the {named.name}: {len(runs)} providers, {money(total)};"
        f" {sum(r['exceptions'] for r in runs)} visits held back as exceptions."
    )
    with unit_of_work(engine) as session:
        budget = budget_summary(session, built.council_id, today)
    return {
        "payment_runs": runs,
        "budget": budget,
        "cost_of_care_pence": work_out(preset(DEFAULT_PRESET).inputs).hourly_rate_pence,
    }
