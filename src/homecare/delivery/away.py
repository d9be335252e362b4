"""Which "not at home" reports still stand: call events are never changed, so an undo is
a later event of its own kind that cancels the same carer's earlier reports on the visit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.delivery.schemas import EventKind
from homecare.delivery.tables import CallEvent

UNDO_NOT_AT_HOME = "undo_not_at_home"
"""The kind of a compensating event; not a kind a phone's batch may send."""


def standing_reports(session: Session, visit_ids: Sequence[int]) -> dict[int, dict[int, datetime]]:
    """Visit, then carer: when their latest "not at home" not undone since was received."""
    if not visit_ids:
        return {}
    rows = session.execute(
        select(CallEvent.id, CallEvent.visit_id, CallEvent.care_worker_id, CallEvent.kind)
        .add_columns(CallEvent.received_at)
        .where(
            CallEvent.visit_id.in_(visit_ids),
            CallEvent.kind.in_([EventKind.NOT_AT_HOME.value, UNDO_NOT_AT_HOME]),
            CallEvent.result == "applied",
        )
        .order_by(CallEvent.id)
    )
    standing: dict[int, dict[int, datetime]] = defaultdict(dict)
    for _, visit_id, carer, kind, received_at in rows:
        if kind == UNDO_NOT_AT_HOME:
            standing[visit_id].pop(carer, None)
        else:
            standing[visit_id][carer] = received_at
    return {visit_id: carers for visit_id, carers in standing.items() if carers}
