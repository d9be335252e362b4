"""Payment rules and enhancements to and from the plain data a contract stores, so the
rules a run used can be read back, shown and changed without code."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from homecare.errors import InvalidInput
from homecare.money.enhancements import Enhancement, EnhancementKind
from homecare.money.payment_rules import PaymentRules
from homecare.money.payment_terms import (
    Basis,
    CommunityHours,
    EnvelopeBasis,
    Rounding,
    SecondCarer,
)

_CHOICES: dict[str, type[StrEnum]] = {
    "basis": Basis,
    "rounding": Rounding,
    "second_carer": SecondCarer,
    "community_hours": CommunityHours,
    "pay_envelopes_on": EnvelopeBasis,
}
RULE_FIELDS = tuple(f.name for f in fields(PaymentRules))


def rules_record(rules: PaymentRules) -> dict[str, Any]:
    """The rules as JSON-ready data: enums as their values."""
    return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in asdict(rules).items()}


def rules_from(data: dict[str, Any]) -> PaymentRules:
    """Rules from stored or sent data; an unknown name or choice is refused naming it."""
    unknown = sorted(set(data) - set(RULE_FIELDS))
    if unknown:
        raise InvalidInput(f"there is no payment rule called '{unknown[0]}'", field=unknown[0])
    values: dict[str, Any] = {}
    for name, value in data.items():
        choice = _CHOICES.get(name)
        if choice is None:
            values[name] = value
            continue
        try:
            values[name] = choice(value)
        except ValueError:
            allowed = ", ".join(c.value for c in choice)
            raise InvalidInput(f"{name} must be one of {allowed}", field=name) from None
    try:
        return PaymentRules(**values)
    except TypeError:
        missing = [n for n in RULE_FIELDS if n not in values]
        raise InvalidInput(f"{missing[0]} is required", field=missing[0]) from None


def enhancement_spec(e: Enhancement) -> dict[str, Any]:
    """What an enhancement reaches and adds, beyond its name, kind, fund and dates."""
    return {
        "pence_per_hour": e.pence_per_hour,
        "percent": str(e.percent),
        "lsoas": sorted(e.lsoas),
        "postcodes": sorted(e.postcodes),
        "from_time": e.from_time.isoformat() if e.from_time else None,
        "to_time": e.to_time.isoformat() if e.to_time else None,
        "weekdays": sorted(e.weekdays),
        "passed_to_staff": e.passed_to_staff,
    }


def enhancement_from(
    name: str,
    kind: str,
    funding_source: str,
    starts_on: date,
    ends_on: date | None,
    spec: dict[str, Any],
) -> Enhancement:
    return Enhancement(
        name=name,
        kind=EnhancementKind(kind),
        funding_source=funding_source,
        starts_on=starts_on,
        ends_on=ends_on,
        pence_per_hour=int(spec.get("pence_per_hour", 0)),
        percent=Decimal(spec.get("percent", "0")),
        lsoas=frozenset(spec.get("lsoas", ())),
        postcodes=frozenset(spec.get("postcodes", ())),
        from_time=time.fromisoformat(spec["from_time"]) if spec.get("from_time") else None,
        to_time=time.fromisoformat(spec["to_time"]) if spec.get("to_time") else None,
        weekdays=frozenset(spec.get("weekdays", ())),
        passed_to_staff=bool(spec.get("passed_to_staff", False)),
    )
