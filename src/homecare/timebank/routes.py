"""HTTP routes for time-bank."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["time-bank"])
