"""A council's budget for a year: set by commissioners, drawn on from the contingency only
by a recorded decision, and read as a position (budget, paid, committed, direct payments,
forecast) by council staff who see the figures. Each change audits itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import SYSTEM_ACTOR, Actor, Permission
from homecare.accounts.tables import UserAccount
from homecare.calendar import local_date
from homecare.errors import Forbidden, InvalidInput, NotFound
from homecare.money import budget_repository as repo
from homecare.money import budgets
from homecare.money.budget_tables import Budget, BudgetLine, ContingencyDrawdown

MAX_PENCE = 100_000_000_000
"""£1,000,000,000: no council's home care budget line comes near it."""
DIRECT_PAYMENTS = "Direct payments"


def require_budget_reader(actor: Actor) -> None:
    """Council staff who see the figures (commissioners, brokers) and the platform."""
    if actor.is_system or (actor.is_council and actor.may(Permission.VIEW_KPIS)):
        return
    raise Forbidden(f"the {actor.role.value} role may not see the budget")


def require_budget_setter(actor: Actor) -> None:
    """Commissioners set the budget and decide to draw on the contingency."""
    if actor.is_system or (actor.is_council and actor.may(Permission.MANAGE_MARKET)):
        return
    raise Forbidden(f"the {actor.role.value} role may not set the budget")


def council_of(actor: Actor, council_id: int | None = None) -> int:
    """The actor's own council; the platform names one."""
    if actor.is_council and actor.organisation_id is not None:
        return actor.organisation_id
    if council_id is None:
        raise InvalidInput("name the council", field="council_id")
    return council_id


def check_pence(pence: int, *, field: str, what: str, least: int = 0) -> None:
    """Amounts within reason, refused in pounds."""
    if not least <= pence <= MAX_PENCE:
        raise InvalidInput(
            f"{what} must be from {budgets.money_text(least)} to {budgets.money_text(MAX_PENCE)}",
            field=field,
        )


def check_year(year: int) -> budgets.FinancialYear:
    if not 2000 <= year <= 2100:
        raise InvalidInput(
            "the year is the one the financial year starts in, e.g. 2026", field="year"
        )
    return budgets.FinancialYear(year)


def lot_names(session: Session, actor: Actor, council_id: int) -> dict[int | None, str]:
    names: dict[int | None, str] = {
        lot.id: f"Lot {lot.number}: {lot.name}" for lot in repo.lots_of(session, actor, council_id)
    }
    names[None] = DIRECT_PAYMENTS
    return names


def _user_name(session: Session, actor: Actor) -> str:
    user = session.get(UserAccount, actor.user_id) if actor.user_id is not None else None
    return user.name if user is not None else "the platform"


# --- setting the budget and drawing on the contingency -----------------------------------------


@dataclass(frozen=True)
class LineIn:
    lot_number: int | None
    stream: str
    pence: int


def set_budget(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    year: int,
    lines: list[LineIn],
    contingency_pence: int,
    council_id: int | None = None,
) -> Budget:
    """The year's lines replace those held; the contingency never falls below what was drawn."""
    require_budget_setter(actor)
    council = council_of(actor, council_id)
    fy = check_year(year)
    lots = {lot.number: lot.id for lot in repo.lots_of(session, actor, council)}
    names = lot_names(session, actor, council)
    parsed = []
    for i, line in enumerate(lines):
        if line.lot_number is not None and line.lot_number not in lots:
            raise InvalidInput(f"there is no Lot {line.lot_number}", field=f"lines[{i}].lot_number")
        stream = budgets.parse_stream(line.stream, field=f"lines[{i}].stream")
        lot_id = None if line.lot_number is None else lots[line.lot_number]
        what = f"the budget for {names[lot_id]}, {budgets.STREAM_WORDS[stream]}"
        check_pence(line.pence, field=f"lines[{i}].pence", what=what)
        parsed.append(budgets.BudgetLine(lot_id, stream, line.pence))
    budgets.check_lines(parsed, names)
    check_pence(contingency_pence, field="contingency_pence", what="the contingency")
    budget = repo.budget_of(session, actor, council, year)
    if budget is None:
        budget = Budget(council_id=council, year=year, contingency_pence=0, set_at=at)
        session.add(budget)
        session.flush()
    budgets.check_contingency(contingency_pence, repo.contingency_of(session, budget).drawn)
    for old in repo.lines_of(session, budget):
        session.delete(old)
    for held in parsed:
        session.add(
            BudgetLine(
                budget_id=budget.id, lot_id=held.lot_id, stream=held.stream, pence=held.pence
            )
        )
    budget.contingency_pence, budget.set_at, budget.set_by_user_id = (
        contingency_pence,
        at,
        actor.user_id,
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="budget.set",
        entity="budget",
        entity_id=budget.id,
        council_id=council,
        year=fy.label,
        budget_pence=sum(held.pence for held in parsed),
        contingency_pence=contingency_pence,
        rows=len(parsed),
    )
    return budget


def draw_contingency(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    year: int,
    amount_pence: int,
    reason: str,
    drawn_on: date | None = None,
    council_id: int | None = None,
) -> ContingencyDrawdown:
    """A decision to spend part of the contingency, refused beyond what is left (409)."""
    require_budget_setter(actor)
    council = council_of(actor, council_id)
    fy = check_year(year)
    budget = repo.budget_of(session, actor, council, year)
    if budget is None:
        raise NotFound(f"no budget is set for {fy.label}")
    check_pence(amount_pence, field="amount_pence", what="the amount to draw", least=1)
    said = budgets.check_drawdown(
        repo.contingency_of(session, budget), pence=amount_pence, reason=reason
    )
    drawdown = ContingencyDrawdown(
        budget_id=budget.id,
        pence=amount_pence,
        reason=said,
        drawn_on=drawn_on or local_date(at),
        recorded_at=at,
        recorded_by_user_id=actor.user_id,
        recorded_by_name=_user_name(session, actor),
    )
    session.add(drawdown)
    session.flush()
    audit.record(
        session,
        actor=actor,
        at=at,
        action="budget.contingency_drawn",
        entity="contingency_drawdown",
        entity_id=drawdown.id,
        council_id=council,
        year=fy.label,
        amount_pence=amount_pence,
        day=drawdown.drawn_on.isoformat(),
        reason=said,
    )
    return drawdown


# --- reading ----------------------------------------------------------------------------------


def loaded_budget(session: Session, actor: Actor, year: int) -> Budget:
    require_budget_reader(actor)
    fy = check_year(year)
    budget = repo.budget_of(session, actor, council_of(actor, None), year)
    if budget is None:
        raise NotFound(f"no budget is set for {fy.label}")
    return budget


def contingency_record(session: Session, budget: Budget | None) -> dict[str, Any]:
    if budget is None:
        return {"pence": 0, "drawn_pence": 0, "left_pence": 0, "drawdowns": []}
    rows = repo.drawdowns_of(session, budget)
    drawn = sum(d.pence for d in rows)
    return {
        "pence": budget.contingency_pence,
        "drawn_pence": drawn,
        "left_pence": budget.contingency_pence - drawn,
        "drawdowns": [
            {
                "id": d.id,
                "pence": d.pence,
                "reason": d.reason,
                "drawn_on": d.drawn_on,
                "by": d.recorded_by_name,
                "recorded_at": d.recorded_at,
            }
            for d in rows
        ],
    }


def budget_record(session: Session, actor: Actor, budget: Budget) -> dict[str, Any]:
    names = lot_names(session, actor, budget.council_id)
    lines = repo.lines_of(session, budget)
    return {
        "year": budget.year,
        "label": budgets.FinancialYear(budget.year).label,
        "council_id": budget.council_id,
        "budget_pence": sum(line.pence for line in lines),
        "lines": [
            {
                "lot_id": line.lot_id,
                "lot": names.get(line.lot_id, "Lot"),
                "stream": line.stream,
                "pence": line.pence,
            }
            for line in lines
        ],
        "contingency": contingency_record(session, budget),
    }


def position_of(
    session: Session, actor: Actor, council_id: int, year: int, as_at: date
) -> tuple[budgets.Position, Budget | None, date | None]:
    """The year's money as at a day, with the budget held (if any) and the last paid day."""
    fy = check_year(year)
    budget = repo.budget_of(session, actor, council_id, year)
    through = repo.paid_through(session, actor, council_id, as_at)
    made = budgets.position(
        fy,
        as_at=as_at,
        lines=repo.budget_lines(session, budget),
        commitments=repo.commitments(session, actor, council_id, as_at),
        paid=repo.paid(session, actor, council_id, fy, as_at),
        paid_through=None,
        direct_payments=repo.direct_payments(session, actor, council_id, fy),
        contingency=repo.contingency_of(session, budget) if budget else budgets.Contingency(0),
        changes=repo.change_effects(session, actor, council_id, fy),
    )
    return made, budget, max(through.values(), default=None)


def position_record(
    session: Session, actor: Actor, year: int, as_at: date, council_id: int | None = None
) -> dict[str, Any]:
    """The position as the API and the page read it."""
    require_budget_reader(actor)
    council = council_of(actor, council_id)
    p, budget, through = position_of(session, actor, council, year, as_at)
    names = lot_names(session, actor, council)
    return {
        "year": year,
        "label": p.year.label,
        "as_at": as_at,
        "budget_pence": p.budget,
        "actual_pence": p.actual,
        "committed_pence": p.committed,
        "direct_payments_pence": p.direct_payments,
        "forecast_pence": p.forecast,
        "available_pence": p.available,
        "over_pence": p.over,
        "budget_set": budget is not None,
        "alert": p.alert if budget is not None else None,
        "paid_through": through,
        "by_lot": [
            {
                "lot_id": r.lot_id,
                "lot": names.get(r.lot_id, f"Lot (id {r.lot_id})"),
                "budget_pence": r.budget,
                "actual_pence": r.actual,
                "committed_pence": r.committed,
                "direct_payments_pence": r.direct_payments,
                "forecast_pence": r.forecast,
            }
            for r in p.rows
        ],
        "by_stream": {s.value: v for s, v in p.by_stream.items()},
        "direct_payments_by_stream": {s.value: v for s, v in p.direct_payments_by_stream.items()},
        "contingency": contingency_record(session, budget),
        "months": [
            {
                "month": f"{m.first:%b %Y}",
                "budget_to_date_pence": m.budget_to_date,
                "actual_to_date_pence": m.actual_to_date,
                "forecast_to_date_pence": m.forecast_to_date,
                "provider_changes": m.changes,
                "provider_change_weekly_pence": m.change_weekly_pence,
                "provider_change_to_year_end_pence": m.change_to_year_end_pence,
            }
            for m in p.months
        ],
    }


def budget_summary(session: Session, council_id: int, as_at: date) -> dict[str, int]:
    """The financial year holding `as_at`, in five figures for the demo's summary."""
    year = budgets.FinancialYear.of(as_at).start_year
    p, _, _ = position_of(session, SYSTEM_ACTOR, council_id, year, as_at)
    return {
        "budget_pence": p.budget,
        "committed_pence": p.committed,
        "actual_pence": p.actual,
        "forecast_pence": p.forecast,
        "contingency_pence": p.contingency.left,
    }


LEEDS_PILOT_LINES = (
    # 3,300 hours a week at £26.22 for 52 weeks is £4,499,352 (000 §27): the lines below
    # round it to £4.5m, with the NHS's share of delegated healthcare and a grant.
    (1, "council", 392_000_000),
    (1, "grant", 15_000_000),
    (2, "council", 28_000_000),
    (2, "nhs", 15_000_000),
)
LEEDS_PILOT_CONTINGENCY = 35_700_000
"""£357,000 (000 §29)."""


def seed_budget(
    session: Session, *, council_id: int, year: int, at: datetime, from_day: date | None = None
) -> Budget:
    """A plausible budget for the Leeds pilot's year, for the demonstration; a lot the
    council does not have passes its money to Lot 1. With `from_day` (the first day the
    platform holds care), each line is that day's share of the year to 31 March, half up,
    so that spend before the platform began is not read as money unspent; the contingency
    is a sum set aside, and stays whole."""
    have = {lot.number for lot in repo.lots_of(session, SYSTEM_ACTOR, council_id)}
    fy = budgets.FinancialYear(year)
    whole = (fy.ends_on - fy.starts_on).days + 1
    left = whole if from_day is None else (fy.ends_on - max(from_day, fy.starts_on)).days + 1
    merged: dict[tuple[int, str], int] = {}
    for number, stream, year_pence in LEEDS_PILOT_LINES:
        key = (number if number in have else 1, stream)
        pence = (2 * year_pence * left + whole) // (2 * whole)
        merged[key] = merged.get(key, 0) + pence
    return set_budget(
        session,
        actor=SYSTEM_ACTOR,
        at=at,
        year=year,
        lines=[LineIn(n, s, p) for (n, s), p in merged.items()],
        contingency_pence=LEEDS_PILOT_CONTINGENCY,
        council_id=council_id,
    )
