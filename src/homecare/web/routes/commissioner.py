"""The commissioner's pages: KPIs against targets with their trend, spend, zones on a map,
providers and contracts."""

from __future__ import annotations

from fastapi import APIRouter

from homecare.web.render import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
