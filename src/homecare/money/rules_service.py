"""A contract's payment rules, set from a day on as a new version: never backdated, so a
visit already paid is never re-judged by rules it was not paid under."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare import audit
from homecare.access import Actor, Permission, load_readable, require
from homecare.calendar import local_date
from homecare.errors import Conflict, InvalidInput
from homecare.market.repository import readable_contracts
from homecare.market.tables import Contract
from homecare.money import repository as repo
from homecare.money.rules_data import rules_from, rules_record
from homecare.money.tables import PaymentRuleSet
from homecare.text import long_date


def set_rules(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    contract_id: int,
    effective_from: date,
    rules: dict[str, Any],
    reason: str,
) -> PaymentRuleSet:
    """The commissioner sets the contract's payment rules from a day, today or later."""
    require(actor, Permission.MANAGE_MARKET)
    contract = load_readable(session, readable_contracts(actor), Contract, contract_id, "contract")
    checked = rules_from(rules)
    today = local_date(at)
    if effective_from < today:
        raise Conflict(
            f"payment rules cannot be backdated: choose {long_date(today)} or later",
            field="effective_from",
        )
    said = " ".join(reason.split())
    if not said:
        raise InvalidInput("say why the rules change", field="reason")
    clash = session.scalars(
        select(PaymentRuleSet).where(
            PaymentRuleSet.contract_id == contract.id,
            PaymentRuleSet.effective_from == effective_from,
        )
    ).first()
    if clash is not None:
        raise Conflict(
            f"rules already start on {long_date(effective_from)}: choose another day",
            field="effective_from",
        )
    row = PaymentRuleSet(
        contract_id=contract.id, effective_from=effective_from, rules=rules_record(checked),
        reason=said[:500], recorded_at=at, recorded_by_user_id=actor.user_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, at=at, action="contract.payment_rules_set",
        entity="contract", entity_id=contract.id, effective_from=effective_from.isoformat(),
    )  # fmt: skip
    return row


def rules_history(session: Session, actor: Actor, contract_id: int) -> list[dict[str, Any]]:
    """The standard rules the contract started on (if it has none of its own from its
    start) and each set since, each with its words."""
    contract = load_readable(session, readable_contracts(actor), Contract, contract_id, "contract")
    sets = repo.rule_sets(session, contract.id)
    history: list[dict[str, Any]] = []
    if not sets or sets[0].effective_from > contract.starts_on:
        history.append(
            {
                "contract_id": contract.id,
                "effective_from": contract.starts_on,
                "rules": rules_record(repo.STANDARD_RULES),
                "described": repo.STANDARD_RULES.describe(),
                "reason": "The standard rules: the contract has none of its own from its start",
            }
        )
    for row in sets:
        history.append(
            {
                "contract_id": contract.id,
                "effective_from": row.effective_from,
                "rules": row.rules,
                "described": rules_from(row.rules).describe(),
                "reason": row.reason,
            }
        )
    return history
