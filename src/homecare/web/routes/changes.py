"""The social worker's queue of provider-led changes due for approval, with their net impact;
approve, amend or reverse."""

from __future__ import annotations

from fastapi import APIRouter

from homecare.web.render import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
