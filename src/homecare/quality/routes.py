"""HTTP routes for the quality records behind the monitoring return (000 Appendix 2).

Each kind in `homecare.quality.registry` has `POST /quality/<segment>` (the provider
records), `GET /quality/<segment>` (the provider its own, the council those of providers it
contracts with, filtered by `from`, `to` and `provider_id`) and `GET /quality/<segment>/{id}`;
complaints also close. The three routes are made once, here, for every kind; each keeps its
kind's names, so the OpenAPI operations and the id in the path read as the kind's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from homecare.http import (
    IdInPath,
    PathId,
    RecordId,
    RequestContext,
    WrittenDate,
    authenticated,
    path_id,
)
from homecare.quality import repository, service
from homecare.quality.registry import COMPLAINTS, KINDS, Kind
from homecare.quality.schemas import ComplaintClose, ComplaintRead
from homecare.quality.tables import Complaint

router = APIRouter(prefix="/quality", tags=["quality"])


@dataclass(frozen=True)
class Filters:
    date_from: date | None
    date_to: date | None
    provider_id: int | None


def filters(
    date_from: WrittenDate | None = Query(default=None, alias="from", description="On or after"),
    date_to: WrittenDate | None = Query(default=None, alias="to", description="On or before"),
    provider_id: RecordId | None = Query(
        default=None, description="For the council: one contracted provider's records"
    ),
) -> Filters:
    """A record is listed when any day it covers falls in the period."""
    return Filters(date_from=date_from, date_to=date_to, provider_id=provider_id)


def _creator(kind: Kind[Any]) -> Callable[..., Any]:
    """`POST /quality/<segment>`, taking the kind's create shape."""

    def create(body: BaseModel, ctx: RequestContext = Depends(authenticated)) -> Any:
        with ctx.transaction() as (session, actor):
            row = service.record(session, kind, actor=actor, at=ctx.now(), **body.model_dump())
            return kind.show(row)

    create.__annotations__["body"] = kind.create  # FastAPI reads the body model from here
    return create


def _lister(kind: Kind[Any]) -> Callable[..., Any]:
    """`GET /quality/<segment>`, filtered by period and provider."""

    def list_all(
        by: Filters = Depends(filters), ctx: RequestContext = Depends(authenticated)
    ) -> list[Any]:
        with ctx.transaction() as (session, actor):
            rows = repository.list_records(
                session,
                kind,
                actor=actor,
                date_from=by.date_from,
                date_to=by.date_to,
                provider_id=by.provider_id,
            )
            return [kind.show(row) for row in rows]

    return list_all


def _getter(kind: Kind[Any]) -> Callable[..., Any]:
    """`GET /quality/<segment>/{<id_name>}`."""

    def get_one(record_id: int, ctx: RequestContext = Depends(authenticated)) -> Any:
        with ctx.transaction() as (session, actor):
            row = repository.get_record(session, kind, actor=actor, record_id=record_id)
            return kind.show(row)

    # The id keeps the kind's name in the path, and its range (FastAPI reads both from here)
    get_one.__annotations__["record_id"] = Annotated[IdInPath, path_id(kind.id_name)]
    return get_one


def close_complaint(
    complaint_id: PathId, body: ComplaintClose, ctx: RequestContext = Depends(authenticated)
) -> Complaint:
    with ctx.transaction() as (session, actor):
        return service.close_complaint(
            session,
            actor=actor,
            at=ctx.now(),
            complaint_id=complaint_id,
            closed_on=body.closed_on,
            upheld=body.upheld,
        )


for _kind in KINDS:
    _path = f"/{_kind.segment}"
    router.add_api_route(
        _path,
        _creator(_kind),
        methods=["POST"],
        response_model=_kind.read,
        status_code=201,
        name=f"create_{_kind.one}",
    )
    if _kind is COMPLAINTS:
        router.add_api_route(
            "/complaints/{complaint_id}/close",
            close_complaint,
            methods=["POST"],
            response_model=ComplaintRead,
        )
    router.add_api_route(
        _path,
        _lister(_kind),
        methods=["GET"],
        response_model=list[_kind.read],  # type: ignore[name-defined]  # a type made at runtime
        name=f"list_{_kind.many}",
    )
    router.add_api_route(
        f"{_path}/{{{_kind.id_name}}}",
        _getter(_kind),
        methods=["GET"],
        response_model=_kind.read,
        name=f"get_{_kind.one}",
    )
