"""A saved plan written out whole as plain data, and read back, so a replaced plan can be
put back exactly as it was (same rounds, order, times and reasons), new row ids aside."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date
from sqlalchemy.orm import DeclarativeBase

from homecare.db import UTCDateTime
from homecare.rounds.tables import Round, RoundPlan, RoundStop, UnassignedVisit

SKIPPED = {"id", "plan_id", "round_id"}


def _row(record: DeclarativeBase) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in record.__table__.columns:
        if column.key in SKIPPED:
            continue
        value = getattr(record, column.key)
        values[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return values


def _fields(model: type[DeclarativeBase], values: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for column in model.__table__.columns:
        if column.key in SKIPPED or column.key not in values:
            continue
        value = values[column.key]
        if value is not None and isinstance(column.type, UTCDateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        fields[column.key] = value
    return fields


def plan_to_copy(plan: RoundPlan) -> dict[str, Any]:
    return {
        **_row(plan),
        "rounds": [{**_row(r), "stops": [_row(s) for s in r.stops]} for r in plan.rounds],
        "unassigned": [_row(u) for u in plan.unassigned],
    }


def plan_from_copy(copy: dict[str, Any]) -> RoundPlan:
    plan = RoundPlan(**_fields(RoundPlan, copy))
    for r in copy["rounds"]:
        stops = [RoundStop(**_fields(RoundStop, s)) for s in r["stops"]]
        plan.rounds.append(Round(**_fields(Round, r), stops=stops))
    plan.unassigned.extend(
        UnassignedVisit(**_fields(UnassignedVisit, u)) for u in copy["unassigned"]
    )
    return plan
