"""Cross-site request forgery: every form carries a token that another site cannot know.

A signed-in browser's token belongs to its server-side session and goes in each form as
the hidden field `csrf_token` (HTMX sends it as the `X-CSRF-Token` header). The sign-in
form, which comes before any session, uses a double-submit cookie instead. A POST whose
token is missing or wrong is refused with 403 before anything is read or written.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.datastructures import FormData

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SIGN_IN_COOKIE = "homecare_sign_in"
"""Holds the sign-in form's token until a session exists."""


class CsrfRejected(Exception):
    """The form's token is missing or does not match: nothing may be done."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def submitted(request: Request, form: FormData) -> str | None:
    value = form.get(FIELD)
    if isinstance(value, str) and value:
        return value
    return request.headers.get(HEADER) or None


def check(request: Request, form: FormData, expected: str | None) -> None:
    token = submitted(request, form)
    if not token or not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise CsrfRejected("the form's security token is missing or wrong")
