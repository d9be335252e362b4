"""The app as `homecare serve` runs it, built in each worker process from the environment.

Several worker processes cannot share one app object: uvicorn starts each from an import
string and calls `served_app` there. `homecare serve` names the store and the lapse
interval in the environment before it starts them, so every worker serves the same store.
"""

from __future__ import annotations

import os
from datetime import datetime

from fastapi import FastAPI

from homecare.api.app import create_app
from homecare.clock import ShiftedClock
from homecare.config import Settings

CLOCK_ENV = "HOMECARE_SERVE_CLOCK"
"""ISO date and time the served clock starts from (a demo's `--today`); unset: real time."""
LAPSE_EVERY_ENV = "HOMECARE_SERVE_LAPSE_EVERY_SECONDS"
"""Seconds between checks for lapsed offers in a served app; 0 or unset checks never."""


def served_app() -> FastAPI:
    """One worker's app: the store from HOMECARE_DATABASE_URL, lapsing as the serve asked."""
    lapse_every = float(os.environ.get(LAPSE_EVERY_ENV, "0") or 0)
    starts_at = os.environ.get(CLOCK_ENV)
    clock = ShiftedClock(datetime.fromisoformat(starts_at)) if starts_at else None
    return create_app(Settings(), clock=clock, lapse_every=lapse_every or None)  # read now
