"""The person's or family's page: the plan and its outcomes, coming visits, the time bank,
consent requests and the outcomes rating."""

from __future__ import annotations

from fastapi import APIRouter

from homecare.web.render import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
