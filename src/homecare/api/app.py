"""The HTTP API: FastAPI over the services, OpenAPI at /docs."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from homecare import __version__
from homecare.brokerage.routes import router as brokerage_router
from homecare.clock import Clock, SystemClock
from homecare.config import Settings, get_settings
from homecare.db import engine_for
from homecare.errors import DomainError
from homecare.market.routes import router as market_router
from homecare.packages.routes import router as packages_router
from homecare.people.routes import router as people_router
from homecare.workforce.routes import router as workforce_router

PUBLIC_PATHS = {"/health", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/redoc"}


async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    body: dict[str, object] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(status_code=exc.status, content=body, headers=headers)


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, clock: Clock | None = None
) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="homecare",
        version=__version__,
        description="Neighbourhood home care: zones, brokerage, packages and providers.",
    )
    app.state.settings = settings
    app.state.engine = engine or engine_for(settings.database_url)
    app.state.clock = clock or SystemClock()
    app.add_exception_handler(DomainError, domain_error)
    for router in (
        market_router,
        people_router,
        workforce_router,
        brokerage_router,
        packages_router,
    ):
        app.include_router(router)

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
