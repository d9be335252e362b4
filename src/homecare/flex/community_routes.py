"""HTTP routes for community-hours."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["community-hours"])
