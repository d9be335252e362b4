"""One shape for every refusal the API answers, and the OpenAPI document that says so.

A client generated from the published document must be right about refusals too: a domain
refusal, a malformed request and a lost race all answer a `Problem`, and every operation
declares each status it may answer with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field


class ProblemItem(BaseModel):
    """One thing wrong with the request."""

    field: str | None = Field(description="The input at fault, or null for the whole request")
    message: str = Field(description="What is wrong, in plain words")


class Problem(BaseModel):
    """Why the request was refused: a sentence to show, the input at fault, every problem."""

    detail: str = Field(description="A plain sentence saying why the request was refused")
    field: str | None = Field(description="The first input at fault, or null")
    errors: list[ProblemItem] = Field(description="Every problem found, the first one first")


def problem(detail: str, field: str | None = None) -> dict[str, Any]:
    """The body of a refusal with a single cause."""
    return {"detail": detail, "field": field, "errors": [{"field": field, "message": detail}]}


# ---- validation errors in plain words ----------------------------------------------------

_LOCATIONS = {"body", "query", "path", "header", "cookie"}
_TAG = re.compile(r"[\[\]\-(),]")  # validator and union tags, like `function-after[...]`

_PHRASES: dict[str, str] = {
    "missing": "is required",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing_size": "is too large",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "decimal_parsing": "must be a number",
    "decimal_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "date_parsing": "must be a date like 2026-10-05",
    "date_type": "must be a date like 2026-10-05",
    "date_from_datetime_parsing": "must be a date like 2026-10-05",
    "date_from_datetime_inexact": "must be a date like 2026-10-05, without a time",
    "datetime_parsing": "must be a date and time like 2026-10-05T09:00:00Z",
    "datetime_type": "must be a date and time like 2026-10-05T09:00:00Z",
    "datetime_from_date_parsing": "must be a date and time like 2026-10-05T09:00:00Z",
    "datetime_object_invalid": "must be a real date and time",
    "timezone_aware": "must give a time zone, like 2026-10-05T09:00:00Z",
    "timezone_naive": "must not give a time zone",
    "time_parsing": "must be a time like 09:30",
    "time_type": "must be a time like 09:30",
    "time_delta_parsing": "must be a duration",
    "string_type": "must be text",
    "string_unicode": "must be text",
    "string_pattern_mismatch": "is not in the expected format",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "extra_forbidden": "is not an accepted input",
    "uuid_parsing": "must be an identifier",
    "uuid_type": "must be an identifier",
    "json_invalid": "is not valid JSON",
    "json_type": "is not valid JSON",
    "none_required": "must be empty",
    "url_parsing": "must be a web address",
    "url_type": "must be a web address",
}

_BOUNDS: dict[str, str] = {
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "multiple_of": "must be a multiple of {multiple_of}",
    "string_too_short": "must be at least {min_length} characters long",
    "string_too_long": "must be at most {max_length} characters long",
    "too_short": "must have at least {min_length} items",
    "too_long": "must have at most {max_length} items",
    "enum": "must be one of {expected}",
    "literal_error": "must be one of {expected}",
    "date_past": "must be in the past",
    "date_future": "must be in the future",
    "datetime_past": "must be in the past",
    "datetime_future": "must be in the future",
}


_WHOLE_BODY = {"json_invalid", "json_type"}
"""Errors about the body as a whole, whose `loc` points at a character, not an input."""


def field_name(loc: Sequence[Any], kind: str = "") -> str | None:
    """The input a validation error is about, named as domain refusals name it:
    `visits.0.minutes`."""
    if kind in _WHOLE_BODY:
        return None
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    names: list[str] = []
    for part in parts:
        if isinstance(part, int) or (isinstance(part, str) and part and not _TAG.search(part)):
            names.append(str(part))
    return ".".join(names) or None


def _text(value: Any) -> str:
    """A constraint's bound as text; never NaN or infinity in JSON."""
    return str(value)


def plain_message(error: Mapping[str, Any]) -> str:
    """A validation error as a sentence a user can act on, without the validator's jargon."""
    kind = str(error.get("type", ""))
    field = field_name(error.get("loc", ()), kind)
    where = "body" if not field and tuple(error.get("loc", ()))[:1] == ("body",) else None
    subject = field or ("the request body" if where else "the request")
    if kind in _PHRASES:
        if kind == "missing" and not field and where:
            return "send a JSON body"
        return f"{subject} {_PHRASES[kind]}"
    if kind in _BOUNDS:
        context = {key: _text(value) for key, value in (error.get("ctx") or {}).items()}
        try:
            return f"{subject} {_BOUNDS[kind].format(**context)}"
        except (KeyError, IndexError):
            pass
    message = str(error.get("msg", "is not valid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind in {"value_error", "assertion_error"}:
        return message
    return f"{subject}: {message[:1].lower()}{message[1:]}"


def validation_problem(errors: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A request that did not validate, as a `Problem` naming the first input at fault."""
    items = [
        ProblemItem(
            field=field_name(e.get("loc", ()), str(e.get("type", ""))), message=plain_message(e)
        )
        for e in errors
    ]
    if not items:
        items = [ProblemItem(field=None, message="the request is not valid")]
    detail = items[0].message
    if len(items) > 1:
        more = len(items) - 1
        detail += f" (and {more} more problem{'s' if more > 1 else ''}: see errors)"
    return Problem(detail=detail, field=items[0].field, errors=items).model_dump()


# ---- the published document ------------------------------------------------------------

REFUSALS: dict[int, str] = {
    401: "No valid bearer token: send `Authorization: Bearer <token>`",
    403: "The caller's role may not do this",
    404: "Not found, or not the caller's to see: the two are never told apart",
    409: "The records' state forbids this, or another request changed them first",
    422: "The request is malformed, or names something that cannot be used",
    429: "Too many failed attempts: wait the `Retry-After` seconds before trying again",
}
"""Every status a refusal may carry, and what it means. Only signing in is throttled (429),
and the API takes bearer tokens and has no sign-in, so no operation declares 429."""
_WRITES = {"post", "put", "patch", "delete"}
_METHODS = _WRITES | {"get", "head", "options", "trace"}
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
_REF = "#/components/schemas/Problem"


def refusal_statuses(method: str, operation: Mapping[str, Any]) -> list[int]:
    """The refusals an operation may answer: every caller can be refused for its token and
    role, any path or body can name what is not there, and any write can meet a conflict."""
    statuses: list[int] = []
    secured = bool(operation.get("security"))
    has_input = bool(operation.get("parameters")) or "requestBody" in operation
    if secured:
        statuses += [401, 403, 404]
    if method in _WRITES:
        statuses.append(409)
    if has_input or method in _WRITES:
        statuses.append(422)
    return statuses


def _refusal(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": REFUSALS[status],
        "content": {"application/json": {"schema": {"$ref": _REF}}},
    }
    if status == 401:
        answer["headers"] = {
            "WWW-Authenticate": {
                "description": "How to authenticate: `Bearer`",
                "required": True,
                "schema": {"type": "string"},
            }
        }
    return answer


def declare_refusals(document: dict[str, Any]) -> dict[str, Any]:
    """Every operation's refusals, answered with the one `Problem` schema, put in the
    document in place of FastAPI's own validation error, which this API never answers."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            statuses = set(refusal_statuses(method, operation))
            if "422" in responses:
                statuses.add(422)
            for status in sorted(statuses):
                responses[str(status)] = _refusal(status)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    definitions = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(definitions.pop("$defs", {}))
    schemas["Problem"] = definitions
    return document
