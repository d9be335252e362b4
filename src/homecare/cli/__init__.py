"""The `homecare` command: demo, serve, database, users, rounds and returns.

Importing the package registers every command on `app`, the console script's entry point.
"""

from __future__ import annotations

from homecare import schema as _schema  # noqa: F401  (every table registered)
from homecare.cli import (  # noqa: F401  (their commands register on app)
    admin,
    caseload,
    contracts,
    cqc,
    db,
    demo,
    money,
    money_runs,
    privacy,
    roster,
)
from homecare.cli.app import app

__all__ = ["app"]
