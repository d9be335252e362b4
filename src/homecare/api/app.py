"""The HTTP API: FastAPI over the services, OpenAPI at /docs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from homecare import __version__
from homecare import schema as _schema  # noqa: F401  (every table registered)
from homecare.access import SYSTEM_ACTOR
from homecare.accounts.routes import router as accounts_router
from homecare.accounts.server_secret import server_secret
from homecare.accounts.service import actor_for_token
from homecare.brokerage.routes import router as brokerage_router
from homecare.brokerage.service import lapse_overdue_offers
from homecare.caseload.ending import finish_due_ends
from homecare.caseload.routes import router as caseload_router
from homecare.changes.routes import router as changes_router
from homecare.cld.routes import router as cld_router
from homecare.clock import Clock, SystemClock
from homecare.community.routes import router as community_router
from homecare.config import Settings, get_settings
from homecare.db import engine_for, unit_of_work
from homecare.delivery.live_routes import router as live_router
from homecare.delivery.routes import router as delivery_router
from homecare.errors import DomainError
from homecare.hospital.routes import router as hospital_router
from homecare.market.contract_routes import router as contract_router
from homecare.market.contracts import apply_due_versions
from homecare.market.rating_routes import router as ratings_router
from homecare.market.routes import router as market_router
from homecare.money.budget_routes import direct_payments_router
from homecare.money.budget_routes import router as budget_router
from homecare.money.routes import router as money_router
from homecare.money.runs_routes import router as payment_runs_router
from homecare.monitoring.routes import router as monitoring_router
from homecare.packages.routes import router as packages_router
from homecare.people.routes import router as people_router
from homecare.privacy.routes import router as privacy_router
from homecare.problems import declare_refusals, problem, validation_problem
from homecare.quality.routes import router as quality_router
from homecare.returns.routes import router as returns_router
from homecare.reviews.routes import router as reviews_router
from homecare.rounds.routes import router as rounds_router
from homecare.timebank.routes import router as timebank_router
from homecare.web import router as web_router
from homecare.web import static_files
from homecare.web.headers import SecurityHeaders
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


LAPSE_LOCK_KEY = 7_361_004
"""The PostgreSQL advisory lock that lets one server process at a time lapse offers."""


def _lapse_once(app: FastAPI) -> None:
    """Lapses overdue offers, ends packages past their last day of care and applies
    contract changes whose day has come; where several
    processes serve one PostgreSQL store, the one that takes the lock does it and the
    others skip this turn, so nothing lapses twice.
    (On SQLite every transaction takes the write lock first, which orders them already.)"""
    with unit_of_work(app.state.engine) as session:
        if session.get_bind().dialect.name == "postgresql" and not session.scalar(
            select(func.pg_try_advisory_xact_lock(LAPSE_LOCK_KEY))
        ):
            return
        lapse_overdue_offers(
            session, actor=SYSTEM_ACTOR, at=app.state.clock.now(), settings=app.state.settings
        )
        finish_due_ends(session, at=app.state.clock.now())
        apply_due_versions(session, actor=SYSTEM_ACTOR, at=app.state.clock.now())


async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        headers = {"Retry-After": str(retry_after)}
    return JSONResponse(
        status_code=exc.status, content=problem(exc.message, exc.field or None), headers=headers
    )


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """The validator's findings in the one refusal shape, in plain words, naming the input.

    The input itself is never echoed back, so a NaN, an infinity or bytes that are not text
    cannot make the answer unserialisable."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(status_code=422, content=validation_problem(exc.errors()))


async def http_error(_request: Request, exc: Exception) -> Response:
    """The framework's own refusals (no such address, method not allowed) in the same shape."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code < 400 or exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=exc.headers)
    detail = exc.detail if isinstance(exc.detail, str) else "the request was refused"
    if exc.status_code == 400:  # a body the framework could not even parse: malformed input
        return JSONResponse(status_code=422, content=problem("the request body could not be read"))
    if exc.status_code == 404 and detail == "Not Found":
        detail = "there is nothing at this address"
    elif exc.status_code == 405 and detail == "Method Not Allowed":
        detail = "this address does not take that method"
    return JSONResponse(status_code=exc.status_code, content=problem(detail), headers=exc.headers)


async def integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    """Two requests raced for the same unique value; the loser is told, not crashed."""
    return JSONResponse(
        status_code=409,
        content=problem("this conflicts with a record saved at the same moment; try again"),
    )


async def value_out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    """A number too large for the store got past the input types: bad input, not a crash."""
    return JSONResponse(
        status_code=422,
        content=problem("a number in the request is larger than the store can hold"),
    )


def _publish_refusals(app: FastAPI) -> None:
    """The document declares every refusal an operation may answer, with the one shape."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = declare_refusals(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


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
    app.state.secret = server_secret(settings, app.state.engine, configured_store=engine is None)
    app.add_middleware(SecurityHeaders, https=settings.https)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    for too_large in (OverflowError, DataError):  # a number past what the store can hold
        app.add_exception_handler(too_large, value_out_of_range)
    app.add_exception_handler(StarletteHTTPException, http_error)
    _publish_refusals(app)
    for router in (
        market_router,
        ratings_router,
        contract_router,
        money_router,
        budget_router,
        direct_payments_router,
        payment_runs_router,
        people_router,
        workforce_router,
        brokerage_router,
        packages_router,
        caseload_router,
        rounds_router,
        delivery_router,
        live_router,
        timebank_router,
        community_router,
        hospital_router,
        changes_router,
        reviews_router,
        quality_router,
        cld_router,
        monitoring_router,
        returns_router,
        privacy_router,
        accounts_router,
    ):
        app.include_router(router)
    app.include_router(web_router)
    app.mount("/assets", static_files(), name="assets")

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
