"""The app as `homecare serve` runs it, built in each worker process from the environment.

Several worker processes cannot share one app object: uvicorn starts each from an import
string and calls `served_app` there. `homecare serve` names the store and the lapse
interval in the environment before it starts them, so every worker serves the same store.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from homecare.api.app import create_app
from homecare.config import Settings

LAPSE_EVERY_ENV = "HOMECARE_SERVE_LAPSE_EVERY_SECONDS"
"""Seconds between checks for lapsed offers in a served app; 0 or unset checks never."""


def served_app() -> FastAPI:
    """One worker's app: the store from HOMECARE_DATABASE_URL, lapsing as the serve asked."""
    lapse_every = float(os.environ.get(LAPSE_EVERY_ENV, "0") or 0)
    return create_app(Settings(), lapse_every=lapse_every or None)  # read now, not cached
