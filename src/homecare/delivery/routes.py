"""HTTP routes for delivery."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["delivery"])
