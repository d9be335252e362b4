"""The clinical hazard log is sound: DCB0129 terms, and controls that name real code and tests.

Whether those tests pass is the suite's own business (it runs them all) and, hazard by
hazard, `make reliability`'s (reliability/hazards.py runs each control's tests and fails
when a controlled hazard has none passing). Here only what needs no run: each named test
exists and is not marked to skip, so a renamed or deleted test breaks the log at once.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reliability.hazards import LOG, hazards, load, problems

DCB0129_MATRIX = {
    "Very high": [3, 4, 4, 5, 5],
    "High": [2, 3, 3, 4, 5],
    "Medium": [2, 2, 3, 3, 4],
    "Low": [1, 2, 2, 3, 4],
    "Very low": [1, 1, 2, 2, 3],
}
"""Risk by likelihood (rows) and severity, Minor to Catastrophic (columns)."""

REQUIRED = {
    "missed visit": "H-001",
    "late visit": "H-002",
    "double-up": "H-003",
    "delegated healthcare task": "H-004",
    "wrong family or provider": "H-005",
    "hours are reduced": "H-006",
    "hospital admission": "H-007",
    "referral is lost": "H-008",
    "time-critical medication": "H-009",
    "nhs number": "H-010",
    "stale session": "H-011",
    "demo run against a live store": "H-012",
}
"""The hazards the safety case must always carry, by words of their title."""


@pytest.fixture(scope="module")
def log() -> dict[str, Any]:
    return load(LOG)


def test_the_hazard_log_has_no_problems(log: dict[str, Any]) -> None:
    assert problems(log) == []


def test_the_risk_matrix_is_dcb0129s(log: dict[str, Any]) -> None:
    assert log["severities"] == ["Minor", "Significant", "Considerable", "Major", "Catastrophic"]
    assert log["likelihoods"] == ["Very low", "Low", "Medium", "High", "Very high"]
    assert log["risk_matrix"] == DCB0129_MATRIX


def test_the_log_carries_every_hazard_the_safety_case_requires(log: dict[str, Any]) -> None:
    titles = {h["id"]: h["title"].lower() for h in log["hazards"]}
    assert {words: hazard for words, hazard in REQUIRED.items() if words in titles[hazard]} == (
        REQUIRED
    )


def test_every_controlled_hazard_names_at_least_one_test(log: dict[str, Any]) -> None:
    controlled = [h for h in hazards(log) if h.status == "controlled"]
    assert controlled
    assert [h.ident for h in controlled if not h.tests] == []


def _broken(log: dict[str, Any], hazard: int, **changes: Any) -> list[str]:
    changed = copy.deepcopy(log)
    changed["hazards"][hazard].update(changes)
    return problems(changed)


def test_a_risk_that_disagrees_with_the_matrix_is_a_problem(log: dict[str, Any]) -> None:
    wrong = {"severity": "Major", "likelihood": "Medium", "risk": 1}
    assert _broken(log, 0, residual=wrong) == [
        "hazard H-001 residual: Major x Medium is risk 3, not 1"
    ]


def test_a_test_that_does_not_exist_is_a_problem(log: dict[str, Any]) -> None:
    control = {
        "description": "x",
        "code": ["src/homecare/delivery/outcomes.py::settle"],
        "tests": ["tests/unit/test_visit_outcomes.py::test_that_was_never_written"],
    }
    [problem] = _broken(log, 0, controls=[control])
    assert "defines no test_that_was_never_written" in problem


def test_code_that_does_not_exist_is_a_problem(log: dict[str, Any]) -> None:
    control = {
        "description": "x",
        "code": ["src/homecare/delivery/outcomes.py::no_such_rule"],
        "tests": [
            "tests/unit/test_visit_outcomes.py::test_a_visit_is_missed_two_hours_after_its_window_closes"
        ],
    }
    [problem] = _broken(log, 0, controls=[control])
    assert "defines no no_such_rule" in problem


def test_a_controlled_hazard_without_controls_or_a_control_without_tests_is_a_problem(
    log: dict[str, Any],
) -> None:
    untested = {"description": "x", "code": ["src/homecare/delivery/outcomes.py::settle"]}
    assert _broken(log, 0, controls=[]) == ["hazard H-001: marked controlled but names no control"]
    assert _broken(log, 0, controls=[untested]) == ["hazard H-001 control 1: names no tests"]


def test_an_open_hazard_must_say_what_is_missing(log: dict[str, Any]) -> None:
    assert _broken(log, 8, gaps=[]) == ["hazard H-009: open, so its gaps must say what is missing"]
