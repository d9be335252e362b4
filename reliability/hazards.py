"""The clinical hazard log (docs/safety/hazards.yaml): its shape, and its controls' tests run.

    .venv/bin/python -m reliability.hazards [--log docs/safety/hazards.yaml]

`problems()` is what tests/unit/test_hazards.py asserts empty: every hazard has its fields,
its risks agree with the DCB0129 matrix, each control names code and tests that exist
(found by reading the files, not importing them, so nothing runs), and a hazard marked
'controlled' has at least one control. Run as a module, it also runs pytest over every
control's tests and fails when any of them fails or is skipped, or when a controlled hazard
is left without a passing test; the figures go under "hazards" in the report.
"""

from __future__ import annotations

import argparse
import ast
import functools
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reliability.report import merge_into_report, table

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "docs" / "safety" / "hazards.yaml"
FIELDS = ("id", "title", "status", "cause", "effect", "harm", "initial", "controls", "residual")
STATUSES = ("controlled", "open")
HAZARD_ID = re.compile(r"^H-\d{3}$")
TEST_ID = re.compile(r"^tests/[\w/]+\.py::\w+(::\w+)?$")
CODE_ID = re.compile(r"^(src/homecare|reliability|scripts)/[\w/]+\.py::\w+$")


@dataclass(frozen=True)
class Hazard:
    """The parts of one hazard the checks and the battery read."""

    ident: str
    status: str
    tests: tuple[str, ...]


def load(path: Path = LOG) -> dict[str, Any]:
    """The log as plain data (PyYAML's safe loader: no objects are built from the file)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} holds no mapping")
    return data


def hazards(log: dict[str, Any]) -> list[Hazard]:
    return [
        Hazard(
            ident=str(h.get("id")),
            status=str(h.get("status")),
            tests=tuple(t for c in h.get("controls") or [] for t in c.get("tests") or []),
        )
        for h in log.get("hazards") or []
    ]


@functools.cache
def _tree(path: Path, modified: float) -> ast.Module:
    """A file parsed once for as long as it is unchanged."""
    return ast.parse(path.read_text(encoding="utf-8"))


def parse(path: Path) -> ast.Module:
    return _tree(path, path.stat().st_mtime)


def defined_names(path: Path) -> dict[str, set[str]]:
    """Top-level functions, classes and assigned names; for each class, its methods."""
    tree = parse(path)
    names: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names[node.name] = set()
        elif isinstance(node, ast.ClassDef):
            names[node.name] = {
                n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            }
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update({t.id: set() for t in targets if isinstance(t, ast.Name)})
    return names


def skipped_tests(path: Path) -> set[str]:
    """Test functions decorated to skip or to be expected to fail: they prove nothing."""
    tree = parse(path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            marks = {ast.unparse(d) for d in node.decorator_list}
            if any(re.search(r"mark\.(skip|skipif|xfail)\b", m) for m in marks):
                found.add(node.name)
    return found


def missing_reference(reference: str, *, test: bool) -> str | None:
    """Why `path::name` (or `path::Class::name`) does not point at a definition, if it does not."""
    path_text, *parts = reference.split("::")
    path = ROOT / path_text
    if not path.is_file():
        return f"{reference}: no file {path_text}"
    names = defined_names(path)
    if parts[0] not in names:
        return f"{reference}: {path_text} defines no {parts[0]}"
    if len(parts) > 1 and parts[1] not in names[parts[0]]:
        return f"{reference}: {parts[0]} has no {parts[1]}"
    if test and parts[-1] in skipped_tests(path):
        return f"{reference}: the test is marked to skip or fail"
    return None


def _risk_problems(where: str, risk: Any, log: dict[str, Any]) -> list[str]:
    if not isinstance(risk, dict):
        return [f"{where}: needs severity, likelihood and risk"]
    severity, likelihood = risk.get("severity"), risk.get("likelihood")
    if severity not in log["severities"] or likelihood not in log["likelihoods"]:
        return [f"{where}: '{severity}' / '{likelihood}' are not DCB0129 terms"]
    expected = log["risk_matrix"][likelihood][log["severities"].index(severity)]
    if risk.get("risk") != expected:
        return [f"{where}: {severity} x {likelihood} is risk {expected}, not {risk.get('risk')}"]
    return []


def _control_problems(where: str, control: Any) -> list[str]:
    if not isinstance(control, dict) or not control.get("description"):
        return [f"{where}: a control needs a description"]
    found = []
    for kind, pattern, test in (("code", CODE_ID, False), ("tests", TEST_ID, True)):
        references = control.get(kind) or []
        if not references:
            found.append(f"{where}: names no {kind}")
        for reference in references:
            if not pattern.match(str(reference)):
                found.append(f"{where}: '{reference}' is not a {kind} reference")
            elif why := missing_reference(str(reference), test=test):
                found.append(f"{where}: {why}")
    return found


def problems(log: dict[str, Any]) -> list[str]:
    """Everything wrong with the log's shape and references; empty when it is sound."""
    found: list[str] = []
    seen: set[str] = set()
    for number, hazard in enumerate(log.get("hazards") or [], start=1):
        where = f"hazard {hazard.get('id', number)}"
        found += [f"{where}: no {name}" for name in FIELDS if name not in hazard]
        ident = str(hazard.get("id"))
        if not HAZARD_ID.match(ident) or ident != f"H-{number:03d}" or ident in seen:
            found.append(f"{where}: ids run H-001, H-002... in order, once each")
        seen.add(ident)
        if hazard.get("status") not in STATUSES:
            found.append(f"{where}: status is one of {', '.join(STATUSES)}")
        for key in ("initial", "residual"):
            found += _risk_problems(f"{where} {key}", hazard.get(key), log)
        controls = hazard.get("controls") or []
        if hazard.get("status") == "controlled" and not controls:
            found.append(f"{where}: marked controlled but names no control")
        if hazard.get("status") == "open" and not hazard.get("gaps"):
            found.append(f"{where}: open, so its gaps must say what is missing")
        for index, control in enumerate(controls, start=1):
            found += _control_problems(f"{where} control {index}", control)
    if not seen:
        found.append("the log names no hazard")
    return found


def run_tests(node_ids: list[str]) -> dict[str, str]:
    """Each node id's outcome under pytest: passed, failed, skipped or not run.

    A test run once per store (`test_x[sqlite]`, `test_x[postgresql]`) passes only when
    every one of its runs passed.
    """
    outcomes = dict.fromkeys(node_ids, "not run")
    worst = {"not run": 0, "passed": 1, "skipped": 2, "failed": 3}
    with tempfile.TemporaryDirectory() as folder:
        junit = Path(folder) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        subprocess.run([*command, f"--junitxml={junit}", *node_ids], cwd=ROOT, check=False)
        if not junit.exists():
            return outcomes
        for case in ElementTree.parse(junit).getroot().iter("testcase"):
            module, _, klass = case.get("classname", "").partition(".Test")
            path = module.replace(".", "/") + ".py"
            test = str(case.get("name")).split("[", 1)[0]
            name = f"Test{klass}::{test}" if klass else test
            kinds = {child.tag for child in case}
            outcome = (
                "failed"
                if kinds & {"failure", "error"}
                else "skipped"
                if "skipped" in kinds
                else "passed"
            )
            node = f"{path}::{name}"
            if worst[outcome] > worst[outcomes.get(node, "not run")]:
                outcomes[node] = outcome
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--log", type=Path, default=LOG)
    args = parser.parse_args(argv)
    log = load(args.log)
    wrong = problems(log)
    for line in wrong:
        print(f"hazard log: {line}")
    listed = hazards(log)
    node_ids = sorted({t for h in listed for t in h.tests})
    outcomes = run_tests(node_ids) if node_ids else {}
    rows = []
    unproven = []
    for hazard in listed:
        passed = sum(outcomes.get(t) == "passed" for t in hazard.tests)
        bad = [t for t in hazard.tests if outcomes.get(t) != "passed"]
        if hazard.status == "controlled" and (bad or not passed):
            unproven.append(hazard.ident)
        rows.append([hazard.ident, hazard.status, len(hazard.tests), passed, len(bad)])
    print(table(["hazard", "status", "control tests", "passed", "not passed"], rows))
    for test, outcome in sorted(outcomes.items()):
        if outcome != "passed":
            print(f"{outcome}: {test}")
    merge_into_report(
        "hazards",
        {
            "hazards": len(listed),
            "controlled": sum(h.status == "controlled" for h in listed),
            "open": sum(h.status == "open" for h in listed),
            "control_tests": len(node_ids),
            "control_tests_passed": sum(o == "passed" for o in outcomes.values()),
            "control_tests_not_passed": sum(o != "passed" for o in outcomes.values()),
            "controlled_without_passing_tests": unproven,
            "log_problems": wrong,
        },
    )
    return 1 if wrong or unproven or any(o != "passed" for o in outcomes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
