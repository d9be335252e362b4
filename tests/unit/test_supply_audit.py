"""Reading pip-audit's JSON: 'no known vulnerabilities' only when every package was audited.

pip-audit prints "No known vulnerabilities found" even when it skipped every package for
want of a vulnerability service; reliability/supply.py must not repeat that.
"""

from __future__ import annotations

from typing import Any

from reliability.supply import NOT_AUDITED, read_audit

SKIPPED = "Dependency not found on PyPI and could not be audited"


def _report(*dependencies: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": list(dependencies), "fixes": []}


def test_packages_the_service_could_not_answer_for_are_counted_and_named_as_such() -> None:
    audit = read_audit(
        "requirements/app.lock",
        _report(
            {"name": "fastapi", "version": "1.0", "vulns": []},
            {"name": "polars", "skip_reason": f"{SKIPPED}: polars (1.2)"},
            {"name": "duckdb", "skip_reason": f"{SKIPPED}: duckdb (2.0.1)"},
        ),
    )

    assert (audit.packages, audit.audited, audit.skipped) == (3, 1, 2)
    assert not audit.complete
    assert audit.verdict() == (
        f"requirements/app.lock: could not audit 2 of 3 packages: {SKIPPED} (2); "
        "0 known vulnerabilities in the 1 audited"
    )


def test_a_lock_nothing_of_which_was_audited_never_reads_as_clean() -> None:
    audit = read_audit(
        "dev.lock", _report({"name": "rich", "skip_reason": f"{SKIPPED}: rich (13)"})
    )

    assert "no known vulnerabilities" not in audit.verdict()
    assert audit.verdict().startswith("dev.lock: could not audit 1 of 1 packages")


def test_only_a_lock_audited_whole_and_clean_has_no_known_vulnerabilities() -> None:
    audit = read_audit("app.lock", _report({"name": "rich", "version": "13", "vulns": []}))

    assert audit.complete
    assert audit.verdict() == "app.lock: no known vulnerabilities in 1 audited packages"


def test_vulnerabilities_are_listed_with_their_fixes() -> None:
    vuln = {"id": "PYSEC-0000-1", "fix_versions": ["2.0"], "aliases": [], "description": ""}
    audit = read_audit("app.lock", _report({"name": "jinja2", "version": "1.0", "vulns": [vuln]}))

    assert audit.vulnerabilities == [
        {"package": "jinja2", "version": "1.0", "id": "PYSEC-0000-1", "fix_versions": ["2.0"]}
    ]
    assert audit.verdict() == "app.lock: 1 known vulnerabilities in 1 packages"
    assert NOT_AUDITED not in (0, 1)
