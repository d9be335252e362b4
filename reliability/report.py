"""Figures out of the batteries: a table on the terminal and one JSON file they all share.

Several batteries write into the file named by HOMECARE_RELIABILITY_REPORT, each under its
own key, so each one reads the file, replaces its key and writes it back whole.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPORT_ENV = "HOMECARE_RELIABILITY_REPORT"


def merge_into_report(key: str, figures: Any, path: str | None = None) -> Path | None:
    """Puts `figures` under `key` in the shared report, keeping other batteries' keys."""
    target = path or os.environ.get(REPORT_ENV)
    if not target:
        return None
    file = Path(target)
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{file}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current: dict[str, Any] = {}
        if file.exists() and file.stat().st_size:
            current = json.loads(file.read_text())
        current[key] = figures
        fd, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
        with os.fdopen(fd, "w") as out:
            json.dump(current, out, indent=2, sort_keys=True, default=str)
            out.write("\n")
        os.replace(temporary, file)
    return file


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain aligned table: numbers to the right, words to the left."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join(
        [line(list(headers)), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
