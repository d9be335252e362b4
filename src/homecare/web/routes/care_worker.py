"""The care worker's phone page: today's round in order, check in and check out, notes."""

from __future__ import annotations

from fastapi import APIRouter

from homecare.web.render import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
