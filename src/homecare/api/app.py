"""The HTTP API: FastAPI over the services, OpenAPI at /docs."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from homecare import __version__
from homecare import schema as _schema  # noqa: F401  (every table registered)
from homecare.access import SYSTEM_ACTOR
from homecare.accounts.service import actor_for_token
from homecare.brokerage.routes import router as brokerage_router
from homecare.brokerage.service import lapse_overdue_offers
from homecare.changes.routes import router as changes_router
from homecare.cld.routes import router as cld_router
from homecare.clock import Clock, SystemClock
from homecare.community.routes import router as community_router
from homecare.config import Settings, get_settings
from homecare.db import engine_for, unit_of_work
from homecare.delivery.routes import router as delivery_router
from homecare.errors import DomainError
from homecare.hospital.routes import router as hospital_router
from homecare.market.routes import router as market_router
from homecare.monitoring.routes import router as monitoring_router
from homecare.packages.routes import router as packages_router
from homecare.people.routes import router as people_router
from homecare.quality.routes import router as quality_router
from homecare.returns.routes import router as returns_router
from homecare.reviews.routes import router as reviews_router
from homecare.rounds.routes import router as rounds_router
from homecare.timebank.routes import router as timebank_router
from homecare.web import router as web_router
from homecare.web import static_files
from homecare.workforce.routes import router as workforce_router


def _lapse_offers_periodically(
    seconds: float,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Unanswered offers must move on even when nobody is using the API."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                await asyncio.sleep(seconds)
                await asyncio.to_thread(_lapse_once, app)

        task = asyncio.create_task(loop())
        try:
            yield
        finally:
            task.cancel()

    return lifespan


def _lapse_once(app: FastAPI) -> None:
    with unit_of_work(app.state.engine) as session:
        lapse_overdue_offers(
            session, actor=SYSTEM_ACTOR, at=app.state.clock.now(), settings=app.state.settings
        )


async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    body: dict[str, object] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(status_code=exc.status, content=body, headers=headers)


def _finite(value: Any) -> Any:
    """JSON has no NaN or Infinity: echo such inputs back as text, not as a crash."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        status_code=422, content={"detail": jsonable_encoder(_finite(list(exc.errors())))}
    )


async def integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    """Two requests raced for the same unique value; the loser is told, not crashed."""
    return JSONResponse(
        status_code=409,
        content={"detail": "this conflicts with a record saved at the same moment; try again"},
    )


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    lapse_every: float | None = None,
) -> FastAPI:
    """The app; with `lapse_every` seconds set, it also lapses overdue offers as time passes."""
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lapse_offers_periodically(lapse_every) if lapse_every else None,
        title="homecare",
        version=__version__,
        description="Neighbourhood home care: zones, brokerage, packages and providers.",
    )
    app.state.settings = settings
    app.state.engine = engine or engine_for(settings.database_url)
    app.state.clock = clock or SystemClock()
    app.state.resolve_actor = actor_for_token
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    for router in (
        market_router,
        people_router,
        workforce_router,
        brokerage_router,
        packages_router,
        rounds_router,
        delivery_router,
        timebank_router,
        community_router,
        hospital_router,
        changes_router,
        reviews_router,
        quality_router,
        cld_router,
        monitoring_router,
        returns_router,
    ):
        app.include_router(router)
    app.include_router(web_router)
    app.mount("/assets", static_files(), name="assets")

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
