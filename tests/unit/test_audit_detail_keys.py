"""Every key an audit row's detail can hold is declared personal or plain, so the purge
knows what to remove from the trail of a purged person; a new key fails here until it is."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from homecare import schema
from homecare.audit import PERSONAL_DETAIL, PLAIN_DETAIL, REMOVED
from homecare.privacy.scrub import ENTITY_TABLES, scrubbed
from homecare.quality.registry import KINDS
from homecare.timebank.service import _period_summary

SOURCE = Path(__file__).resolve().parents[2] / "src" / "homecare"
FIXED = {"actor", "at", "action", "entity", "entity_id"}
SPREAD = {
    "accounts/web_sessions.py": {"second_factor_by_identity_provider"},
    "market/contracts.py": {
        "hourly_rate_pence",
        "weekly_capacity_minutes",
        "flex_up_percent",
        "flex_down_percent",
        "notice_days",
        "ends_on",
        "sets_ends_on",
    },
    "quality/service.py": {key for kind in KINDS for key in kind.audited},
    "scenario/demo_users.py": {"care_worker_id", "person_id"},
    "timebank/service.py": set(_period_summary([])),
    "timebank/settling.py": set(_period_summary([])),
}
"""The call sites that spread a mapping into `audit.record`, with the keys it can hold."""


def _record_calls() -> Iterator[tuple[str, ast.Call]]:
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                yield str(path.relative_to(SOURCE)), node


def test_every_key_an_audit_call_passes_is_declared_personal_or_plain() -> None:
    named = {
        f"{where}: {kw.arg}"
        for where, call in _record_calls()
        for kw in call.keywords
        if kw.arg is not None and kw.arg not in FIXED | PERSONAL_DETAIL | PLAIN_DETAIL
    }
    spread = {
        f"{where}: {key}"
        for where, keys in SPREAD.items()
        for key in keys
        if key not in PERSONAL_DETAIL | PLAIN_DETAIL
    }

    assert named | spread == set()


def test_a_new_call_that_spreads_a_mapping_into_the_audit_must_say_what_it_holds() -> None:
    spreading = {
        where for where, call in _record_calls() if any(k.arg is None for k in call.keywords)
    }

    assert spreading - set(SPREAD) == set()


def test_every_audited_entity_names_a_table_so_the_purge_finds_its_rows() -> None:
    named = {
        kw.value.value
        for _, call in _record_calls()
        for kw in call.keywords
        if kw.arg == "entity"
        and isinstance(kw.value, ast.Constant)
        and isinstance(kw.value.value, str)
    }
    tables = set(schema.metadata.tables)

    assert "person" in named
    assert {ENTITY_TABLES.get(entity, entity) for entity in named} - tables == set()


def test_no_key_is_both_personal_and_plain() -> None:
    assert set() == PERSONAL_DETAIL & PLAIN_DETAIL


def test_scrubbing_replaces_personal_values_keeps_the_rest_and_is_done_once() -> None:
    detail = {"note": "Her daughter visits", "reason": None, "minutes": 60, "status": "open"}

    once = scrubbed(detail)

    assert once == {"note": REMOVED, "reason": None, "minutes": 60, "status": "open"}
    assert scrubbed(once) is None
    assert scrubbed({"minutes": 60}) is None
