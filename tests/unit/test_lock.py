"""The lock files keep up with pyproject.toml: `make` installs from them and nothing else.

A dependency added to pyproject.toml but not locked would be missing from every install
(the project goes in with --no-deps); these checks say so before an install does. The fix
is always the same: run scripts/lock.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$")


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins(lock: str) -> dict[str, Version]:
    lines = (ROOT / "requirements" / lock).read_text().splitlines()
    return {_name(m[1]): Version(m[2]) for line in lines if (m := PIN.match(line))}


def _declared(*, dev: bool) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    if dev:
        wanted += project["project"]["optional-dependencies"]["dev"]
    return [Requirement(text) for text in wanted]


@pytest.mark.parametrize(("lock", "dev"), [("app.lock", False), ("dev.lock", True)])
def test_every_declared_requirement_is_pinned_within_its_range(lock: str, dev: bool) -> None:
    pins = _pins(lock)
    unlocked = [str(r) for r in _declared(dev=dev) if _name(r.name) not in pins]
    outside = [
        f"{r} (locked {pins[_name(r.name)]})"
        for r in _declared(dev=dev)
        if _name(r.name) in pins and pins[_name(r.name)] not in r.specifier
    ]
    assert (unlocked, outside) == ([], []), "run scripts/lock"


def test_every_pin_carries_a_hash_and_no_index_is_named() -> None:
    for lock in ("app.lock", "dev.lock"):
        text = (ROOT / "requirements" / lock).read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        assert blocks and all("--hash=sha256:" in block for block in blocks), lock
        assert not re.search(r"--(extra-)?index-url|--find-links|https?://", text), lock


def test_the_app_lock_pins_the_same_versions_as_the_dev_lock() -> None:
    app, dev = _pins("app.lock"), _pins("dev.lock")
    assert {
        name: (version, dev.get(name)) for name, version in app.items() if dev.get(name) != version
    } == {}
