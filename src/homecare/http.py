"""Per-request context: the store, the clock, and who is asking.

`RequestContext.transaction()` is how a route reaches the store: one unit of work per
request, with the actor resolved from the bearer token inside it. The context is core: it
knows no area. The composition root (`homecare.api.app`) puts the function that turns a
token into an actor on the app's state, so accounts can change without routes noticing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.clock import Clock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.errors import NotAuthenticated

bearer = HTTPBearer(auto_error=False, description="A token from `homecare users create`")

ActorResolver = Callable[[Session, str], Actor]
"""Turns a bearer token into the actor behind it, inside the request's unit of work."""


@dataclass
class RequestContext:
    engine: Engine
    clock: Clock
    settings: Settings
    token: str
    resolve_actor: ActorResolver

    def now(self) -> datetime:
        return self.clock.now()

    @contextmanager
    def transaction(self) -> Iterator[tuple[Session, Actor]]:
        with unit_of_work(self.engine) as session:
            yield session, self.resolve_actor(session, self.token)


def authenticated(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> RequestContext:
    """Every route but /health depends on this: no token, no access."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("send 'Authorization: Bearer <token>'")
    state = request.app.state
    return RequestContext(
        engine=state.engine,
        clock=state.clock,
        settings=state.settings,
        token=credentials.credentials,
        resolve_actor=state.resolve_actor,
    )
