"""Cross-site request forgery: every form carries a token that another site cannot know.

A signed-in browser's token belongs to its server-side session and goes in each form as
the hidden field `csrf_token` (HTMX sends it as the `X-CSRF-Token` header). The sign-in
forms, which come before any session, use a pre-session cookie holding a random nonce and
a form token that is the server's HMAC of that nonce: equal cookie and field are not
enough, so nobody without the server's secret can mint a pair it accepts. A POST whose
token is missing or wrong is refused with 403 before anything is read or written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from fastapi import Request
from starlette.datastructures import FormData

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SIGN_IN_COOKIE = "__Host-homecare_sign_in"
"""Holds the pre-session nonce the sign-in forms' tokens are bound to."""
PRE_SESSION_LIFETIME = 12 * 3600
"""Seconds a pre-session nonce stays good: a sign-in form left open overnight is refused."""


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


def new_nonce(now: float | None = None) -> str:
    """A pre-session cookie value: when it was made, and 32 random bytes."""
    issued = int(time.time() if now is None else now)
    return f"{issued}.{secrets.token_urlsafe(32)}"


def signed_token(secret: bytes, nonce: str) -> str:
    """The form token for a pre-session nonce: only the server can compute it."""
    return hmac.new(secret, f"sign-in-form\0{nonce}".encode(), hashlib.sha256).hexdigest()


def live_nonce(nonce: str | None, now: float | None = None) -> str | None:
    """The cookie's nonce if it is well formed and recent, else None (a new one is made)."""
    if not nonce:
        return None
    issued, _, rest = nonce.partition(".")
    if not issued.isdigit() or len(rest) < 32:
        return None
    age = (time.time() if now is None else now) - int(issued)
    return nonce if 0 <= age <= PRE_SESSION_LIFETIME else None


def check_pre_session(request: Request, form: FormData, secret: bytes) -> str:
    """Refuses a sign-in form whose token is not the server's HMAC of the cookie's nonce."""
    nonce = live_nonce(request.cookies.get(SIGN_IN_COOKIE))
    check(request, form, signed_token(secret, nonce) if nonce else None)
    assert nonce is not None
    return nonce
