"""The web application: server-rendered pages in the GOV.UK Design System's patterns.

Pages build no queries of their own: they call the areas' repository reads (built on the
`readable_*` statements) and service actions, as the HTTP API does, with the actor of the
signed-in web session, so a page can never show more than the API would. The
front-end libraries are served from `static/vendor/`, which `scripts/build-assets` fills
from npm; without them the pages still work, unstyled.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.staticfiles import StaticFiles

from homecare.web import auth, oidc
from homecare.web.render import STATIC
from homecare.web.routes import ROUTERS

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
router.include_router(oidc.router)
for _pages in ROUTERS:
    router.include_router(_pages)


def static_files() -> StaticFiles:
    """The pages' own CSS and script and the built libraries, for mounting at /assets."""
    return StaticFiles(directory=STATIC, check_dir=False)


__all__ = ["router", "static_files"]
