"""The shape of the code, checked: each area owns its reads, and modules stay small.

`make lint` runs import-linter for the direction of imports; these checks cover what an
import graph cannot see: queries written in routes and pages, tenancy filters written by
hand instead of through an area's `readable_*` statement, areas without a repository, and
modules growing past the size at which they should be split.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import homecare

PACKAGE = Path(homecare.__file__).parent
TENANCY_FIELDS = {"organisation_id", "care_worker_id", "person_id"}

LARGE_MODULES: dict[str, tuple[int, str]] = {
    "monitoring/definitions.py": (
        664,
        "data: the 29 measures and 7 KPIs as declared in the monitoring return, one entry each",
    ),
}
"""Modules allowed past 500 lines, with the most lines each may have: this list only shrinks."""
MAX_LINES = 500


def _modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.relative_to(PACKAGE).parts:
            yield path


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _is_page_or_route(path: Path) -> bool:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] == "web" or path.name == "routes.py" or path.stem.endswith("_routes")


def _is_repository(path: Path) -> bool:
    return path.name == "repository.py" or path.parent.name == "repository"


def _sqlalchemy_select_calls(tree: ast.Module) -> list[int]:
    """Lines calling `select(...)` imported from SQLAlchemy (not Polars' frame.select)."""
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
        for alias in node.names
        if alias.name == "select"
    }
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in imported
    ]


def _actor_tenancy_field(node: ast.expr) -> bool:
    """`actor.organisation_id`, `self.actor.care_worker_id` and the like."""
    if not isinstance(node, ast.Attribute) or node.attr not in TENANCY_FIELDS:
        return False
    owner = node.value
    return (isinstance(owner, ast.Name) and owner.id == "actor") or (
        isinstance(owner, ast.Attribute) and owner.attr == "actor"
    )


def _tenancy_filters(tree: ast.Module) -> list[int]:
    """Lines comparing a row's column with the actor's organisation, care worker or person."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        if any(_actor_tenancy_field(o) for o in operands) and any(
            isinstance(o, ast.Attribute) and not _actor_tenancy_field(o) for o in operands
        ):
            lines.append(node.lineno)
    return lines


def test_no_route_or_page_builds_its_own_query() -> None:
    found = {
        _relative(path): lines
        for path in _modules()
        if _is_page_or_route(path)
        and (lines := _sqlalchemy_select_calls(ast.parse(path.read_text())))
    }
    assert found == {}, "routes and pages call an area's repository instead"


def test_no_tenancy_filter_is_written_by_hand_outside_a_repository() -> None:
    found = {
        _relative(path): lines
        for path in _modules()
        if not _is_repository(path) and (lines := _tenancy_filters(ast.parse(path.read_text())))
    }
    assert found == {}, "scope rows with the area's readable_* statement in its repository"


def test_every_area_with_tables_has_a_repository_beside_them() -> None:
    missing = [
        _relative(tables.parent)
        for tables in PACKAGE.glob("*/tables.py")
        if not (tables.parent / "repository.py").exists()
        and not (tables.parent / "repository").is_dir()
    ]
    assert missing == []


def test_modules_stay_under_five_hundred_lines_or_are_listed_with_a_reason() -> None:
    too_long = {}
    for path in _modules():
        lines = len(path.read_text().splitlines())
        allowed = LARGE_MODULES.get(_relative(path), (MAX_LINES, ""))[0]
        if lines > allowed:
            too_long[_relative(path)] = lines
    assert too_long == {}, "split these along their seams"


def test_the_list_of_large_modules_only_names_modules_that_need_it() -> None:
    needless = [
        name
        for name in LARGE_MODULES
        if not (PACKAGE / name).exists() or len((PACKAGE / name).read_text().splitlines()) <= 500
    ]
    assert needless == [], "remove these from LARGE_MODULES: they fit in 500 lines now"
