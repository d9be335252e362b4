"""The provider manager's day: rounds on a map and as a timeline, re-optimising, care workers
and the monitoring returns to download."""

from __future__ import annotations

from fastapi import APIRouter

from homecare.web.render import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
