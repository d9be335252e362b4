"""Per-request context: the store, the clock, and who is asking; and the input types
every route shares.

`RequestContext.transaction()` is how a route reaches the store: one unit of work per
request, with the actor resolved from the bearer token inside it. The context is core: it
knows no area. The composition root (`homecare.api.app`) puts the function that turns a
token into an actor on the app's state, so accounts can change without routes noticing.

Ids and dates come in through the shared types at the end: `PathId` for an id in a path
(out of range it is a record that is not there: 404, as a missing id), `RecordId` for an id
in a body or a query (out of range it is bad input: 422 naming the field), and
`WrittenDate` for a date, which must be written YYYY-MM-DD. A parameter that needs a
description says it inside the type, `Annotated[WrittenDate, Query(description=...)]`, or
is optional, `WrittenDate | None = Query(...)`: FastAPI drops a type's own checks when a
bare `Query(...)` or `Path(...)` is its default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from homecare.access import Actor
from homecare.clock import Clock
from homecare.config import Settings
from homecare.db import unit_of_work
from homecare.errors import NotAuthenticated, NotFound

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


# --- the input types every route shares ---------------------------------------------------

MAX_ID = 2**63 - 1
"""The largest id either store can hold (a signed 64-bit integer): no record has a larger."""

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a request body or query: out of range, it is refused as bad input (422)."""


def _id_in_range(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"id {value} not found")
    return value


IdInPath = Annotated[int, AfterValidator(_id_in_range)]
"""An id in a path: out of range, no record has it, so it is not found (404), as a missing
id is; not a whole number, it is bad input (422). The store is never asked."""


def path_id(alias: str | None = None) -> Any:
    """The path parameter of an `IdInPath`, its range shown in the OpenAPI document."""
    return Path(alias=alias, json_schema_extra={"minimum": 1, "maximum": MAX_ID})


PathId = Annotated[IdInPath, path_id()]
"""`IdInPath` as a route's path parameter of the same name."""

FIRST_YEAR = 1900
LAST_YEAR = 2200
_WRITTEN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_date(value: object) -> date:
    """A date as written, "YYYY-MM-DD", or a date from Python; never a number (which
    pydantic would read as seconds since 1970) nor a time of day. Refused as pydantic's
    own `date_parsing`, so it reads as any other date that could not be read."""
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _WRITTEN_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_parsing", "Input should be a real date, written YYYY-MM-DD like 2026-10-05"
            ) from None
    else:
        raise PydanticCustomError(
            "date_parsing", "Input should be a date written YYYY-MM-DD, like 2026-10-05"
        )
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_out_of_range", f"The year must be from {FIRST_YEAR} to {LAST_YEAR}"
        )
    return day


WrittenDate = Annotated[date, BeforeValidator(_written_date)]
"""A date in a request body, query or path: "YYYY-MM-DD" text only, years 1900 to 2200;
anything else is refused as bad input (422 naming the field)."""


def _written_moment(value: object) -> object:
    """A moment must come as written text (ISO 8601 with its offset) or a Python datetime;
    a bare number would otherwise be read as seconds since 1970."""
    if isinstance(value, datetime | str):
        return value
    raise PydanticCustomError(
        "datetime_parsing",
        "Input should be a date and time written like 2026-10-05T09:30:00+01:00",
    )


WrittenMoment = Annotated[AwareDatetime, BeforeValidator(_written_moment)]
"""A date and time in a request body: ISO 8601 text with its offset, never a number."""
