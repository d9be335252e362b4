"""Removing exactly what is past retention, in one transaction, leaving a tombstone for each.

The purge follows the store's own foreign keys from each record past retention to every
record that hangs off it, so a table added later is purged with its person without this
module changing. Rows go leaves first. Each deleted row leaves one audit row
('record.purged': the table, the id and the rule's kind, nothing personal); each row that
only loses its link to a purged record leaves one 'record.unlinked'. The earlier audit rows
of each deleted row keep what was done, but lose their personal values (`scrub`). Nothing
past retention is left after a run, so a second run deletes and writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Table, delete, insert, update
from sqlalchemy.orm import Session

from homecare import schema
from homecare.access import Actor, Permission, require
from homecare.audit import AuditEvent
from homecare.calendar import LONDON
from homecare.privacy.domain import (
    END_OF_CARE,
    Retention,
    Rule,
    earliest_kept_start,
    end_of_care,
    past_retention,
    shipped_retention,
)
from homecare.privacy.repository import CHUNK, care_dates, ids_linked, ids_starting_before
from homecare.privacy.scrub import plan_scrub, scrub


@dataclass
class PurgePlan:
    """What a purge removes: per table, each row's id and the kind of rule that reaches it."""

    delete: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    unlink: dict[tuple[str, str], dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    scrub: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Per audit row about a deleted record, its detail with the personal values removed."""

    def scrubbed_count(self) -> int:
        return len(self.scrub)

    def deleted_counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in sorted(self.delete.items()) if rows}

    def unlinked_counts(self) -> dict[str, int]:
        return {f"{t}.{c}": len(rows) for (t, c), rows in sorted(self.unlink.items()) if rows}


def _tables() -> dict[str, Table]:
    return dict(schema.metadata.tables)


def _past(session: Session, rule: Rule, table: Table, as_at: date) -> list[int]:
    if rule.runs_from == (END_OF_CARE,):
        return [
            person_id
            for person_id, (ends, others) in care_dates(session).items()
            if past_retention(end_of_care(ends, others), rule.period, as_at)
        ]
    first_kept = datetime.combine(earliest_kept_start(rule.period, as_at), time(), LONDON)
    return ids_starting_before(session, table, rule.runs_from, first_kept)


def _children() -> dict[str, list[tuple[Table, str]]]:
    """Per table, the (table, column) pairs whose foreign keys point at it."""
    found: dict[str, list[tuple[Table, str]]] = defaultdict(list)
    for table in _tables().values():
        for fk in table.foreign_keys:
            found[fk.column.table.name].append((table, fk.parent.name))
    return found


def follow(
    session: Session,
    plan: PurgePlan,
    table: str,
    ids: set[int],
    kind: str,
    unlink: frozenset[tuple[str, str]],
) -> None:
    """Adds the rows `ids` of `table` to the plan, with every row hanging off them; rows that
    only point at them through a link named in `unlink` are marked to lose the link."""
    children = _children()
    waiting = [(table, {i for i in ids if i not in plan.delete[table]})]
    for i in ids:
        plan.delete[table].setdefault(i, kind)
    while waiting:
        parent, parent_ids = waiting.pop()
        if not parent_ids:
            continue
        for child, column in children[parent]:
            linked = ids_linked(session, child, column, parent_ids)
            if (child.name, column) in unlink:
                for i in linked:
                    plan.unlink[(child.name, column)].setdefault(i, kind)
                continue
            new = {i for i in linked if i not in plan.delete[child.name]}
            for i in new:
                plan.delete[child.name][i] = kind
            waiting.append((child.name, new))


def plan_purge(session: Session, as_at: date, retention: Retention) -> PurgePlan:
    """Every row past retention on `as_at`, and every row hanging off one."""
    tables = _tables()
    plan = PurgePlan()
    for rule in retention.rules:
        ids = _past(session, rule, tables[rule.table], as_at)
        follow(session, plan, rule.table, set(ids), rule.kind, retention.unlink)
    plan.scrub = plan_scrub(session, plan.delete)
    return plan


def _tombstones(
    session: Session, actor: Actor, at: datetime, action: str, rows: list[dict[str, Any]]
) -> None:
    """Audit rows in bulk, as `audit.record` writes them one at a time."""
    for start in range(0, len(rows), CHUNK * 10):
        session.execute(
            insert(AuditEvent),
            [
                {
                    "at": at,
                    "actor_user_id": actor.user_id,
                    "actor_org_id": actor.organisation_id,
                    "actor_role": actor.role.value,
                    "action": action,
                    **row,
                }
                for row in rows[start : start + CHUNK * 10]
            ],
        )


def purge(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    as_at: date,
    retention: Retention | None = None,
    dry_run: bool = False,
) -> PurgePlan:
    """Deletes what is past retention on `as_at` in the caller's transaction (or, with
    `dry_run`, only says what that would be)."""
    require(actor, Permission.GOVERN_INFORMATION)
    plan = plan_purge(session, as_at, retention or shipped_retention())
    if dry_run:
        return plan
    scrub(session, plan.scrub)
    tables = _tables()
    for (name, column), rows in plan.unlink.items():
        ids = sorted(rows)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            table = tables[name]
            session.execute(update(table).where(table.c.id.in_(chunk)).values({column: None}))
        _tombstones(
            session,
            actor,
            at,
            "record.unlinked",
            [
                {"entity": name, "entity_id": i, "detail": {"rule": kind, "link": column}}
                for i, kind in sorted(rows.items())
            ],
        )
    for table in reversed(schema.metadata.sorted_tables):
        rows = plan.delete.get(table.name, {})
        ids = sorted(rows)
        for start in range(0, len(ids), CHUNK):
            session.execute(delete(table).where(table.c.id.in_(ids[start : start + CHUNK])))
        _tombstones(
            session,
            actor,
            at,
            "record.purged",
            [
                {"entity": table.name, "entity_id": i, "detail": {"rule": kind}}
                for i, kind in sorted(rows.items())
            ],
        )
    return plan
